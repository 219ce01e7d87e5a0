//! One logical line, classified the way httpd's `ap_build_config_sub` sees it:
//! blank, comment, directive, section opener or section closer. Pure and
//! per-line, so files can be classified in parallel and a line rebuilt after
//! `${VAR}` or macro substitution is classified by the same code.
//!
//! httpd's rules reproduced here:
//! - a line whose first byte (after trimming) is `#` is a comment;
//! - the first word is the name; one trailing `>` is removed from it unless
//!   its second byte is `/` (so `ServerName> x` is `ServerName`);
//! - a name starting with `</` is a closer, any other name starting with `<`
//!   an opener, whose arguments are the words before the *last* `>` of the
//!   line (the rest is ignored); an opener with no arguments gets `">"`;
//! - an empty first word (`"" …`) makes httpd ignore the whole line.

use super::ast::*;
use super::lines::LogicalLine;
use super::words::{RawWord, next_word};
use compact_str::CompactString;

/// What a logical line is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// No line at all (a placeholder for a consumed line).
    Blank,
    /// A line with nothing on it (mod_macro keeps these in macro bodies).
    Empty(LineInfo),
    Comment(Comment),
    /// The first word is empty (`"" …`): httpd skips the line.
    Ignored(LineInfo),
    Directive(Directive),
    /// `<Name args>`: the directive's `args` are the words before the last `>`.
    Open(Opener),
    Close(Closer),
}

/// A section opening line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opener {
    pub directive: Directive,
    pub has_closing_angle: bool,
    pub kind: SectionKind,
}

impl Opener {
    /// The section name without `<`.
    pub fn name(&self) -> &str {
        &self.directive.name.value[1..]
    }
}

/// A section closing line (first word starts with `</`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closer {
    pub word: Word,
    pub line: LineInfo,
    /// When the trimmed line is exactly `</NAME>`: NAME.
    pub bare_name: Option<Box<str>>,
}

impl Closer {
    /// The closer's first word, e.g. `</Directory>`.
    pub fn token(&self) -> &str {
        &self.word.value
    }

    /// The name it closes: the word without `</` and one trailing `>`.
    pub fn closed_name(&self) -> &str {
        let t = &self.word.value[2..];
        t.strip_suffix('>').unwrap_or(t)
    }

    /// The whole line is exactly `</name>` (case-insensitive): the only form
    /// that ends a true conditional section.
    pub fn is_exact_for(&self, name: &str) -> bool {
        self.bare_name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    }

    pub fn to_close(&self, section_name: &str) -> Close {
        Close {
            word: self.word.clone(),
            line: self.line.clone(),
            exact: self.is_exact_for(section_name),
        }
    }
}

/// Builds [`LineInfo`] for a logical line.
pub fn line_info(line: &LogicalLine<'_>) -> LineInfo {
    let range = line.map.range_to_file(0, line.text.len());
    let joined = match &line.map {
        OffsetMap::Contiguous(_) if !line.nul_truncated && line.continuations == 0 => None,
        map => Some(Box::new(JoinedText {
            text: line.text.to_vec().into_boxed_slice(),
            map: map.clone(),
            continuations: line.continuations,
            nul_truncated: line.nul_truncated,
        })),
    };
    LineInfo {
        range,
        first_line: line.first_line,
        last_line: line.last_line,
        joined,
    }
}

/// Converts a word of a line's text into a [`Word`] with file offsets.
fn to_word(raw: &RawWord<'_>, offset: usize, map: &OffsetMap) -> Word {
    Word {
        range: map.range_to_file(raw.start + offset, raw.end + offset),
        value: display_text(&raw.value),
        quote: raw.quote,
        terminated: raw.terminated,
    }
}

/// A word's bytes as text: almost always valid UTF-8 (checked with the
/// vectorised validator), otherwise decoded lossily for display.
fn display_text(bytes: &[u8]) -> CompactString {
    match std::str::from_utf8(bytes) {
        Ok(text) => CompactString::from(text),
        Err(_) => String::from_utf8_lossy(bytes).into(),
    }
}

/// The words of `arg_text`, which starts at `offset` in the line's text.
fn arg_words(arg_text: &[u8], offset: usize, map: &OffsetMap) -> Vec<Word> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some((raw, next)) = next_word(arg_text, pos) {
        out.push(to_word(&raw, offset, map));
        pos = next;
    }
    out
}

/// Classifies one logical line.
pub fn classify(line: &LogicalLine<'_>) -> LineKind {
    let text: &[u8] = &line.text;
    let info = line_info(line);
    if text.is_empty() {
        return LineKind::Empty(info);
    }
    if text[0] == b'#' {
        return LineKind::Comment(Comment { line: info });
    }
    let Some((name_raw, args_offset)) = next_word(text, 0) else {
        return LineKind::Blank;
    };
    if name_raw.value.is_empty() {
        return LineKind::Ignored(info);
    }
    let mut name = to_word(&name_raw, 0, &line.map);
    if name_raw.value.starts_with(b"</") {
        let bare_name = (text.starts_with(b"</") && text.ends_with(b">"))
            .then(|| &text[2..text.len() - 1])
            .filter(|n| !n.iter().any(|&b| super::lines::is_space(b)))
            .map(|n| String::from_utf8_lossy(n).into());
        return LineKind::Close(Closer {
            word: name,
            line: info,
            bare_name,
        });
    }
    let bytes: &[u8] = &name_raw.value;
    if (bytes.len() < 2 || bytes[1] != b'/') && name.value.ends_with('>') {
        let mut value = name.value.into_string();
        value.pop();
        name.value = value.into();
    }
    let raw_args = &text[args_offset..];
    if name.value.starts_with('<') {
        let last_gt = raw_args.iter().rposition(|&b| b == b'>');
        let has_closing_angle = raw_args.is_empty() || last_gt.is_some();
        let arg_text = match last_gt {
            Some(i) => &raw_args[..i],
            None => raw_args,
        };
        let args = arg_words(arg_text, args_offset, &line.map);
        let kind = SectionKind::of(&name.value[1..]);
        return LineKind::Open(Opener {
            directive: Directive {
                name,
                args,
                line: info,
                args_offset: args_offset as u32,
            },
            has_closing_angle,
            kind,
        });
    }
    let args = arg_words(raw_args, args_offset, &line.map);
    LineKind::Directive(Directive {
        name,
        args,
        line: info,
        args_offset: args_offset as u32,
    })
}

/// The first word of a line as mod_macro sees it (for `</Macro>` detection in
/// raw bodies), or `None` for comments and blank lines.
pub fn first_word(kind: &LineKind) -> Option<&str> {
    match kind {
        LineKind::Directive(d) => Some(&d.name.value),
        LineKind::Open(o) => Some(&o.directive.name.value),
        LineKind::Close(c) => Some(&c.word.value),
        LineKind::Ignored(_) | LineKind::Empty(_) => Some(""),
        LineKind::Blank | LineKind::Comment(_) => None,
    }
}

/// The [`LineInfo`] of any non-blank line.
pub fn info_of(kind: &LineKind) -> Option<&LineInfo> {
    match kind {
        LineKind::Blank => None,
        LineKind::Empty(i) => Some(i),
        LineKind::Comment(c) => Some(&c.line),
        LineKind::Ignored(i) => Some(i),
        LineKind::Directive(d) => Some(&d.line),
        LineKind::Open(o) => Some(&o.directive.line),
        LineKind::Close(c) => Some(&c.line),
    }
}
