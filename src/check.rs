//! The check pipeline: a loaded configuration in, findings out — the
//! loader's own findings plus every rule's, suppressions applied, sorted by
//! file (in reading order) and position.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diff::{self, Change};
use crate::finding::{BaselineState, Finding, Severity};
use crate::load::tree::{Config, NodeId};
use crate::model::vhosts::VhostMap;
use crate::rules::RuleMeta;
use crate::rules::context::{Baseline, Context, HtaccessFile, NodeIndex, Shared, TargetFacts};
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
/// known-good `baseline` when there is one. Then each finding is marked new
/// or unchanged: the baseline is checked on its own too, and a candidate
/// finding the baseline already had (see [`fingerprint`]) is unchanged — a
/// pre-commit hook or a pull-request gate judges what the change brings, not
/// what the known-good configuration already carried.
pub fn check_change(
    config: &Config,
    baseline: Option<&Config>,
    facts: &dyn TargetFacts,
) -> Checked {
    let (mut checked, known) = rayon::join(
        || check_against(config, baseline, facts),
        || baseline.map(|b| check_against(b, None, facts)),
    );
    if let (Some(known), Some(b)) = (known, baseline) {
        mark_baseline_state(&mut checked, config.root_dir(), &known, b.root_dir());
    }
    checked
}

/// Marks each finding of `checked` unchanged when `known` (the baseline
/// checked alone) has one with the same fingerprint, new otherwise; equal
/// fingerprints pair off one to one.
fn mark_baseline_state(checked: &mut Checked, dir: &Path, known: &Checked, known_dir: &Path) {
    let mut remaining: HashMap<Fingerprint, usize> = HashMap::new();
    for f in &known.findings {
        *remaining
            .entry(fingerprint(f, &known.sources, known_dir))
            .or_default() += 1;
    }
    for f in &mut checked.findings {
        let state = match remaining.get_mut(&fingerprint(f, &checked.sources, dir)) {
            Some(count) if *count > 0 => {
                *count -= 1;
                BaselineState::Unchanged
            }
            _ => BaselineState::New,
        };
        f.baseline_state = Some(state);
    }
}

/// What identifies a finding across two versions of a configuration whose
/// lines moved: the rule, the file as the configuration names it (below the
/// root file's directory when it is there), the text
/// the finding points at, the whole line around it, and the message with
/// digits blurred (messages quote line numbers).
type Fingerprint = (&'static str, PathBuf, String, String, String);

fn fingerprint(f: &Finding, sources: &SourceSet, dir: &Path) -> Fingerprint {
    let file = sources.get(f.primary.file);
    let path = file
        .config_path
        .strip_prefix(dir)
        .unwrap_or(&file.config_path);
    let text = &file.text;
    let start = (f.primary.range.start as usize).min(text.len());
    let end = (f.primary.range.end as usize).clamp(start, text.len());
    let line_start = text[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = text[end..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| end + i);
    let blurred: String = f
        .message
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    (
        f.rule.code,
        path.to_path_buf(),
        String::from_utf8_lossy(&text[start..end]).into_owned(),
        String::from_utf8_lossy(&text[line_start..line_end])
            .trim()
            .to_string(),
        blurred,
    )
}

/// One configuration's pipeline: loader findings, every rule (the change
/// rules only with a baseline), suppressions, sorted.
fn check_against(config: &Config, baseline: Option<&Config>, facts: &dyn TargetFacts) -> Checked {
    let started = Instant::now();
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
            site_memo: Default::default(),
        });
    let htaccess = find_htaccess(config, baseline, facts, &mut sources);
    let shared = Shared::default();
    let prepared = Instant::now();
    let mut findings = config.findings.clone();
    let per_rule: Vec<(Vec<Finding>, Duration)> = RULES
        .par_iter()
        .map(|rule| {
            let started = Instant::now();
            let mut ctx = Context::new(config, &vhosts, facts, &index, &shared, rule.meta())
                .with_htaccess(&htaccess);
            if let Some(b) = &base_view {
                ctx = ctx.with_baseline(b, &changes);
            }
            rule.check(&mut ctx);
            (ctx.into_findings(), started.elapsed())
        })
        .collect();
    let ruled = Instant::now();
    let timing = std::env::var_os("APACHELINT_TIMING").is_some();
    if timing {
        print_rule_timings(&per_rule);
    }
    findings.extend(per_rule.into_iter().flat_map(|(found, _)| found));
    let mut findings = crate::suppress::apply(findings, &sources, config.sources.len());
    sort(&mut findings);
    if timing {
        let ms = |from: Instant, to: Instant| (to - from).as_secs_f64() * 1e3;
        eprintln!(
            "check phases: {:.1} ms models (vhosts, index, diff, .htaccess), {:.1} ms rules, {:.1} ms suppressions and sorting",
            ms(started, prepared),
            ms(prepared, ruled),
            ms(ruled, Instant::now())
        );
    }
    Checked {
        findings,
        sources,
        changes,
    }
}

