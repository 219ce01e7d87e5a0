//! `AL150` alias-argument-context.

use crate::rules::context::{Context, Rule};

use super::alias_syntax::alias_refusals;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `Alias` or `ScriptAlias` whose argument count does not fit where it stands.
    /// The two-argument form (URL-path and target) is for server and virtual-host level only:
    /// inside any directory-type section httpd refuses it (`Alias cannot occur within directory
    /// context`; inside `<Limit>`, the `<Limit>` message). The one-argument form (the target of
    /// the enclosing `<Location>`) is refused at server level (`Alias must have two arguments
    /// when used globally`) and inside `<Directory>`, `<Files>` and `<If>` (`Alias cannot
    /// occur within <Directory> section`).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. Moving an `Alias` into a `<Location>` block without dropping its
    /// URL-path, or the other way round, is an easy mistake.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location /static>
    ///     Alias /static /srv/static
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location /static>
    ///     Alias /srv/static
    /// </Location>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_alias.html#alias>
    pub ALIAS_ARGUMENT_CONTEXT = {
        code: "AL150",
        name: "alias-argument-context",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct AliasArgumentContext;

impl Rule for AliasArgumentContext {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ALIAS_ARGUMENT_CONTEXT
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, refusal) in alias_refusals(ctx) {
            refusal.report(ctx, id);
        }
    }
}
