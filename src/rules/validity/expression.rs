//! Shared by the expression rules (AL160–AL166): the text of an ap_expr as
//! a directive hands it to httpd, where each of its bytes sits in the file,
//! the parse with the names the loaded modules add, and the report of
//! httpd's message (prefixed as the directive prefixes it) at the exact
//! token.

use std::ops::Range;

use crate::finding::{Finding, HttpdPhase, Label};
use crate::load::tree::{Config, Node, NodeId, RawArgs};
use crate::model::expr::{self, ErrorKind, ExprError, Mode, Providers};
use crate::rules::context::Context;
use crate::source::{FileId, Span, TextRange, escape_like_httpd};
use crate::syntax::{Quote, Word};

use super::checked_nodes::printed_in;
use super::regex::compile_like_httpd;

/// An expression and where it is written.
pub(crate) struct ExprSource {
    pub text: String,
    file: FileId,
    /// The file offset of each byte of `text`, and of its end, when the
    /// text is written out plainly.
    offsets: Option<Vec<usize>>,
    /// Where to point otherwise (continuation lines, `${VAR}` values).
    whole: Span,
}

impl ExprSource {
    /// Argument `index` of `node`, from byte `skip` of its value on (after
    /// an `expr=` prefix).
    pub fn argument(config: &Config, node: &Node, index: usize, skip: usize) -> Option<Self> {
        let word = node.args.get(index)?;
        let value = word.value.as_bytes();
        let file = node.span.file;
        let offsets = word_offsets(&config.sources.get(file).text, word)
            .map(|offsets| offsets[skip.min(value.len())..].to_vec());
        Some(ExprSource {
            text: String::from_utf8_lossy(value.get(skip..).unwrap_or_default()).into_owned(),
            file,
            offsets,
            whole: node.arg_span(index),
        })
    }

    /// Bytes `range` of the node's raw argument string (RAW_ARGS directives).
    pub fn raw(config: &Config, id: NodeId, range: Range<usize>) -> Self {
        let node = config.node(id);
        let raw = config.raw_args(id);
        let raw = raw.as_bytes();
        let end = range.end.min(raw.len());
        let range = range.start.min(end)..end;
        let file = node.span.file;
        let offsets = match &node.raw_args {
            RawArgs::Slice(slice)
                if config.sources.get(file).text.get(slice.as_range()) == Some(raw) =>
            {
                Some(
                    (range.start..=range.end)
                        .map(|i| slice.start() + i)
                        .collect(),
                )
            }
            _ => None,
        };
        let whole = match (node.args.first(), node.args.last()) {
            (Some(first), Some(last)) => Span::new(file, first.range.cover(last.range)),
            _ => node.span,
        };
        ExprSource {
            text: String::from_utf8_lossy(&raw[range]).into_owned(),
            file,
            offsets,
            whole,
        }
    }

    /// The text as httpd sees it after the directive put `prefix` in front
    /// (ErrorDocument's `"` for messages); the prefix maps to the first byte.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.text.insert_str(0, prefix);
        if let Some(offsets) = &mut self.offsets {
            let first = offsets[0];
            offsets.splice(0..0, std::iter::repeat_n(first, prefix.len()));
        }
        self
    }

    /// The file span of bytes `range` of the text.
    pub fn span(&self, range: Range<usize>) -> Span {
        match &self.offsets {
            Some(offsets) if range.start < range.end && range.end < offsets.len() => Span::new(
                self.file,
                TextRange::new(offsets[range.start], offsets[range.end]),
            ),
            _ => self.whole,
        }
    }

    /// Parses the text as httpd would at `id`.
    pub fn check(&self, ctx: &Context<'_>, id: NodeId, mode: Mode) -> Result<(), ExprError> {
        expr::parse(
            &self.text,
            mode,
            providers_at(ctx, id),
            &|pattern, caseless| compile_like_httpd(pattern, caseless).is_ok(),
        )
    }
}

