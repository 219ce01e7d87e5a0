//! How mod_rewrite reads `RewriteRule` and `RewriteCond` (`cmd_rewriterule`,
//! `cmd_rewritecond` in `modules/mappers/mod_rewrite.c`): its own argument
//! splitter (`parseargline`, not httpd's usual tokenizer), the flag lexer
//! (`cmd_parseflagfield`), each directive's flag table, the condition's
//! pattern types and the regex compile — reproduced step by step so that the
//! first problem found is the one httpd reports.

use std::ops::Range;

use crate::load::tree::NodeId;
use crate::rules::context::Context;

use super::c_numbers::{atoi, is_c_space};
use super::handler_input::{RawLine, handled_nodes};
use super::http_status::is_known_status;
use super::regex::{RegexError, compile_like_httpd};

/// One argument as `parseargline` cuts it: its text and its byte range in
/// the raw argument string (quotes excluded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    pub text: String,
    pub range: Range<usize>,
}

/// The three arguments of a `RewriteRule`/`RewriteCond` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ArgLine {
    pub first: Piece,
    pub second: Piece,
    pub flags: Option<Piece>,
}

/// The first problem httpd reports for a line, in httpd's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RewriteProblem {
    /// Fewer than two arguments: `bad argument line '…'`.
    BadArgumentLine,
    /// The flags field: `bad flag delimiters`, `unknown flag 'X'`, a bad
    /// `R=` code, `BNE` without characters. `range` is the flag (or the
    /// whole field) in the raw string.
    Flag {
        message: String,
        range: Range<usize>,
    },
    /// The pattern does not compile.
    Regex {
        pattern: String,
        range: Range<usize>,
        error: RegexError,
    },
}

impl RewriteProblem {
    /// httpd's message for this problem of `directive` (`RewriteRule`,
    /// `RewriteCond`), before log escaping.
    pub fn message(&self, directive: &str, raw: &str) -> String {
        match self {
            RewriteProblem::BadArgumentLine => {
                format!("{directive}: bad argument line '{raw}'")
            }
            RewriteProblem::Flag { message, .. } => format!("{directive}: {message}"),
            RewriteProblem::Regex { pattern, .. } => {
                format!("{directive}: cannot compile regular expression '{pattern}'")
            }
        }
    }
}

/// `parseargline`: two arguments and an optional third, each either quoted
/// (`"…"` or `'…'`, ended by the same quote) or ended by a space; a
/// backslash keeps a following space in the word (and stays in it). Words
/// after the third are ignored. `None` when the line ends after the first.
pub(crate) fn parse_arg_line(raw: &str) -> Option<ArgLine> {
    let bytes = raw.as_bytes();
    let mut pos = skip_spaces(bytes, 0);
    let (first, end) = cut_word(raw, pos);
    if end >= bytes.len() {
        return None;
    }
    pos = skip_spaces(bytes, end + 1);
    let (second, end) = cut_word(raw, pos);
    if end >= bytes.len() {
        return Some(ArgLine {
            first,
            second,
            flags: None,
        });
    }
    pos = skip_spaces(bytes, end + 1);
    if pos >= bytes.len() {
        return Some(ArgLine {
            first,
            second,
            flags: None,
        });
    }
    let (flags, _) = cut_word(raw, pos);
    Some(ArgLine {
        first,
        second,
        flags: Some(flags),
    })
}

fn skip_spaces(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && is_c_space(bytes[pos]) {
        pos += 1;
    }
    pos
}

/// One word from `start`: the piece and the index of the byte that ended it
/// (the string's length when it ran to the end).
fn cut_word(raw: &str, start: usize) -> (Piece, usize) {
    let bytes = raw.as_bytes();
    let quote = match bytes.get(start) {
        Some(&q @ (b'"' | b'\'')) => Some(q),
        _ => None,
    };
    let content = start + usize::from(quote.is_some());
    let mut pos = content;
    while pos < bytes.len() {
        let b = bytes[pos];
        if (quote.is_none() && is_c_space(b)) || Some(b) == quote {
            break;
        }
        if b == b'\\' && bytes.get(pos + 1).is_some_and(|&n| is_c_space(n)) {
            pos += 1;
        }
        pos += 1;
    }
    let end = pos.min(bytes.len());
    let piece = Piece {
        text: String::from_utf8_lossy(&bytes[content.min(end)..end]).into_owned(),
        range: content.min(end)..end,
    };
    (piece, end)
}

