//! mod_rewrite's own argument splitter (`parseargline`) and flag-field
//! reader (`cmd_parseflagfield`), for rules about `RewriteCond` and
//! `RewriteRule`.
//!
//! - Up to three arguments, each optionally quoted with `"` or `'`: the quote
//!   is dropped and nothing is unescaped; `\` before a space keeps the space
//!   in the word (and the backslash).
//! - The first argument must end before the line does (`bad argument line`
//!   otherwise); the second may run to the end, unterminated quote and all.
//! - Flags are `[flag,flag=value,…]`, spaces around each allowed.

use std::ops::Range;

use super::c_numbers::is_c_space;

/// The arguments of a RewriteCond/RewriteRule line, as byte ranges of its
/// raw argument string; `None` for httpd's `bad argument line`.
pub(crate) struct RewriteArgs {
    pub first: Range<usize>,
    pub second: Range<usize>,
    pub flags: Option<Range<usize>>,
}

/// One argument from `at`: its range and whether it ended before the line.
fn argument(raw: &[u8], mut at: usize) -> (Range<usize>, bool) {
    let quote = match raw.get(at) {
        Some(&q @ (b'"' | b'\'')) => {
            at += 1;
            Some(q)
        }
        _ => None,
    };
    let start = at;
    while at < raw.len() {
        let b = raw[at];
        if (is_c_space(b) && quote.is_none()) || Some(b) == quote {
            return (start..at, true);
        }
        at += if b == b'\\' && raw.get(at + 1).copied().is_some_and(is_c_space) {
            2
        } else {
            1
        };
    }
    (start..raw.len().max(start), false)
}

fn skip_spaces(raw: &[u8], mut at: usize) -> usize {
    while raw.get(at).copied().is_some_and(is_c_space) {
        at += 1;
    }
    at
}

/// `parseargline`.
pub(crate) fn split(raw: &[u8]) -> Option<RewriteArgs> {
    let (first, ended) = argument(raw, skip_spaces(raw, 0));
    if !ended {
        return None;
    }
    let (second, ended) = argument(raw, skip_spaces(raw, first.end + 1));
    if !ended {
        return Some(RewriteArgs {
            first,
            second,
            flags: None,
        });
    }
    let third_at = skip_spaces(raw, second.end + 1);
    let flags = (third_at < raw.len()).then(|| argument(raw, third_at).0);
    Some(RewriteArgs {
        first,
        second,
        flags,
    })
}

/// Whether a flag field reads without error, each flag's name (before `=`)
/// being one of `names` (case-insensitive).
pub(crate) fn flags_are_valid(field: &[u8], names: &[&str]) -> bool {
    let Some(inner) = field
        .strip_prefix(b"[")
        .and_then(|rest| rest.strip_suffix(b"]"))
    else {
        return false;
    };
    inner.split(|&b| b == b',').all(|flag| {
        let flag = trim_spaces(flag);
        let name = flag.split(|&b| b == b'=').next().unwrap_or_default();
        names
            .iter()
            .any(|known| known.as_bytes().eq_ignore_ascii_case(name))
    })
}

fn trim_spaces(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes
        && is_c_space(*first)
    {
        bytes = rest;
    }
    while let [rest @ .., last] = bytes
        && is_c_space(*last)
    {
        bytes = rest;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(raw: &str) -> Option<Vec<String>> {
        let args = split(raw.as_bytes())?;
        let text = |r: Range<usize>| raw[r].to_string();
        let mut out = vec![text(args.first), text(args.second)];
        out.extend(args.flags.map(text));
        Some(out)
    }

    #[test]
    fn splits_as_parseargline() {
        assert_eq!(words("expr \"a b\" [NC]").unwrap(), ["expr", "a b", "[NC]"]);
        assert_eq!(words("expr 'a \"b'").unwrap(), ["expr", "a \"b"]);
        assert_eq!(
            words("expr \"unterminated x").unwrap(),
            ["expr", "unterminated x"]
        );
        assert_eq!(words(r"a\ b c\ d").unwrap(), [r"a\ b", r"c\ d"]);
        assert_eq!(words("x y   ").unwrap(), ["x", "y"]);
        assert!(words("expr").is_none());
        assert!(words("\"expr").is_none());
    }

    #[test]
    fn reads_flag_fields() {
        let names = ["NC", "nocase", "OR"];
        assert!(flags_are_valid(b"[NC]", &names));
        assert!(flags_are_valid(b"[ nc , OR=x ]", &names));
        assert!(!flags_are_valid(b"[NC,]", &names));
        assert!(!flags_are_valid(b"[]", &names));
        assert!(!flags_are_valid(b"NC", &names));
        assert!(!flags_are_valid(b"[NC,BOGUS]", &names));
    }
}
