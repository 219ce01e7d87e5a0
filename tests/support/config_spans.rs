//! The loader's span invariant, checked from the outside: every span of a loaded
//! configuration lies inside the file it names, with `start <= end`.
//!
//! Included with `#[path = "support/config_spans.rs"] mod config_spans;` by the
//! tests that need it (corpus, property tests); the parser's twin is
//! `parse_spans.rs`.

use apachelint::load::tree::{Config, NodeKind, RawArgs};
use apachelint::source::Span;

/// What is wrong with the spans of a loaded configuration: node lines, names,
/// arguments and raw arguments, macro expansions, findings, their labels,
/// include chains and httpd echoes must each lie inside the file they name.
pub fn config_out_of_bounds(config: &Config) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |what: &str, span: Span| {
        let len = config.sources.get(span.file).text.len();
        let range = span.range;
        if range.start > range.end || range.end() > len {
            problems.push(format!(
                "{what} span {}..{} lies outside {} (len {len})",
                range.start,
                range.end,
                config.sources.get(span.file).path.display()
            ));
        }
    };
    for node in &config.nodes {
        if let NodeKind::File { .. } = node.kind {
            continue;
        }
        check("node", node.span);
        check("node name", node.name_span);
        for arg in &node.args {
            check("node argument", Span::new(node.span.file, arg.range));
        }
        if let RawArgs::Slice(range) = node.raw_args {
            check("raw arguments", Span::new(node.span.file, range));
        }
    }
    for ctx in &config.macro_ctxs {
        check("macro use", ctx.use_span);
        check("macro definition", ctx.def_span);
    }
    for finding in &config.findings {
        check("finding", finding.primary);
        finding
            .labels
            .iter()
            .for_each(|l| check("finding label", l.span));
        finding
            .chain
            .iter()
            .for_each(|c| check("include chain", c.span));
        if let Some(echo) = &finding.httpd {
            check("httpd echo", echo.span);
        }
    }
    problems
}