/// `APACHELINT_TIMING=1` (as ESLint's `TIMING`): the slowest rules on
/// stderr, for whoever tunes a rule or checks a huge configuration. A rule
/// that first asks for a shared analysis (the TLS servers) pays for it.
fn print_rule_timings(per_rule: &[(Vec<Finding>, Duration)]) {
    let mut timings: Vec<(Duration, &RuleMeta)> = per_rule
        .iter()
        .zip(RULES)
        .map(|((_, took), rule)| (*took, rule.meta()))
        .collect();
    timings.sort_by_key(|&(took, _)| std::cmp::Reverse(took));
    let total: Duration = timings.iter().map(|(took, _)| *took).sum();
    eprintln!(
        "rule timings: {:.1} ms in {} rules",
        total.as_secs_f64() * 1e3,
        timings.len()
    );
    for (took, rule) in timings.iter().take(20) {
        eprintln!(
            "{:>10.1} ms  {} {}",
            took.as_secs_f64() * 1e3,
            rule.code,
            rule.name
        );
    }
}

/// The directories whose `.htaccess` files matter: the candidate's
/// DocumentRoots and Alias targets, and every `<Directory>` (of either side)
/// that itself allows overrides — an `AllowOverride`/`AllowOverrideList`
/// other than `None` in the section says its author expects `.htaccess`
/// files there, and a side that now says `None` may silently drop them.
/// Paths with wildcards are skipped; the result is outermost first. Other
/// `<Directory>` paths are not walked: Debian's own `<Directory /usr/share>`
/// (`AllowOverride None`) would have every check walk /usr/share.
fn served_dirs(config: &Config, baseline: Option<&Config>) -> Vec<String> {
    let mut dirs: Vec<String> = Vec::new();
    let mut add = |p: Option<&str>| {
        if let Some(p) = p.filter(|p| p.starts_with('/') && !p.contains(['*', '?', '['])) {
            dirs.push(p.trim_end_matches('/').to_string());
        }
    };
    for &id in config.walk_effective() {
        let node = config.node(id);
        if node.is_directive() && node.is("DocumentRoot") {
            add(node.arg(0));
        } else if node.is_directive() && (node.is("Alias") || node.is("ScriptAlias")) {
            add(node.arg(1));
        }
    }
    for side in std::iter::once(config).chain(baseline) {
        for &id in side.walk_effective() {
            let node = side.node(id);
            if node.is_section()
                && node.is("Directory")
                && node.args.len() == 1
                && allows_overrides(side, id)
            {
                add(node.arg(0));
            }
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

/// Whether a `<Directory>` section itself sets overrides other than `None`.
fn allows_overrides(config: &Config, section: NodeId) -> bool {
    config.effective(section).iter().any(|&id| {
        let node = config.node(id);
        node.is_directive()
            && (node.is("AllowOverride") || node.is("AllowOverrideList"))
            && node
                .arg(0)
                .is_some_and(|first| !first.eq_ignore_ascii_case("None"))
    })
}

/// Finds and parses the `.htaccess` files (the `AccessFileName`) below the
/// candidate's served directories, adding them to the report's sources.
fn find_htaccess(
    config: &Config,
    baseline: Option<&Config>,
    facts: &dyn TargetFacts,
    sources: &mut SourceSet,
) -> Vec<HtaccessFile> {
    let name = config
        .walk_effective()
        .iter()
        .copied()
        .rev()
        .filter(|&id| {
            config.node(id).is("AccessFileName") && config.enclosing_section(id).is_none()
        })
        .find_map(|id| config.node(id).arg(0).map(str::to_string))
        .unwrap_or_else(|| ".htaccess".to_string());
    // Walking thousands of document roots is I/O-bound: the roots are walked
    // and their files parsed in parallel, then added in the roots' order so
    // the report does not depend on scheduling.
    let found: Vec<Vec<(String, Vec<u8>, crate::syntax::Parsed)>> = served_dirs(config, baseline)
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::served_dirs;
    use crate::load::provider::MemBackend;
    use crate::load::tree::Config;
    use crate::load::vfs::Vfs;
    use crate::load::{LoadOptions, load};

    fn config(text: &str) -> Config {
        let mem = MemBackend::new().file("/etc/apache2/apache2.conf", text);
        load(
            &Vfs::direct(Arc::new(mem)),
            &LoadOptions::debian("/etc/apache2/apache2.conf"),
        )
    }

    #[test]
    fn htaccess_roots_are_served_trees_and_directories_that_allow_overrides() {
        let candidate = config(
            "DocumentRoot /var/www/html\n\
             Alias /docs /srv/docs/\n\
             <Directory /usr/share>\n  AllowOverride None\n</Directory>\n\
             <Directory /var/www/html/app>\n  AllowOverride All\n</Directory>\n\
             <Directory /srv/shop>\n  AllowOverride FileInfo\n</Directory>\n\
             <Directory /srv/legacy>\n  AllowOverride None\n</Directory>\n",
        );
        let baseline = config("<Directory /srv/legacy>\n  AllowOverride All\n</Directory>\n");
        assert_eq!(
            served_dirs(&candidate, None),
            ["/srv/docs", "/srv/shop", "/var/www/html"]
        );
        // The known-good side let /srv/legacy's .htaccess work: look there too.
        assert_eq!(
            served_dirs(&candidate, Some(&baseline)),
            ["/srv/docs", "/srv/legacy", "/srv/shop", "/var/www/html"]
        );
    }
}
