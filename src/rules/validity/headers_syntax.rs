//! How mod_headers reads `Header` and `RequestHeader` (`header_cmd`,
//! `header_inout_cmd`, `parse_format_string` in
//! `modules/metadata/mod_headers.c`), in httpd's order, so each directive
//! yields the first refusal httpd would print. `expr=` conditions and values
//! are accepted here: their expressions belong to the ap_expr rules.

use crate::load::tree::NodeId;
use crate::rules::context::Context;

use super::handler_input::{Refusal, handled_nodes};
use super::regex::compile_like_httpd;

/// What went wrong with one directive.
pub(crate) enum HeaderProblem {
    /// The `edit`/`edit*` match or the `echo` pattern does not compile.
    Regex(Refusal),
    /// Anything else the handler refuses.
    Syntax(Refusal),
}

const ACTIONS: [&str; 10] = [
    "set",
    "setifempty",
    "add",
    "append",
    "merge",
    "unset",
    "echo",
    "edit",
    "edit*",
    "note",
];

/// The `%` tags a header value may use.
const FORMAT_TAGS: &[u8] = b"Dteslib";

/// Every `Header`/`RequestHeader` with its first problem.
pub(crate) fn problems(ctx: &Context<'_>) -> Vec<(NodeId, HeaderProblem)> {
    let mut out = Vec::new();
    for name in ["Header", "RequestHeader"] {
        for id in handled_nodes(ctx, name) {
            if let Some(problem) = problem(ctx, id, name == "Header") {
                out.push((id, problem));
            }
        }
    }
    out
}

/// The regex refusals alone.
pub(crate) fn regex_refusals(ctx: &Context<'_>) -> Vec<(NodeId, Refusal)> {
    problems(ctx)
        .into_iter()
        .filter_map(|(id, p)| match p {
            HeaderProblem::Regex(r) => Some((id, r)),
            HeaderProblem::Syntax(_) => None,
        })
        .collect()
}

fn problem(ctx: &Context<'_>, id: NodeId, is_response: bool) -> Option<HeaderProblem> {
    let node = ctx.node(id);
    let directive = ctx.config.canonical_name(&node.name);
    let words: Vec<&str> = node.arg_values().collect();
    let syntax = |index: Option<usize>, message: String| {
        let span = index.map_or(node.span, |i| node.arg_span(i));
        HeaderProblem::Syntax(Refusal::new(span, message))
    };
    let mut next = 0;
    if is_response
        && words.first().is_some_and(|w| {
            w.eq_ignore_ascii_case("always") || w.eq_ignore_ascii_case("onsuccess")
        })
    {
        next = 1;
    }
    let action_index = next;
    let action = words.get(action_index).copied().unwrap_or("");
    let word = |i: usize| words.get(action_index + i).copied();
    let index = |i: usize| (action_index + i < words.len()).then_some(action_index + i);
    let (header, value, subs, envclause) = (word(1).unwrap_or(""), word(2), word(3), word(4));
    if words.len() > action_index + 5 {
        return Some(syntax(
            index(5),
            format!("{directive} has too many arguments"),
        ));
    }
    let Some(action) = ACTIONS
        .iter()
        .find(|a| action.eq_ignore_ascii_case(a))
        .copied()
    else {
        let refusal = Refusal::new(
            index(0).map_or(node.span, |i| node.arg_span(i)),
            "first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'.",
        )
        .label("not an action");
        return Some(HeaderProblem::Syntax(refusal));
    };
    let edit = action == "edit" || action == "edit*";
    // Which word is the condition, and where it sits.
    let mut value_index = value.map(|_| 2);
    let mut condition = if edit {
        if subs.is_none() {
            return Some(syntax(
                None,
                "Header edit requires a match and a substitution".to_string(),
            ));
        }
        if let Err(error) = compile_like_httpd(value.unwrap_or(""), false) {
            return Some(HeaderProblem::Regex(Refusal::regex(
                node.arg_span(action_index + 2),
                "Header edit regex could not be compiled",
                &error,
            )));
        }
        envclause.map(|_| 4)
    } else {
        if envclause.is_some() {
            return Some(syntax(
                index(4),
                "Too many arguments to directive".to_string(),
            ));
        }
        subs.map(|_| 3)
    };
    // unset and echo take no value: a third word is their condition.
    if matches!(action, "unset" | "echo") && value.is_some() {
        if condition.is_some() {
            let message = if action == "unset" {
                "header unset takes two arguments"
            } else {
                "Header echo takes two arguments"
            };
            return Some(syntax(index(3), message.to_string()));
        }
        condition = Some(2);
        value_index = None;
    }
    match action {
        "unset" => {}
        "echo" => {
            if !is_response {
                return Some(syntax(
                    index(0),
                    "Header echo only valid on Header directives".to_string(),
                ));
            }
            if let Err(error) = compile_like_httpd(header, false) {
                return Some(HeaderProblem::Regex(Refusal::regex(
                    node.arg_span(action_index + 1),
                    "Header echo regex could not be compiled",
                    &error,
                )));
            }
        }
        _ if value.is_none() => {
            return Some(syntax(None, "Header requires three arguments".to_string()));
        }
        _ => {}
    }
    if let Some(c) = condition
        && let Some(problem) = condition_problem(word(c).unwrap_or(""))
    {
        return Some(syntax(index(c), problem));
    }
    // The format string: the value, or the substitution of an edit.
    let format_index = if edit { Some(3) } else { value_index };
    let format = format_index.and_then(word)?;
    let bad_tag = format_problem(format)?;
    Some(syntax(format_index.and_then(index), bad_tag))
}

