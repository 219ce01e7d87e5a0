//! `AL227` rewrite-inheritance-lost.

use crate::finding::Stage;
use crate::rules::context::{Context, Rule};

use super::perdir::{changed_sites, sides, site_url};
use super::rewrite::{rules_in, server_rewrite};

crate::declare_rule! {
    /// ## What it does
    /// For every vhost present on both sides, computes the server-level rewrite rules that run
    /// for it — its own and, with `RewriteOptions Inherit`/`InheritBefore` (or the main server's
    /// `InheritDown`), the main server's; none while `RewriteEngine` is off — and reports rules
    /// that still exist in the candidate but no longer run for that vhost.
    ///
    /// ## Why is this risky?
    /// mod_rewrite is the exception to httpd's merging: a vhost does not get the main server's
    /// rules unless it asks for them. `RewriteOptions Inherit` looks like leftover noise, and
    /// moving rules "up" into a shared `conf-enabled/` file looks like tidying — either way the
    /// old flyer URLs, the legacy redirects or the maintenance switch stop working for that
    /// site (404s), and `apache2 -t` cannot tell. Turning `RewriteEngine` off (or removing the
    /// vhost's `RewriteEngine On` when the main server's is off) silences all of its rules.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     ServerName sale.shop.example
    ///     RewriteEngine On
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName sale.shop.example
    ///     RewriteEngine On
    ///     RewriteOptions Inherit
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewriteoptions>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewriteengine>
    pub REWRITE_INHERITANCE_LOST = {
        code: "AL227",
        name: "rewrite-inheritance-lost",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RewriteInheritanceLost;

impl Rule for RewriteInheritanceLost {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITE_INHERITANCE_LOST
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        for pair in changed_sites(&old_side, &new_side) {
            let (Some(o), Some(n)) = (pair.old, pair.new) else {
                continue;
            };
            let (old_vhost, new_vhost) = (base.vhosts.vhosts[o].node, ctx.vhosts.vhosts[n].node);
            let before = server_rewrite(&old_side, old_vhost);
            let after = server_rewrite(&new_side, new_vhost);
            // Rules that still exist where the vhost could see them (its
            // own or the main server's) but no longer run for it.
            let present: Vec<_> = rules_in(&new_side, new_vhost)
                .into_iter()
                .chain(rules_in(&new_side, ctx.config.root))
                .collect();
            let running: Vec<String> = after.rules.iter().map(|r| r.text(ctx.config)).collect();
            let lost: Vec<_> = before
                .rules
                .iter()
                .map(|r| r.text(base.config))
                .filter(|t| !running.contains(t))
                .filter_map(|t| present.iter().find(|r| r.text(ctx.config) == t).cloned())
                .collect();
            let Some(example) = lost.first() else {
                continue;
            };
            let site = site_url(&new_side, Some(n), "");
            let (cause, here, was) = if before.engine && !after.engine {
                (
                    "`RewriteEngine` is no longer on for it".to_string(),
                    after.engine_node,
                    before.engine_node,
                )
            } else if before.inherits && !after.inherits {
                (
                    "it no longer inherits the main server's rules (`RewriteOptions Inherit` is gone), and mod_rewrite does not pass them to vhosts otherwise".to_string(),
                    after.options_node,
                    before.options_node,
                )
            } else {
                (
                    "they now sit in the main server, whose rules vhosts do not inherit without `RewriteOptions Inherit`".to_string(),
                    Some(example.node),
                    None,
                )
            };
            let count = if lost.len() == 1 {
                "the rule".to_string()
            } else {
                format!("{} rules, such as", lost.len())
            };
            let message = format!(
                "requests for {site} no longer go through {count} `RewriteRule {}`: {cause}",
                example.text(ctx.config)
            );
            let here = here.map(|id| (id, ctx.node(id).span));
            let was = was.map(|id| (id, base.config.node(id).span));
            let f = ctx.report_change(here, was, message);
            f.stage = Stage::Request;
            f.help = Some(
                "keep `RewriteEngine On` and `RewriteOptions Inherit` in the vhost (or put the rules into the vhost itself)"
                    .to_string(),
            );
        }
    }
}