/// One flag as the lexer hands it to a directive's flag table: the key (up
/// to `=`), the value (after it, or empty) and the flag's extent.
struct Flag {
    key: String,
    value: String,
    range: Range<usize>,
}

/// `cmd_parseflagfield`: `[flag,flag=value,…]`, spaces around flags
/// ignored. Returns the flags in order or the delimiter error. The lexer's
/// quirks are kept: an empty flag (`[]`, `[L,]`) reaches the table with an
/// empty key, and a flag that is only spaces swallows the rest of the field.
fn lex_flags(field: &Piece) -> Result<Vec<Flag>, RewriteProblem> {
    let src = field.text.as_bytes();
    if src.first() != Some(&b'[') || src.last() != Some(&b']') {
        return Err(RewriteProblem::Flag {
            message: "bad flag delimiters".to_string(),
            range: field.range.clone(),
        });
    }
    // A C string with its terminator: the lexer writes NULs into it.
    let mut buf: Vec<u8> = src.to_vec();
    let n = buf.len();
    buf[n - 1] = b',';
    buf.push(0);
    let c_str_end = |buf: &[u8], from: usize| {
        buf[from..]
            .iter()
            .position(|&b| b == 0)
            .map_or(buf.len(), |p| from + p)
    };
    let mut flags = Vec::new();
    let mut key = 1;
    while buf[key] != 0 {
        while is_c_space(buf[key]) {
            key += 1;
        }
        if buf[key] == 0 {
            break;
        }
        let end = c_str_end(&buf, key);
        let Some(next) = buf[key..end]
            .iter()
            .position(|&b| b == b',')
            .map(|p| key + p)
        else {
            break;
        };
        let mut last = next - 1;
        while is_c_space(buf[last]) && last > 0 {
            last -= 1;
        }
        buf[last + 1] = 0;
        let key_end = c_str_end(&buf, key);
        let (key_text, value) = match buf[key..key_end].iter().position(|&b| b == b'=') {
            Some(eq) => (&buf[key..key + eq], &buf[key + eq + 1..key_end]),
            None => (&buf[key..key_end], &[][..]),
        };
        // An empty flag has no extent of its own: point at the field.
        let range = if key_end > key {
            field.range.start + key..field.range.start + key_end
        } else {
            field.range.clone()
        };
        flags.push(Flag {
            key: String::from_utf8_lossy(key_text).into_owned(),
            value: String::from_utf8_lossy(value).into_owned(),
            range,
        });
        key = next + 1;
    }
    Ok(flags)
}

/// Runs the lexer and a flag table over the field; the first refusal wins.
fn apply_flags<T>(
    field: &Piece,
    mut table: impl FnMut(&str, &str) -> Result<T, String>,
) -> Result<Vec<T>, RewriteProblem> {
    let mut seen = Vec::new();
    for flag in lex_flags(field)? {
        match table(&flag.key, &flag.value) {
            Ok(t) => seen.push(t),
            Err(message) => {
                return Err(RewriteProblem::Flag {
                    message,
                    range: flag.range,
                });
            }
        }
    }
    Ok(seen)
}

fn unknown_flag(key: &str) -> String {
    format!("unknown flag '{key}'")
}

