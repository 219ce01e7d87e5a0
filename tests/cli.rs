//! End-to-end tests of the binary: exit codes (0 clean, 1 findings, 2 could
//! not check), the known-good sources (`--baseline DIR`, a snapshot file,
//! `--baseline-git REV`, HEAD by default, `--staged` for the pre-commit
//! hook) in throw-away git repositories, and that the configuration is never
//! written.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn apachelint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apachelint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run apachelint")
}

fn git(args: &[&str], dir: &Path) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example")
        .output()
        .expect("git")
        .status
        .success();
    assert!(ok, "git {args:?}");
}

fn codes(out: &Output) -> Vec<String> {
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// A minimal Debian-like tree in `dir/etc/apache2`: a default site and the
/// shop.
fn write_tree(dir: &Path, site: &str) {
    let etc = dir.join("etc/apache2");
    fs::create_dir_all(etc.join("sites-enabled")).unwrap();
    fs::write(
        etc.join("apache2.conf"),
        "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n\
         LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n\
         ServerTokens Prod\nTraceEnable Off\n\
         <Directory />\n    Require all denied\n</Directory>\n\
         Listen 80\nIncludeOptional sites-enabled/*.conf\n",
    )
    .unwrap();
    fs::write(
        etc.join("sites-enabled/000-default.conf"),
        "<VirtualHost *:80>\n    ServerName default.example\n</VirtualHost>\n",
    )
    .unwrap();
    fs::write(etc.join("sites-enabled/shop.conf"), site).unwrap();
}

const SHOP: &str = "<VirtualHost *:80>\n    ServerName shop.example\n    ServerAlias www.shop.example\n</VirtualHost>\n";
const SHOP_WITHOUT_WWW: &str = "<VirtualHost *:80>\n    ServerName shop.example\n</VirtualHost>\n";

#[test]
fn exit_codes_follow_the_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_tree(d, SHOP);
    let clean = apachelint(&["check", "etc/apache2", "--format", "json"], d);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );

    fs::write(
        d.join("etc/apache2/sites-enabled/shop.conf"),
        "<VirtualHost *:80>\n    ServerName shop.example # main\n</VirtualHost>\n",
    )
    .unwrap();
    let findings = apachelint(&["check", "etc/apache2", "--format", "json"], d);
    assert_eq!(findings.status.code(), Some(1));
    assert_eq!(codes(&findings), ["AL104"]);
    let never = apachelint(&["check", "etc/apache2", "--fail-on", "never"], d);
    assert_eq!(never.status.code(), Some(0));
    let ignored = apachelint(
        &["check", "etc/apache2", "--ignore", "wrong-argument-count"],
        d,
    );
    assert_eq!(ignored.status.code(), Some(0));
    let unknown = apachelint(&["check", "etc/apache2", "--select", "AL9"], d);
    assert_eq!(unknown.status.code(), Some(2));

    // A file that cannot be parsed: fail closed.
    fs::write(
        d.join("etc/apache2/sites-enabled/shop.conf"),
        "<VirtualHost *:80>\n",
    )
    .unwrap();
    let broken = apachelint(&["check", "etc/apache2", "--format", "json"], d);
    assert_eq!(broken.status.code(), Some(2));
    assert_eq!(codes(&broken), ["AL001"]);

    // Nothing to read at all.
    let missing = apachelint(&["check", "nowhere"], d);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn baseline_directory_and_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let (good, candidate) = (tmp.path().join("good"), tmp.path().join("candidate"));
    write_tree(&good, SHOP);
    write_tree(&candidate, SHOP_WITHOUT_WWW);
    let d = tmp.path();
    let out = apachelint(
        &[
            "check",
            "candidate",
            "--baseline",
            "good",
            "--format",
            "json",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        codes(&out).contains(&"AL202".to_string()) || codes(&out).contains(&"AL203".to_string()),
        "{:?}",
        codes(&out)
    );

    let snap = apachelint(&["snapshot", "good", "-o", "good.json"], d);
    assert_eq!(
        snap.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&snap.stderr)
    );
    let from_snapshot = apachelint(
        &[
            "check",
            "candidate",
            "--baseline",
            "good.json",
            "--format",
            "json",
        ],
        d,
    );
    assert_eq!(
        codes(&from_snapshot),
        codes(&out),
        "a snapshot is as good as the tree"
    );
    let same = apachelint(
        &[
            "check",
            "good",
            "--baseline",
            "good.json",
            "--format",
            "json",
        ],
        d,
    );
    assert_eq!(same.status.code(), Some(0), "{:?}", codes(&same));
}

#[test]
fn git_head_by_default_and_staged_for_pre_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    git(&["init", "-q"], d);
    write_tree(d, SHOP);
    git(&["add", "."], d);
    git(&["commit", "-qm", "known good"], d);

    // Unchanged: no change findings against HEAD.
    let clean = apachelint(&["check", ".", "--format", "json"], d);
    assert_eq!(clean.status.code(), Some(0), "{:?}", codes(&clean));

    // Edit in the working tree: HEAD is the baseline by default.
    fs::write(
        d.join("etc/apache2/sites-enabled/shop.conf"),
        SHOP_WITHOUT_WWW,
    )
    .unwrap();
    let edited = apachelint(&["check", ".", "--format", "json"], d);
    assert_eq!(edited.status.code(), Some(1));
    assert!(
        codes(&edited).contains(&"AL203".to_string()),
        "{:?}",
        codes(&edited)
    );
    let explicit = apachelint(
        &["check", ".", "--baseline-git", "HEAD", "--format", "json"],
        d,
    );
    assert_eq!(codes(&explicit), codes(&edited));

    // --staged checks the index, not the working tree.
    let staged_clean = apachelint(&["check", ".", "--staged", "--format", "json"], d);
    assert_eq!(
        staged_clean.status.code(),
        Some(0),
        "nothing staged yet: {:?}",
        codes(&staged_clean)
    );
    git(&["add", "."], d);
    let staged = apachelint(&["check", ".", "--staged", "--format", "json"], d);
    assert_eq!(staged.status.code(), Some(1));
    assert!(codes(&staged).contains(&"AL203".to_string()));
    // The working tree goes back, the index keeps the edit.
    fs::write(d.join("etc/apache2/sites-enabled/shop.conf"), SHOP).unwrap();
    let still = apachelint(&["check", ".", "--staged", "--format", "json"], d);
    assert!(codes(&still).contains(&"AL203".to_string()));
}

