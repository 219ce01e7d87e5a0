//! Full-load time (`load::load` from disk: includes, variables, conditionals,
//! macros, every file read and parsed) of 1,000- and 10,000-site trees from
//! `shared/perf/gen_large.py`, with throughput in MB/s of configuration read.
//!
//! Without `../shared` (or python3 for the generator), the benchmarks are
//! skipped with the reason printed. Run: `cargo bench --bench load`.

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn gen_large(c: &mut Criterion) {
    let Some(shared) = support::shared_dir("load benchmark") else {
        return;
    };
    let mut group = c.benchmark_group("load_gen_large");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for vhosts in [1000, 10_000] {
        let Some(tree) = support::generated_tree(&shared, vhosts, false) else {
            continue;
        };
        let config = support::load_tree(&tree);
        let bytes: usize = config.sources.iter().map(|(_, f)| f.text.len()).sum();
        assert!(
            config.is_complete(),
            "the {vhosts}-site tree loads completely"
        );
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format!("{vhosts}_sites"), |b| {
            b.iter(|| black_box(support::load_tree(&tree)).nodes.len())
        });
    }
    group.finish();
}

criterion_group!(benches, gen_large);
criterion_main!(benches);
