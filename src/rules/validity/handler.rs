//! What a directive handler sees, for rules that re-run a module's handler:
//! which nodes to check, the raw argument string with a way back to file
//! spans, C's `atoi` and `isspace`, and the escaping httpd's error log applies
//! to the message it prints.

use std::borrow::Cow;
use std::ops::Range;

use crate::load::tree::{NodeId, RawArgs};
use crate::rules::context::Context;
use crate::source::{Span, TextRange};

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

/// The nodes named `name` (any case) that httpd would hand to `module`'s
/// handler: active ones when the module is loaded (without it, `Invalid
/// command` comes first), and inactive ones whose arguments were
/// substituted (a latent problem stays one whatever loads the module).
pub(crate) fn handled_nodes(ctx: &Context<'_>, name: &str, module: &str) -> Vec<NodeId> {
    let loaded = ctx.has_module(module);
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

/// The sections that give their body a directory path (`cmd->path`):
/// inside them a handler sees a per-directory configuration.
const PATH_SECTIONS: [&str; 11] = [
    "Directory",
    "DirectoryMatch",
    "Location",
    "LocationMatch",
    "Files",
    "FilesMatch",
    "If",
    "ElseIf",
    "Else",
    "Proxy",
    "ProxyMatch",
];

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

/// C's `isspace` in the C locale.
pub(crate) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// C's `atoi` as glibc computes it (`(int) strtol(s, NULL, 10)`): leading
/// spaces, an optional sign, digits; a `long` overflow saturates and is then
/// truncated to `int`.
pub(crate) fn c_atoi(s: &str) -> i32 {
    let bytes = s.as_bytes();
    let mut i = bytes.iter().take_while(|&&b| is_c_space(b)).count();
    let negative = match bytes.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    // Accumulated negatively, as strtol does, so LONG_MIN fits.
    let mut value: i64 = 0;
    for &b in bytes[i.min(bytes.len())..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
    {
        value = value.saturating_mul(10).saturating_sub(i64::from(b - b'0'));
    }
    let value = if negative {
        value
    } else {
        value.checked_neg().unwrap_or(i64::MAX)
    };
    value as i32
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
    use super::{c_atoi, logged};

    #[test]
    fn atoi_like_glibc() {
        assert_eq!(c_atoi("301"), 301);
        assert_eq!(c_atoi("30x"), 30);
        assert_eq!(c_atoi(" -5"), -5);
        assert_eq!(c_atoi("abc"), 0);
        assert_eq!(c_atoi(""), 0);
        assert_eq!(c_atoi("99999999999999999999"), -1);
        assert_eq!(c_atoi("-99999999999999999999"), 0);
    }

    #[test]
    fn log_escaping() {
        assert_eq!(logged("'^a\\ (b'"), "'^a\\\\ (b'");
        assert_eq!(logged("\"x\"\té"), "\"x\"\\t\\xc3\\xa9");
    }
}
