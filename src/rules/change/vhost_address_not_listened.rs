//! `AL206` vhost-address-not-listened.

use crate::diff::routing::listens;
use crate::model::vhosts::Host;
use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `<VirtualHost>` address whose port no `Listen` covers, when the known-good
    /// configuration did not have that problem (a vhost moved to a new port, or a `Listen`
    /// dropped while its vhosts stay).
    ///
    /// ## Why is this risky?
    /// Ports in `<VirtualHost>` do not open sockets; only `Listen` does. httpd accepts the
    /// configuration without a warning, and the vhost never receives a request.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:8443>
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// Listen 8443
    /// <VirtualHost *:8443>
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mpm_common.html#listen>
    pub VHOST_ADDRESS_NOT_LISTENED = {
        code: "AL206",
        name: "vhost-address-not-listened",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct VhostAddressNotListened;

impl Rule for VhostAddressNotListened {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &VHOST_ADDRESS_NOT_LISTENED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let problems_before: std::collections::BTreeSet<String> = base
            .vhosts
            .vhosts
            .iter()
            .flat_map(|v| v.addrs.iter())
            .filter_map(|a| {
                let ip = match a.host {
                    Host::Ip(ip) => Some(ip),
                    _ => None,
                };
                let port = a.port?;
                (!listens(base.vhosts, ip, port)).then(|| a.display())
            })
            .collect();
        let vhosts = ctx.vhosts.vhosts.clone();
        for (i, v) in vhosts.iter().enumerate() {
            for a in &v.addrs {
                let Some(port) = a.port else { continue };
                let ip = match a.host {
                    Host::Ip(ip) => Some(ip),
                    Host::Any => None,
                    Host::Name(_) => continue,
                };
                if listens(ctx.vhosts, ip, port) || problems_before.contains(&a.display()) {
                    continue;
                }
                let label = super::vhost_label(ctx, ctx.vhosts, i, false);
                let f = ctx.report_change(
                    Some((v.node, a.span)),
                    None,
                    format!(
                        "nothing listens on {}: {label} will never receive a request",
                        a.display()
                    ),
                );
                f.diff = None;
                f.help = Some(format!(
                    "add `Listen {port}` (ports.conf), or use a port that is listened on"
                ));
            }
        }
    }
}
