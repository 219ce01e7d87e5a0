//! mod_macro: `<Macro name $params…>` definitions and `Use name values…`
//! expansion, as `modules/core/mod_macro.c` does them.
//!
//! - Names are case-insensitive (stored lowercased, shown lowercased).
//! - Parameters are found in each body line by repeatedly taking the
//!   earliest occurrence of any parameter name (the longest on a tie) and
//!   replacing it; scanning resumes after the *unescaped* replacement's length
//!   (httpd's quirk, kept). `@name` parameters are inserted double-quoted with
//!   `"` and `\` escaped; `$name` and `%name` raw.
//! - Substituted lines keep a map back to the macro body in its file; the
//!   substituted parts point at the parameter they replaced.

use std::sync::Arc;

use crate::source::{FileId, Span};
use crate::syntax::ast::{LineInfo, OffsetMap};
use crate::syntax::lines::LogicalLine;

/// A stored macro.
#[derive(Clone, Debug)]
pub struct MacroDef {
    /// Lowercased name.
    pub name: String,
    pub params: Vec<String>,
    /// Body lines (comments excluded).
    pub body: Vec<BodyLine>,
    /// The `<Macro` line.
    pub span: Span,
    pub line: u32,
    /// httpd's location text: `defined on line 21 of "/etc/apache2/x.conf"`.
    pub location: String,
}

/// One stored body line and the file text it lives in.
#[derive(Clone, Debug)]
pub struct BodyLine {
    pub file: FileId,
    pub text: Arc<[u8]>,
    pub line: LineInfo,
}

impl BodyLine {
    pub fn bytes(&self) -> &[u8] {
        self.line.text(&self.text)
    }
}

/// mod_macro's checks of a definition's name and parameters, before it
/// reads the body, in its order: the warnings (AH02803, AH02796, AH02797)
/// logged until the first error (empty parameter name, duplicate), if any.
pub fn check_arguments(def: &MacroDef) -> (Vec<String>, Option<String>) {
    let mut warnings = Vec::new();
    let where_ = format!("macro '{}' ({})", def.name, def.location);
    if looks_like_argument(&def.name) {
        warnings.push(format!(
            "AH02803: {where_} better prefix a macro name with any of '$%@'"
        ));
    }
    for (i, p) in def.params.iter().enumerate() {
        if p.is_empty() {
            let error = format!("{where_}: empty argument #{} name", i + 1);
            return (warnings, Some(error));
        }
        if !looks_like_argument(p) {
            warnings.push(format!(
                "AH02796: {where_} argument name '{p}' (#{}) without expected prefix, better prefix argument names with one of '$%@'.",
                i + 1
            ));
        }
        for (j, q) in def.params.iter().enumerate().skip(i + 1) {
            if p == q {
                let error = format!(
                    "argument name conflict in {where_}: argument '{p}': #{} and #{}, change argument names!",
                    i + 1,
                    j + 1
                );
                return (warnings, Some(error));
            }
            let n = p.len().min(q.len());
            if n > 0 && p.as_bytes()[..n] == q.as_bytes()[..n] {
                warnings.push(format!(
                    "AH02797: {where_}: argument name prefix conflict ({p} #{} and {q} #{}), be careful about your macro definition!",
                    i + 1,
                    j + 1
                ));
            }
        }
    }
    (warnings, None)
}

/// Warnings mod_macro logs about a definition's body once read (AH02799,
/// AH02800).
pub fn content_warnings(def: &MacroDef) -> Vec<String> {
    let where_ = format!("macro '{}' ({})", def.name, def.location);
    if def.body.is_empty() {
        return vec![format!("AH02799: {where_}: empty contents!")];
    }
    // httpd marks a parameter used when its scan (with each parameter
    // standing for itself) picks it somewhere in the body.
    let mut used = vec![false; def.params.len()];
    for line in &def.body {
        let text = line.bytes();
        let mut pos = 0;
        while let Some((at, which)) = next_param(&def.params, text, pos) {
            used[which] = true;
            pos = at + def.params[which].len();
        }
    }
    def.params
        .iter()
        .enumerate()
        .filter(|(i, _)| !used[*i])
        .map(|(i, p)| format!("AH02800: {where_}: argument '{p}' (#{}) never used", i + 1))
        .collect()
}

