//! `AL202` vhost-removed.

use std::collections::BTreeMap;

use crate::diff::routing::Reroute;
use crate::rules::context::{Context, Rule};

use super::{Cause, cause, vhost_label};

crate::declare_rule! {
    /// ## What it does
    /// Reports a virtual host of the known-good configuration that no longer exists, and where
    /// its traffic goes now: the names it served fall through to another site (the default
    /// vhost of the address) or to nothing.
    ///
    /// ## Why is this risky?
    /// httpd does not complain about a missing site: requests for its names are answered by
    /// whichever vhost is first for that address — usually a placeholder or another customer's
    /// site. A site file renamed out of the `sites-enabled/*.conf` glob, a disabled site or a
    /// vhost moved to another port does this silently.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     ServerName sale.shop.example
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName sale.shop.example
    /// </VirtualHost>
    /// # (keep the site, or redirect its names on purpose)
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/vhosts/name-based.html>
    pub VHOST_REMOVED = {
        code: "AL202",
        name: "vhost-removed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct VhostRemoved;

impl Rule for VhostRemoved {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &VHOST_REMOVED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        // One finding per removed vhost, listing where its names go now.
        let mut by_vhost: BTreeMap<usize, Vec<&Reroute>> = BTreeMap::new();
        for r in &base.reroutes {
            if cause(ctx, base, r) == Cause::VhostGone {
                by_vhost.entry(r.old).or_default().push(r);
            }
        }
        for (old, reroutes) in by_vhost {
            let mut impacts: Vec<String> = reroutes
                .iter()
                .map(|r| {
                    let target = match r.new {
                        Some(n) => vhost_label(ctx, ctx.vhosts, n, false),
                        None => "the main server".to_string(),
                    };
                    format!("{} → {target}", r.probe.describe())
                })
                .collect();
            impacts.dedup();
            let old_vhost = &base.vhosts.vhosts[old];
            let old_node = old_vhost.node;
            let old_span = base.config.node(old_node).span;
            let label = vhost_label(ctx, base.vhosts, old, true);
            let f = ctx.report_change(
                None,
                Some((old_node, old_span)),
                format!("vhost {label} is gone; its requests are answered by another site"),
            );
            f.help = Some(format!(
                "requests now go: {}",
                impacts.into_iter().take(8).collect::<Vec<_>>().join("; ")
            ));
        }
    }
}
