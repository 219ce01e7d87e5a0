//! SARIF 2.1.0 output for GitHub code scanning and other SARIF consumers:
//! the rule metadata (with the `explain` text as help), one result per
//! finding with its precise region, related locations for the known-good
//! side and labels, and line-independent fingerprints so alerts survive
//! unrelated edits. URIs are relative to `%SRCROOT%` (the working directory).

use serde_json::{Value, json};

use crate::finding::{Finding, Severity};
use crate::rules::{Family, registry};
use crate::source::{SourceSet, Span};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A display path as a SARIF URI (a git `REV:path` loses its `REV:`).
fn uri(display: &str) -> String {
    let path = match display.split_once(':') {
        Some((rev, rest)) if !rev.contains('/') => rest,
        _ => display,
    };
    path.trim_start_matches("./").to_string()
}

fn location(set: &SourceSet, span: Span, message: Option<&str>) -> Value {
    let file = set.get(span.file);
    let start = file.line_col(span.range.start());
    let end = file.line_col(span.range.end());
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(&file.display_path()), "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column.max(start.column + usize::from(end.line == start.line)),
            },
        },
    });
    if let Some(m) = message {
        loc["message"] = json!({"text": m});
    }
    loc
}

/// FNV-1a: a small stable hash for fingerprints.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The SARIF log.
pub fn report(findings: &[Finding], set: &SourceSet) -> Value {
    let rules: Vec<Value> = registry::ALL
        .iter()
        .map(|r| {
            let mut properties = json!({"tags": [format!("{:?}", r.family).to_lowercase()]});
            if r.family == Family::Security {
                let score = match r.default_severity {
                    Severity::Error => "8.0",
                    Severity::Warning => "5.0",
                    Severity::Info => "2.0",
                };
                properties["security-severity"] = json!(score);
            }
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary()},
                "fullDescription": {"text": r.summary()},
                "help": {"text": r.explain(), "markdown": r.explain()},
                "defaultConfiguration": {"level": level(r.default_severity)},
                "properties": properties,
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let rule_index = registry::ALL.iter().position(|r| r.code == f.rule.code);
            let file = set.get(f.primary.file);
            let fingerprint = format!(
                "{:016x}",
                fnv1a(&format!(
                    "{}|{}|{}",
                    f.rule.code,
                    uri(&file.display_path()),
                    f.message
                ))
            );
            let mut related: Vec<Value> = f
                .labels
                .iter()
                .map(|l| location(set, l.span, Some(&l.message)))
                .collect();
            related.extend(
                f.chain
                    .iter()
                    .map(|l| location(set, l.span, Some("included from here"))),
            );
            let mut text = f.message.clone();
            if let Some(h) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let mut result = json!({
                "ruleId": f.rule.code,
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": {"text": text},
                "locations": [location(set, f.primary, f.primary_label.as_deref())],
                "relatedLocations": related,
                "partialFingerprints": {"apachelint/v1": fingerprint},
                "properties": {"latent": f.latent, "stage": f.stage},
            });
            if let Some(state) = f.baseline_state {
                result["baselineState"] = json!(state.as_str());
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "apachelint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
