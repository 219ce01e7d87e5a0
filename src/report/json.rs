//! The JSON report (`apachelint check --format json`): versioned and stable.
//!
//! # Wire format (version 1)
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": {"name": "apachelint", "version": "0.1.0"},
//!   "root": "/etc/apache2/apache2.conf",
//!   "status": "findings",
//!   "findings": [
//!     {
//!       "code": "AL104",
//!       "rule": "wrong-argument-count",
//!       "severity": "error",
//!       "latent": false,
//!       "stage": "config-test",
//!       "message": "ServerName takes one argument, The hostname and port of the server",
//!       "file": "etc/apache2/sites-enabled/shop.conf",
//!       "config_path": "/etc/apache2/sites-enabled/shop.conf",
//!       "line": 3, "column": 29, "end_line": 3, "end_column": 30,
//!       "span": [61, 62],
//!       "label": "`#` here is an argument, not a comment",
//!       "help": "httpd has no trailing comments: move the comment to its own line",
//!       "httpd": {"message": "ServerName takes one argument, …", "file": "/etc/apache2/sites-enabled/shop.conf", "line": 3},
//!       "chain": [{"file": "etc/apache2/apache2.conf", "line": 225, "kind": "include"}],
//!       "related": [{"file": "…", "line": 1, "column": 1, "end_line": 1, "end_column": 9, "span": [0, 8], "message": "was here"}],
//!       "diff": null,
//!       "baseline_state": "new"
//!     }
//!   ],
//!   "summary": {"errors": 1, "warnings": 0, "infos": 0, "latent": 0, "unchanged_not_shown": 0, "exit_code": 1}
//! }
//! ```
//!
//! - `file` is the path to open (the checkout path, relative to the working
//!   directory when below it); `config_path` is the path as httpd names it.
//! - Positions are 1-based; columns count characters; `span` is a byte range.
//! - `status` is `ok` (nothing at or above the threshold), `findings`, or
//!   `incomplete` (apachelint could not check everything: exit code 2).
//! - `httpd` is what `apache2 -t` would print and where, or `null` when httpd
//!   accepts the configuration.
//! - `baseline_state` is `new` or `unchanged` (the known-good configuration
//!   had the same finding) when checked against a baseline, else `null`.
//!   Unchanged findings are left out unless `--all-findings` is given;
//!   `summary.unchanged_not_shown` counts them.
//! - New fields may be added within version 1; none is removed or renamed.

use serde_json::{Value, json};

use crate::finding::{BaselineState, Finding, Severity};
use crate::source::{SourceSet, Span};

/// Position fields of a span.
fn position(set: &SourceSet, span: Span) -> serde_json::Map<String, Value> {
    let file = set.get(span.file);
    let start = file.line_col(span.range.start());
    let end = file.line_col(span.range.end());
    let mut m = serde_json::Map::new();
    m.insert("file".into(), json!(file.display_path()));
    m.insert(
        "config_path".into(),
        json!(file.config_path.display().to_string()),
    );
    m.insert("line".into(), json!(start.line));
    m.insert("column".into(), json!(start.column));
    m.insert("end_line".into(), json!(end.line));
    m.insert("end_column".into(), json!(end.column));
    m.insert("span".into(), json!([span.range.start, span.range.end]));
    m
}

/// One finding as JSON.
pub fn finding_json(f: &Finding, set: &SourceSet) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("code".into(), json!(f.rule.code));
    m.insert("rule".into(), json!(f.rule.name));
    m.insert("severity".into(), json!(f.severity));
    m.insert("latent".into(), json!(f.latent));
    m.insert("stage".into(), json!(f.stage));
    m.insert("message".into(), json!(f.message));
    m.extend(position(set, f.primary));
    m.insert("label".into(), json!(f.primary_label));
    m.insert("help".into(), json!(f.help));
    m.insert(
        "httpd".into(),
        match &f.httpd {
            Some(h) => json!({"message": h.message, "file": h.file, "line": h.line}),
            None => Value::Null,
        },
    );
    m.insert(
        "chain".into(),
        Value::Array(
            f.chain
                .iter()
                .map(|l| {
                    json!({
                        "file": set.get(l.span.file).display_path(),
                        "line": l.line,
                        "kind": l.kind,
                    })
                })
                .collect(),
        ),
    );
    m.insert(
        "related".into(),
        Value::Array(
            f.labels
                .iter()
                .map(|l| {
                    let mut r = position(set, l.span);
                    r.insert("message".into(), json!(l.message));
                    Value::Object(r)
                })
                .collect(),
        ),
    );
    m.insert("diff".into(), json!(f.diff));
    m.insert(
        "baseline_state".into(),
        json!(f.baseline_state.map(BaselineState::as_str)),
    );
    Value::Object(m)
}

/// The whole report.
pub fn report(
    findings: &[Finding],
    set: &SourceSet,
    root: &str,
    exit_code: u8,
    unchanged_not_shown: usize,
) -> Value {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let status = match exit_code {
        0 => "ok",
        1 => "findings",
        _ => "incomplete",
    };
    json!({
        "version": 1,
        "tool": {"name": "apachelint", "version": env!("CARGO_PKG_VERSION")},
        "root": root,
        "status": status,
        "findings": findings.iter().map(|f| finding_json(f, set)).collect::<Vec<_>>(),
        "summary": {
            "errors": count(Severity::Error),
            "warnings": count(Severity::Warning),
            "infos": count(Severity::Info),
            "latent": findings.iter().filter(|f| f.latent).count(),
            "unchanged_not_shown": unchanged_not_shown,
            "exit_code": exit_code,
        },
    })
}
