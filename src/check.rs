//! The check pipeline: a loaded configuration in, findings out — the
//! loader's own findings plus every rule's, suppressions applied, sorted by
//! file (in reading order) and position.

use rayon::prelude::*;

use crate::diff::{self, Change};
use crate::finding::{Finding, Severity};
use crate::load::tree::Config;
use crate::model::vhosts::VhostMap;
use crate::rules::context::{Baseline, Context, NodeIndex, TargetFacts};
use crate::rules::registry::RULES;
use crate::source::SourceSet;

/// The result of a check.
pub struct Checked {
    pub findings: Vec<Finding>,
    /// The files findings point into: the candidate's, then the baseline's.
    pub sources: SourceSet,
    /// What changed against the baseline.
    pub changes: Vec<Change>,
}

/// Runs every rule over `config`, without a baseline.
pub fn check(config: &Config, facts: &dyn TargetFacts) -> Vec<Finding> {
    check_change(config, None, facts).findings
}

/// Runs every rule over the candidate `config`, comparing it with the
/// known-good `baseline` when there is one.
pub fn check_change(
    config: &Config,
    baseline: Option<&Config>,
    facts: &dyn TargetFacts,
) -> Checked {
    let vhosts = VhostMap::build(config);
    let index = NodeIndex::build(config);
    let mut sources = config.sources.clone();
    let changes = baseline.map(|b| diff::diff(b, config)).unwrap_or_default();
    let base = baseline.map(|b| {
        let file_offset = sources.append(&b.sources);
        (b, VhostMap::build(b), NodeIndex::build(b), file_offset)
    });
    let base_view = base
        .as_ref()
        .map(|(config, vhosts, index, file_offset)| Baseline {
            config,
            vhosts,
            index,
            file_offset: *file_offset,
        });
    let mut findings = config.findings.clone();
    let per_rule: Vec<Vec<Finding>> = RULES
        .par_iter()
        .map(|rule| {
            let mut ctx = Context::new(config, &vhosts, facts, &index, rule.meta());
            if let Some(b) = &base_view {
                ctx = ctx.with_baseline(b, &changes);
            }
            rule.check(&mut ctx);
            ctx.into_findings()
        })
        .collect();
    findings.extend(per_rule.into_iter().flatten());
    sort(&mut findings);
    Checked {
        findings,
        sources,
        changes,
    }
}

/// Sorts findings by file (reading order), position and code, and drops
/// exact duplicates.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (
            a.primary.file,
            a.primary.range.start,
            a.rule.code,
            &a.message,
        )
            .cmp(&(
                b.primary.file,
                b.primary.range.start,
                b.rule.code,
                &b.message,
            ))
    });
    findings.dedup_by(|a, b| {
        a.rule.code == b.rule.code && a.primary == b.primary && a.message == b.message
    });
}

/// The threshold at which findings fail a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    Never,
}

/// How a check ended: 0 clean, 1 findings at or above the threshold, 2 could
/// not check (a file unreadable or unparsable: fail closed).
pub fn exit_code(findings: &[Finding], fail_on: FailOn) -> u8 {
    if findings
        .iter()
        .any(|f| f.rule.blocks_check && f.severity == Severity::Error)
    {
        return 2;
    }
    match fail_on {
        FailOn::Severity(threshold) if findings.iter().any(|f| f.severity >= threshold) => 1,
        _ => 0,
    }
}
