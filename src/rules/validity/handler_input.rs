//! What a directive handler sees, for rules that re-run a module's handler:
//! which nodes to check, the raw argument string with a way back to file
//! spans, and the escaping httpd's error log applies to the message it
//! prints.

use std::borrow::Cow;
use std::ops::Range;

use crate::load::tree::{NodeId, RawArgs};
use crate::rules::context::Context;
use crate::source::{Span, TextRange};

use super::checked_nodes::nodes_to_check;
use super::handler::PATH_SECTIONS;
use super::has_unsubstituted;
use super::regex::RegexError;

/// A handler's refusal of one directive: httpd's message (before log
/// escaping), where it points, and what apachelint adds.
#[derive(Clone, Debug)]
pub(crate) struct Refusal {
    pub span: Span,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Refusal {
    pub fn new(span: Span, message: impl Into<String>) -> Refusal {
        Refusal {
            span,
            message: message.into(),
            label: None,
            help: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Refusal {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Refusal {
        self.help = Some(help.into());
        self
    }

    /// A refusal for a pattern PCRE2 would not compile, with its reason as help.
    pub fn regex(span: Span, message: impl Into<String>, error: &RegexError) -> Refusal {
        Refusal::new(span, message)
            .label("this regular expression does not compile")
            .help(error.help())
    }

    /// Records it as httpd's error about `id`, as the error log prints it.
    pub fn report(self, ctx: &mut Context<'_>, id: NodeId) {
        let f = ctx.httpd_error(id, self.span, logged(&self.message));
        f.primary_label = self.label;
        f.help = self.help;
    }
}

/// The nodes named `name` whose handler httpd would run: directives as
/// [`nodes_to_check`] picks them (active ones of a loaded module, where they
/// are allowed; inactive ones whose words were substituted), and `<Section`
/// nodes likewise (active when their module is loaded).
pub(crate) fn handled_nodes(ctx: &Context<'_>, name: &str) -> Vec<NodeId> {
    if !name.starts_with('<') {
        return nodes_to_check(ctx, name)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
    }
    let loaded = !ctx.loaded_specs(name).is_empty();
    ctx.named(name)
        .iter()
        .copied()
        .filter(|&id| {
            let node = ctx.node(id);
            if node.active {
                loaded
            } else {
                !has_unsubstituted(node)
            }
        })
        .collect()
}

/// Whether httpd's generic argument count check lets the directive reach its
/// handler (`wrong-argument-count` reports the others).
pub(crate) fn arity_accepted(ctx: &Context<'_>, id: NodeId) -> bool {
    let node = ctx.node(id);
    let words: Vec<&str> = node.arg_values().collect();
    crate::model::registry::lookup(&node.name)
        .first()
        .is_some_and(|spec| spec.arity.accepts(&words))
}

/// Whether the directive stands in a per-directory configuration
/// (`cmd->path != NULL`), rather than at server or virtual-host level.
pub(crate) fn in_directory_context(ctx: &Context<'_>, id: NodeId) -> bool {
    enclosing_named(ctx, id, &PATH_SECTIONS).is_some()
}

/// The nearest enclosing section named one of `names` (httpd's
/// `find_parent` for one name at a time).
pub(crate) fn enclosing_named(ctx: &Context<'_>, id: NodeId, names: &[&str]) -> Option<NodeId> {
    let mut cur = ctx.parent_section(id);
    while let Some(section) = cur {
        let name = &ctx.node(section).name;
        if names.iter().any(|n| name.eq_ignore_ascii_case(n)) {
            return Some(section);
        }
        cur = ctx.parent_section(section);
    }
    None
}

/// `ap_check_cmd_context(NOT_IN_DIRECTORY | NOT_IN_FILES)`: the parent that
/// makes httpd refuse, found kind by kind in httpd's order (not
/// necessarily the nearest).
pub(crate) fn directory_or_files_parent(ctx: &Context<'_>, id: NodeId) -> Option<NodeId> {
    [
        "Directory",
        "DirectoryMatch",
        "Files",
        "FilesMatch",
        "If",
        "ElseIf",
        "Else",
    ]
    .iter()
    .find_map(|name| enclosing_named(ctx, id, &[name]))
}

/// A node's raw argument string (httpd's `cmd->args` for RAW_ARGS
/// handlers) and, when the string is the file's own bytes, where it starts
/// in the file.
pub(crate) struct RawLine<'a> {
    pub text: Cow<'a, str>,
    file_start: Option<usize>,
    span: Span,
}

impl<'a> RawLine<'a> {
    pub fn of(ctx: &Context<'a>, id: NodeId) -> RawLine<'a> {
        let node = ctx.node(id);
        let text = ctx.config.raw_args(id);
        let file_start = match (&node.raw_args, &text) {
            (RawArgs::Slice(range), Cow::Borrowed(_)) => Some(range.start()),
            _ => None,
        };
        RawLine {
            text,
            file_start,
            span: node.span,
        }
    }

    /// The file span of a byte range of [`Self::text`]; the whole line when
    /// the text was joined or substituted (its offsets are not the file's).
    pub fn span(&self, range: Range<usize>) -> Span {
        match self.file_start {
            Some(start) => Span::new(
                self.span.file,
                TextRange::new(start + range.start, start + range.end),
            ),
            None => self.span,
        }
    }
}

/// A message as httpd's error log prints it (`ap_escape_errorlog_item`):
/// backslashes doubled, control and non-ASCII bytes as `\xhh` (`\n`, `\t`
/// … by name); quotes stay as they are.
pub(crate) fn logged(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for &b in message.as_bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x0b => out.push_str("\\v"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::logged;

    #[test]
    fn log_escaping() {
        assert_eq!(logged("'^a\\ (b'"), "'^a\\\\ (b'");
        assert_eq!(logged("\"x\"\té"), "\"x\"\\t\\xc3\\xa9");
    }
}
