//! `AL166` string-expression-invalid.

use crate::load::tree::NodeId;
use crate::model::expr::Mode;
use crate::rules::context::{Context, Rule};

use super::c_numbers::atoi;
use super::checked_nodes::nodes_to_check;
use super::expression::{ExprSource, report};
use super::handler_input::{enclosing_named, in_directory_context};
use super::http_status::is_known_status;

crate::declare_rule! {
    /// ## What it does
    /// Reports an argument that httpd reads as a string expression and cannot parse. Such
    /// arguments take `%{VAR}`, `$1` and backslash escapes: `ErrorDocument` messages and URLs,
    /// `SetHandler`, `AuthName`, `AuthType`, `AuthBasicFake`, mod_auth_form's
    /// `AuthForm*Location`, and the one-argument forms of `Alias`, `ScriptAlias` and
    /// `Redirect` inside `<Location>`. The message is the directive's own (`Cannot parse
    /// expression in ErrorDocument: Variable 'FOO' does not exist`), at the offending token.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. These arguments look like plain text, so the expression syntax
    /// comes as a surprise: a `%{…}` with a name httpd does not know, a backslash followed by
    /// digits (`\8` is a bad escape), or `%{ENV:…}` written with spaces.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ErrorDocument 503 "Maintenance until %{MAINTENANCE_END}"
    /// ```
    ///
    /// ```apache
    /// # after
    /// ErrorDocument 503 "Maintenance until %{ENV:MAINTENANCE_END}"
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/expr.html>
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#errordocument>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_alias.html#redirect>
    pub STRING_EXPRESSION_INVALID = {
        code: "AL166",
        name: "string-expression-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct StringExpressionInvalid;

/// The directives with string-expression arguments.
const DIRECTIVES: [&str; 14] = [
    "ErrorDocument",
    "SetHandler",
    "AuthName",
    "AuthType",
    "AuthBasicFake",
    "Alias",
    "ScriptAlias",
    "Redirect",
    "RedirectMatch",
    "RedirectPermanent",
    "RedirectTemp",
    "AuthFormLoginRequiredLocation",
    "AuthFormLoginSuccessLocation",
    "AuthFormLogoutLocation",
];

/// One argument httpd parses as a string expression.
struct StringArgument {
    index: usize,
    /// httpd's message up to the parser's.
    prefix: String,
    /// What the directive puts in front of the text (ErrorDocument's `"`).
    lead: &'static str,
}

impl StringArgument {
    fn new(index: usize, prefix: String) -> Self {
        StringArgument {
            index,
            prefix,
            lead: "",
        }
    }
}

impl Rule for StringExpressionInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &STRING_EXPRESSION_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for directive in DIRECTIVES {
            for (id, _) in nodes_to_check(ctx, directive) {
                for argument in string_arguments(ctx, id, directive) {
                    let node = ctx.node(id);
                    let Some(source) = ExprSource::argument(ctx.config, node, argument.index, 0)
                    else {
                        continue;
                    };
                    let source = source.prefixed(argument.lead);
                    if let Err(error) = source.check(ctx, id, Mode::String) {
                        report(ctx, id, &source, &error, &argument.prefix);
                        break;
                    }
                }
            }
        }
    }
}

/// The arguments `directive` parses as string expressions, in httpd's order.
fn string_arguments(ctx: &Context<'_>, id: NodeId, directive: &str) -> Vec<StringArgument> {
    let node = ctx.node(id);
    let words: Vec<&str> = node.arg_values().collect();
    let first = words.first().copied().unwrap_or_default();
    match directive {
        "SetHandler" => vec![StringArgument::new(0, "Can't parse expression : ".into())],
        "AuthName" | "AuthType" if node.active && !ctx.has_module("authn_core_module") => vec![],
        "AuthName" | "AuthType" => vec![StringArgument::new(
            0,
            format!("Cannot parse expression '{first}' in {directive}: "),
        )],
        "AuthBasicFake" if first.eq_ignore_ascii_case("off") => vec![],
        "AuthBasicFake" => vec![
            StringArgument::new(
                0,
                format!("Could not parse fake username expression '{first}': "),
            ),
            StringArgument::new(
                1,
                format!("Could not parse fake password expression associated to user '{first}': "),
            ),
        ],
        "AuthFormLoginRequiredLocation" => vec![StringArgument::new(
            0,
            format!("Could not parse login required expression '{first}': "),
        )],
        "AuthFormLoginSuccessLocation" => vec![StringArgument::new(
            0,
            format!("Could not parse login success expression '{first}': "),
        )],
        "AuthFormLogoutLocation" => vec![StringArgument::new(
            0,
            format!("Could not parse logout required expression '{first}': "),
        )],
        "ErrorDocument" => error_document(&words).into_iter().collect(),
        "Alias" | "ScriptAlias" => {
            let allowed = words.len() == 1
                && in_directory_context(ctx, id)
                && enclosing_named(ctx, id, &NOT_FOR_ALIAS_EXPRESSIONS).is_none();
            allowed
                .then(|| {
                    StringArgument::new(0, format!("Cannot parse alias expression '{first}': "))
                })
                .into_iter()
                .collect()
        }
        _ => redirect_url(&words)
            .filter(|_| in_directory_context(ctx, id))
            .map(|index| {
                StringArgument::new(
                    index,
                    format!("Cannot parse redirect expression '{}': ", words[index]),
                )
            })
            .into_iter()
            .collect(),
    }
}

/// `set_error_document`: every message but `default` (and a full URL for
/// 401, which httpd ignores) is an expression; a message gets a `"` in front.
fn error_document(words: &[&str]) -> Option<StringArgument> {
    let [code, message] = words else { return None };
    // An unknown status is `Unsupported HTTP response code` first (AL127).
    if !is_known_status(atoi(code)) || message.eq_ignore_ascii_case("default") {
        return None;
    }
    let is_message = message.contains(' ') || !(message.starts_with('/') || is_url(message));
    if atoi(code) == 401 && !is_message && !message.starts_with('/') {
        return None;
    }
    Some(StringArgument {
        index: 1,
        prefix: "Cannot parse expression in ErrorDocument: ".into(),
        lead: if is_message { "\"" } else { "" },
    })
}

/// `ap_is_url`: a scheme of letters, digits, `+`, `-`, `.` and a `:`.
fn is_url(word: &str) -> bool {
    match word.find(':') {
        Some(colon) if colon > 0 => word[..colon]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')),
        _ => false,
    }
}

/// `add_redirect_internal` in a directory context: which argument is the
/// URL expression, if any.
fn redirect_url(words: &[&str]) -> Option<usize> {
    let first = words.first()?;
    let understood = if ["permanent", "temp", "seeother"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w))
    {
        1
    } else if first.eq_ignore_ascii_case("gone") {
        -1
    } else if first.starts_with(|c: char| c.is_ascii_digit()) {
        if (300..400).contains(&atoi(first)) {
            1
        } else {
            -1
        }
    } else {
        0
    };
    let (second, third) = (words.len() > 1, words.len() > 2);
    if third && understood == 0 {
        // `Redirect: invalid first argument (of three)` comes first.
        return None;
    }
    if understood > 0 && second && !third {
        Some(1)
    } else if understood == 0 && !second {
        Some(0)
    } else {
        None
    }
}

/// `NOT_IN_DIRECTORY | NOT_IN_FILES`: where a one-argument Alias fails its
/// context check instead.
const NOT_FOR_ALIAS_EXPRESSIONS: [&str; 7] = [
    "Directory",
    "DirectoryMatch",
    "Files",
    "FilesMatch",
    "If",
    "ElseIf",
    "Else",
];
