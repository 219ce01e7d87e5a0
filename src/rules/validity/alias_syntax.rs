//! How mod_alias's handlers read their arguments (`add_alias`,
//! `add_alias_internal`, `add_redirect_internal` in
//! `modules/mappers/mod_alias.c`), step by step, so each directive yields
//! the first refusal httpd would print: argument-dependent contexts of
//! `Alias`/`ScriptAlias`, the status word and target URL of the `Redirect`
//! family, and the regex of the `*Match` forms.

use crate::load::tree::NodeId;
use crate::rules::context::Context;

use super::c_numbers::atoi;
use super::handler_input::{Refusal, arity_accepted, handled_nodes, in_directory_context};
use super::http_status::is_redirect;
use super::regex::compile_like_httpd;

/// What went wrong with a directive of the Redirect family.
pub(crate) enum RedirectProblem {
    /// The `RedirectMatch` pattern does not compile.
    Regex(Refusal),
    /// Status word, missing or misplaced URL.
    Arguments(Refusal),
}

/// The Redirect family: directive, default status, regex form.
const REDIRECTS: [(&str, i32, bool); 4] = [
    ("Redirect", 302, false),
    ("RedirectMatch", 302, true),
    ("RedirectTemp", 302, false),
    ("RedirectPermanent", 301, false),
];

/// Every Redirect-family directive httpd would refuse, with its first problem.
pub(crate) fn redirect_problems(ctx: &Context<'_>) -> Vec<(NodeId, RedirectProblem)> {
    let mut out = Vec::new();
    for (name, status, use_regex) in REDIRECTS {
        for id in handled_nodes(ctx, name) {
            if arity_accepted(ctx, id)
                && let Some(problem) = redirect_problem(ctx, id, status, use_regex)
            {
                out.push((id, problem));
            }
        }
    }
    out
}

/// `add_redirect_internal`. Forms that become a `<Location>` expression
/// (`Redirect URL`, `Redirect permanent URL` in a directory context) are
/// accepted here; their expression belongs to the ap_expr rules.
fn redirect_problem(
    ctx: &Context<'_>,
    id: NodeId,
    default_status: i32,
    use_regex: bool,
) -> Option<RedirectProblem> {
    let node = ctx.node(id);
    let arg1 = node.arg(0)?;
    let has_arg2 = node.args.len() > 1;
    let has_arg3 = node.args.len() > 2;
    // grok: 1 = a redirect status, -1 = another status, 0 = not a status.
    let (status, grok) = if arg1.eq_ignore_ascii_case("permanent") {
        (301, 1)
    } else if arg1.eq_ignore_ascii_case("temp") {
        (302, 1)
    } else if arg1.eq_ignore_ascii_case("seeother") {
        (303, 1)
    } else if arg1.eq_ignore_ascii_case("gone") {
        (410, -1)
    } else if arg1.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        let status = atoi(arg1);
        (status, if is_redirect(status) { 1 } else { -1 })
    } else {
        (default_status, 0)
    };
    if has_arg3 && grok == 0 {
        let refusal = Refusal::new(node.arg_span(0), "Redirect: invalid first argument (of three)")
            .label("not a status")
            .help("with three arguments the first must be a status: permanent, temp, seeother, gone or a number");
        return Some(RedirectProblem::Arguments(refusal));
    }
    if in_directory_context(ctx, id)
        && ((grok > 0 && has_arg2 && !has_arg3)
            || (grok == 0 && !has_arg2)
            || (grok < 0 && !has_arg2))
    {
        return None;
    }
    let (fake, url) = if !has_arg3 && grok == 0 {
        (Some(0), has_arg2.then_some(1))
    } else {
        (has_arg2.then_some(1), has_arg3.then_some(2))
    };
    if use_regex && let Some(fake) = fake {
        let pattern = node.arg(fake).unwrap_or("");
        if let Err(error) = compile_like_httpd(pattern, false) {
            let refusal = Refusal::regex(
                node.arg_span(fake),
                "Regular expression could not be compiled.",
                &error,
            );
            return Some(RedirectProblem::Regex(refusal));
        }
    }
    let refusal = if is_redirect(status) {
        match url {
            None => Refusal::new(node.span, "URL to redirect to is missing")
                .label(format!("status {status} redirects, but to nothing"))
                .help("add the target URL after the path"),
            Some(url) => {
                let target = node.arg(url).unwrap_or("");
                if use_regex || is_url(target) || target.starts_with('/') {
                    return None;
                }
                Refusal::new(node.arg_span(url), "Redirect to non-URL")
                    .label("neither an absolute URL nor a path starting with /")
                    .help("write the target as scheme://host/path or /path")
            }
        }
    } else {
        let url = url?;
        Refusal::new(node.arg_span(url), "Redirect URL not valid for this status")
            .label(format!("status {status} takes no URL"))
            .help("only 3xx statuses redirect; drop the URL or use a 3xx status")
    };
    Some(RedirectProblem::Arguments(refusal))
}

/// `ap_is_url`: a scheme of letters, digits, `+ - .` before a `:`.
fn is_url(u: &str) -> bool {
    match u.find(':') {
        Some(0) | None => false,
        Some(colon) => u[..colon]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')),
    }
}

/// `Alias`/`ScriptAlias` with one argument (the target, which only a
/// `<Location>` can complete) at server or virtual-host level: `add_alias`
/// refuses it once its context check passed. The context refusals
/// themselves (`Alias cannot occur within …`) are the handler-context rule's.
pub(crate) fn alias_refusals(ctx: &Context<'_>) -> Vec<(NodeId, Refusal)> {
    let mut out = Vec::new();
    for name in ["Alias", "ScriptAlias"] {
        for id in handled_nodes(ctx, name) {
            let node = ctx.node(id);
            if !arity_accepted(ctx, id) || node.args.len() != 1 || in_directory_context(ctx, id) {
                continue;
            }
            let refusal = Refusal::new(
                node.span,
                "Alias must have two arguments when used globally",
            )
            .label("only the target is given")
            .help("give the URL-path and the target, or move it into a <Location>");
            out.push((id, refusal));
        }
    }
    out
}

/// The regex refusals of `AliasMatch`, `ScriptAliasMatch` and `RedirectMatch`.
pub(crate) fn regex_refusals(ctx: &Context<'_>) -> Vec<(NodeId, Refusal)> {
    let mut out = Vec::new();
    for name in ["AliasMatch", "ScriptAliasMatch"] {
        for id in handled_nodes(ctx, name) {
            if !arity_accepted(ctx, id) {
                continue;
            }
            let node = ctx.node(id);
            if let Err(error) = compile_like_httpd(node.arg(0).unwrap_or(""), false) {
                out.push((
                    id,
                    Refusal::regex(
                        node.arg_span(0),
                        "Regular expression could not be compiled.",
                        &error,
                    ),
                ));
            }
        }
    }
    out.extend(
        redirect_problems(ctx)
            .into_iter()
            .filter_map(|(id, problem)| match problem {
                RedirectProblem::Regex(refusal) => Some((id, refusal)),
                RedirectProblem::Arguments(_) => None,
            }),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::is_url;

    #[test]
    fn urls_like_ap_is_url() {
        assert!(is_url("http://x/"));
        assert!(is_url("a+b-c.d:foo"));
        assert!(!is_url("a_b:foo"));
        assert!(!is_url(":foo"));
        assert!(!is_url("foo"));
    }
}
