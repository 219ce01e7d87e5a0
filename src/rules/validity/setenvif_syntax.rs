//! How mod_setenvif reads `SetEnvIf`, `SetEnvIfNoCase`, `BrowserMatch` and
//! `BrowserMatchNoCase` (`add_setenvif`, `add_setenvif_core`, `add_envvars`
//! in `modules/metadata/mod_setenvif.c`), in httpd's order: the header name,
//! the pattern (compiled only when it uses regex syntax), the header name as
//! a regex when it is not a plain name, then at least one variable.

use crate::load::tree::NodeId;
use crate::rules::context::Context;

use super::handler_input::{Refusal, handled_nodes};
use super::regex::compile_like_httpd;

/// What went wrong with one directive.
pub(crate) enum SetEnvIfProblem {
    Regex(Refusal),
    /// A missing header name, pattern or variable.
    Missing(Refusal),
}

/// The directives: name, case-insensitive, whether the header is implied
/// (`User-Agent` for BrowserMatch).
const DIRECTIVES: [(&str, bool, bool); 4] = [
    ("SetEnvIf", false, false),
    ("SetEnvIfNoCase", true, false),
    ("BrowserMatch", false, true),
    ("BrowserMatchNoCase", true, true),
];

/// Header names mod_setenvif matches against request properties instead.
const SPECIAL_NAMES: [&str; 6] = [
    "remote_addr",
    "remote_host",
    "request_uri",
    "request_method",
    "request_protocol",
    "server_addr",
];

/// Every directive of the family with its first problem.
pub(crate) fn problems(ctx: &Context<'_>) -> Vec<(NodeId, SetEnvIfProblem)> {
    let mut out = Vec::new();
    for (name, icase, browser) in DIRECTIVES {
        for id in handled_nodes(ctx, name) {
            if let Some(problem) = problem(ctx, id, icase, browser) {
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
            SetEnvIfProblem::Regex(r) => Some((id, r)),
            SetEnvIfProblem::Missing(_) => None,
        })
        .collect()
}

fn problem(ctx: &Context<'_>, id: NodeId, icase: bool, browser: bool) -> Option<SetEnvIfProblem> {
    let node = ctx.node(id);
    let directive = ctx.config.canonical_name(&node.name);
    let words: Vec<&str> = node.arg_values().collect();
    let missing = |span, what: &str| {
        SetEnvIfProblem::Missing(
            Refusal::new(span, format!("Missing {what} for {directive}"))
                .label(format!("the {what} is missing")),
        )
    };
    let (header, first_pattern) = if browser {
        ("User-Agent", 0)
    } else {
        match words.first() {
            Some(h) if !h.is_empty() => (*h, 1),
            _ => return Some(missing(node.span, "header-field name")),
        }
    };
    let pattern = match words.get(first_pattern) {
        Some(p) if !p.is_empty() => *p,
        _ => return Some(missing(node.span, "regular expression")),
    };
    if uses_regex_syntax(pattern)
        && let Err(error) = compile_like_httpd(pattern, icase)
    {
        return Some(SetEnvIfProblem::Regex(Refusal::regex(
            node.arg_span(first_pattern),
            format!("{directive} regex could not be compiled."),
            &error,
        )));
    }
    if !browser
        && !SPECIAL_NAMES.iter().any(|s| header.eq_ignore_ascii_case(s))
        && !is_plain_header_name(header)
        && let Err(error) = compile_like_httpd(header, icase)
    {
        // httpd glues the words: "SetEnvIfHeader name regex …".
        return Some(SetEnvIfProblem::Regex(Refusal::regex(
            node.arg_span(0),
            format!("{directive}Header name regex could not be compiled."),
            &error,
        )));
    }
    // Variables: words up to the first empty one.
    let has_variable = words.get(first_pattern + 1).is_some_and(|w| !w.is_empty());
    (!has_variable).then(|| missing(node.span, "envariable expression"))
}

/// `non_regex_pattern` returns NULL: the pattern has an unescaped regex
/// metacharacter or an escaped ordinary character (`\d`), so it is compiled.
fn uses_regex_syntax(pattern: &str) -> bool {
    let mut in_escape = false;
    for b in pattern.bytes() {
        match b {
            b'^' | b'.' | b'$' | b'|' | b'(' | b')' | b'[' | b']' | b'*' | b'+' | b'?' | b'{'
            | b'}' => {
                if !in_escape {
                    return true;
                }
                in_escape = false;
            }
            b'\\' => in_escape = !in_escape,
            _ => {
                if in_escape {
                    return true;
                }
            }
        }
    }
    false
}

/// `^[-A-Za-z0-9_]*$`: a header name taken literally.
fn is_plain_header_name(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::uses_regex_syntax;

    #[test]
    fn regex_syntax_like_non_regex_pattern() {
        assert!(!uses_regex_syntax("Mozilla"));
        assert!(!uses_regex_syntax("foo\\"));
        assert!(!uses_regex_syntax("\\("));
        assert!(uses_regex_syntax("\\q"));
        assert!(uses_regex_syntax("^(bad"));
    }
}
