//! Parse throughput (`syntax::parse`, MB/s of configuration text):
//! - `corpus`: every file of the shared corpus, each parsed on its own;
//! - `gen_large_1000/files`: every file httpd reads in a 1,000-site tree from
//!   `shared/perf/gen_large.py`, each parsed on its own;
//! - `gen_large_1000/single_file`: the same configuration inlined into one file
//!   (`--single-file`).
//!
//! Without `../shared` (or python3 for the generator), the affected benchmarks
//! are skipped with the reason printed. Run: `cargo bench --bench parse`.

mod support;

use std::hint::black_box;
use std::path::{Path, PathBuf};

use apachelint::syntax::{ParseOptions, parse};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Parses each input on its own; the number of errors keeps the work alive.
fn parse_all(inputs: &[Vec<u8>], options: &ParseOptions) -> usize {
    inputs
        .iter()
        .map(|src| parse(black_box(src), options).errors.len())
        .sum()
}

fn bench_inputs(c: &mut Criterion, group: &str, name: &str, inputs: &[Vec<u8>]) {
    let bytes: usize = inputs.iter().map(Vec::len).sum();
    let options = ParseOptions::main_config();
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(name, |b| b.iter(|| parse_all(inputs, &options)));
    group.finish();
}

/// Every file of the corpus, in path order.
fn corpus_files(shared: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(shared.join("corpus"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

fn corpus(c: &mut Criterion) {
    let Some(shared) = support::shared_dir("corpus parse benchmark") else {
        return;
    };
    let files = corpus_files(&shared);
    bench_inputs(c, "corpus", &format!("{}_files", files.len()), &files);
}

fn gen_large_1000(c: &mut Criterion) {
    let Some(shared) = support::shared_dir("1,000-site parse benchmark") else {
        return;
    };
    if let Some(tree) = support::generated_tree(&shared, 1000, false) {
        let config = support::load_tree(&tree);
        let files: Vec<Vec<u8>> = config
            .sources
            .iter()
            .map(|(_, f)| f.text.to_vec())
            .collect();
        bench_inputs(c, "gen_large_1000", "files", &files);
    }
    if let Some(tree) = support::generated_tree(&shared, 1000, true) {
        let text = std::fs::read(&tree.root_file).expect("the single file was generated");
        bench_inputs(c, "gen_large_1000", "single_file", &[text]);
    }
}

criterion_group!(benches, corpus, gen_large_1000);
criterion_main!(benches);
