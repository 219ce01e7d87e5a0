//! The expression rules (AL160–AL169) against httpd's verdicts on the
//! `grammar-fixtures/{ok,err}/expr_*.conf` fixtures: for an `err/` case,
//! `check` reports httpd's first error — the same message, at the same line —
//! as a non-latent error of one of those rules; for an `ok/` case, none of
//! those rules says anything.
//!
//! Each fixture is loaded as `scripts/httpd_oracle.py` runs it: Debian's
//! stock modules, plus the `LoadModule` lines of its `# oracle: -C '…'` header.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use apachelint::finding::{Finding, Severity};
use apachelint::load::provider::MemBackend;
use apachelint::load::vfs::Vfs;
use apachelint::load::{LoadOptions, Profile, load};
use apachelint::rules::context::NoFacts;

#[path = "support/recorded.rs"]
mod recorded;
use recorded::{oracle_directives, recorded_cases};

fn is_expression_rule(finding: &Finding) -> bool {
    finding.rule.code.starts_with("AL16")
}

fn findings_for(conf: &Path) -> Vec<Finding> {
    let text = fs::read_to_string(conf).expect("fixture");
    let root = PathBuf::from("/fixture").join(conf.file_name().expect("name"));
    let vfs = Vfs::direct(Arc::new(MemBackend::new().file(&root, &text)));
    let mut pre_directives: Vec<String> = apachelint::model::registry::debian_default_modules()
        .filter_map(|m| m.debian_load_line)
        .map(str::to_string)
        .collect();
    pre_directives.extend(oracle_directives(&text));
    let config = load(
        &vfs,
        &LoadOptions {
            profile: Profile::debian(),
            root_file: root,
            server_root: Some("/fixture".into()),
            pre_directives,
            post_directives: Vec::new(),
        },
    );
    apachelint::check::check(&config, &NoFacts)
}

/// `ok` or `err`: the directory a fixture is in.
fn fixture_kind(conf: &Path) -> String {
    conf.parent()
        .and_then(Path::file_name)
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn expression_rules_say_what_httpd_says() {
    let cases = recorded_cases("expr_");
    let mut failures = Vec::new();
    for (conf, golden) in &cases {
        let kind = fixture_kind(conf);
        let ours: Vec<Finding> = findings_for(conf)
            .into_iter()
            .filter(is_expression_rule)
            .collect();
        let describe = |f: &Finding| {
            format!(
                "{} {:?} line {:?} latent={}",
                f.rule.code,
                f.message,
                f.httpd.as_ref().map(|h| h.line),
                f.latent
            )
        };
        let name = format!(
            "{kind}/{}",
            conf.file_name().unwrap_or_default().to_string_lossy()
        );
        if kind == "ok" {
            if !ours.is_empty() {
                let found: Vec<String> = ours.iter().map(describe).collect();
                failures.push(format!("{name}: httpd accepts, we say {found:?}"));
            }
            continue;
        }
        let error = &golden["first_error"];
        let message = error["message"].as_str().unwrap_or_default();
        let line = error["line"].as_u64();
        let matched = ours.iter().any(|f| {
            f.severity == Severity::Error
                && !f.latent
                && f.message == message
                && line.is_none_or(|l| f.httpd.as_ref().is_some_and(|h| u64::from(h.line) == l))
        });
        if !matched {
            let found: Vec<String> = ours.iter().map(describe).collect();
            failures.push(format!(
                "{name}: httpd says {message:?} at line {line:?}, we say {found:?}"
            ));
        }
    }
    assert!(
        cases.len() >= 20,
        "expected the expr_* fixtures, found {}",
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
