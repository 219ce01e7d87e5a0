//! `AL141` rewrite-flag-invalid.

use crate::rules::context::{Context, Rule};

use super::handler_input::Refusal;
use super::rewrite_syntax::{RewriteProblem, refused_rewrite_lines};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `RewriteRule` or `RewriteCond` flags field httpd refuses: an unknown flag
    /// (`[BOGUSFLAG]`, `[L,]`, `[]`), a field without its brackets (`L` instead of `[L]`), an
    /// `R=` status httpd has no status line for (`[R=999]`, `[R=30x]`), `BNE` without
    /// characters, or a `RewriteCond` flag other than `NC`, `OR`, `NV` (`[NC,L]`). Flags are read
    /// exactly as mod_rewrite's lexer reads them, quirks included: any flag starting with `D` is
    /// accepted, `[R=abc]` passes.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`RewriteRule: unknown flag 'BOGUSFLAG'`,
    /// `RewriteRule: bad flag delimiters`, `RewriteRule: invalid HTTP response code '999' for
    /// flag 'R'`). Flags copied from a `RewriteRule` onto a `RewriteCond` (`[L]`) and trailing
    /// commas are the usual cause.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// RewriteCond %{HTTPS} off [NC,L]
    /// RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L,]
    /// ```
    ///
    /// ```apache
    /// # after
    /// RewriteCond %{HTTPS} off [NC]
    /// RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/rewrite/flags.html>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewritecond>
    pub REWRITE_FLAG_INVALID = {
        code: "AL141",
        name: "rewrite-flag-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RewriteFlagInvalid;

impl Rule for RewriteFlagInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITE_FLAG_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for line in refused_rewrite_lines(ctx) {
            let RewriteProblem::Flag { message, range } = &line.problem else {
                continue;
            };
            let help = if line.name == "RewriteCond" {
                "RewriteCond takes only NC (nocase), OR (ornext) and NV (novary)"
            } else {
                "flags are a bracketed, comma-separated list without empty entries: [R=301,L]"
            };
            Refusal::new(
                line.raw.span(range.clone()),
                format!("{}: {message}", line.name),
            )
            .help(help)
            .report(ctx, line.node);
        }
    }
}
