//! `AL146` rewrite-option-invalid.

use crate::finding::Severity;
use crate::rules::context::{Context, Rule};

use super::handler_input::{Refusal, handled_nodes};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `RewriteOptions` word mod_rewrite does not know (only the first per directive,
    /// as httpd stops there), and warns about `MaxRedirects=`, which httpd ignores with a
    /// warning (AH00664) since `LimitInternalRecursion` replaced it.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start on an unknown option (`RewriteOptions: unknown option 'inherted'`);
    /// an option that is silently ignored does not do what its author expects.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// RewriteOptions Inherted MaxRedirects=10
    /// ```
    ///
    /// ```apache
    /// # after
    /// RewriteOptions Inherit
    /// LimitInternalRecursion 10
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewriteoptions>
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#limitinternalrecursion>
    pub REWRITE_OPTION_INVALID = {
        code: "AL146",
        name: "rewrite-option-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RewriteOptionInvalid;

const OPTIONS: [&str; 11] = [
    "inherit",
    "inheritbefore",
    "inheritdown",
    "inheritdownbefore",
    "ignoreinherit",
    "allownoslash",
    "allowanyuri",
    "mergebase",
    "ignorecontextinfo",
    "legacyprefixdocroot",
    "UnsafePrefixStat",
];

impl Rule for RewriteOptionInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITE_OPTION_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for id in handled_nodes(ctx, "RewriteOptions") {
            let node = ctx.node(id);
            // ITERATE stops at the first empty word; each word is split again.
            let words = node
                .args
                .iter()
                .enumerate()
                .take_while(|(_, w)| !w.value.is_empty())
                .flat_map(|(i, w)| {
                    w.value
                        .split_ascii_whitespace()
                        .map(move |part| (i, part.to_string()))
                })
                .collect::<Vec<_>>();
            for (i, word) in words {
                let span = node.arg_span(i);
                if word
                    .get(..13)
                    .is_some_and(|p| p.eq_ignore_ascii_case("MaxRedirects="))
                {
                    let f = ctx.httpd_error(
                        id,
                        span,
                        "AH00664: RewriteOptions: MaxRedirects option has been removed in favor of the global LimitInternalRecursion directive and will be ignored.",
                    );
                    f.severity = Severity::Warning;
                    f.primary_label = Some("ignored".to_string());
                    f.help = Some("use `LimitInternalRecursion` instead".to_string());
                } else if !OPTIONS.iter().any(|o| word.eq_ignore_ascii_case(o)) {
                    Refusal::new(span, format!("RewriteOptions: unknown option '{word}'"))
                        .help("options: Inherit, InheritBefore, InheritDown, InheritDownBefore, IgnoreInherit, AllowNoSlash, AllowAnyURI, MergeBase, IgnoreContextInfo, LegacyPrefixDocRoot, UnsafePrefixStat")
                        .report(ctx, id);
                    break;
                }
            }
        }
    }
}
