//! The opening of a change report, like a plan: how many changes, how many
//! of them risky, and where (by vhost), so the reader knows the size of the
//! edit before reading the findings.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::diff::{Change, ChangeKind, Scope};
use crate::finding::{Finding, Severity};
use crate::rules::Family;

/// The plan text: one summary line and one line per touched scope.
pub fn render(baseline: &str, changes: &[Change], findings: &[Finding]) -> String {
    let mut by_scope: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for c in changes {
        if matches!(c.kind, ChangeKind::ScopeAdded | ChangeKind::ScopeRemoved) {
            continue;
        }
        let scope = c.scope.vhost().unwrap_or(&Scope::Main).to_string();
        by_scope.entry(scope).or_default().0 += 1;
    }
    let risky: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule.family == Family::Change)
        .collect();
    let errors = risky
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let added = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::ScopeAdded && c.scope.vhost() == Some(&c.scope))
        .count();
    let removed = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::ScopeRemoved && c.scope.vhost() == Some(&c.scope))
        .count();
    let directive_changes: usize = by_scope.values().map(|(n, _)| n).sum();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Compared with the known-good configuration ({baseline}):"
    );
    let _ = writeln!(
        out,
        "  {} in {}, {} added, {removed} removed; {} risky ({})",
        count(directive_changes, "directive change"),
        count(by_scope.len(), "scope"),
        count(added, "vhost"),
        risky.len(),
        count(errors, "error")
    );
    for (scope, (n, _)) in &by_scope {
        let _ = writeln!(out, "  - {scope}: {n} changed");
    }
    out.push('\n');
    out
}

/// `1 scope`, `2 scopes`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