/// File offsets of a word's value bytes (undoing `\\` and `\<quote>`), or
/// `None` when the file does not spell the value out.
fn word_offsets(file_text: &[u8], word: &Word) -> Option<Vec<usize>> {
    let start = word.range.start();
    let bytes = file_text.get(word.range.as_range())?;
    let quote = match word.quote {
        Quote::None => None,
        Quote::Double => Some(b'"'),
        Quote::Single => Some(b'\''),
    };
    let body_start = usize::from(quote.is_some());
    let body_end = if quote.is_some() && word.terminated {
        bytes.len().checked_sub(1)?
    } else {
        bytes.len()
    };
    let mut value = Vec::with_capacity(body_end);
    let mut offsets = Vec::with_capacity(body_end + 1);
    let mut i = body_start;
    while i < body_end {
        offsets.push(start + i);
        let escaped = bytes[i] == b'\\'
            && i + 1 < body_end
            && (bytes[i + 1] == b'\\' || Some(bytes[i + 1]) == quote);
        if escaped {
            i += 1;
        }
        value.push(bytes[i]);
        i += 1;
    }
    offsets.push(start + body_end);
    (value == word.value.as_bytes()).then_some(offsets)
}

/// The names a line can use: the loaded modules', or — in an inactive
/// branch, which turns on with its own modules — all of them.
fn providers_at(ctx: &Context<'_>, id: NodeId) -> Providers {
    if !ctx.node(id).active {
        return Providers::all();
    }
    Providers {
        ssl: ctx.has_module("ssl_module"),
        proxy_hcheck: ctx.has_module("proxy_hcheck_module"),
    }
}

/// `strncasecmp(word, prefix, strlen(prefix)) == 0`: how modules spot
/// `expr=`, `env=` and `hook=` clauses.
pub(crate) fn has_prefix_ignore_case(word: &str, prefix: &str) -> bool {
    word.len() >= prefix.len()
        && word.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Reports `error` as httpd words it: `prefix` and the parser's message,
/// or httpd's bare `flex scanner jammed` (printed on its own, at once).
pub(crate) fn report<'c>(
    ctx: &'c mut Context<'_>,
    id: NodeId,
    source: &ExprSource,
    error: &ExprError,
    prefix: &str,
) -> &'c mut Finding {
    let mut message = Vec::new();
    if !error.is_jammed() {
        message.extend_from_slice(prefix.as_bytes());
    }
    message.extend_from_slice(&error.message);
    let name = |range: &Range<usize>| source.text.get(range.clone()).unwrap_or("").to_string();
    let cause = error
        .cause
        .as_ref()
        .filter(|(span, _)| *span != error.span)
        .map(|(range, kind)| (source.span(range.clone()), *kind, name(range)));
    let help = help(
        error
            .cause
            .as_ref()
            .filter(|_| unexpected(error) == Some("T_ERROR"))
            .map_or(error.kind, |(_, kind)| *kind),
        &error.message,
        &name(error.cause.as_ref().map_or(&error.span, |(range, _)| range)),
    );
    let f = ctx.httpd_error(
        id,
        source.span(error.span.clone()),
        escape_like_httpd(&message),
    );
    f.primary_label = Some(label(error.kind, unexpected(error)).to_string());
    if let Some((span, kind, name)) = cause {
        f.labels.push(Label {
            span,
            message: format!("and `{name}`: {}", label(kind, None)),
        });
    }
    f.help = Some(help);
    // The message is what the terminal shows (httpd's log escapes it); the
    // echo keeps httpd's raw text for the httpd-format report.
    if let Some(echo) = f.httpd.as_mut() {
        echo.message = String::from_utf8_lossy(&message).into_owned();
    }
    if error.is_jammed() {
        printed_in(f, HttpdPhase::Exit);
    }
    f
}

/// The token bison did not expect, from its message.
fn unexpected(error: &ExprError) -> Option<&str> {
    let message = std::str::from_utf8(&error.message).ok()?;
    let rest = message.strip_prefix("syntax error, unexpected ")?;
    rest.split([',', ':']).next()
}

