//! `AL140` invalid-regex.

use crate::load::tree::{NodeId, NodeKind};
use crate::rules::context::{Context, Rule};

use super::handler_input::{Refusal, handled_nodes};
use super::regex::compile_like_httpd;
use super::rewrite_syntax::{RewriteProblem, refused_rewrite_lines};
use super::{alias_syntax, has_unsubstituted, headers_syntax, proxy_syntax, setenvif_syntax};

crate::declare_rule! {
    /// ## What it does
    /// Reports a regular expression that httpd's PCRE2 refuses to compile, compiled exactly as
    /// httpd compiles it (`ap_regcomp`: PCRE2 with duplicate group names allowed, `[NC]` and the
    /// `NoCase` variants case-insensitive): the regex sections (`<DirectoryMatch>`,
    /// `<Directory ~>`, `<FilesMatch>`, `<Files ~>`, `<LocationMatch>`, `<Location ~>`,
    /// `<ProxyMatch>`), `RewriteRule` and `RewriteCond` patterns, `AliasMatch`,
    /// `ScriptAliasMatch`, `RedirectMatch`, `SetEnvIf`/`BrowserMatch` and their `NoCase` forms
    /// (header-name patterns too), `Header edit`/`echo`, `ProxyPassMatch`, `ProxyPass ~` and
    /// `ProxyRemoteMatch`. A directive that httpd refuses earlier for another reason (a bad
    /// flag, a missing argument) is left to that rule: httpd names only its first problem.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start, each module with its own words: `Regex could not be compiled`,
    /// `RewriteRule: cannot compile regular expression '^(bad'`, `Regular expression could not
    /// be compiled.`, `SetEnvIf regex could not be compiled.`. An unbalanced parenthesis or a
    /// stray backslash (`\q`) is easy to miss in review, and inside an `<IfModule>` that is off
    /// today it waits for the day the module is enabled.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <LocationMatch "^/(api|static">
    ///     Require all granted
    /// </LocationMatch>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <LocationMatch "^/(api|static)">
    ///     Require all granted
    /// </LocationMatch>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/glossary.html#regex>
    /// - <https://www.pcre.org/current/doc/html/pcre2pattern.html>
    pub INVALID_REGEX = {
        code: "AL140",
        name: "invalid-regex",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct InvalidRegex;

/// The regex sections, and whether the regex is the first argument
/// (`*Match`) or follows a `~`.
const SECTIONS: [(&str, bool); 7] = [
    ("Directory", false),
    ("DirectoryMatch", true),
    ("Files", false),
    ("FilesMatch", true),
    ("Location", false),
    ("LocationMatch", true),
    ("ProxyMatch", true),
];

impl Rule for InvalidRegex {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &INVALID_REGEX
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (name, is_match) in SECTIONS {
            for id in handled_nodes(ctx, &format!("<{name}")) {
                if let Some(refusal) = section_regex(ctx, id, name, is_match) {
                    refusal.report(ctx, id);
                }
            }
        }
        for line in refused_rewrite_lines(ctx) {
            if let RewriteProblem::Regex { range, error, .. } = &line.problem {
                let message = line.problem.message(line.name, &line.raw.text);
                Refusal::regex(line.raw.span(range.clone()), message, error).report(ctx, line.node);
            }
        }
        let found: Vec<(NodeId, Refusal)> = alias_syntax::regex_refusals(ctx)
            .into_iter()
            .chain(setenvif_syntax::regex_refusals(ctx))
            .chain(headers_syntax::regex_refusals(ctx))
            .chain(proxy_syntax::regex_refusals(ctx))
            .collect();
        for (id, refusal) in found {
            refusal.report(ctx, id);
        }
    }
}

/// The section handler's regex refusal, when the handler gets that far: it
/// first checks where it stands, its closing `>` and that it has an argument.
fn section_regex(ctx: &Context<'_>, id: NodeId, name: &str, is_match: bool) -> Option<Refusal> {
    let node = ctx.node(id);
    if !matches!(
        node.kind,
        NodeKind::Section {
            has_closing_angle: true,
            ..
        }
    ) || node.args.is_empty()
        || (!node.active && has_unsubstituted(node))
        || !reaches_handler(ctx, id, name)
    {
        return None;
    }
    let index = if is_match {
        0
    } else if node.arg(0) == Some("~") {
        1
    } else {
        return None;
    };
    let written = node.arg(index).unwrap_or("");
    // <ProxyMatch proxy:…> matches without the prefix.
    let pattern = match written.get(..6) {
        Some(prefix) if name == "ProxyMatch" && prefix.eq_ignore_ascii_case("proxy:") => {
            &written[6..]
        }
        _ => written,
    };
    let error = compile_like_httpd(pattern, false).err()?;
    let span = if index < node.args.len() {
        node.arg_span(index)
    } else {
        node.name_span
    };
    Some(Refusal::regex(span, "Regex could not be compiled", &error))
}

/// Whether httpd runs the section's handler that far: the section is
/// allowed where it stands (`req_override`) and the handler's own context
/// check passes (`<Directory>`, `<Location>`, `<ProxyMatch>` refuse any
/// directory-type parent; `<Files>` refuses `<Location>` and `<Limit>`).
fn reaches_handler(ctx: &Context<'_>, id: NodeId, name: &str) -> bool {
    let Some(spec) = crate::model::registry::lookup(&format!("<{name}")).first() else {
        return false;
    };
    if spec.req_override.0 & ctx.overrides_at(id) == 0 {
        return false;
    }
    let is_files = name.starts_with("Files");
    let mut parent = ctx.parent_section(id);
    while let Some(p) = parent {
        let parent_name = &ctx.node(p).name;
        let refused = if is_files {
            ["Location", "LocationMatch", "Limit", "LimitExcept"]
                .iter()
                .any(|n| parent_name.eq_ignore_ascii_case(n))
        } else {
            !parent_name.eq_ignore_ascii_case("VirtualHost")
        };
        if refused {
            return false;
        }
        parent = ctx.parent_section(p);
    }
    true
}
