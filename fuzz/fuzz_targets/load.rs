//! Fuzz target: the loader on an arbitrary tree in memory (`MemBackend`): a root
//! file and other files of fuzzed bytes at fixed paths, symlinks among them
//! (loops, cycles, links to directories), a FIFO, and `-D` defines. It must
//! not panic, must finish (run with `-timeout`), and every span of the loaded
//! configuration must lie inside its file.

#![no_main]

#[path = "../../tests/support/config_spans.rs"]
mod config_spans;

use std::sync::Arc;

use apachelint::load::provider::MemBackend;
use apachelint::load::vfs::Vfs;
use apachelint::load::{LoadOptions, Profile, load};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

const ETC: &str = "/etc/apache2";

/// Paths a file or link may take, relative to `/etc/apache2`.
const NAMES: [&str; 10] = [
    "a.conf",
    "b.conf",
    "conf.d/c.conf",
    "conf.d/d.conf",
    "sites/x/e.conf",
    "loop",
    "up",
    "conf.d/self.conf",
    "cycle.conf",
    "fifo.conf",
];

/// Link targets: relative, absolute, up the tree, dangling.
const TARGETS: [&str; 8] = [
    ".",
    "..",
    "apache2.conf",
    "a.conf",
    "cycle.conf",
    "self.conf",
    "/etc/apache2/conf.d",
    "nowhere.conf",
];

const DEFINES: [&str; 3] = ["X", "SSL", "FOO"];

#[derive(Arbitrary, Debug)]
enum Entry {
    File(Vec<u8>),
    Link(u8),
    Fifo,
}

#[derive(Arbitrary, Debug)]
struct Tree {
    root: Vec<u8>,
    entries: Vec<(u8, Entry)>,
    defines: Vec<u8>,
}

fn pick<T: Copy>(items: &[T], index: u8) -> T {
    items[usize::from(index) % items.len()]
}

fuzz_target!(|tree: Tree| {
    let mut mem = MemBackend::new().file(format!("{ETC}/apache2.conf"), &tree.root);
    for (name, entry) in &tree.entries {
        let path = format!("{ETC}/{}", pick(&NAMES, *name));
        mem = match entry {
            Entry::File(bytes) => mem.file(path, bytes),
            Entry::Link(target) => mem.symlink(path, pick(&TARGETS, *target)),
            Entry::Fifo => mem.special(path),
        };
    }
    let mut profile = Profile::debian();
    profile.defines = tree
        .defines
        .iter()
        .map(|d| pick(&DEFINES, *d).to_string())
        .collect();
    let config = load(
        &Vfs::direct(Arc::new(mem)),
        &LoadOptions {
            profile,
            root_file: format!("{ETC}/apache2.conf").into(),
            server_root: Some(ETC.into()),
            pre_directives: Vec::new(),
            post_directives: Vec::new(),
        },
    );
    let problems = config_spans::config_out_of_bounds(&config);
    assert!(problems.is_empty(), "{problems:?}");
});