fn looks_like_argument(word: &str) -> bool {
    matches!(word.as_bytes().first(), Some(b'$' | b'%' | b'@'))
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// mod_macro's `next_substitution`: the earliest occurrence at or after
/// `pos` of any parameter name — the longest on a tie — as `(offset, index)`.
fn next_param(params: &[String], text: &[u8], pos: usize) -> Option<(usize, usize)> {
    let mut chosen: Option<(usize, usize)> = None;
    for (i, p) in params.iter().enumerate() {
        if let Some(at) = find(text, p.as_bytes(), pos) {
            let better = match chosen {
                None => true,
                Some((c_at, c_i)) => at < c_at || (at == c_at && params[c_i].len() < p.len()),
            };
            if better {
                chosen = Some((at, i));
            }
        }
    }
    chosen
}

/// One body line after parameter substitution, with its map to the file.
pub fn expand_line<'t>(def: &MacroDef, body: &BodyLine, values: &[String]) -> LogicalLine<'t> {
    let line = &body.line;
    let mut text: Vec<u8> = body.bytes().to_vec();
    let mut map: OffsetMap = line.offset_map().into_owned();
    let mut pos = 0;
    while let Some((at, which)) = next_param(&def.params, &text, pos) {
        let name = &def.params[which];
        let value = &values[which];
        if name != value {
            let replacement = if name.starts_with('@') {
                let mut r = String::with_capacity(value.len() + 2);
                r.push('"');
                for c in value.chars() {
                    if c == '"' || c == '\\' {
                        r.push('\\');
                    }
                    r.push(c);
                }
                r.push('"');
                r
            } else {
                value.clone()
            };
            map = map.substituted(at, name.len(), replacement.len());
            text.splice(at..at + name.len(), replacement.bytes());
        }
        pos = at + value.len();
    }
    LogicalLine {
        text: std::borrow::Cow::Owned(text),
        map,
        first_line: line.first_line,
        last_line: line.last_line,
        raw_len: 0,
        nul_truncated: false,
        continuations: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::TextRange;

    fn def(params: &[&str], body: &str) -> MacroDef {
        let text: Arc<[u8]> = body.as_bytes().into();
        let lines = crate::syntax::lines::LogicalLines::new(&text)
            .map(|l| BodyLine {
                file: FileId(0),
                text: text.clone(),
                line: crate::syntax::line::line_info(&l),
            })
            .collect();
        MacroDef {
            name: "vh".into(),
            params: params.iter().map(|s| s.to_string()).collect(),
            body: lines,
            span: Span::new(FileId(0), TextRange::new(0, 1)),
            line: 1,
            location: "defined on line 1 of \"x.conf\"".into(),
        }
    }

    fn expand(d: &MacroDef, values: &[&str]) -> Vec<String> {
        let values: Vec<String> = values.iter().map(|s| s.to_string()).collect();
        d.body
            .iter()
            .map(|l| String::from_utf8(expand_line(d, l, &values).text.into_owned()).unwrap())
            .collect()
    }

    #[test]
    fn longest_parameter_wins_on_a_tie() {
        let d = def(
            &["$dir", "$directive"],
            "<$directive $dir>\n</$directive>\n",
        );
        assert_eq!(
            expand(&d, &["/tmp", "Directory"]),
            ["<Directory /tmp>", "</Directory>"]
        );
    }

    #[test]
    fn at_parameters_are_quoted_and_escaped() {
        let d = def(&["@v"], "Header set X @v\n");
        assert_eq!(expand(&d, &["a \"b\""]), ["Header set X \"a \\\"b\\\"\""]);
    }

    #[test]
    fn substituted_spans_point_at_the_parameter() {
        let d = def(&["$name"], "ServerName $name\n");
        let line = expand_line(&d, &d.body[0], &["shop.example".to_string()]);
        assert_eq!(line.map.range_to_file(11, 23), TextRange::new(11, 16));
    }

    #[test]
    fn warnings_follow_mod_macro() {
        let d = def(&["$dir", "$directive", "name"], "<$directive $dir>\n");
        let (mut w, error) = check_arguments(&d);
        assert_eq!(error, None);
        w.extend(content_warnings(&d));
        assert!(w.iter().any(|m| m.starts_with("AH02797")));
        assert!(w.iter().any(|m| m.starts_with("AH02796")));
        assert!(
            w.iter()
                .any(|m| m.starts_with("AH02800") && m.contains("'name'"))
        );
    }
}
