//! Property tests of the parser's and the loader's promises: for any input they
//! return (no panic, no hang), every span they produce lies inside the file it
//! points into with `start <= end`, and the same input gives the same result.
//!
//! Inputs: random bytes; random configuration-like text (directive names,
//! section tags, quotes, backslash continuations, `#`, CR, LF, NUL, lines
//! around httpd's length limits); random insertions, deletions, bit flips and
//! splices of real files (the grammar fixtures, and the shared corpus when it is
//! present); and for the loader, random multi-file trees in memory with
//! Include/IncludeOptional globs, self-includes, symlink loops, Define and
//! `${VAR}`, the conditional sections, and Macro/Use. The checker (every rule,
//! the semantic diff and the change rules) runs on mutated real files against
//! the unmutated file as the known-good side: no panic, every finding inside
//! the file it points into.
//!
//! Case counts are small and the seed fixed by default, so the file runs the
//! same cases in a few seconds in debug builds; `PROPTEST_CASES=N` raises every
//! count to N and `PROPTEST_RNG_SEED=S` picks other cases.

#[path = "support/config_spans.rs"]
mod config_spans;
#[path = "support/parse_spans.rs"]
mod parse_spans;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use apachelint::load::provider::MemBackend;
use apachelint::load::tree::Config;
use apachelint::load::vfs::Vfs;
use apachelint::load::{LoadOptions, load, render};
use apachelint::syntax::{self, ParseOptions};
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};
use proptest::test_runner::RngSeed;

/// `default_cases` cases from a fixed seed, so that a plain `cargo test` runs
/// the same cases every time; `PROPTEST_CASES=N` and `PROPTEST_RNG_SEED=S`
/// (or any other `PROPTEST_*` variable) override it to explore further.
fn config(default_cases: u32) -> ProptestConfig {
    let from_env = ProptestConfig::default();
    let set = |name: &str| std::env::var_os(name).is_some();
    ProptestConfig {
        cases: if set("PROPTEST_CASES") {
            from_env.cases
        } else {
            default_cases
        },
        rng_seed: if set("PROPTEST_RNG_SEED") {
            from_env.rng_seed
        } else {
            RngSeed::Fixed(0x0a9a_c4e1_1a7e)
        },
        ..from_env
    }
}

/// Parses `src` as a main configuration and as `.htaccess`, twice each: spans
/// in bounds, and the same result both times.
fn check_parse(src: &[u8]) -> Result<(), TestCaseError> {
    for options in [ParseOptions::main_config(), ParseOptions::htaccess()] {
        let first = syntax::parse(src, &options);
        let problems = parse_spans::parse_out_of_bounds(&first, src.len());
        prop_assert!(problems.is_empty(), "{problems:?}");
        let again = syntax::parse(src, &options);
        prop_assert_eq!(&first.nodes, &again.nodes);
        prop_assert_eq!(&first.errors, &again.errors);
    }
    Ok(())
}

/// Pieces of configuration-like text: the bytes httpd's reader treats
/// specially, and words around them.
fn fragment() -> impl Strategy<Value = Vec<u8>> {
    const PIECES: &[&str] = &[
        "ServerName",
        "Include",
        "Define",
        " ${X}",
        "<Directory",
        "</Directory>",
        "</Directory",
        "<VirtualHost *:80>",
        "</VirtualHost>",
        "<IfModule",
        "</IfModule>",
        "<IfDefine !X>",
        "</IfDefine>",
        "<Macro",
        "</Macro>",
        "Use",
        "<",
        ">",
        "</",
        "\"",
        "'",
        "\\",
        "\\\\",
        "\\\n",
        "\\\r\n",
        "#",
        " ",
        "\t",
        "\r",
        "\n",
        "\r\n",
        "\0",
        "\u{feff}",
        "x",
        "word",
        "\"quoted word\"",
        "'single'",
    ];
    prop_oneof![
        20 => select(PIECES).prop_map(|p| p.as_bytes().to_vec()),
        4 => prop::collection::vec(any::<u8>(), 1..4),
        // Lines around httpd's limits (8192 for .htaccess and macro bodies).
        1 => (8180usize..8200).prop_map(|n| vec![b'y'; n]),
    ]
}

