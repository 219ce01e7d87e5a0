//! Finding `../shared` (the corpus, the perf generator) for tests that need
//! it: a loud `SKIP` when it is missing on a developer's machine, a failure
//! under `CI=true`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared dir, or `None` after printing a loud SKIP for `what` (a failure
/// under `CI=true`, where nothing may be skipped). With `python`, python3 must be
/// on PATH too (gen_large trees).
pub fn shared_or_skip(what: &str, python: bool) -> Option<PathBuf> {
    let dir = std::env::var_os("APACHELINT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir().join("../shared"));
    let has_python = || {
        Command::new("python3")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let missing = if !dir.join("corpus").is_dir() {
        format!("the shared dir {} (set APACHELINT_SHARED)", dir.display())
    } else if python && !has_python() {
        "python3".to_string()
    } else {
        return Some(dir);
    };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} needs {missing}, and CI=true forbids skipping");
    }
    // Written to the stderr handle, not with eprintln!, so that the test harness
    // does not capture it: a skip must be seen.
    let _ = writeln!(std::io::stderr(), "SKIP: {what}: {missing} is missing");
    None
}
