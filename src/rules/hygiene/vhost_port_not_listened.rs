//! `AL404` vhost-port-not-listened.

use crate::diff::routing::listens;
use crate::model::vhosts::Host;
use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `<VirtualHost>` address whose port no `Listen` covers (for its IP). Without a
    /// known-good version to compare with, this is a warning; the change rule
    /// `vhost-address-not-listened` reports it as an error when an edit introduces it.
    ///
    /// ## Why is this risky?
    /// A port in `<VirtualHost>` opens no socket; only `Listen` does. httpd starts without a
    /// word and the vhost never receives a request.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Listen 80
    /// <VirtualHost *:8080>
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// Listen 80
    /// Listen 8080
    /// <VirtualHost *:8080>
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/bind.html>
    pub VHOST_PORT_NOT_LISTENED = {
        code: "AL404",
        name: "vhost-port-not-listened",
        family: Hygiene,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct VhostPortNotListened;

impl Rule for VhostPortNotListened {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &VHOST_PORT_NOT_LISTENED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        // With a baseline the change rule says it, with more context.
        if ctx.baseline.is_some() || ctx.vhosts.listens.is_empty() {
            return;
        }
        let vhosts = ctx.vhosts.vhosts.clone();
        for v in &vhosts {
            for a in &v.addrs {
                let Some(port) = a.port else { continue };
                let ip = match a.host {
                    Host::Ip(ip) => Some(ip),
                    Host::Any => None,
                    Host::Name(_) => continue,
                };
                if listens(ctx.vhosts, ip, port) {
                    continue;
                }
                let f = ctx.report(
                    v.node,
                    a.span,
                    format!(
                        "nothing listens on {}: this vhost never receives a request",
                        a.display()
                    ),
                );
                f.help = Some(format!(
                    "add `Listen {port}`, or use a port that is listened on"
                ));
            }
        }
    }
}
