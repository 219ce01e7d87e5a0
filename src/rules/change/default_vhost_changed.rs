//! `AL205` default-vhost-changed.

use crate::rules::context::{Context, Rule};

use super::{Cause, cause, report_reroute};

crate::declare_rule! {
    /// ## What it does
    /// Reports an address and port whose default vhost — the first one listed, which answers
    /// requests by IP, without a Host header or for names no vhost claims — is another one
    /// than in the known-good configuration.
    ///
    /// ## Why is this risky?
    /// Load-balancer health checks and monitoring usually call the server by IP: they now reach
    /// another site. A new site file whose name sorts first (`000-campaign.conf`) or a renamed
    /// file changes the default silently; TLS clients without SNI get the new default's
    /// certificate.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// # sites-enabled/000-default.conf, then sites-enabled/shop.conf
    /// ```
    ///
    /// ```apache
    /// # after
    /// # sites-enabled/000-default.conf stays first; the new site is 020-campaign.conf
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/vhosts/details.html>
    pub DEFAULT_VHOST_CHANGED = {
        code: "AL205",
        name: "default-vhost-changed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct DefaultVhostChanged;

impl Rule for DefaultVhostChanged {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &DEFAULT_VHOST_CHANGED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        for r in &base.reroutes {
            if cause(ctx, base, r) != Cause::DefaultChanged {
                continue;
            }
            let Some(f) = report_reroute(ctx, r, |probe, now, was| {
                format!("{probe} are now answered by {now} instead of {was}")
            }) else {
                return;
            };
            f.help = Some("keep the default vhost first for this address (site files load in byte order: 000- sorts first)".to_string());
        }
    }
}
