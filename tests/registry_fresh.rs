//! Checks that the generated registry (`src/model/directives.rs`,
//! `src/model/modules.rs`) matches what `scripts/gen_registry.py` produces
//! from the shared data and `data/*.tsv`.
//!
//! The shared data lives outside the repository (`../shared/data`, or
//! `$APACHELINT_SHARED/data`). Without it the test prints a loud `SKIP` and
//! passes, except under `CI=true`, where a missing input is a failure.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn generated_registry_is_fresh() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = std::env::var_os("APACHELINT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("..").join("shared"));
    let data = shared.join("data");
    if !data.is_dir() {
        let in_ci = std::env::var("CI").is_ok_and(|value| value == "true");
        assert!(
            !in_ci,
            "{} not found and CI=true: cannot check the registry",
            data.display()
        );
        eprintln!(
            "SKIP: ../shared/data not found ({}): generated registry not checked",
            data.display()
        );
        return;
    }
    let output = Command::new("python3")
        .arg(repo.join("scripts").join("gen_registry.py"))
        .arg("--check")
        .env("APACHELINT_SHARED", &shared)
        .output()
        .expect("python3 must be installed to check the generated registry");
    assert!(
        output.status.success(),
        "gen_registry.py --check failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
