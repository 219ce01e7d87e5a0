//! The parser: logical lines → [`Node`] tree, with httpd's pass-1 section
//! rules (`ap_build_config_sub`) and line-level recovery.
//!
//! It never fails and never panics: every problem becomes a [`SyntaxError`]
//! and parsing continues on the next line. Recovery keeps the section stack
//! sane, so one unclosed `<Directory>` is one error at its opening tag, not a
//! cascade.
//!
//! What depends on evaluation is left to the loader: whether a conditional
//! section (`<IfModule>` …) is true decides how httpd closes it (a true body
//! ends only at a line that is exactly `</IfModule>` and may run to end of
//! file; a false body is skipped with laxer closing rules). The parser records
//! the facts ([`Close::exact`], `close: None`) and reports no error for them.

use super::ast::*;
use super::line::{Closer, LineKind, Opener, classify, first_word, info_of};
use super::lines::{LogicalLine, LogicalLines};
use crate::source::TextRange;

/// httpd's limit on a logical line in a main configuration file (`VARBUF_MAX_LEN`).
pub const MAX_LINE_MAIN: usize = 16 * 1024 * 1024;
/// httpd's limit on a logical line in `.htaccess` files (`HUGE_STRING_LEN`).
pub const MAX_LINE_HTACCESS: usize = 8192;
/// mod_macro reads its bodies with a fixed buffer (`MAX_STRING_LEN`).
pub const MAX_LINE_MACRO_BODY: usize = 8192;

#[derive(Clone, Debug)]
pub struct ParseOptions {
    /// Longest logical line httpd accepts in this kind of file.
    pub max_line_len: usize,
}

impl ParseOptions {
    pub fn main_config() -> Self {
        ParseOptions {
            max_line_len: MAX_LINE_MAIN,
        }
    }

    pub fn htaccess() -> Self {
        ParseOptions {
            max_line_len: MAX_LINE_HTACCESS,
        }
    }
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self::main_config()
    }
}

/// The kinds of structural errors httpd finds while reading a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyntaxErrorKind {
    /// `</X>` with no open section.
    UnmatchedClose,
    /// `</X>` while `<Y>` is the innermost open section.
    MismatchedClose,
    /// `</X` or `</X >`: the closing word does not end in `>`.
    CloseMissingAngle,
    /// A section still open at the end of the file that opened it.
    Unclosed,
    /// A logical line longer than httpd's limit.
    LineTooLong,
    /// A `<Macro>` without its `</Macro>`.
    MacroUnclosed,
}

/// One structural error, with httpd's own message text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    /// The exact token at fault.
    pub range: TextRange,
    /// The line httpd names in its message.
    pub httpd_line: u32,
    pub message: String,
}

/// The result of parsing one file. Always complete: `nodes` holds everything
/// that could be read, `errors` everything that is wrong.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub nodes: Vec<Node>,
    pub errors: Vec<SyntaxError>,
}

