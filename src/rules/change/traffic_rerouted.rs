//! `AL210` traffic-rerouted.

use crate::rules::context::{Context, Rule};

use super::{Cause, cause, report_reroute};

crate::declare_rule! {
    /// ## What it does
    /// Reports a host name that its vhost still claims but that another vhost now answers: an
    /// exact-IP `<VirtualHost 10.0.0.5:80>` that hides every `*:80` vhost for that address, a
    /// vhost placed earlier that claims the same name, or the vhost moved to another address.
    ///
    /// ## Why is this risky?
    /// httpd picks the vhost by address first (an exact IP beats `*`) and then the *first*
    /// vhost in configuration order that claims the name. The site looks configured, but its
    /// visitors get another one.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    /// </VirtualHost>
    /// <VirtualHost *:80>
    ///     ServerName monitoring.internal
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/vhosts/details.html>
    pub TRAFFIC_REROUTED = {
        code: "AL210",
        name: "traffic-rerouted",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct TrafficRerouted;

impl Rule for TrafficRerouted {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &TRAFFIC_REROUTED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let mut seen = std::collections::BTreeSet::new();
        for r in &base.reroutes {
            if cause(ctx, base, r) != Cause::Other {
                continue;
            }
            if !seen.insert((r.probe.host.clone(), r.probe.port, r.new)) {
                continue;
            }
            let Some(f) = report_reroute(ctx, r, |probe, now, was| {
                format!("{probe} is now answered by {now} instead of {was}")
            }) else {
                return;
            };
            f.primary_label = Some("this vhost now wins the request".to_string());
            f.help = Some("an exact-IP vhost hides the `*` vhosts of that address; for one address, the first vhost claiming a name wins".to_string());
        }
    }
}
