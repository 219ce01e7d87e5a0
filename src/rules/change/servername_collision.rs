//! `AL204` servername-collision.

use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a host name claimed by two vhosts on the same address and port in the
    /// candidate when it was not in the known-good configuration. httpd gives the request to
    /// the first one in configuration order; the other never sees that name.
    ///
    /// ## Why is this risky?
    /// A copied site file (a beta or staging vhost that keeps `ServerName shop.example`) that
    /// sorts first steals the production site's traffic; `apache2 -t` says nothing (only `-S`
    /// shows both).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// # sites-enabled/beta.conf
    /// ServerName shop.example
    /// ```
    ///
    /// ```apache
    /// # after
    /// # sites-enabled/beta.conf
    /// ServerName beta.shop.example
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/vhosts/name-based.html>
    pub SERVERNAME_COLLISION = {
        code: "AL204",
        name: "servername-collision",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ServernameCollision;

/// `(set, name) → vhosts claiming it`, in set order.
fn collisions(map: &crate::model::vhosts::VhostMap) -> Vec<(String, String, Vec<usize>)> {
    let mut out = Vec::new();
    for set in &map.sets {
        let mut by_name: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for &i in &set.vhosts {
            let v = &map.vhosts[i];
            for n in v.server_name.iter().chain(v.aliases.iter()) {
                let e = by_name.entry(n.name.to_ascii_lowercase()).or_default();
                if !e.contains(&i) {
                    e.push(i);
                }
            }
        }
        for (name, vhosts) in by_name {
            if vhosts.len() > 1 {
                out.push((set.display(), name, vhosts));
            }
        }
    }
    out
}

impl Rule for ServernameCollision {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SERVERNAME_COLLISION
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let before: std::collections::BTreeSet<(String, String)> = collisions(base.vhosts)
            .into_iter()
            .map(|(addr, name, _)| (addr, name))
            .collect();
        for (addr, name, vhosts) in collisions(ctx.vhosts) {
            if before.contains(&(addr.clone(), name.clone())) {
                continue;
            }
            let winner = &ctx.vhosts.vhosts[vhosts[0]];
            let loser = &ctx.vhosts.vhosts[vhosts[1]];
            let span = winner
                .server_name
                .iter()
                .chain(winner.aliases.iter())
                .find(|n| n.name.eq_ignore_ascii_case(&name))
                .map_or(ctx.node(winner.node).span, |n| n.span);
            let loser_label = super::vhost_label(ctx, ctx.vhosts, vhosts[1], false);
            let winner_node = winner.node;
            let loser_span = loser
                .server_name
                .iter()
                .chain(loser.aliases.iter())
                .find(|n| n.name.eq_ignore_ascii_case(&name))
                .map_or(ctx.node(loser.node).span, |n| n.span);
            let f = ctx.report_change(
                Some((winner_node, span)),
                None,
                format!("{name} on {addr} is claimed by two vhosts; this one comes first and takes all its requests from {loser_label}"),
            );
            f.labels.push(crate::finding::Label {
                span: loser_span,
                message: "never sees requests for this name any more".to_string(),
            });
            f.diff = None;
            f.help = Some("give each vhost its own names; `apache2 -S` lists who wins".to_string());
        }
    }
}
