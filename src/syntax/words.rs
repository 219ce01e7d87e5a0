//! Words: httpd's `ap_getword_conf` and `substring_conf`, written with nom.
//!
//! - Leading `isspace` bytes are skipped.
//! - A word starting with `"` or `'` runs to the matching quote; inside it
//!   `\\` and `\<that quote>` are escapes, every other backslash is literal.
//!   A missing closing quote is accepted: the word runs to the end of the line.
//!   No whitespace is needed after the closing quote (`"abc"def` is two words).
//! - Any other word runs to the next whitespace; quotes inside it are literal
//!   and only `\\` is an escape.
//! - `""` is a word with an empty value (httpd treats it as "missing").

use std::borrow::Cow;

use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::bytes::complete::{take_while, take_while1};
use nom::combinator::opt;

use super::lines::is_space;

/// How a word was quoted in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Quote {
    None,
    Double,
    Single,
}

/// One word of a logical line, with offsets into that line's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawWord<'a> {
    /// Offset of the first byte (the opening quote for quoted words).
    pub start: usize,
    /// Offset one past the last byte (past the closing quote if any).
    pub end: usize,
    /// The value after unescaping.
    pub value: Cow<'a, [u8]>,
    pub quote: Quote,
    /// False for a quoted word whose closing quote is missing.
    pub terminated: bool,
}

fn spaces(input: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while(is_space)(input)
}

/// The body of a quoted word up to (not including) the closing quote.
fn quoted_body(quote: u8) -> impl Fn(&[u8]) -> IResult<&[u8], &[u8]> {
    move |input: &[u8]| {
        let mut i = 0;
        while i < input.len() && input[i] != quote {
            if input[i] == b'\\'
                && i + 1 < input.len()
                && (input[i + 1] == quote || input[i + 1] == b'\\')
            {
                i += 2;
            } else {
                i += 1;
            }
        }
        Ok((&input[i..], &input[..i]))
    }
}

/// A quoted word: `(quote, body, terminated)`.
fn quoted(input: &[u8]) -> IResult<&[u8], (Quote, &[u8], bool)> {
    let (after_open, open) = alt((tag(&b"\""[..]), tag(&b"'"[..]))).parse(input)?;
    let (quote, kind) = if open == b"\"" {
        (b'"', Quote::Double)
    } else {
        (b'\'', Quote::Single)
    };
    let close: &[u8] = if quote == b'"' { b"\"" } else { b"'" };
    let (remaining, (body, closed)) = (quoted_body(quote), opt(tag(close))).parse(after_open)?;
    Ok((remaining, (kind, body, closed.is_some())))
}

/// An unquoted word: everything up to the next whitespace.
fn bare(input: &[u8]) -> IResult<&[u8], &[u8]> {
    let (remaining, word) = take_while1(|b| !is_space(b))(input)?;
    Ok((remaining, word))
}

/// Unescapes a word body (`substring_conf`).
fn unescape(body: &[u8], quote: Option<u8>) -> Cow<'_, [u8]> {
    if !body.contains(&b'\\') {
        return Cow::Borrowed(body);
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if b == b'\\'
            && i + 1 < body.len()
            && (body[i + 1] == b'\\' || quote.is_some_and(|q| body[i + 1] == q))
        {
            out.push(body[i + 1]);
            i += 2;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// Reads the next word of `text` at or after `pos`. Returns `None` at end of line.
pub fn next_word(text: &[u8], pos: usize) -> Option<(RawWord<'_>, usize)> {
    let input = &text[pos.min(text.len())..];
    let (input, _) = spaces(input).ok()?;
    if input.is_empty() {
        return None;
    }
    let start = text.len() - input.len();
    let (word, after) = if matches!(input[0], b'"' | b'\'') {
        let (remaining, (kind, body, terminated)) = quoted(input).ok()?;
        let end = text.len() - remaining.len();
        let quote = input[0];
        (
            RawWord {
                start,
                end,
                value: unescape(body, Some(quote)),
                quote: kind,
                terminated,
            },
            end,
        )
    } else {
        let (remaining, word) = bare(input).ok()?;
        let end = text.len() - remaining.len();
        (
            RawWord {
                start,
                end,
                value: unescape(word, None),
                quote: Quote::None,
                terminated: true,
            },
            end,
        )
    };
    // Skip trailing whitespace as ap_getword_conf does.
    let (rest_input, _) = spaces(&text[after..]).ok()?;
    let next = text.len() - rest_input.len();
    Some((word, next))
}

/// All words of `text`.
pub fn words(text: &[u8]) -> Vec<RawWord<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some((word, next)) = next_word(text, pos) {
        out.push(word);
        pos = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(text: &str) -> Vec<String> {
        words(text.as_bytes())
            .into_iter()
            .map(|w| String::from_utf8_lossy(&w.value).into_owned())
            .collect()
    }

    #[test]
    fn splits_on_whitespace_and_quotes() {
        assert_eq!(vals("a  b\tc"), ["a", "b", "c"]);
        assert_eq!(vals(r#""abc"def"#), ["abc", "def"]);
        assert_eq!(vals(r#"ab"cd"#), [r#"ab"cd"#]);
        assert_eq!(vals(r#""it's""#), ["it's"]);
        assert_eq!(vals(r#"x "" y"#), ["x", "", "y"]);
    }

    #[test]
    fn backslash_rules() {
        assert_eq!(vals(r"a\\b"), [r"a\b"]);
        assert_eq!(vals(r#"a\"b"#), [r#"a\"b"#]);
        assert_eq!(vals(r#""a\nb""#), [r"a\nb"]);
        assert_eq!(vals(r#""a\'b""#), [r"a\'b"]);
        assert_eq!(vals(r"'a\'b'"), ["a'b"]);
        assert_eq!(vals(r#""trailing\""#), [r#"trailing""#]);
    }

    #[test]
    fn unterminated_quote_runs_to_end() {
        let w = words(br#""unterminated value"#);
        assert_eq!(w.len(), 1);
        assert_eq!(&*w[0].value, b"unterminated value");
        assert!(!w[0].terminated);
    }

    #[test]
    fn offsets_cover_quotes() {
        let w = words(br#"  "a b" c"#);
        assert_eq!((w[0].start, w[0].end), (2, 7));
        assert_eq!((w[1].start, w[1].end), (8, 9));
    }
}
