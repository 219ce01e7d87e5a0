//! Inline suppressions. httpd has no trailing comments, so a suppression is
//! an own-line comment before what it covers:
//!
//! ```apache
//! # apachelint: disable=AL301,ssl-protocol-legacy -- legacy POS terminals, ticket OPS-123
//! SSLProtocol all -SSLv3
//! ```
//!
//! - `disable=` covers the next directive, or the whole section when the next
//!   line opens one; `disable-file=` covers the whole file.
//! - Codes or names, comma-separated; `all` covers every rule.
//! - A reason after ` -- ` is required.
//!
//! Suppressions that match nothing, lack a reason or name unknown rules are
//! findings themselves (AL401–AL403), so they cannot rot silently.

use crate::finding::Finding;
use crate::rules::registry;
use crate::rules::{Family, RuleMeta};
use crate::source::{FileId, SourceSet, Span, TextRange};
use crate::syntax::{Node, ParseOptions, parse};

crate::declare_rule! {
    /// ## What it does
    /// Reports an `# apachelint: disable=…` comment that suppresses nothing: the rule it names
    /// does not fire where it points (any more).
    ///
    /// ## Why is this risky?
    /// A stale suppression hides the next real problem at that place. Remove it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// # apachelint: disable=AL104 -- old comment habit
    /// ServerName shop.example
    /// ```
    ///
    /// ```apache
    /// # after
    /// ServerName shop.example
    /// ```
    ///
    /// ## References
    /// - <https://github.com/koalaman/shellcheck/wiki/Ignore>
    pub SUPPRESSION_UNUSED = {
        code: "AL401",
        name: "suppression-unused",
        family: Hygiene,
        severity: Warning,
        blocks_check: false,
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports an `# apachelint: disable=…` comment without a reason after ` -- `.
    ///
    /// ## Why is this risky?
    /// A suppression is a decision; without the reason nobody can tell later whether it still
    /// holds. The suppression still applies.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// # apachelint: disable=AL301
    /// SSLProtocol all
    /// ```
    ///
    /// ```apache
    /// # after
    /// # apachelint: disable=AL301 -- legacy POS terminals until 2027-03, ticket OPS-123
    /// SSLProtocol all
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/issues/370>
    pub SUPPRESSION_WITHOUT_REASON = {
        code: "AL402",
        name: "suppression-without-reason",
        family: Hygiene,
        severity: Warning,
        blocks_check: false,
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports an `# apachelint: disable=…` comment naming a rule apachelint does not have.
    ///
    /// ## Why is this risky?
    /// A misspelt code suppresses nothing while looking as if it did.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// # apachelint: disable=AL999 -- typo
    /// ```
    ///
    /// ```apache
    /// # after
    /// # apachelint: disable=AL104 -- the real code
    /// ```
    ///
    /// ## References
    /// - <https://docs.astral.sh/ruff/rules/invalid-rule-code/>
    pub SUPPRESSION_UNKNOWN_RULE = {
        code: "AL403",
        name: "suppression-unknown-rule",
        family: Hygiene,
        severity: Warning,
        blocks_check: false,
    }
}

/// One suppression comment.
#[derive(Debug)]
struct Suppression {
    /// The comment itself.
    span: Span,
    rules: Vec<&'static RuleMeta>,
    all: bool,
    /// Where it applies.
    scope: Span,
    used: bool,
}

/// Parses `# apachelint: disable[-file]=A,B -- reason` comments of one file.
fn suppressions_in(file: FileId, text: &[u8], problems: &mut Vec<Finding>) -> Vec<Suppression> {
    let parsed = parse(text, &ParseOptions::main_config());
    let mut nodes: Vec<(TextRange, TextRange)> = Vec::new();
    collect_extents(&parsed.nodes, &mut nodes);
    let mut out = Vec::new();
    let mut offset = 0usize;
    for line in text.split(|&b| b == b'\n') {
        let start = offset;
        offset += line.len() + 1;
        let trimmed = String::from_utf8_lossy(line);
        let t = trimmed.trim();
        let Some(rest) = t.strip_prefix('#').map(str::trim_start) else {
            continue;
        };
        let Some(body) = rest.strip_prefix("apachelint:") else {
            continue;
        };
        let body = body.trim();
        let (whole_file, list) = if let Some(l) = body.strip_prefix("disable-file=") {
            (true, l)
        } else if let Some(l) = body.strip_prefix("disable=") {
            (false, l)
        } else {
            continue;
        };
        let (list, reason) = match list.split_once(" -- ") {
            Some((l, r)) => (l, r.trim()),
            None => (list, ""),
        };
        let span = Span::new(file, TextRange::new(start, start + line.len()));
        if reason.is_empty() {
            problems.push(
                Finding::new(
                    &SUPPRESSION_WITHOUT_REASON,
                    span,
                    "suppression without a reason",
                )
                .help("add the reason after ` -- `: `# apachelint: disable=AL301 -- why`"),
            );
        }
        let mut rules = Vec::new();
        let mut all = false;
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            if item.eq_ignore_ascii_case("all") {
                all = true;
            } else if let Some(r) = registry::find(item) {
                rules.push(r);
            } else {
                problems.push(Finding::new(
                    &SUPPRESSION_UNKNOWN_RULE,
                    span,
                    format!("suppression names `{item}`, which is no apachelint rule"),
                ));
            }
        }
        let scope = if whole_file {
            Span::new(file, TextRange::new(0, text.len()))
        } else {
            let next = nodes
                .iter()
                .find(|(line, _)| line.start as usize >= offset.min(text.len()));
            match next {
                Some((_, extent)) => Span::new(file, *extent),
                None => Span::new(
                    file,
                    TextRange::new(offset.min(text.len()), offset.min(text.len())),
                ),
            }
        };
        out.push(Suppression {
            span,
            rules,
            all,
            scope,
            used: false,
        });
    }
    out
}

/// `(first line range, whole extent)` of every non-comment node, in order.
fn collect_extents(nodes: &[Node], out: &mut Vec<(TextRange, TextRange)>) {
    for node in nodes {
        match node {
            Node::Comment(_) => {}
            Node::Directive(d) => out.push((d.line.range, d.line.range)),
            Node::Section(s) => {
                let end = s.close.as_ref().map_or(s.open.line.range, |c| c.line.range);
                out.push((s.open.line.range, s.open.line.range.cover(end)));
                collect_extents(s.children(), out);
            }
        }
    }
    out.sort_by_key(|(line, _)| line.start);
}

/// Removes suppressed findings and adds findings about the suppressions.
/// Only files `0..candidate_files` (the candidate's own) are read for
/// suppression comments.
pub fn apply(findings: Vec<Finding>, sources: &SourceSet, candidate_files: usize) -> Vec<Finding> {
    let mut problems = Vec::new();
    let mut all: Vec<Suppression> = Vec::new();
    for (id, file) in sources.iter().take(candidate_files) {
        if memchr::memmem::find(&file.text, b"apachelint:").is_some() {
            all.extend(suppressions_in(id, &file.text, &mut problems));
        }
    }
    if all.is_empty() {
        let mut findings = findings;
        findings.extend(problems);
        return findings;
    }
    let mut kept = Vec::new();
    for f in findings {
        let matching = all.iter_mut().find(|s| {
            s.scope.file == f.primary.file
                && s.scope.range.start <= f.primary.range.start
                && f.primary.range.end <= s.scope.range.end.max(s.scope.range.start)
                && (s.all || s.rules.iter().any(|r| std::ptr::eq(*r, f.rule)))
                && f.rule.family != Family::Syntax
        });
        match matching {
            Some(s) => s.used = true,
            None => kept.push(f),
        }
    }
    for s in all.iter().filter(|s| !s.used) {
        kept.push(Finding::new(
            &SUPPRESSION_UNUSED,
            s.span,
            "this suppression matches no finding",
        ));
    }
    kept.extend(problems);
    kept
}
