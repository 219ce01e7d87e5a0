//! The parser's span invariant, checked from the outside: every byte range of a
//! parse lies inside the input, with `start <= end`.
//!
//! Included with `#[path = "support/parse_spans.rs"] mod parse_spans;` by the
//! tests that need it (grammar fixtures, corpus, property tests); the loader's
//! twin is `config_spans.rs`.

use apachelint::source::TextRange;
use apachelint::syntax::{Body, LineInfo, Node, OffsetMap, Parsed};

/// What is wrong with the ranges of a parse of a `len`-byte input (empty when
/// every range is inside it).
pub fn parse_out_of_bounds(parsed: &Parsed, len: usize) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |what: &str, range: TextRange| {
        if range.start > range.end || range.end() > len {
            problems.push(format!(
                "{what} span {}..{} lies outside the input (len {len})",
                range.start, range.end
            ));
        }
    };
    let mut stack: Vec<&Node> = parsed.nodes.iter().collect();
    while let Some(node) = stack.pop() {
        check_line("line", node.line(), &mut check);
        match node {
            Node::Comment(_) => {}
            Node::Directive(d) => {
                check("name", d.name.range);
                d.args.iter().for_each(|a| check("argument", a.range));
            }
            Node::Section(s) => {
                check("section name", s.open.name.range);
                s.open.args.iter().for_each(|a| check("argument", a.range));
                if let Some(close) = &s.close {
                    check("close word", close.word.range);
                    check_line("close line", &close.line, &mut check);
                }
                match &s.body {
                    Body::Nodes(children) => stack.extend(children),
                    Body::Raw(lines) => lines
                        .iter()
                        .for_each(|l| check_line("raw line", &l.line, &mut check)),
                }
            }
        }
    }
    for error in &parsed.errors {
        check("error", error.range);
    }
    problems
}

/// A logical line's range, and for joined lines every byte of its text mapped
/// back to the file.
fn check_line(what: &str, line: &LineInfo, check: &mut impl FnMut(&str, TextRange)) {
    check(what, line.range);
    if let Some(joined) = &line.joined
        && let OffsetMap::Pieces(_) = joined.map
    {
        for offset in 0..joined.text.len() {
            let at = joined.map.to_file(offset);
            check("joined text byte", TextRange::new(at, at + 1));
        }
    }
}
