//! Renderings of a parsed file: a compact, stable text tree (used by the
//! grammar fixtures' `.ast` files and `apachelint dump --format text`) and a
//! JSON value (used by `apachelint dump --format json`).
//!
//! # Text form
//!
//! One node per line, children indented by two spaces. Spans are byte ranges
//! `start..end`; `L<a>-<b>` are the first and last physical lines (httpd
//! reports the last one).
//!
//! ```text
//! SECTION <Directory L1-1 @0..18 closed
//!   ARG "/srv/a" @11..17
//!   DIRECTIVE Require L2-2 @21..40
//!     ARG "all" @29..32
//!     ARG "granted" @33..40
//!   CLOSE </Directory> L3-3 @41..53 exact
//! ERROR unclosed L5 @60..70 "<Files> was not closed."
//! ```
//!
//! Values are JSON-escaped strings. A quoted word adds `dq` or `sq`, and a
//! quote left open adds `unterminated`. A `<Macro>` body shows its raw lines
//! as `RAW`.
//!
//! # JSON form (`apachelint dump FILE --syntax-only --format json`, version 1)
//!
//! Crossplane-style: a list of files, each with its status, its errors and
//! its parsed nodes. Every node has `line`, `column`, `end_line`,
//! `end_column` (1-based; columns in characters) and `span` (a byte range);
//! then one of:
//!
//! - a directive: `directive` (its name), `args`, `arg_spans`;
//! - a section: `section` (its name without `<`), `args` (the words before
//!   the last `>`), `arg_spans`, `block` (the children; `raw` — the body's
//!   lines as written — for a `<Macro>`), `close` (the closing tag's
//!   position, or `null` when the file ends first);
//! - a comment: `comment` (the text after `#`).
//!
//! Errors have `kind` (`unclosed`, `mismatched-close`, `unmatched-close`,
//! `close-missing-angle`, `line-too-long`, `macro-unclosed`), `message`
//! (httpd's text), `line`, `column`, `httpd_line` (the line httpd names) and
//! `span`.
//!
//! ```json
//! {"version": 1, "status": "ok", "config": [{
//!   "file": "site.conf", "status": "ok", "errors": [],
//!   "parsed": [
//!     {"line": 1, "column": 1, "end_line": 1, "end_column": 19, "span": [0, 18],
//!      "section": "Directory", "args": ["/srv/a"], "arg_spans": [[11, 17]],
//!      "block": [
//!        {"line": 2, "column": 3, "end_line": 2, "end_column": 22, "span": [21, 40],
//!         "directive": "Require", "args": ["all", "granted"], "arg_spans": [[29, 32], [33, 40]]}],
//!      "close": {"line": 3, "column": 1, "end_line": 3, "end_column": 13, "span": [41, 53]}},
//!     {"line": 4, "column": 1, "end_line": 4, "end_column": 7, "span": [54, 60], "comment": " note"}]}]}
//! ```
//!
//! Fields may be added within version 1; none is removed or renamed.

use std::fmt::Write;

use serde_json::{Value, json};

use super::ast::*;
use super::parser::Parsed;
use crate::source::SourceFile;

/// The text tree of a parsed file.
pub fn text(parsed: &Parsed, src: &[u8]) -> String {
    let mut out = String::new();
    for node in &parsed.nodes {
        node_text(&mut out, node, src, 0);
    }
    for e in &parsed.errors {
        let _ = writeln!(
            out,
            "ERROR {} L{} @{}..{} {}",
            kebab(&e.kind),
            e.httpd_line,
            e.range.start,
            e.range.end,
            json_str(&e.message)
        );
    }
    out
}

fn kebab<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn line_tag(line: &LineInfo) -> String {
    format!(
        "L{}-{} @{}..{}",
        line.first_line, line.last_line, line.range.start, line.range.end
    )
}

fn word_text(out: &mut String, tag: &str, w: &Word, depth: usize) {
    let quote = match w.quote {
        Quote::None => "",
        Quote::Double => " dq",
        Quote::Single => " sq",
    };
    let unterminated = if w.terminated { "" } else { " unterminated" };
    let _ = writeln!(
        out,
        "{:indent$}{tag} {} @{}..{}{quote}{unterminated}",
        "",
        json_str(&w.value),
        w.range.start,
        w.range.end,
        indent = depth * 2
    );
}

