//! Snapshots of the rendered reports (insta): the human report of the shipped
//! outage example (no colour, fixed width) and of validity findings, and the
//! JSON and SARIF forms. Review changes with `cargo insta review` or accept
//! them with `INSTA_UPDATE=always`.

use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> String {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn run_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_apachelint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run apachelint");
    String::from_utf8(out.stdout).expect("utf-8 report")
}

#[test]
fn outage_example_human_report() {
    let text = run(&[
        "check",
        "examples/shop-outage/candidate",
        "--baseline",
        "examples/shop-outage/known-good",
        "--color",
        "never",
    ]);
    insta::assert_snapshot!(text);
}

#[test]
fn outage_example_json_report() {
    let text = run(&[
        "check",
        "examples/shop-outage/candidate",
        "--baseline",
        "examples/shop-outage/known-good",
        "--format",
        "json",
    ]);
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("json");
    value["tool"]["version"] = serde_json::json!("[version]");
    insta::assert_json_snapshot!(value);
}

#[test]
fn validity_findings_short_and_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("apache2.conf");
    std::fs::write(
        &conf,
        "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\nServerNmae shop.example\nServerName shop.example # main\n<Directory /srv>\n    Listen 8080\n</Directory>\n",
    )
    .unwrap();
    let short = run_in(
        dir.path(),
        &[
            "check",
            "apache2.conf",
            "--format",
            "short",
            "--no-baseline",
        ],
    );
    insta::assert_snapshot!(short);
    let sarif = run_in(
        dir.path(),
        &[
            "check",
            "apache2.conf",
            "--format",
            "sarif",
            "--no-baseline",
        ],
    );
    let mut value: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
    value["runs"][0]["tool"]["driver"]["rules"] = serde_json::json!("[rules]");
    value["runs"][0]["tool"]["driver"]["version"] = serde_json::json!("[version]");
    insta::assert_json_snapshot!(value);
}