/// `cmd_rewriterule_setflag`: whether the flag is `NC` (the pattern is then
/// compiled case-insensitively), or httpd's refusal. Flags match on their
/// first letter and the rest case-insensitively; any flag starting with `D`
/// is accepted (httpd has no error branch there).
fn rule_flag(key: &str, value: &str) -> Result<bool, String> {
    let mut chars = key.chars();
    let Some(first) = chars.next() else {
        return Err(unknown_flag(key));
    };
    let rest = chars.as_str();
    let is = |names: &[&str]| names.iter().any(|n| rest.eq_ignore_ascii_case(n));
    let known = match first.to_ascii_lowercase() {
        'b' => {
            if is(&["NE"]) {
                if value.is_empty() {
                    return Err(
                        "flag 'BNE' wants a list of characters (i.e. [BNE=...])".to_string()
                    );
                }
                true
            } else {
                is(&["", "ackrefescaping", "NP", "ackrefernoplus", "CTLS"])
            }
        }
        'c' => is(&["", "hain", "O", "ookie"]),
        'd' => true,
        'e' => is(&["", "nv", "nd"]),
        'f' => is(&["", "orbidden"]),
        'g' => is(&["", "one"]),
        'h' => is(&["", "andler"]),
        'l' => is(&["", "ast"]),
        'n' => {
            if is(&["C", "ocase"]) {
                return Ok(true);
            }
            is(&["E", "oescape", "", "ext", "S", "osubreq"])
        }
        'p' => is(&["", "roxy", "T", "assthrough"]),
        'q' => is(&["SA", "sappend", "SD", "sdiscard", "SL", "slast"]),
        'r' if is(&["", "edirect"]) => {
            redirect_status(value)?;
            true
        }
        's' => is(&["", "kip"]),
        't' => is(&["", "ype"]),
        'u' => is(&["nsafePrefixStat", "nsafeAllow3F", "NC"]),
        _ => false,
    };
    if known {
        Ok(false)
    } else {
        Err(unknown_flag(key))
    }
}

/// The `R=` value: `permanent`, `temp`, `seeother`, or a number httpd has a
/// status line for (any other word is silently taken as status 0).
fn redirect_status(value: &str) -> Result<(), String> {
    if !value.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return Ok(());
    }
    let status = atoi(value);
    if status != 500 && !is_known_status(status) {
        return Err(format!("invalid HTTP response code '{value}' for flag 'R'"));
    }
    Ok(())
}

/// `cmd_rewritecond_setflag`: whether the flag is `NC`, or httpd's refusal.
fn cond_flag(key: &str, _value: &str) -> Result<bool, String> {
    let is = |names: &[&str]| names.iter().any(|n| key.eq_ignore_ascii_case(n));
    if is(&["nocase", "NC"]) {
        Ok(true)
    } else if is(&["ornext", "OR", "novary", "NV"]) {
        Ok(false)
    } else {
        Err(unknown_flag(key))
    }
}

/// Checks a `RewriteRule` raw argument string: the first problem httpd
/// reports, if any.
pub(crate) fn check_rule(raw: &str) -> Result<ArgLine, RewriteProblem> {
    let line = parse_arg_line(raw).ok_or(RewriteProblem::BadArgumentLine)?;
    let nocase = match &line.flags {
        Some(field) => apply_flags(field, rule_flag)?.into_iter().any(|nc| nc),
        None => false,
    };
    let (pattern, range) = without_bang(&line.first);
    compile(pattern, range, nocase)?;
    Ok(line)
}

/// A `RewriteRule` or `RewriteCond` line httpd would refuse: the directive
/// name, the node, its raw argument line and the first problem httpd reports.
pub(crate) struct RefusedRewriteLine<'a> {
    pub name: &'static str,
    pub node: NodeId,
    pub raw: RawLine<'a>,
    pub problem: RewriteProblem,
}

/// Every `RewriteRule` and `RewriteCond` whose handler httpd runs and that it
/// refuses, rules first, each in reading order.
pub(crate) fn refused_rewrite_lines<'a>(ctx: &Context<'a>) -> Vec<RefusedRewriteLine<'a>> {
    let mut out = Vec::new();
    for name in ["RewriteRule", "RewriteCond"] {
        for node in handled_nodes(ctx, name) {
            let raw = RawLine::of(ctx, node);
            let problem = if name == "RewriteRule" {
                check_rule(&raw.text).err()
            } else {
                check_cond(&raw.text).err()
            };
            if let Some(problem) = problem {
                out.push(RefusedRewriteLine {
                    name,
                    node,
                    raw,
                    problem,
                });
            }
        }
    }
    out
}

