//! `AL201` listen-removed.

use crate::diff::routing::listens;
use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports an address and port the known-good configuration listened on (`Listen`) that
    /// the candidate no longer listens on, and names the sites that stop answering there.
    ///
    /// ## Why is this risky?
    /// `apache2 -t` is happy and the server restarts fine — it simply stops accepting
    /// connections on that port: every site served there is down (connection refused). Moving
    /// `Listen 80` to `Listen 127.0.0.1:80` makes the sites unreachable from outside.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Listen 80
    /// Listen 8080
    /// ```
    ///
    /// ```apache
    /// # after
    /// Listen 80
    /// Listen 8080
    /// # (keep the listener, or move the vhosts that use it)
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/bind.html>
    pub LISTEN_REMOVED = {
        code: "AL201",
        name: "listen-removed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ListenRemoved;

impl Rule for ListenRemoved {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LISTEN_REMOVED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        for old in &base.vhosts.listens {
            if listens(ctx.vhosts, old.ip, old.port) {
                continue;
            }
            let addr = match old.ip {
                Some(ip) => format!("{ip}:{}", old.port),
                None => format!("port {}", old.port),
            };
            let narrowed: Vec<String> = ctx
                .vhosts
                .listens
                .iter()
                .filter(|l| l.port == old.port)
                .filter_map(|l| l.ip.map(|ip| ip.to_string()))
                .collect();
            let addr = if old.ip.is_none() && !narrowed.is_empty() {
                format!("{addr} on all addresses (only {} now)", narrowed.join(", "))
            } else {
                addr
            };
            let sites: Vec<String> = base
                .vhosts
                .sets
                .iter()
                .filter(|s| s.port == Some(old.port))
                .flat_map(|s| s.vhosts.iter())
                .map(|&i| super::vhost_label(ctx, base.vhosts, i, true))
                .collect();
            let impact = if sites.is_empty() {
                "the main server stops answering there".to_string()
            } else {
                format!("{} stop answering (connection refused)", sites.join(", "))
            };
            let old_node = old.node;
            let old_span = base.config.node(old_node).span;
            // Point at a Listen that remains in the same file, if any.
            let old_path = base
                .config
                .config_path(base.config.node(old_node).span.file);
            let replacement = ctx.named("Listen").iter().copied().find(|&id| {
                let n = ctx.node(id);
                n.active && ctx.config.config_path(n.span.file) == old_path
            });
            let new = replacement.map(|id| (id, ctx.node(id).span));
            let f = ctx.report_change(
                new,
                Some((old_node, old_span)),
                format!("nothing listens on {addr} any more: {impact}"),
            );
            f.help = Some(format!(
                "keep `Listen {}` (or move those vhosts to a port that is listened on)",
                base.config.raw_args(old_node)
            ));
        }
    }
}
