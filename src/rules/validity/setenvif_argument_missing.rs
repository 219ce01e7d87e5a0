//! `AL152` setenvif-argument-missing.

use crate::rules::context::{Context, Rule};

use super::setenvif_syntax::{SetEnvIfProblem, problems};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `SetEnvIf`, `SetEnvIfNoCase`, `BrowserMatch` or `BrowserMatchNoCase` that lacks
    /// one of its parts: the header name, the pattern, or at least one variable to set (an empty
    /// `""` counts as missing, and ends the list).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Missing envariable expression for SetEnvIf`,
    /// `Missing regular expression for BrowserMatch`). A variable list lost in an edit leaves a
    /// directive that cannot do anything.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// BrowserMatch "MSIE [2-5]"
    /// ```
    ///
    /// ```apache
    /// # after
    /// BrowserMatch "MSIE [2-5]" nokeepalive downgrade-1.0 force-response-1.0
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_setenvif.html#setenvif>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_setenvif.html#browsermatch>
    pub SETENVIF_ARGUMENT_MISSING = {
        code: "AL152",
        name: "setenvif-argument-missing",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SetenvifArgumentMissing;

impl Rule for SetenvifArgumentMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SETENVIF_ARGUMENT_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, problem) in problems(ctx) {
            if let SetEnvIfProblem::Missing(refusal) = problem {
                refusal.report(ctx, id);
            }
        }
    }
}