fn node_text(out: &mut String, node: &Node, src: &[u8], depth: usize) {
    let pad = depth * 2;
    match node {
        Node::Comment(c) => {
            let _ = writeln!(out, "{:pad$}COMMENT {}", "", line_tag(&c.line));
        }
        Node::Directive(d) => {
            let _ = writeln!(
                out,
                "{:pad$}DIRECTIVE {} {}",
                "",
                json_str(&d.name.value),
                line_tag(&d.line)
            );
            for a in &d.args {
                word_text(out, "ARG", a, depth + 1);
            }
        }
        Node::Section(s) => {
            let state = match (&s.close, s.has_closing_angle) {
                (Some(_), true) => "closed",
                (Some(_), false) => "closed no-angle",
                (None, true) => "unclosed",
                (None, false) => "unclosed no-angle",
            };
            let _ = writeln!(
                out,
                "{:pad$}SECTION {} {} {} {}",
                "",
                json_str(&s.open.name.value),
                kebab(&s.kind),
                line_tag(&s.open.line),
                state
            );
            for a in &s.open.args {
                word_text(out, "ARG", a, depth + 1);
            }
            match &s.body {
                Body::Nodes(children) => {
                    for child in children {
                        node_text(out, child, src, depth + 1);
                    }
                }
                Body::Raw(lines) => {
                    for l in lines {
                        let text = String::from_utf8_lossy(l.line.text(src)).into_owned();
                        let _ = writeln!(
                            out,
                            "{:indent$}RAW {} {}",
                            "",
                            json_str(&text),
                            line_tag(&l.line),
                            indent = pad + 2
                        );
                    }
                }
            }
            if let Some(c) = &s.close {
                let _ = writeln!(
                    out,
                    "{:indent$}CLOSE {} {}{}",
                    "",
                    json_str(&c.word.value),
                    line_tag(&c.line),
                    if c.exact { " exact" } else { "" },
                    indent = pad + 2
                );
            }
        }
    }
}

/// JSON for one word: its value, byte span, and quoting when quoted.
fn spans_json(words: &[Word]) -> Value {
    Value::Array(
        words
            .iter()
            .map(|w| json!([w.range.start, w.range.end]))
            .collect(),
    )
}

fn position_json(file: &SourceFile, line: &LineInfo) -> serde_json::Map<String, Value> {
    let start = file.line_col(line.range.start());
    let end = file.line_col(line.range.end());
    let mut m = serde_json::Map::new();
    m.insert("line".into(), json!(start.line));
    m.insert("column".into(), json!(start.column));
    m.insert("end_line".into(), json!(end.line));
    m.insert("end_column".into(), json!(end.column));
    m.insert("span".into(), json!([line.range.start, line.range.end]));
    m
}

/// JSON for one node (recursive).
pub fn node_json(file: &SourceFile, node: &Node) -> Value {
    match node {
        Node::Comment(c) => {
            let mut m = position_json(file, &c.line);
            let text = String::from_utf8_lossy(c.line.text(&file.text));
            m.insert(
                "comment".into(),
                json!(text.strip_prefix('#').unwrap_or(&text)),
            );
            Value::Object(m)
        }
        Node::Directive(d) => {
            let mut m = position_json(file, &d.line);
            m.insert("directive".into(), json!(&*d.name.value));
            m.insert(
                "args".into(),
                Value::Array(d.args.iter().map(|a| json!(&*a.value)).collect()),
            );
            m.insert("arg_spans".into(), spans_json(&d.args));
            Value::Object(m)
        }
        Node::Section(s) => {
            let mut m = position_json(file, &s.open.line);
            m.insert("section".into(), json!(s.name()));
            m.insert(
                "args".into(),
                Value::Array(s.open.args.iter().map(|a| json!(&*a.value)).collect()),
            );
            m.insert("arg_spans".into(), spans_json(&s.open.args));
            match &s.body {
                Body::Nodes(children) => {
                    m.insert(
                        "block".into(),
                        Value::Array(children.iter().map(|c| node_json(file, c)).collect()),
                    );
                }
                Body::Raw(lines) => {
                    m.insert(
                        "raw".into(),
                        Value::Array(
                            lines
                                .iter()
                                .map(|l| json!(String::from_utf8_lossy(l.line.text(&file.text))))
                                .collect(),
                        ),
                    );
                }
            }
            m.insert(
                "close".into(),
                match &s.close {
                    Some(c) => Value::Object(position_json(file, &c.line)),
                    None => Value::Null,
                },
            );
            Value::Object(m)
        }
    }
}

/// JSON for one parsed file:
/// `{"file", "status": "ok"|"failed", "errors": [...], "parsed": [...]}`.
pub fn file_json(file: &SourceFile, parsed: &Parsed) -> Value {
    let errors: Vec<Value> = parsed
        .errors
        .iter()
        .map(|e| {
            let start = file.line_col(e.range.start());
            json!({
                "kind": kebab(&e.kind),
                "message": e.message,
                "line": start.line,
                "column": start.column,
                "httpd_line": e.httpd_line,
                "span": [e.range.start, e.range.end],
            })
        })
        .collect();
    json!({
        "file": file.display_path(),
        "status": if parsed.errors.is_empty() { "ok" } else { "failed" },
        "errors": errors,
        "parsed": parsed.nodes.iter().map(|n| node_json(file, n)).collect::<Vec<_>>(),
    })
}
