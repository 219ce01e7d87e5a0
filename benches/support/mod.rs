//! Inputs for the benchmarks, from `../shared` beside the crate (or
//! `$APACHELINT_SHARED`): where it is, and trees written by
//! `shared/perf/gen_large.py` from the committed pristine Debian snapshot
//! (`scripts/httpd_oracle.py materialise-debian`).
//!
//! Generated trees are cached under Cargo's target tmp dir, keyed by the
//! generator's bytes, so a 10,000-site tree is written once, not per run.
//! When something is missing, a function prints why and returns `None`: the
//! caller skips that benchmark.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use apachelint::load::provider::DiskBackend;
use apachelint::load::tree::Config;
use apachelint::load::vfs::Vfs;
use apachelint::load::{LoadOptions, load};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn skip(what: &str, why: &str) {
    eprintln!("SKIP: {what}: {why}");
}

/// The shared dir, if it is there.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("APACHELINT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir().join("../shared"));
    if dir.join("corpus").is_dir() && dir.join("perf/gen_large.py").is_file() {
        Some(dir)
    } else {
        skip(
            what,
            &format!(
                "{} has no corpus/ or perf/gen_large.py (set APACHELINT_SHARED)",
                dir.display()
            ),
        );
        None
    }
}

/// A generated tree: its directory (ServerRoot) and root file.
pub struct GeneratedTree {
    pub dir: PathBuf,
    pub root_file: PathBuf,
}

/// The gen_large.py tree with `vhosts` sites (all in `apache2.conf` when
/// `single_file`), generated on first use.
pub fn generated_tree(shared: &Path, vhosts: usize, single_file: bool) -> Option<GeneratedTree> {
    let what = format!("{vhosts}-site tree");
    let script = shared.join("perf/gen_large.py");
    let generator = fs::read(&script).ok()?;
    let mut hasher = DefaultHasher::new();
    generator.hash(&mut hasher);
    let name = format!(
        "gen_large-{vhosts}{}-{:016x}",
        if single_file { "-single" } else { "" },
        hasher.finish()
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let tree = GeneratedTree {
        root_file: dir.join("apache2.conf"),
        dir: dir.clone(),
    };
    if dir.join("MANIFEST.json").is_file() {
        return Some(tree);
    }
    eprintln!("generating the {what} in {} (once)", dir.display());
    // gen_large.py writes MANIFEST.json last: without it, a run was cut short.
    let pristine = dir.with_extension("pristine");
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::remove_dir_all(&pristine);
    let run = |command: &mut Command| {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !run(Command::new("python3")
        .arg(crate_dir().join("scripts/httpd_oracle.py"))
        .arg("materialise-debian")
        .arg(&pristine))
    {
        skip(
            &what,
            "python3 scripts/httpd_oracle.py materialise-debian failed",
        );
        return None;
    }
    let mut generate = Command::new("python3");
    generate
        .arg(&script)
        .args(["--vhosts", &vhosts.to_string(), "--out"])
        .arg(&dir)
        .arg("--pristine")
        .arg(&pristine);
    if single_file {
        generate.arg("--single-file");
    }
    let generated = run(&mut generate);
    let _ = fs::remove_dir_all(&pristine);
    if !generated {
        skip(&what, "gen_large.py failed (it needs python3 and openssl)");
        return None;
    }
    Some(tree)
}

/// Loads a generated tree from disk as `apache2 -d DIR -f DIR/apache2.conf`.
pub fn load_tree(tree: &GeneratedTree) -> Config {
    load(
        &Vfs::direct(Arc::new(DiskBackend::default())),
        &LoadOptions {
            server_root: Some(tree.dir.clone()),
            ..LoadOptions::debian(tree.root_file.clone())
        },
    )
}
