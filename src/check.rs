//! The check pipeline: a loaded configuration in, findings out — the
//! loader's own findings plus every rule's, suppressions applied, sorted by
//! file (in reading order) and position.

use rayon::prelude::*;

use crate::diff::{self, Change};
use crate::finding::{Finding, Severity};
use crate::load::tree::Config;
use crate::model::vhosts::VhostMap;
use crate::rules::context::{Baseline, Context, HtaccessFile, NodeIndex, TargetFacts};
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
        .map(|(b, b_vhosts, b_index, file_offset)| Baseline {
            config: b,
            vhosts: b_vhosts,
            index: b_index,
            file_offset: *file_offset,
            reroutes: diff::routing::reroutes(b, b_vhosts, config, &vhosts),
        });
    let htaccess = find_htaccess(config, facts, &mut sources);
    let mut findings = config.findings.clone();
    let per_rule: Vec<Vec<Finding>> = RULES
        .par_iter()
        .map(|rule| {
            let mut ctx =
                Context::new(config, &vhosts, facts, &index, rule.meta()).with_htaccess(&htaccess);
            if let Some(b) = &base_view {
                ctx = ctx.with_baseline(b, &changes);
            }
            rule.check(&mut ctx);
            ctx.into_findings()
        })
        .collect();
    findings.extend(per_rule.into_iter().flatten());
    let mut findings = crate::suppress::apply(findings, &sources, config.sources.len());
    sort(&mut findings);
    Checked {
        findings,
        sources,
        changes,
    }
}

/// The directories the candidate serves from: DocumentRoots, Alias targets
/// and `<Directory>` paths (without regular expressions), outermost first.
fn served_dirs(config: &Config) -> Vec<String> {
    let mut dirs: Vec<String> = Vec::new();
    for id in config.walk_effective() {
        let node = config.node(id);
        let path = if node.is_directive() && node.is("DocumentRoot") {
            node.arg(0)
        } else if node.is_directive() && (node.is("Alias") || node.is("ScriptAlias")) {
            node.arg(1)
        } else if node.is_section() && node.is("Directory") && node.args.len() == 1 {
            node.arg(0).filter(|p| !p.starts_with('~'))
        } else {
            None
        };
        if let Some(p) = path.filter(|p| p.starts_with('/') && !p.contains(['*', '?', '['])) {
            dirs.push(p.trim_end_matches('/').to_string());
        }
    }
    dirs.sort();
    dirs.dedup();
    // Keep only roots not below another root (checked ancestor by ancestor).
    let all: std::collections::HashSet<&str> = dirs.iter().map(String::as_str).collect();
    let mut roots: Vec<String> = Vec::new();
    for d in dirs.iter().filter(|d| !d.is_empty()) {
        let mut below_another = false;
        let mut cur = d.as_str();
        while let Some((parent, _)) = cur.rsplit_once('/') {
            if !parent.is_empty() && all.contains(parent) {
                below_another = true;
                break;
            }
            cur = parent;
        }
        if !below_another {
            roots.push(d.clone());
        }
    }
    roots
}

/// Finds and parses the `.htaccess` files (the `AccessFileName`) below the
/// candidate's served directories, adding them to the report's sources.
fn find_htaccess(
    config: &Config,
    facts: &dyn TargetFacts,
    sources: &mut SourceSet,
) -> Vec<HtaccessFile> {
    let name = config
        .walk_effective()
        .into_iter()
        .rev()
        .filter(|&id| {
            config.node(id).is("AccessFileName") && config.enclosing_section(id).is_none()
        })
        .find_map(|id| config.node(id).arg(0).map(str::to_string))
        .unwrap_or_else(|| ".htaccess".to_string());
    // Walking thousands of document roots is I/O-bound: the roots are walked
    // and their files parsed in parallel, then added in the roots' order so
    // the report does not depend on scheduling.
    let found: Vec<Vec<(String, Vec<u8>, crate::syntax::Parsed)>> = served_dirs(config)
        .par_iter()
        .map(|root| {
            let Ok(files) = facts.find_files(root, &name) else {
                return Vec::new();
            };
            files
                .into_iter()
                .filter_map(|path| {
                    let bytes = facts.read(&path).ok().flatten()?;
                    let parsed =
                        crate::syntax::parse(&bytes, &crate::syntax::ParseOptions::htaccess());
                    Some((path, bytes, parsed))
                })
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for (path, bytes, parsed) in found.into_iter().flatten() {
        let file = sources.add(
            crate::source::SourceFile::new(facts.display_path(&path), bytes)
                .with_config_path(&path),
        );
        let dir = path.rsplit_once('/').map_or("/", |(d, _)| d).to_string();
        out.push(HtaccessFile {
            path,
            dir,
            file,
            parsed,
        });
    }
    out
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
