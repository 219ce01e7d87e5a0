//! apachelint's verdict on the mod_ssl grammar fixtures
//! (`grammar-fixtures/{err,ok}/ssl_*`) against apache2's recorded one: for
//! every refused case, a config-test finding carries httpd's first error
//! message exactly, on the line httpd names; for every accepted case, no
//! config-test error. Runs the `check` command as a user would, on a copy of
//! the fixture with its `.files/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

#[path = "support/recorded.rs"]
mod recorded;
use recorded::{oracle_directives, recorded_cases};

const DEFAULT_MODULES: &[&str] = &[
    "access_compat",
    "alias",
    "auth_basic",
    "authn_core",
    "authn_file",
    "authz_core",
    "authz_host",
    "authz_user",
    "autoindex",
    "deflate",
    "dir",
    "env",
    "filter",
    "mime",
    "mpm_event",
    "negotiation",
    "reqtimeout",
    "setenvif",
    "status",
];

fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("files dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy");
        }
    }
}

fn check(conf: &Path) -> (Vec<Value>, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("root");
    let target = root.join(conf.file_name().unwrap());
    let text = fs::read_to_string(conf).expect("fixture");
    fs::write(&target, &text).expect("write");
    let files = conf.with_extension("files");
    if files.is_dir() {
        copy_dir(&files, &root);
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_apachelint"));
    cmd.args(["check", "--format", "json", "--server-root"])
        .arg(&root);
    for m in DEFAULT_MODULES {
        cmd.arg("-C").arg(format!(
            "LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so"
        ));
    }
    for d in oracle_directives(&text) {
        cmd.arg("-C").arg(d);
    }
    let out = cmd.arg(&target).output().expect("apachelint");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    (findings, root, dir)
}

#[test]
fn ssl_fixtures_match_apache2() {
    let cases = recorded_cases("ssl_");
    let mut failures = Vec::new();
    for (conf, golden) in &cases {
        let (findings, root, _dir) = check(conf);
        let kind = conf
            .parent()
            .and_then(Path::file_name)
            .unwrap_or_default()
            .to_string_lossy();
        let config_test: Vec<&Value> = findings
            .iter()
            .filter(|f| f["stage"] == "config-test" && f["severity"] == "error")
            .collect();
        let name = conf.file_name().unwrap().to_string_lossy().to_string();
        match golden["first_error"].as_object() {
            Some(first) => {
                let message = first["message"]
                    .as_str()
                    .unwrap_or_default()
                    .replace("<ROOT>", &root.display().to_string());
                let line = first["line"].as_u64();
                let hit = config_test
                    .iter()
                    .any(|f| f["message"] == message.as_str() && f["line"].as_u64() == line);
                if !hit {
                    failures.push(format!(
                        "{kind}/{name}: httpd says `{message}` (line {line:?}); apachelint: {:?}",
                        config_test
                            .iter()
                            .map(|f| (&f["message"], &f["line"]))
                            .collect::<Vec<_>>()
                    ));
                }
            }
            None if !config_test.is_empty() => failures.push(format!(
                "{kind}/{name}: httpd accepts it; apachelint: {:?}",
                config_test
                    .iter()
                    .map(|f| &f["message"])
                    .collect::<Vec<_>>()
            )),
            None => {}
        }
    }
    assert!(!cases.is_empty(), "no ssl fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