impl Parsed {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Parses one file's bytes. Pure: no I/O, never fails, never panics.
pub fn parse(src: &[u8], options: &ParseOptions) -> Parsed {
    let mut parser = Parser {
        lines: LogicalLines::new(src),
        options,
        stack: Vec::new(),
        root: Vec::new(),
        errors: Vec::new(),
    };
    parser.run();
    Parsed {
        nodes: parser.root,
        errors: parser.errors,
    }
}

/// Parser state for one file.
struct Parser<'a, 'o> {
    lines: LogicalLines<'a>,
    options: &'o ParseOptions,
    /// Open sections, innermost last, each with the children read so far.
    stack: Vec<Section>,
    root: Vec<Node>,
    errors: Vec<SyntaxError>,
}

/// httpd: `</X> without matching <X> section` (the token as written).
pub fn unmatched_close_message(token: &str) -> String {
    format!(
        "{token} without matching <{} section",
        token.get(2..).unwrap_or("")
    )
}

/// httpd: `</X> directive missing closing '>'`.
pub fn missing_angle_message(token: &str) -> String {
    format!("{token}> directive missing closing '>'")
}

/// httpd: `Expected </Open> but saw </Closed>`.
pub fn mismatch_message(open: &str, closed: &str) -> String {
    format!("Expected </{open}> but saw </{closed}>")
}

/// httpd: `<X> was not closed.`
pub fn unclosed_message(name: &str) -> String {
    format!("<{name}> was not closed.")
}

/// mod_macro's message for a body it could not read to `</Macro>` (httpd adds
/// ` of "<file>"` after the line number; the parser does not know the path).
fn macro_contents_error(section: &Section) -> String {
    let name = section
        .open
        .args
        .first()
        .map(|w| w.value.to_lowercase())
        .unwrap_or_default();
    format!(
        "macro '{name}' (defined on line {})\n\tcontents error: expected token not found: </Macro>",
        section.open.line.last_line
    )
}

fn eq_ci(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl<'a> Parser<'a, '_> {
    fn run(&mut self) {
        while let Some(line) = self.lines.next() {
            self.line(line);
        }
        self.finish();
    }

    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some(Section {
                body: Body::Nodes(children),
                ..
            }) => children.push(node),
            _ => self.root.push(node),
        }
    }

    fn error(&mut self, kind: SyntaxErrorKind, range: TextRange, httpd_line: u32, message: String) {
        self.errors.push(SyntaxError {
            kind,
            range,
            httpd_line,
            message,
        });
    }

    fn line(&mut self, line: LogicalLine<'a>) {
        if line.raw_len >= self.options.max_line_len {
            let range = line.map.range_to_file(0, line.text.len());
            self.error(
                SyntaxErrorKind::LineTooLong,
                range,
                line.last_line,
                format!(
                    "Error reading file at line {}: Line too long",
                    line.last_line
                ),
            );
        }
        match classify(&line) {
            LineKind::Blank | LineKind::Empty(_) | LineKind::Ignored(_) => {}
            LineKind::Comment(c) => self.push_node(Node::Comment(c)),
            LineKind::Directive(d) => self.push_node(Node::Directive(d)),
            LineKind::Open(opener) => self.open(opener),
            LineKind::Close(closer) => self.close(closer),
        }
    }

    /// A section opener: `<Name args…>`.
    fn open(&mut self, opener: Opener) {
        let mut section = Section {
            open: opener.directive,
            has_closing_angle: opener.has_closing_angle,
            kind: opener.kind,
            body: Body::Nodes(Vec::new()),
            close: None,
        };
        if opener.kind == SectionKind::Macro {
            self.read_macro_body(&mut section);
            self.push_node(Node::Section(section));
        } else {
            self.stack.push(section);
        }
    }

    /// mod_macro's `get_lines_till_end_token`: the body is every non-comment
    /// logical line up to a line whose first word is `</Macro>`
    /// (case-insensitive), counting nested `<Macro` openers.
    fn read_macro_body(&mut self, section: &mut Section) {
        let mut body = Vec::new();
        let mut nesting = 1;
        while let Some(line) = self.lines.next() {
            let too_long = line.raw_len >= MAX_LINE_MACRO_BODY;
            let kind = classify(&line);
            let Some(info) = info_of(&kind) else {
                continue;
            };
            if too_long {
                // mod_macro stops reading at a line its buffer cannot hold and
                // reports the body as unterminated, at the `<Macro` line.
                self.error(
                    SyntaxErrorKind::LineTooLong,
                    info.range,
                    section.open.line.last_line,
                    macro_contents_error(section),
                );
            }
            match (&kind, first_word(&kind)) {
                (LineKind::Comment(_), _) => continue,
                (LineKind::Close(closer), Some(word)) if word.eq_ignore_ascii_case("</Macro>") => {
                    nesting -= 1;
                    if nesting == 0 {
                        section.close = Some(closer.to_close("Macro"));
                        section.body = Body::Raw(body);
                        return;
                    }
                }
                (_, Some(word)) if word.eq_ignore_ascii_case("<Macro") => nesting += 1,
                _ => {}
            }
            body.push(RawLine { line: info.clone() });
        }
        section.body = Body::Raw(body);
        self.error(
            SyntaxErrorKind::MacroUnclosed,
            section.open.name.range,
            section.open.line.last_line,
            macro_contents_error(section),
        );
    }

    /// A closing line whose first word starts with `</`.
    fn close(&mut self, closer: Closer) {
        let token = closer.token().to_string();
        let range = closer.word.range;
        let line = closer.line.last_line;
        let Some(top) = self.stack.last() else {
            self.error(
                SyntaxErrorKind::UnmatchedClose,
                range,
                line,
                unmatched_close_message(&token),
            );
            return;
        };
        let closed_name = closer.closed_name().to_string();
        let top_name = top.name().to_string();
        let names_match = eq_ci(&closed_name, &top_name);
        // Conditionals: record the closer, let the loader judge it.
        if top.kind == SectionKind::Conditional && names_match {
            self.pop_closed(closer.to_close(&top_name));
            return;
        }
        if !token.ends_with('>') {
            self.error(
                SyntaxErrorKind::CloseMissingAngle,
                range,
                line,
                missing_angle_message(&token),
            );
            if names_match {
                self.pop_closed(closer.to_close(&top_name));
            }
            return;
        }
        if names_match {
            self.pop_closed(closer.to_close(&top_name));
            return;
        }
        self.error(
            SyntaxErrorKind::MismatchedClose,
            range,
            line,
            mismatch_message(&top_name, &closed_name),
        );
        // Recovery: if an outer section has this name, the inner ones were
        // left open by mistake; close them silently (this error covers them).
        if let Some(depth) = self
            .stack
            .iter()
            .rposition(|s| eq_ci(s.name(), &closed_name))
        {
            while self.stack.len() > depth + 1 {
                self.pop_unclosed();
            }
            self.pop_closed(closer.to_close(&closed_name));
        }
    }

    fn pop_closed(&mut self, close: Close) {
        if let Some(mut section) = self.stack.pop() {
            section.close = Some(close);
            self.push_node(Node::Section(section));
        }
    }

    fn pop_unclosed(&mut self) {
        if let Some(section) = self.stack.pop() {
            self.push_node(Node::Section(section));
        }
    }

    /// End of file: every ordinary section still open is an error at its
    /// opening tag (innermost first, as httpd lists them).
    fn finish(&mut self) {
        while let Some(section) = self.stack.last() {
            if section.kind == SectionKind::Ordinary {
                let range = section.open.name.range;
                let line = section.open.line.last_line;
                let message = unclosed_message(section.name());
                self.error(SyntaxErrorKind::Unclosed, range, line, message);
            }
            self.pop_unclosed();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(src: &str) -> Parsed {
        parse(src.as_bytes(), &ParseOptions::default())
    }

    fn messages(src: &str) -> Vec<String> {
        p(src).errors.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn directive_with_args_and_spans() {
        let parsed = p("ServerName  example.com\n");
        let Node::Directive(d) = &parsed.nodes[0] else {
            panic!()
        };
        assert_eq!(&*d.name.value, "ServerName");
        assert_eq!(&*d.args[0].value, "example.com");
        assert_eq!(d.args[0].range, TextRange::new(12, 23));
        assert!(parsed.errors.is_empty());
    }

    #[test]
    fn sections_nest_and_close_case_insensitively() {
        let parsed = p("<directory /srv/a>\n  Require all granted\n</DIRECTORY>\n");
        assert!(parsed.errors.is_empty());
        let Node::Section(s) = &parsed.nodes[0] else {
            panic!()
        };
        assert_eq!(s.name(), "directory");
        assert_eq!(&*s.open.args[0].value, "/srv/a");
        assert_eq!(s.children().len(), 1);
        assert!(s.close.is_some());
    }

    #[test]
    fn text_after_closing_angle_is_ignored() {
        let parsed = p("<Directory /srv/a> extra\n</Directory> # c\n");
        assert!(parsed.errors.is_empty());
        let Node::Section(s) = &parsed.nodes[0] else {
            panic!()
        };
        assert_eq!(s.open.args.len(), 1);
    }

    #[test]
    fn structural_errors_carry_httpd_messages() {
        assert_eq!(
            messages("</Directory>\n"),
            ["</Directory> without matching <Directory> section"]
        );
        assert_eq!(
            messages("<Directory /a>\n</Files>\n</Directory>\n"),
            ["Expected </Directory> but saw </Files>"]
        );
        assert_eq!(
            messages("<Directory /a>\n</Directory >\n"),
            ["</Directory> directive missing closing '>'"]
        );
        assert_eq!(
            messages("<Directory /a>\n</ Directory>\n</Directory>\n"),
            ["</> directive missing closing '>'"]
        );
        assert_eq!(
            messages("<Directory /a>\n<Files x>\n"),
            ["<Files> was not closed.", "<Directory> was not closed."]
        );
    }

    #[test]
    fn mismatch_recovers_to_the_matching_outer_section() {
        let parsed = p("<VirtualHost *:80>\n<Directory /a>\n</VirtualHost>\nServerName x\n");
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.nodes.len(), 2);
    }

    #[test]
    fn conditionals_defer_to_the_loader() {
        let parsed = p("<IfModule x>\nA\n</IfModule >\n<IfDefine Y>\n");
        assert!(parsed.errors.is_empty());
        let Node::Section(s) = &parsed.nodes[0] else {
            panic!()
        };
        assert!(!s.close.as_ref().unwrap().exact);
        let Node::Section(open) = &parsed.nodes[1] else {
            panic!()
        };
        assert!(open.close.is_none());
    }

    #[test]
    fn macro_body_is_raw() {
        let parsed =
            p("<Macro vh $n>\n<VirtualHost *:80>\n# c\nServerName $n\n</Macro>\nUse vh a\n");
        assert!(parsed.errors.is_empty());
        let Node::Section(s) = &parsed.nodes[0] else {
            panic!()
        };
        let Body::Raw(lines) = &s.body else { panic!() };
        assert_eq!(lines.len(), 2);
        assert_eq!(parsed.nodes.len(), 2);
    }

    #[test]
    fn macro_body_line_too_long_is_reported_as_httpd_does() {
        let long = "y".repeat(MAX_LINE_MACRO_BODY);
        let parsed = p(&format!(
            "ServerName x\n<Macro M>\nDefine L {long}\n</Macro>\n"
        ));
        assert_eq!(parsed.errors.len(), 1);
        let error = &parsed.errors[0];
        assert_eq!(error.kind, SyntaxErrorKind::LineTooLong);
        assert_eq!(error.httpd_line, 2);
        assert_eq!(
            error.message,
            "macro 'm' (defined on line 2)\n\tcontents error: expected token not found: </Macro>"
        );
        let fits = "y".repeat(MAX_LINE_MACRO_BODY - 20);
        assert!(p(&format!("<Macro M>\nDefine L {fits}\n</Macro>\n")).is_ok());
    }

    #[test]
    fn comment_swallows_continued_line() {
        let parsed = p("# c \\\nBogus\nServerName x\n");
        assert_eq!(parsed.nodes.len(), 2);
        assert!(matches!(parsed.nodes[0], Node::Comment(_)));
    }

    #[test]
    fn name_loses_one_trailing_angle() {
        let parsed = p("ServerName> x\n");
        let Node::Directive(d) = &parsed.nodes[0] else {
            panic!()
        };
        assert_eq!(&*d.name.value, "ServerName");
    }
}
