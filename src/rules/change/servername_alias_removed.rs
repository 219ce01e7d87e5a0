//! `AL203` servername-alias-removed.

use crate::rules::context::{Context, Rule};

use super::{Cause, cause, vhost_label};

crate::declare_rule! {
    /// ## What it does
    /// Reports a host name (ServerName or ServerAlias) that a surviving vhost served in the
    /// known-good configuration and no longer does, with the site that answers it now.
    ///
    /// ## Why is this risky?
    /// Requests for the dropped name (`www.shop.example`) are answered by the address's default
    /// vhost — another site or a placeholder page — while `apache2 -t` sees nothing wrong.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ServerName shop.example
    /// ServerAlias www.shop.example
    /// ```
    ///
    /// ```apache
    /// # after
    /// ServerName shop.example
    /// ServerAlias www.shop.example
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#serveralias>
    pub SERVERNAME_ALIAS_REMOVED = {
        code: "AL203",
        name: "servername-alias-removed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ServernameAliasRemoved;

impl Rule for ServernameAliasRemoved {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SERVERNAME_ALIAS_REMOVED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let mut seen = std::collections::BTreeSet::new();
        for r in &base.reroutes {
            if cause(ctx, base, r) != Cause::NameDropped {
                continue;
            }
            let Some(host) = r.probe.host.clone() else {
                continue;
            };
            if !seen.insert((r.old, host.clone())) {
                continue;
            }
            let old_vhost = &base.vhosts.vhosts[r.old];
            let old_name = old_vhost
                .server_name
                .iter()
                .chain(old_vhost.aliases.iter())
                .find(|n| n.name.eq_ignore_ascii_case(&host));
            let old_span = old_name.map_or(base.config.node(old_vhost.node).span, |n| n.span);
            // The surviving vhost in the candidate: point at its names.
            let old_identity = crate::diff::routing::identity(base.config, base.vhosts, r.old);
            let new = (0..ctx.vhosts.vhosts.len())
                .find(|&i| {
                    crate::diff::routing::identity(ctx.config, ctx.vhosts, i) == old_identity
                })
                .and_then(|i| {
                    let v = &ctx.vhosts.vhosts[i];
                    v.aliases
                        .last()
                        .or(v.server_name.as_ref())
                        .map(|n| (v.node, n.span))
                });
            let target = match r.new {
                Some(n) => vhost_label(ctx, ctx.vhosts, n, false),
                None => "the main server".to_string(),
            };
            let owner = vhost_label(ctx, base.vhosts, r.old, true);
            let f = ctx.report_change(
                new,
                Some((old_vhost.node, old_span)),
                format!("{host} is no longer a name of {owner}; requests for it are answered by {target}"),
            );
            f.help = Some(format!(
                "keep `ServerAlias {host}` in that vhost, or redirect the name on purpose"
            ));
        }
    }
}
