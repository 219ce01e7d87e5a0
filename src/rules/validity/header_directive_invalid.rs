//! `AL151` header-directive-invalid.

use crate::rules::context::{Context, Rule};

use super::headers_syntax::{HeaderProblem, problems};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Header` or `RequestHeader` httpd refuses: an unknown action (`Header sett`),
    /// a missing value (`Header set X-Frame-Options`), too many words (an unquoted value with
    /// spaces: `Header set X-A one two three`), an unknown condition word (`Header set X-A b
    /// foo`; only `early`, `env=[!]var` and `expr=…` exist), `env=` without a name, `edit`
    /// without a substitution, `unset`/`echo` with a value, `RequestHeader echo`, and a value
    /// with an unknown `%` tag (`%q`; mod_headers knows `%D %t %e %s %l %i %b`, and `%%`).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Header requires three arguments`, `Too many arguments to
    /// directive`, `Unknown parameter: foo`, `Unrecognized header format %q`). Security
    /// headers pasted without quotes (`Header set Content-Security-Policy default-src 'self'`)
    /// are the classic.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Header always set Content-Security-Policy default-src 'self'
    /// ```
    ///
    /// ```apache
    /// # after
    /// Header always set Content-Security-Policy "default-src 'self'"
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_headers.html#header>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_headers.html#requestheader>
    pub HEADER_DIRECTIVE_INVALID = {
        code: "AL151",
        name: "header-directive-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct HeaderDirectiveInvalid;

impl Rule for HeaderDirectiveInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &HEADER_DIRECTIVE_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, problem) in problems(ctx) {
            if let HeaderProblem::Syntax(refusal) = problem {
                refusal.report(ctx, id);
            }
        }
    }
}
