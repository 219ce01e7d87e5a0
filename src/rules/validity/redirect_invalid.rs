//! `AL149` redirect-invalid.

use crate::rules::context::{Context, Rule};

use super::alias_syntax::{RedirectProblem, redirect_problems};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Redirect`, `RedirectMatch`, `RedirectTemp` or `RedirectPermanent` httpd
    /// refuses: three arguments whose first is not a status (`permanent`, `temp`, `seeother`,
    /// `gone` or a number), a redirect status (3xx) without a target URL, a target that is
    /// neither an absolute URL nor a path starting with `/` (`Redirect /a example.com/b`), and a
    /// URL after a status that does not redirect (`Redirect gone /a http://…`, `Redirect 410 …`).
    /// Inside `<Location>` the one-argument and status-plus-URL forms are expressions, and are
    /// accepted here.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Redirect to non-URL`, `URL to redirect to is missing`,
    /// `Redirect URL not valid for this status`, `Redirect: invalid first argument (of three)`).
    /// A scheme forgotten in the target is the classic.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Redirect permanent /shop shop.example.com/
    /// ```
    ///
    /// ```apache
    /// # after
    /// Redirect permanent /shop https://shop.example.com/
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_alias.html#redirect>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_alias.html#redirectmatch>
    pub REDIRECT_INVALID = {
        code: "AL149",
        name: "redirect-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RedirectInvalid;

impl Rule for RedirectInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REDIRECT_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, problem) in redirect_problems(ctx) {
            if let RedirectProblem::Arguments(refusal) = problem {
                refusal.report(ctx, id);
            }
        }
    }
}
