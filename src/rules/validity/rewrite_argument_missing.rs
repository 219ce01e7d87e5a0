//! `AL142` rewrite-argument-missing.

use crate::rules::context::{Context, Rule};

use super::handler_input::Refusal;
use super::rewrite_syntax::{RewriteProblem, refused_rewrite_lines};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `RewriteRule` without a substitution or a `RewriteCond` without a pattern:
    /// mod_rewrite splits the line itself and needs two arguments. A quoted first argument that
    /// is never closed swallows the rest of the line, and counts as one.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`RewriteRule: bad argument line '^/old'`). A substitution lost in
    /// an edit, or a condition whose pattern sits on the next line after a broken continuation,
    /// takes the server down.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// RewriteRule ^/old
    /// ```
    ///
    /// ```apache
    /// # after
    /// RewriteRule ^/old /new [R=301,L]
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewriterule>
    pub REWRITE_ARGUMENT_MISSING = {
        code: "AL142",
        name: "rewrite-argument-missing",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RewriteArgumentMissing;

impl Rule for RewriteArgumentMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITE_ARGUMENT_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for line in refused_rewrite_lines(ctx) {
            if line.problem != RewriteProblem::BadArgumentLine {
                continue;
            }
            let (label, help) = if line.name == "RewriteRule" {
                (
                    "a pattern but no substitution",
                    "give the substitution after the pattern (`-` for none)",
                )
            } else {
                (
                    "a test string but no pattern",
                    "give the condition pattern after the test string",
                )
            };
            let span = ctx.node(line.node).span;
            Refusal::new(span, line.problem.message(line.name, &line.raw.text))
                .label(label)
                .help(help)
                .report(ctx, line.node);
        }
    }
}