#[test]
fn the_configuration_is_never_written() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_tree(d, SHOP);
    let before = fs::read(d.join("etc/apache2/sites-enabled/shop.conf")).unwrap();
    for format in ["human", "short", "json", "sarif", "github"] {
        apachelint(&["check", ".", "--format", format, "--no-baseline"], d);
    }
    apachelint(&["dump", "."], d);
    apachelint(&["vhosts", "."], d);
    assert_eq!(
        fs::read(d.join("etc/apache2/sites-enabled/shop.conf")).unwrap(),
        before
    );
}

#[test]
fn findings_the_baseline_already_had_are_not_the_changes_fault() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // The known-good tree already carries one refused line (a trailing
    // comment in ServerAdmin) ...
    let old = "<VirtualHost *:80>\n    ServerName shop.example\n    ServerAdmin webmaster@shop.example # old\n</VirtualHost>\n";
    // ... the candidate keeps it (two lines lower) and adds a second one.
    let new = "# the shop\n\n<VirtualHost *:80>\n    ServerName shop.example # new\n    ServerAdmin webmaster@shop.example # old\n</VirtualHost>\n";
    write_tree(&d.join("good"), old);
    write_tree(&d.join("candidate"), new);
    let args = [
        "check",
        "candidate",
        "--baseline",
        "good",
        "--format",
        "json",
    ];
    let out = apachelint(&args, d);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report:#}");
    assert_eq!(findings[0]["line"], 4);
    assert_eq!(findings[0]["baseline_state"], "new");
    assert_eq!(report["summary"]["unchanged_not_shown"], 1);
    assert_eq!(out.status.code(), Some(1));

    let all = apachelint(&[&args[..], &["--all-findings"]].concat(), d);
    let report: Value = serde_json::from_slice(&all.stdout).unwrap();
    let states: Vec<(u64, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["baseline_state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(states, [(4, "new"), (5, "unchanged")]);

    // Only the old problem: nothing the change brings, exit 0.
    write_tree(&d.join("candidate"), old);
    let clean = apachelint(&args, d);
    assert_eq!(clean.status.code(), Some(0), "{:?}", codes(&clean));
}

#[test]
fn diff_is_keyed_by_identity_and_reports_rerouted_names() {
    let tmp = tempfile::tempdir().unwrap();
    let (good, same, dropped) = (
        tmp.path().join("good"),
        tmp.path().join("same"),
        tmp.path().join("dropped"),
    );
    write_tree(&good, SHOP);
    // Reindented, reordered and commented: the same effect.
    write_tree(
        &same,
        "# the shop\n<VirtualHost *:80>\n  ServerAlias www.shop.example\n  ServerName shop.example\n</VirtualHost>\n",
    );
    write_tree(&dropped, SHOP_WITHOUT_WWW);

    let unchanged = apachelint(
        &["diff", "good/etc/apache2", "same/etc/apache2"],
        tmp.path(),
    );
    assert_eq!(
        unchanged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&unchanged.stdout)
    );

    let out = apachelint(
        &[
            "diff",
            "good/etc/apache2",
            "dropped/etc/apache2",
            "--format",
            "json",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["version"], 1);
    let change = &v["changes"][0];
    assert_eq!(change["kind"], "removed", "{v:#}");
    assert!(
        change["old"]["file"]
            .as_str()
            .unwrap()
            .ends_with("shop.conf")
    );
    let routing = v["routing"].as_array().expect("routing list");
    assert!(
        routing
            .iter()
            .any(|r| r.to_string().contains("www.shop.example")),
        "the dropped alias is now answered by the default vhost: {v:#}"
    );

    let broken = tmp.path().join("broken");
    write_tree(&broken, "<VirtualHost *:80>\n");
    let incomplete = apachelint(
        &["diff", "good/etc/apache2", "broken/etc/apache2"],
        tmp.path(),
    );
    assert_eq!(incomplete.status.code(), Some(2));
}

/// A `--server-root` inside the candidate's tree stands for the same place
/// in the baseline tree: the known-good side is never read from the
/// candidate's files (a relative root is relative to the working directory,
/// like `apache2 -d`).
#[test]
fn server_root_follows_each_tree() {
    let tmp = tempfile::tempdir().unwrap();
    write_tree(&tmp.path().join("good"), SHOP);
    write_tree(&tmp.path().join("candidate"), SHOP_WITHOUT_WWW);
    let out = apachelint(
        &[
            "check",
            "candidate/etc/apache2/apache2.conf",
            "--server-root",
            "candidate/etc/apache2",
            "--baseline",
            "good/etc/apache2/apache2.conf",
            "--format",
            "json",
        ],
        tmp.path(),
    );
    assert_eq!(
        codes(&out),
        ["AL203"],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let same = apachelint(
        &[
            "diff",
            "good/etc/apache2/apache2.conf",
            "good/etc/apache2/apache2.conf",
            "--server-root",
            "good/etc/apache2",
        ],
        tmp.path(),
    );
    assert_eq!(same.status.code(), Some(0));
}
