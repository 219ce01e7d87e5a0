//! `AL150` alias-needs-url-path.

use crate::rules::context::{Context, Rule};

use super::alias_syntax::alias_refusals;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `Alias` or `ScriptAlias` with only one argument at server or virtual-host
    /// level. The one-argument form gives the target of the enclosing `<Location>` (its path is
    /// the URL-path); outside any section there is no URL-path to map.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Alias must have two arguments when used globally`, for
    /// `ScriptAlias` too). Moving an `Alias` out of a `<Location>` block without adding its
    /// URL-path back is the usual cause.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Alias /srv/static
    /// ```
    ///
    /// ```apache
    /// # after
    /// Alias /static /srv/static
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_alias.html#alias>
    pub ALIAS_NEEDS_URL_PATH = {
        code: "AL150",
        name: "alias-needs-url-path",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct AliasNeedsUrlPath;

impl Rule for AliasNeedsUrlPath {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ALIAS_NEEDS_URL_PATH
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, refusal) in alias_refusals(ctx) {
            refusal.report(ctx, id);
        }
    }
}
