//! The syntax tree of one configuration file: directives, sections and
//! comments, each with byte spans into the file. No semantics live here: a
//! directive is a name and words, whether or not any module knows it.
//!
//! Spans are [`TextRange`]s relative to the parsed file; the loader pairs them
//! with a `FileId`.

use std::borrow::Cow;

use compact_str::CompactString;

use crate::source::TextRange;

pub use super::lines::OffsetMap;
pub use super::words::Quote;

/// One word (directive name or argument) as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The bytes of the word in the file, quotes included.
    pub range: TextRange,
    /// The unescaped value, decoded lossily as UTF-8. Inline (no heap
    /// allocation) up to 24 bytes, which is most configuration words.
    pub value: CompactString,
    pub quote: Quote,
    /// False for a quoted word whose closing quote is missing.
    pub terminated: bool,
}

impl Word {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// Where a logical line lives in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineInfo {
    /// File range of the trimmed logical line.
    pub range: TextRange,
    /// 1-based physical line of its first byte.
    pub first_line: u32,
    /// 1-based physical line httpd reports for it (the last one it read).
    pub last_line: u32,
    /// For lines joined by `\` continuations or cut by a NUL: the logical text
    /// and its offset map. `None` when the text is the file slice `range`.
    pub joined: Option<Box<JoinedText>>,
}

/// The text of a logical line that is not a contiguous slice of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinedText {
    pub text: Box<[u8]>,
    pub map: OffsetMap,
    pub continuations: u32,
    pub nul_truncated: bool,
}

impl LineInfo {
    /// The logical line's text (trimmed, continuations joined).
    pub fn text<'s>(&'s self, src: &'s [u8]) -> &'s [u8] {
        match &self.joined {
            Some(j) => &j.text,
            None => &src[self.range.as_range()],
        }
    }

    /// The map from offsets in [`LineInfo::text`] to file offsets.
    pub fn offset_map(&self) -> Cow<'_, OffsetMap> {
        match &self.joined {
            Some(j) => Cow::Borrowed(&j.map),
            None => Cow::Owned(OffsetMap::Contiguous(self.range.start)),
        }
    }
}

/// A directive line: `Name arg arg …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The first word. For a section opener this is httpd's command name,
    /// `<Directory` (the `<` kept, a trailing `>` removed).
    pub name: Word,
    pub args: Vec<Word>,
    pub line: LineInfo,
    /// Offset in the line text where the raw argument string starts (after
    /// the name and the whitespace following it).
    pub args_offset: u32,
}

impl Directive {
    /// The raw argument string as httpd stores it (`ap_directive_t.args`):
    /// the rest of the logical line after the name, inner whitespace kept.
    pub fn raw_args<'s>(&'s self, src: &'s [u8]) -> &'s [u8] {
        let text = self.line.text(src);
        &text[(self.args_offset as usize).min(text.len())..]
    }

    pub fn arg_values(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|a| a.as_str())
    }
}

/// How a section's body is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// Parsed children.
    Nodes(Vec<Node>),
    /// Raw logical lines, for `<Macro>` whose body httpd stores unparsed and
    /// parses only when a `Use` expands it.
    Raw(Vec<RawLine>),
}

/// One unparsed line of a `<Macro>` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawLine {
    pub line: LineInfo,
}

/// The closing tag of a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Close {
    /// The first word of the closing line, e.g. `</Directory>`.
    pub word: Word,
    pub line: LineInfo,
    /// The trimmed line is exactly `</Name>` (case-insensitive). Only such a
    /// line ends a *true* conditional section in httpd.
    pub exact: bool,
}

/// What kind of container a section is, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    /// `<IfModule>`, `<IfDefine>`, `<IfVersion>`, `<IfFile>`, `<IfDirective>`,
    /// `<IfSection>`: evaluated while reading; closed by httpd's special rules.
    Conditional,
    /// `<Macro>`: body stored raw.
    Macro,
    /// Everything else.
    Ordinary,
}

impl SectionKind {
    /// Classifies a section by its name without the `<`.
    pub fn of(name: &str) -> SectionKind {
        const CONDITIONALS: [&str; 6] = [
            "IfModule",
            "IfDefine",
            "IfVersion",
            "IfFile",
            "IfDirective",
            "IfSection",
        ];
        if CONDITIONALS.iter().any(|c| c.eq_ignore_ascii_case(name)) {
            SectionKind::Conditional
        } else if name.eq_ignore_ascii_case("Macro") {
            SectionKind::Macro
        } else {
            SectionKind::Ordinary
        }
    }
}

/// A container: `<Name args>` … `</Name>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The opening line. `open.name` is `<Name`; `open.args` are the words
    /// before the last `>` of the line (httpd cuts there and ignores the rest).
    pub open: Directive,
    /// The opening line had a `>` after the name or arguments.
    pub has_closing_angle: bool,
    pub kind: SectionKind,
    pub body: Body,
    /// `None` when the file ended before the section was closed.
    pub close: Option<Close>,
}

impl Section {
    /// The section name without `<`, as written (`Directory`, `ifmodule`).
    pub fn name(&self) -> &str {
        self.open
            .name
            .value
            .strip_prefix('<')
            .unwrap_or(&self.open.name.value)
    }

    /// Parsed children (empty for a raw macro body).
    pub fn children(&self) -> &[Node] {
        match &self.body {
            Body::Nodes(nodes) => nodes,
            Body::Raw(_) => &[],
        }
    }
}

/// A comment line (first non-blank byte `#`). With continuations a comment
/// can swallow following lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub line: LineInfo,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Directive(Directive),
    Section(Section),
    Comment(Comment),
}

impl Node {
    pub fn line(&self) -> &LineInfo {
        match self {
            Node::Directive(d) => &d.line,
            Node::Section(s) => &s.open.line,
            Node::Comment(c) => &c.line,
        }
    }
}