/// What a `RewriteCond` line turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CondLine {
    pub line: ArgLine,
    /// `[NC]` on a pattern that is not a regex or string comparison: httpd
    /// warns (AH00665) and ignores it. The text it quotes and its range.
    pub nocase_ignored: Option<(String, Range<usize>)>,
}

/// Checks a `RewriteCond` raw argument string. An `expr` condition's
/// expression is not parsed here (the ap_expr rules do that).
pub(crate) fn check_cond(raw: &str) -> Result<CondLine, RewriteProblem> {
    let line = parse_arg_line(raw).ok_or(RewriteProblem::BadArgumentLine)?;
    let nocase = match &line.flags {
        Some(field) => apply_flags(field, cond_flag)?.into_iter().any(|nc| nc),
        None => false,
    };
    let (pattern, range) = without_bang(&line.second);
    let kind = if line.first.text.eq_ignore_ascii_case("expr") {
        CondKind::Expression
    } else {
        cond_kind(pattern)
    };
    let shown = pattern.get(kind.operator_len()..).unwrap_or("");
    let nocase_ignored = (nocase
        && !matches!(kind, CondKind::Regex | CondKind::StringCompare { .. }))
    .then(|| (shown.to_string(), range.clone()));
    if kind == CondKind::Regex {
        compile(pattern, range, nocase)?;
    }
    Ok(CondLine {
        line,
        nocase_ignored,
    })
}

/// A leading `!` negates; the pattern is the rest.
fn without_bang(piece: &Piece) -> (&str, Range<usize>) {
    match piece.text.strip_prefix('!') {
        Some(rest) => (rest, piece.range.start + 1..piece.range.end),
        None => (&piece.text, piece.range.clone()),
    }
}

fn compile(pattern: &str, range: Range<usize>, icase: bool) -> Result<(), RewriteProblem> {
    compile_like_httpd(pattern, icase).map_err(|error| RewriteProblem::Regex {
        pattern: pattern.to_string(),
        range,
        error,
    })
}

/// The pattern types of `cmd_rewritecond`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CondKind {
    Regex,
    Expression,
    /// `-f -s -d -x -h -L -l -U -F`.
    FileTest,
    /// `-lt -le -gt -ge -eq -ne` followed by the number.
    IntCompare,
    /// `< <= > >= =` followed by the string.
    StringCompare {
        operator_len: usize,
    },
}

impl CondKind {
    /// How many bytes of the pattern the operator takes (httpd quotes the
    /// rest in AH00665).
    fn operator_len(self) -> usize {
        match self {
            CondKind::IntCompare => 3,
            CondKind::StringCompare { operator_len } => operator_len,
            _ => 0,
        }
    }
}

