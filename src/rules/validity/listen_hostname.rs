//! `AL109` listen-hostname.

use crate::finding::Stage;
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::address::{HostKind, classify_host, listen_address};
use super::handler::{reaches_handler, take_argv};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Listen` on a host name rather than an IP address (`Listen shop.example:80`).
    /// httpd looks the name up when it starts; `localhost` is not reported.
    ///
    /// ## Why is this risky?
    /// If the resolver cannot answer at that moment — DNS down during a reboot, the name
    /// changed — httpd refuses to start (`AH00077: alloc_listener: failed to set up sockaddr
    /// for shop.example`, `Listen setup failed`), and `apache2 -t` on another machine says
    /// nothing about it. A name with several addresses opens one socket per address.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Listen shop.example:8080
    /// ```
    ///
    /// ```apache
    /// # after
    /// Listen 192.0.2.10:8080
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/dns-caveats.html>
    /// - <https://httpd.apache.org/docs/2.4/mod/mpm_common.html#listen>
    pub LISTEN_HOSTNAME = {
        code: "AL109",
        name: "listen-hostname",
        family: Validity,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct ListenHostname;

impl Rule for ListenHostname {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LISTEN_HOSTNAME
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx.named("Listen").to_vec();
        for id in nodes {
            if reaches_handler(ctx, id).is_none() {
                continue;
            }
            let node = ctx.node(id);
            let Ok(address) = listen_address(&take_argv(node)) else {
                continue;
            };
            let Some(host) = address.host else { continue };
            if classify_host(&host) != HostKind::Name || host.eq_ignore_ascii_case("localhost") {
                continue;
            }
            let f = ctx.report(
                id,
                node.arg_span(0),
                format!("Listen on the host name `{host}`, resolved through DNS when httpd starts"),
            );
            f.primary_label = Some("not an IP address".to_string());
            f.stage = Stage::Startup;
            f.help = Some(
                "if the lookup fails httpd refuses to start (`Listen setup failed`); \
                 listen on the IP address, or on the port alone"
                    .to_string(),
            );
        }
    }
}
