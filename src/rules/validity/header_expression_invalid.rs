//! `AL163` header-expression-invalid.

use crate::load::tree::NodeId;
use crate::model::expr::Mode;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::nodes_to_check;
use super::expression::{ExprSource, has_prefix_ignore_case, report};
use super::regex::compile_like_httpd;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Header` or `RequestHeader` whose `expr=` condition (`Can't parse
    /// envclause/expression: …`) or `expr=` value (`Can't parse value expression : …`) httpd
    /// cannot parse, with httpd's message at the offending token. The words are assigned to
    /// action, header, value and condition exactly as mod_headers does, so a line that fails
    /// earlier for another reason is left to the rules about that.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. Security headers are often set conditionally
    /// (`Header always set Strict-Transport-Security … "expr=%{HTTPS} == 'on'"`), and a
    /// mistyped condition breaks every site on the server, not just the header.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Header always set Strict-Transport-Security "max-age=31536000" "expr=%{HTTPS} = on"
    /// ```
    ///
    /// ```apache
    /// # after
    /// Header always set Strict-Transport-Security "max-age=31536000" "expr=%{HTTPS} == 'on'"
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_headers.html#header>
    /// - <https://httpd.apache.org/docs/2.4/expr.html>
    pub HEADER_EXPRESSION_INVALID = {
        code: "AL163",
        name: "header-expression-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct HeaderExpressionInvalid;

impl Rule for HeaderExpressionInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &HEADER_EXPRESSION_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for directive in ["Header", "RequestHeader"] {
            for (id, _) in nodes_to_check(ctx, directive) {
                let Some(expressions) = header_expressions(ctx, id, directive == "Header") else {
                    continue;
                };
                check_expressions(ctx, id, expressions);
            }
        }
    }
}

/// Where a header line's expressions are, as argument indexes.
struct HeaderExpressions {
    /// The condition word (`expr=…`, any case).
    condition: Option<usize>,
    /// The value word httpd formats (`expr=…`, exact case).
    value: Option<usize>,
}

/// `header_cmd` and `header_inout_cmd` up to the expressions: `None` when
/// httpd stops at something else first.
fn header_expressions(ctx: &Context<'_>, id: NodeId, is_header: bool) -> Option<HeaderExpressions> {
    let words: Vec<&str> = ctx.node(id).arg_values().collect();
    let mut action_at = 0;
    if is_header
        && words.first().is_some_and(|w| {
            w.eq_ignore_ascii_case("always") || w.eq_ignore_ascii_case("onsuccess")
        })
    {
        action_at = 1;
    }
    if words.len() > action_at + 5 {
        return None;
    }
    let at = |i: usize| (i < words.len()).then_some(i);
    let action = words.get(action_at)?.to_ascii_lowercase();
    let header = action_at + 1;
    let mut value = at(action_at + 2);
    let subs = at(action_at + 3);
    let mut envclause = at(action_at + 4);
    match action.as_str() {
        "edit" | "edit*" => {
            subs?;
            if compile_like_httpd(words.get(value?)?, false).is_err() {
                return None;
            }
        }
        "set" | "setifempty" | "add" | "append" | "merge" | "unset" | "echo" | "note" => {
            if envclause.is_some() {
                return None;
            }
            envclause = subs;
        }
        _ => return None,
    }
    match action.as_str() {
        "unset" | "echo" => {
            if value.is_some() {
                if envclause.is_some() {
                    return None;
                }
                envclause = value.take();
            }
            if action == "echo"
                && (!is_header
                    || compile_like_httpd(words.get(header).copied().unwrap_or(""), false).is_err())
            {
                return None;
            }
        }
        _ => {
            value?;
        }
    }
    let condition = match envclause {
        None => None,
        Some(i) if words[i].eq_ignore_ascii_case("early") => None,
        Some(i) if has_prefix_ignore_case(words[i], "env=") => {
            let name = &words[i][4..];
            if name.is_empty() || name == "!" {
                return None;
            }
            None
        }
        Some(i) if has_prefix_ignore_case(words[i], "expr=") => Some(i),
        Some(_) => return None,
    };
    // The formatted value: the substitution for edit, nothing for unset
    // and echo; only an exact `expr=` makes it an expression.
    let formatted = match action.as_str() {
        "unset" | "echo" => None,
        "edit" | "edit*" => subs,
        _ => value,
    };
    Some(HeaderExpressions {
        condition,
        value: formatted.filter(|&i| words[i].starts_with("expr=")),
    })
}

fn check_expressions(ctx: &mut Context<'_>, id: NodeId, expressions: HeaderExpressions) {
    let node = ctx.node(id);
    let checks = [
        (
            expressions.condition,
            Mode::Condition,
            "Can't parse envclause/expression: ",
        ),
        (
            expressions.value,
            Mode::String,
            "Can't parse value expression : ",
        ),
    ];
    for (index, mode, prefix) in checks {
        let Some(source) = index.and_then(|i| ExprSource::argument(ctx.config, node, i, 5)) else {
            continue;
        };
        if let Err(error) = source.check(ctx, id, mode) {
            report(ctx, id, &source, &error, prefix);
            // httpd stops at the first.
            return;
        }
    }
}