fn config_like_text() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(fragment(), 0..160).prop_map(|pieces| pieces.concat())
}

/// Real files to mutate: every grammar fixture, and every corpus file when the
/// shared corpus is present (`$APACHELINT_CORPUS`, else `../shared/corpus`).
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = std::env::var_os("APACHELINT_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| crate_dir.join("../shared/corpus"));
        let roots = [crate_dir.join("grammar-fixtures"), corpus];
        let mut seeds: Vec<Vec<u8>> = roots
            .iter()
            .flat_map(|root| walkdir::WalkDir::new(root).sort_by_file_name())
            .filter_map(Result::ok)
            .filter(|entry| {
                entry.file_type().is_file() && entry.path().extension().is_none_or(|e| e != "json")
            })
            .filter_map(|entry| std::fs::read(entry.path()).ok())
            .collect();
        seeds.retain(|s| !s.is_empty());
        assert!(
            !seeds.is_empty(),
            "the grammar fixtures are part of the crate"
        );
        seeds
    })
}

/// One edit of a byte string; positions are scaled to its length.
#[derive(Clone, Debug)]
enum Mutation {
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    Flip(Index, u8),
    /// Overwrite from one position with a slice of another seed.
    Splice(Index, Index, Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), prop::collection::vec(fragment(), 1..3))
            .prop_map(|(at, pieces)| Mutation::Insert(at, pieces.concat())),
        (any::<Index>(), 1usize..64).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip(at, 1 << bit)),
        (any::<Index>(), any::<Index>(), any::<Index>(), 1usize..256)
            .prop_map(|(at, seed, from, len)| Mutation::Splice(at, seed, from, len)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutation: &Mutation) -> Vec<u8> {
    let at = |index: &Index, len: usize| if len == 0 { 0 } else { index.index(len + 1) };
    match mutation {
        Mutation::Insert(i, piece) => {
            let at = at(i, bytes.len());
            bytes.splice(at..at, piece.iter().copied());
        }
        Mutation::Delete(i, len) => {
            let start = at(i, bytes.len());
            let end = (start + len).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::Flip(i, mask) => {
            if !bytes.is_empty() {
                let i = i.index(bytes.len());
                bytes[i] ^= mask;
            }
        }
        Mutation::Splice(i, seed, from, len) => {
            let seeds = seeds();
            let other = &seeds[seed.index(seeds.len())];
            let from = from.index(other.len());
            let piece = &other[from..(from + len).min(other.len())];
            let start = at(i, bytes.len());
            let end = (start + piece.len()).min(bytes.len());
            bytes.splice(start..end, piece.iter().copied());
        }
    }
    bytes
}

fn mutated_seed() -> impl Strategy<Value = Vec<u8>> {
    (any::<Index>(), prop::collection::vec(mutation(), 1..8)).prop_map(|(seed, mutations)| {
        let seeds = seeds();
        let start = seeds[seed.index(seeds.len())].clone();
        mutations.iter().fold(start, apply)
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn parser_survives_random_bytes(src in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_parse(&src)?;
    }

    #[test]
    fn parser_survives_config_like_text(src in config_like_text()) {
        check_parse(&src)?;
    }

    #[test]
    fn parser_survives_mutated_real_files(src in mutated_seed()) {
        check_parse(&src)?;
    }
}

// ------------------------------------------------------------------ the loader

const ETC: &str = "/etc/apache2";

/// How long one load may take before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(120);

/// Files a random tree may hold besides the root `apache2.conf`.
const FILE_NAMES: &[&str] = &[
    "a.conf",
    "b.conf",
    "conf.d/c.conf",
    "conf.d/d.conf",
    "sites/x/e.conf",
    "macros.conf",
];

/// Symlinks a random tree may hold: loops, cycles, a link to the root file,
/// absolute and dangling links.
const LINKS: &[(&str, &str)] = &[
    ("loop", "."),
    ("up", ".."),
    ("conf.d/self.conf", "self.conf"),
    ("cycle1.conf", "cycle2.conf"),
    ("cycle2.conf", "cycle1.conf"),
    ("root.conf", "apache2.conf"),
    ("conf.d/abs.conf", "/etc/apache2/a.conf"),
    ("dangling.conf", "nowhere.conf"),
    ("conf.d/dirlink", "/etc/apache2/conf.d"),
];

const GLOBS: &[&str] = &[
    "*.conf",
    "conf.d/*.conf",
    "conf.d/*",
    "conf.d",
    "/etc/apache2/apache2.conf",
    "apache2.conf",
    "a.conf",
    "root.conf",
    "loop/*.conf",
    "loop/loop/*.conf",
    "up/apache2/*.conf",
    "sites/*/*.conf",
    "${X}.conf",
    "${UNDEFINED}/*.conf",
    "cycle1.conf",
    "conf.d/self.conf",
    "fifo.conf",
    "nowhere/*.conf",
    "/etc/apache2/conf.d/dirlink/*.conf",
    "*",
];

const LINES: &[&str] = &[
    "Define X a",
    "Define X ${X}",
    "Define Y",
    "UnDefine X",
    "ServerName ${X}",
    "<IfDefine X>",
    "<IfDefine !X>",
    "</IfDefine>",
    "<IfModule mod_ssl.c>",
    "<IfModule !macro_module>",
    "</IfModule>",
    "</IfModule >",
    "<IfVersion >= 2.4>",
    "</IfVersion>",
    "<IfFile /etc/apache2/a.conf>",
    "</IfFile>",
    "<IfDirective Use>",
    "</IfDirective>",
    "<IfSection VirtualHost>",
    "</IfSection>",
    "<Macro M $a>",
    "<Macro N $a $b>",
    "</Macro>",
    "Use M x",
    "Use M",
    "Use N ${X} y",
    "Use M $a",
    "UndefMacro M",
    "<VirtualHost *:80>",
    "</VirtualHost>",
    "<Directory /srv/$a>",
    "</Directory>",
    "ServerRoot /etc/apache2",
    "ServerRoot /nowhere",
    "LoadModule macro_module modules/mod_macro.so",
    "Include \\\n  a.conf",
];

fn tree_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (select(&["Include", "IncludeOptional"][..]), select(GLOBS))
            .prop_map(|(directive, glob)| format!("{directive} {glob}")),
        6 => select(LINES).prop_map(str::to_string),
        1 => "[ -~]{0,24}",
    ]
}

fn file_text() -> impl Strategy<Value = String> {
    prop::collection::vec(tree_line(), 0..12).prop_map(|lines| lines.join("\n") + "\n")
}

/// A random tree: the root file, some other files, links, a FIFO, defines.
#[derive(Clone, Debug)]
struct TreeSpec {
    root: String,
    files: Vec<(&'static str, String)>,
    links: Vec<(&'static str, &'static str)>,
    fifo: bool,
    defines: Vec<&'static str>,
}

fn tree_spec() -> impl Strategy<Value = TreeSpec> {
    (
        file_text(),
        subsequence(FILE_NAMES, 0..=FILE_NAMES.len()).prop_flat_map(|names| {
            let count = names.len();
            (Just(names), prop::collection::vec(file_text(), count))
        }),
        subsequence(LINKS, 0..=LINKS.len()),
        any::<bool>(),
        subsequence(&["X", "SSL"][..], 0..=2),
    )
        .prop_map(|(root, (names, texts), links, fifo, defines)| TreeSpec {
            root,
            files: names.into_iter().zip(texts).collect(),
            links,
            fifo,
            defines,
        })
}

impl TreeSpec {
    fn backend(&self) -> MemBackend {
        let mut mem = MemBackend::new().file(format!("{ETC}/apache2.conf"), &self.root);
        for (name, text) in &self.files {
            mem = mem.file(format!("{ETC}/{name}"), text);
        }
        for (link, target) in &self.links {
            mem = mem.symlink(format!("{ETC}/{link}"), target);
        }
        if self.fifo {
            mem = mem.special(format!("{ETC}/fifo.conf"));
        }
        mem
    }
}

/// What two loads of the same tree must agree on.
fn fingerprint(config: &Config) -> (String, String, Vec<String>) {
    (
        render::includes(config),
        render::dump_config(config, &|name| name.to_string()),
        config.findings.iter().map(|f| f.message.clone()).collect(),
    )
}

/// Loads the tree on another thread; `None` when it does not finish in time.
/// The deadline is generous: a tree whose root file includes itself is read
/// 128 levels deep before httpd's limit cuts it, every level with all its
/// other includes, which httpd does too; a debug build takes seconds on the
/// worst such trees. A hang takes forever.
fn load_with_deadline(spec: &TreeSpec) -> Option<std::thread::Result<Config>> {
    let (send, receive) = mpsc::channel();
    let vfs = Vfs::direct(Arc::new(spec.backend()));
    let mut options = LoadOptions {
        server_root: Some(ETC.into()),
        ..LoadOptions::debian(format!("{ETC}/apache2.conf"))
    };
    options.profile.defines = spec.defines.iter().map(|d| d.to_string()).collect();
    std::thread::spawn(move || {
        let result = catch_unwind(AssertUnwindSafe(|| load(&vfs, &options)));
        let _ = send.send(result);
    });
    receive.recv_timeout(DEADLINE).ok()
}

/// The loaded tree, or why there is none.
fn loaded(spec: &TreeSpec) -> Result<Config, TestCaseError> {
    match load_with_deadline(spec) {
        None => Err(TestCaseError::fail(format!(
            "the loader did not finish in {DEADLINE:?}"
        ))),
        Some(Err(_)) => Err(TestCaseError::fail("the loader panicked")),
        Some(Ok(config)) => Ok(config),
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn loader_survives_random_trees(spec in tree_spec()) {
        let first = loaded(&spec)?;
        let problems = config_spans::config_out_of_bounds(&first);
        prop_assert!(problems.is_empty(), "{problems:?}");
        prop_assert_eq!(fingerprint(&first), fingerprint(&loaded(&spec)?));
    }
}

/// Modules a real server loads (as `-C` LoadModule lines), so that the
/// checker's module-dependent rules run on the mutated files too.
const CHECKED_MODULES: [&str; 12] = [
    "alias",
    "authz_core",
    "authz_host",
    "dir",
    "headers",
    "macro",
    "mime",
    "proxy",
    "rewrite",
    "setenvif",
    "ssl",
    "status",
];

/// `text` as Debian's root file, loaded from memory with [`CHECKED_MODULES`].
fn load_root(text: &[u8]) -> Config {
    let mem = MemBackend::new().file("/etc/apache2/apache2.conf", text);
    let options = LoadOptions {
        pre_directives: CHECKED_MODULES
            .iter()
            .map(|m| format!("LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so"))
            .collect(),
        ..LoadOptions::debian("/etc/apache2/apache2.conf")
    };
    load(&Vfs::direct(Arc::new(mem)), &options)
}

/// A real file and a mutated copy of it.
fn seed_and_mutation() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (any::<Index>(), prop::collection::vec(mutation(), 1..6)).prop_map(|(seed, mutations)| {
        let seeds = seeds();
        let start = seeds[seed.index(seeds.len())].clone();
        let mutated = mutations.iter().fold(start.clone(), apply);
        (start, mutated)
    })
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn checker_survives_mutated_real_files((known_good, candidate) in seed_and_mutation()) {
        let (old, new) = (load_root(&known_good), load_root(&candidate));
        let checked = apachelint::check::check_change(
            &new,
            Some(&old),
            &apachelint::rules::context::NoFacts,
        );
        for f in &checked.findings {
            for span in std::iter::once(&f.primary).chain(f.labels.iter().map(|l| &l.span)) {
                let len = checked.sources.get(span.file).text.len() as u32;
                prop_assert!(
                    span.range.start <= span.range.end && span.range.end <= len,
                    "{} {:?} outside its file of {len} bytes: {}",
                    f.rule.code, span.range, f.message
                );
            }
        }
    }
}