/// The condition word: `early`, `env=[!]name` or `expr=…`.
fn condition_problem(clause: &str) -> Option<String> {
    let lower = clause.to_ascii_lowercase();
    if lower == "early" || lower.starts_with("expr=") {
        return None;
    }
    if let Some(name) = lower.strip_prefix("env=") {
        return (name.is_empty() || name == "!").then(|| {
            "error: missing environment variable name. envclause should be in the form env=envar "
                .to_string()
        });
    }
    Some(format!("Unknown parameter: {clause}"))
}

/// `parse_format_string`: a `%` tag must be one mod_headers knows (`%%` and
/// a final `%` are literal); `expr=` values are not format strings.
fn format_problem(format: &str) -> Option<String> {
    if format.starts_with("expr=") {
        return None;
    }
    let bytes = format.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        i += 1;
        match bytes.get(i) {
            None => return None,
            Some(b'%') => {
                i += 1;
                continue;
            }
            Some(b'{') => {
                // The argument runs to the next `}` (or the end).
                i = match bytes[i..].iter().position(|&b| b == b'}') {
                    Some(close) => i + close + 1,
                    None => bytes.len(),
                };
            }
            Some(_) => {}
        }
        match bytes.get(i) {
            Some(tag) if FORMAT_TAGS.contains(tag) => i += 1,
            tag => {
                let shown = tag.map_or(String::new(), |&t| {
                    String::from_utf8_lossy(&[t]).into_owned()
                });
                return Some(format!("Unrecognized header format %{shown}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::format_problem;

    #[test]
    fn format_tags() {
        assert_eq!(format_problem("%D %t %{FOO}e %{X}s %l %i %b %% 100%"), None);
        assert_eq!(
            format_problem("%q").as_deref(),
            Some("Unrecognized header format %q")
        );
        assert_eq!(
            format_problem("%{FOO").as_deref(),
            Some("Unrecognized header format %")
        );
        assert_eq!(
            format_problem("%{FOO}").as_deref(),
            Some("Unrecognized header format %")
        );
        assert_eq!(format_problem("expr=%{x"), None);
    }
}

#[cfg(test)]
mod hostile_input {
    use proptest::prelude::*;

    use super::format_problem;

    proptest! {
        #[test]
        fn never_panics(format in "[%{}a-zé\\\\]{0,20}") {
            let _ = format_problem(&format);
        }
    }
}