/// Classifies a pattern (after its `!`) as `cmd_rewritecond` does: one- or
/// two-byte patterns are regexes unless they are a test operator.
fn cond_kind(pattern: &str) -> CondKind {
    let b = pattern.as_bytes();
    if b.len() < 2 {
        return CondKind::Regex;
    }
    if b[0] == b'-' {
        if b.len() == 2 {
            return match b[1] {
                b'f' | b's' | b'd' | b'x' | b'h' | b'L' | b'l' | b'U' | b'F' => CondKind::FileTest,
                _ => CondKind::Regex,
            };
        }
        if b.len() > 3 && matches!(&b[1..3], b"lt" | b"le" | b"gt" | b"ge" | b"eq" | b"ne") {
            return CondKind::IntCompare;
        }
        return CondKind::Regex;
    }
    match b[0] {
        b'>' | b'<' => CondKind::StringCompare {
            operator_len: if b[1] == b'=' { 2 } else { 1 },
        },
        b'=' => CondKind::StringCompare { operator_len: 1 },
        _ => CondKind::Regex,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag_error(raw: &str) -> Option<String> {
        match check_rule(raw) {
            Err(p @ RewriteProblem::Flag { .. }) => Some(p.message("RewriteRule", raw)),
            _ => None,
        }
    }

    #[test]
    fn arg_line_like_parseargline() {
        assert!(parse_arg_line("^a").is_none());
        assert!(parse_arg_line("").is_none());
        let l = parse_arg_line("\"^a\"").unwrap();
        assert_eq!((l.first.text.as_str(), l.second.text.as_str()), ("^a", ""));
        let l = parse_arg_line("^a\\ (b /c [L] extra").unwrap();
        assert_eq!(l.first.text, "^a\\ (b");
        assert_eq!(l.flags.unwrap().text, "[L]");
        let l = parse_arg_line("  '^a b'  /c ").unwrap();
        assert_eq!(l.first.range, 3..7);
        assert_eq!(l.flags, None);
    }

    #[test]
    fn flags_confirmed_with_httpd() {
        assert_eq!(
            flag_error("^a /b [R=301,BOGUSFLAG=x]").as_deref(),
            Some("RewriteRule: unknown flag 'BOGUSFLAG'")
        );
        assert_eq!(
            flag_error("^a /b [L,]").as_deref(),
            Some("RewriteRule: unknown flag ''")
        );
        assert_eq!(
            flag_error("^a /b []").as_deref(),
            Some("RewriteRule: unknown flag ''")
        );
        assert_eq!(
            flag_error("^a /b L").as_deref(),
            Some("RewriteRule: bad flag delimiters")
        );
        assert_eq!(
            flag_error("^a /b [R=30x]").as_deref(),
            Some("RewriteRule: invalid HTTP response code '30x' for flag 'R'")
        );
        assert_eq!(flag_error("^a /b [R=500]"), None);
        assert_eq!(flag_error("^a /b [R=abc]"), None);
        assert_eq!(flag_error("^a /b [DXYZ]"), None);
        assert_eq!(flag_error("^a /b \"[ L , R=301 ]\""), None);
        assert_eq!(
            flag_error("^a /b [BNE]").as_deref(),
            Some("RewriteRule: flag 'BNE' wants a list of characters (i.e. [BNE=...])")
        );
    }

    #[test]
    fn flag_error_comes_before_regex() {
        assert!(matches!(
            check_rule("^(a /b [BOGUS]"),
            Err(RewriteProblem::Flag { .. })
        ));
        assert!(matches!(
            check_rule("!^(a /b"),
            Err(RewriteProblem::Regex { ref pattern, .. }) if pattern == "^(a"
        ));
    }

    #[test]
    fn condition_kinds() {
        for ok in ["-f", "-lt3", "-ge(", "<(", ">=(", "=(", "!-f", "-x", "-L"] {
            assert!(check_cond(&format!("%{{A}} {ok}")).is_ok(), "{ok}");
        }
        for bad in ["-(", "-x("] {
            assert!(check_cond(&format!("%{{A}} {bad}")).is_err(), "{bad}");
        }
        let c = check_cond("%{A} -f [NC]").unwrap();
        assert_eq!(c.nocase_ignored.map(|n| n.0).as_deref(), Some("-f"));
        let c = check_cond("%{A} -lt3 [NC]").unwrap();
        assert_eq!(c.nocase_ignored.map(|n| n.0).as_deref(), Some("3"));
        let c = check_cond("%{A} =x [NC]").unwrap();
        assert_eq!(c.nocase_ignored, None);
        assert!(
            check_cond("expr \"bad (\" [NC]")
                .unwrap()
                .nocase_ignored
                .is_some()
        );
    }
}

#[cfg(test)]
mod hostile_input {
    use proptest::prelude::*;

    use super::{check_cond, check_rule};

    proptest! {
        #[test]
        fn never_panics(line in "[ \\[\\]=,!\"'\\\\a-zA-Z0-9^$(){}é-]{0,40}") {
            let _ = check_rule(&line);
            let _ = check_cond(&line);
        }
    }
}
