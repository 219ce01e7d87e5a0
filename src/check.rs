//! The check pipeline: a loaded configuration in, findings out — the
//! loader's own findings plus every rule's, suppressions applied, sorted by
//! file (in reading order) and position.

use rayon::prelude::*;

use crate::finding::{Finding, Severity};
use crate::load::tree::Config;
use crate::model::vhosts::VhostMap;
use crate::rules::context::{Context, NodeIndex, TargetFacts};
use crate::rules::registry::RULES;

/// Runs every rule over `config`.
pub fn check(config: &Config, facts: &dyn TargetFacts) -> Vec<Finding> {
    let vhosts = VhostMap::build(config);
    let index = NodeIndex::build(config);
    let mut findings = config.findings.clone();
    let per_rule: Vec<Vec<Finding>> = RULES
        .par_iter()
        .map(|rule| {
            let mut ctx = Context::new(config, &vhosts, facts, &index, rule.meta());
            rule.check(&mut ctx);
            ctx.into_findings()
        })
        .collect();
    findings.extend(per_rule.into_iter().flatten());
    sort(&mut findings);
    findings
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