fn label(kind: ErrorKind, unexpected: Option<&str>) -> &'static str {
    match kind {
        ErrorKind::Syntax if unexpected == Some("$end") => "the expression ends here, unfinished",
        ErrorKind::Syntax => "httpd's expression grammar does not allow this here",
        ErrorKind::Lexical => "httpd's expression scanner stops here",
        ErrorKind::UnknownVariable => "no such variable",
        ErrorKind::UnknownFunction => "no such function",
        ErrorKind::UnknownListFunction => "no such list function",
        ErrorKind::UnknownOperator => "no such operator",
        ErrorKind::Subnet => "needs a literal subnet",
        ErrorKind::Regex => "this regex does not compile",
        ErrorKind::TooDeep => "nested too deep",
        ErrorKind::Jammed => "httpd's scanner has no rule for this character here",
    }
}

fn help(kind: ErrorKind, message: &[u8], name: &str) -> String {
    let message = String::from_utf8_lossy(message);
    let text = match kind {
        ErrorKind::Syntax if message.contains("unexpected $end") => {
            "the expression ends too early: an operand or a closing `)`, `}` or quote is missing"
        }
        ErrorKind::Syntax if message.contains("unexpected T_ID") => {
            "a bare word is a function call (`tolower(…)`) or `true`/`false`: quote literal text, as in 'text'"
        }
        ErrorKind::Syntax => {
            "see the grammar of httpd's expressions: https://httpd.apache.org/docs/2.4/expr.html"
        }
        ErrorKind::Lexical if message.contains("Bad escape") => {
            "a backslash and digits is an octal escape of one to three digits 0-7 (`\\101`)"
        }
        ErrorKind::Lexical if message.contains("out of bound") => "octal escapes go up to `\\377`",
        ErrorKind::Lexical if message.contains("Unterminated") => {
            "close the quoted string or the `%{…}`"
        }
        ErrorKind::Lexical if message.contains("variable name") => {
            "variable names are letters, digits and `_`: request headers are `%{HTTP:Header-Name}`, environment variables `%{ENV:NAME}`"
        }
        ErrorKind::Lexical if message.contains("too long") => {
            "httpd's expression scanner holds at most 8191 bytes of one string or regex"
        }
        ErrorKind::Lexical => {
            "outside quotes only operators, `%{…}`, numbers, function calls, `(`, `)`, `{`, `}` and regexes may appear: quote literal text"
        }
        ErrorKind::UnknownVariable if name.to_ascii_uppercase().starts_with("HTTP_") => {
            "only seven request headers have HTTP_ variables (HTTP_HOST, HTTP_USER_AGENT, HTTP_REFERER, HTTP_COOKIE, HTTP_FORWARDED, HTTP_ACCEPT, HTTP_PROXY_CONNECTION): read others with `%{HTTP:Header-Name}` or `req('Header-Name')`"
        }
        ErrorKind::UnknownVariable if name.starts_with("SSL_") => {
            "SSL_* variables exist only when mod_ssl is loaded"
        }
        ErrorKind::UnknownVariable => {
            "environment variables are read with `%{ENV:NAME}` or `env('NAME')`; httpd's own variables are listed at https://httpd.apache.org/docs/2.4/expr.html#vars"
        }
        ErrorKind::UnknownFunction => {
            "httpd's functions: req, http, req_novary, resp, reqenv, env, osenv, note, tolower, toupper, escape, unescape, base64, unbase64, md5, sha1, file, filesize, ldap (and SSL with mod_ssl)"
        }
        ErrorKind::UnknownListFunction => {
            "httpd 2.4 has no list functions but mod_ssl's PeerExtList(): write the list out, as in {'a', 'b'}"
        }
        ErrorKind::UnknownOperator => {
            "unary operators: -d -e -f -s -L -h -x -F -U -A -n -z -T -R; binary: -ipmatch -strmatch -strcmatch -fnmatch and the comparisons (-eq, ==, =~ …)"
        }
        ErrorKind::Subnet => "-R and -ipmatch take one quoted literal subnet, such as '10.0.0.0/8'",
        ErrorKind::Regex => "the regex does not compile with PCRE2, as httpd compiles it",
        ErrorKind::TooDeep => "httpd's expression parser holds at most 10000 nesting levels",
        ErrorKind::Jammed => {
            "httpd's expression scanner jams on a quote inside `%{func:…}` or a backslash ending a string: httpd prints `flex scanner jammed` and exits"
        }
    };
    text.to_string()
}
