//! `AL223` rewrite-loop-risk.

use std::collections::BTreeSet;

use crate::diff::ChangeKind;
use crate::finding::{Label, Stage};
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::perdir::{Side, document_root, named_in, sides};
use super::rewrite::{Request, RewriteRule, entry_requests, hop, rules_in};
use super::servers::site_of;

crate::declare_rule! {
    /// ## What it does
    /// Runs the per-directory rewrite rules of every `<Directory>` whose rules changed on a few
    /// sample paths, the way mod_rewrite does — after a rewrite in directory context the
    /// request starts over, and the rules run again on the new path — and reports rules that
    /// rewrite their own output again and again. Also follows the redirects that vhosts answer
    /// every path with, and reports a new cycle between them (`http` ↔ `https`, `www` ↔ bare
    /// name).
    ///
    /// ## Why is this risky?
    /// In a `<Directory>` or `.htaccess`, `[L]` ends only the current pass: `RewriteRule ^(.*)$
    /// 2026/$1 [L]` turns `/` into `/2026/`, then `/2026/2026/` … until `LimitInternalRecursion`
    /// stops it, and every request answers 500 (AH00124). A redirect cycle between two vhosts
    /// makes browsers give up with "too many redirects". `apache2 -t` sees neither.
    ///
    /// Approximations: rules with `RewriteCond`s, `C`/`N`/`S` flags or variables in the
    /// substitution are not simulated (conditions are how such loops are usually guarded);
    /// `.htaccess` files are not compared, since there is no known-good copy.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /var/www/sale.shop.example>
    ///     RewriteEngine On
    ///     RewriteRule ^(.*)$ 2026/$1 [L]
    /// </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory /var/www/sale.shop.example>
    ///     RewriteEngine On
    ///     RewriteRule ^(.*)$ 2026/$1 [END]
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/rewrite/flags.html#flag_l>
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#limitinternalrecursion>
    pub REWRITE_LOOP_RISK = {
        code: "AL223",
        name: "rewrite-loop-risk",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RewriteLoopRisk;

/// Internal redirects httpd allows before AH00124 (`LimitInternalRecursion`).
const ROUNDS: usize = 10;

/// How a simulation ended.
enum Outcome {
    /// The path keeps changing: the rule that rewrote it first, and the
    /// paths seen.
    Loop { rule: NodeId, trail: Vec<String> },
    /// The rules stop (or leave the directory).
    Stops,
    /// Something the simulation does not model.
    Unknown,
}

/// Expands `$N` with the captures (`%N` is empty without conditions);
/// `None` for variables and maps.
fn expand(substitution: &str, captures: &[Option<String>]) -> Option<String> {
    let mut out = String::new();
    let mut chars = substitution.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '$' | '%' if chars.peek() == Some(&'{') => return None,
            '$' | '%' if chars.peek().is_some_and(char::is_ascii_digit) => {
                let n = chars.next().and_then(|d| d.to_digit(10)).unwrap_or(0) as usize;
                if c == '$' {
                    out.push_str(captures.get(n).cloned().flatten().as_deref().unwrap_or(""));
                }
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// Runs per-directory rules on `start` (a path relative to the directory)
/// round after round. A substitution starting with `/` is mapped through
/// `document_root` and must land in `dir` again to count.
fn simulate(rules: &[RewriteRule], start: &str, dir: &str, document_root: &str) -> Outcome {
    let compiled: Vec<_> = rules.iter().map(|r| r.regex()).collect();
    let mut path = start.to_string();
    let mut trail = vec![path.clone()];
    let mut first_rule = None;
    for _ in 0..ROUNDS {
        let round_start = path.clone();
        for (rule, regex) in rules.iter().zip(&compiled) {
            let Some(regex) = regex else {
                return Outcome::Unknown;
            };
            let captures: Option<Vec<Option<String>>> = match regex.captures(path.as_bytes()) {
                Ok(Some(caps)) => Some(
                    (0..caps.len())
                        .map(|i| {
                            caps.get(i)
                                .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
                        })
                        .collect(),
                ),
                Ok(None) => None,
                Err(_) => return Outcome::Unknown,
            };
            let captures = match (captures, rule.negated) {
                (Some(_), true) | (None, false) => continue,
                (Some(c), false) => c,
                (None, true) => Vec::new(),
            };
            if rule.conditions > 0 || rule.has_flag(&["c", "chain", "n", "next", "s", "skip"]) {
                return Outcome::Unknown;
            }
            if rule.redirects()
                || rule.has_flag(&["f", "forbidden", "g", "gone", "end"])
                || (rule.substitution == "-" && rule.has_flag(&["l", "last"]))
            {
                return Outcome::Stops;
            }
            if rule.substitution == "-" {
                continue;
            }
            let Some(expanded) = expand(&rule.substitution, &captures) else {
                return Outcome::Unknown;
            };
            let expanded = expanded.split('?').next().unwrap_or_default().to_string();
            path = match expanded.strip_prefix('/') {
                Some(url_path) => {
                    let file = format!("{}/{url_path}", document_root.trim_end_matches('/'));
                    match file.strip_prefix(&format!("{}/", dir.trim_end_matches('/'))) {
                        Some(inside) => inside.to_string(),
                        None => return Outcome::Stops,
                    }
                }
                None => expanded,
            };
            first_rule.get_or_insert(rule.node);
            if rule.has_flag(&["l", "last"]) {
                break;
            }
        }
        // mod_rewrite stops when a pass gives back what it started with.
        if path == round_start {
            return Outcome::Stops;
        }
        trail.push(path.clone());
    }
    match first_rule {
        Some(rule) => Outcome::Loop { rule, trail },
        None => Outcome::Stops,
    }
}

/// Whether the per-directory engine is on for a `<Directory>`: its own
/// `RewriteEngine`, else the nearest enclosing directory's.
fn dir_engine_on(ctx: &Context<'_>, view: &Side<'_>, section: NodeId, dir: &str) -> bool {
    let config = ctx.config;
    let own = named_in(view, section, &["RewriteEngine"]).pop();
    let inherited = || {
        ctx.named("<Directory")
            .iter()
            .copied()
            .filter(|&id| config.node(id).active)
            .filter_map(|id| Some((id, config.node(id).arg(0)?.trim_end_matches('/'))))
            .filter(|(id, p)| *id != section && (dir.starts_with(&format!("{p}/")) || p.is_empty()))
            .max_by_key(|(_, p)| p.len())
            .and_then(|(id, _)| named_in(view, id, &["RewriteEngine"]).pop())
    };
    own.or_else(inherited)
        .and_then(|id| config.node(id).arg(0))
        .is_some_and(|v| v.eq_ignore_ascii_case("on"))
}

impl RewriteLoopRisk {
    /// Per-directory loops in `<Directory>` sections whose rewrite setup changed.
    fn directory_loops(&self, ctx: &mut Context<'_>) {
        let changed = ["rewriterule", "rewritecond", "rewriteengine", "rewritebase"];
        let sections: BTreeSet<NodeId> = ctx
            .changes
            .iter()
            .filter(|c| matches!(c.kind, ChangeKind::Added | ChangeKind::Modified))
            .filter(|c| changed.contains(&c.name.as_str()))
            .filter_map(|c| c.new)
            .filter_map(|id| ctx.config.enclosing_section(id))
            .filter(|&s| ctx.node(s).is("Directory"))
            .collect();
        let Some((_, side)) = sides(ctx) else {
            return;
        };
        for section in sections {
            let Some(dir) = ctx
                .node(section)
                .arg(0)
                .map(|d| d.trim_end_matches('/').to_string())
            else {
                continue;
            };
            if dir.starts_with('~') || !dir_engine_on(ctx, &side, section, &dir) {
                continue;
            }
            let rules = rules_in(&side, section);
            let (document_root, _) = document_root(&side, site_of(&side, section));
            let found = ["", "index.html", "a/b.html"].iter().find_map(|start| {
                match simulate(&rules, start, &dir, &document_root) {
                    Outcome::Loop { rule, trail } => Some((rule, trail)),
                    _ => None,
                }
            });
            let Some((rule, trail)) = found else { continue };
            let shown: Vec<String> = trail.iter().take(4).map(|p| format!("{dir}/{p}")).collect();
            let message = format!(
                "requests below {dir} will fail with 500 (AH00124): in directory context the rewritten path goes through the rules again — {} … until LimitInternalRecursion stops it",
                shown.join(" → ")
            );
            let span = ctx.node(rule).span;
            let f = ctx.report_change(Some((rule, span)), None, message);
            f.stage = Stage::Request;
            f.help = Some(
                "use [END] instead of [L], or guard the rule (`RewriteCond %{REQUEST_URI} !^/2026/`) so that its own output does not match again"
                    .to_string(),
            );
        }
    }

    /// Redirect cycles across vhosts that the known-good configuration did
    /// not have.
    fn redirect_cycles(&self, ctx: &mut Context<'_>) {
        let cycles = |view: &Side<'_>| {
            let mut out: Vec<Vec<(Request, NodeId)>> = Vec::new();
            for vhost in 0..view.vhosts.vhosts.len() {
                for start in entry_requests(view, vhost) {
                    let mut chain: Vec<(Request, NodeId)> = Vec::new();
                    let mut request = start;
                    while let Some(step) = hop(view, &request) {
                        if let Some(at) = chain.iter().position(|(r, _)| *r == request) {
                            let cycle = chain[at..].to_vec();
                            let key: BTreeSet<&Request> = cycle.iter().map(|(r, _)| r).collect();
                            if cycle.len() > 1
                                && !out.iter().any(|c| {
                                    c.iter().map(|(r, _)| r).collect::<BTreeSet<_>>() == key
                                })
                            {
                                out.push(cycle);
                            }
                            break;
                        }
                        if chain.len() > 8 {
                            break;
                        }
                        chain.push((request, step.redirect.node));
                        request = step.next;
                    }
                }
            }
            out
        };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        let known: Vec<BTreeSet<Request>> = cycles(&old_side)
            .into_iter()
            .map(|c| c.into_iter().map(|(r, _)| r).collect())
            .collect();
        for cycle in cycles(&new_side) {
            let key: BTreeSet<Request> = cycle.iter().map(|(r, _)| r.clone()).collect();
            if known.contains(&key) {
                continue;
            }
            let urls: Vec<String> = cycle.iter().map(|(r, _)| r.url()).collect();
            let message = format!(
                "requests for {} now bounce between redirects forever: {} → {}",
                urls[0],
                urls.join(" → "),
                urls[0]
            );
            // Point at a redirect that is new, else the first.
            let is_new = |id: &NodeId| {
                ctx.changes
                    .iter()
                    .any(|c| c.new == Some(*id) && c.kind == ChangeKind::Added)
            };
            let primary = cycle
                .iter()
                .map(|(_, id)| *id)
                .find(is_new)
                .unwrap_or(cycle[0].1);
            let others: Vec<Label> = cycle
                .iter()
                .filter(|(_, id)| *id != primary)
                .map(|(r, id)| Label {
                    span: ctx.node(*id).span,
                    message: format!("sends {} on", r.url()),
                })
                .collect();
            let span = ctx.node(primary).span;
            let f = ctx.report_change(Some((primary, span)), None, message);
            f.stage = Stage::Request;
            f.labels.extend(others);
            f.help = Some(
                "redirect in one direction only: the canonical scheme and name must serve the pages"
                    .to_string(),
            );
        }
    }
}

impl Rule for RewriteLoopRisk {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITE_LOOP_RISK
    }

    fn check(&self, ctx: &mut Context<'_>) {
        if ctx.baseline.is_none() {
            return;
        }
        self.directory_loops(ctx);
        self.redirect_cycles(ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: &str, substitution: &str, flags: &str) -> RewriteRule {
        RewriteRule {
            node: NodeId(0),
            pattern: pattern.to_string(),
            negated: false,
            substitution: substitution.to_string(),
            flags: flags
                .split(',')
                .filter(|f| !f.is_empty())
                .map(|f| (f.to_ascii_lowercase(), None))
                .collect(),
            conditions: 0,
        }
    }

    #[test]
    fn growing_rewrite_loops_and_front_controller_stops() {
        let d = "/var/www/site";
        let growing = [rule("^(.*)$", "2026/$1", "L")];
        assert!(matches!(simulate(&growing, "", d, d), Outcome::Loop { .. }));
        let front = [rule("^", "index.php", "L")];
        assert!(matches!(simulate(&front, "a/b", d, d), Outcome::Stops));
        let ended = [rule("^(.*)$", "2026/$1", "END")];
        assert!(matches!(simulate(&ended, "", d, d), Outcome::Stops));
        // A URL path maps through the document root: out of the directory
        // it stops, back into it it loops.
        let url_path = [rule("^(.*)$", "/elsewhere/$1", "L")];
        assert!(matches!(
            simulate(&url_path, "", d, "/var/www"),
            Outcome::Stops
        ));
        assert!(matches!(
            simulate(&url_path, "", d, d),
            Outcome::Loop { .. }
        ));
        let variable = [rule("^(.*)$", "%{ENV:X}/$1", "L")];
        assert!(matches!(simulate(&variable, "", d, d), Outcome::Unknown));
    }
}
