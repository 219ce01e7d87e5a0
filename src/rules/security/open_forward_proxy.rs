//! `AL313` open-forward-proxy.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::section_restricts_access;

crate::declare_rule! {
    /// ## What it does
    /// Reports `ProxyRequests On` in a server (the main server or a `<VirtualHost>`) where no
    /// `<Proxy "*">` section — in that server or the main server — restricts who may use the
    /// forward proxy with a `Require` other than `Require all granted`.
    ///
    /// ## Why is this risky?
    /// An open forward proxy relays anyone's requests: spam and attacks leave from your
    /// address, and the internal network behind the server becomes reachable from outside.
    /// Open proxies are found by scanners within hours. A reverse proxy (`ProxyPass`) does
    /// not need `ProxyRequests` at all. CIS item 2.6 requires forward proxying disabled.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ProxyRequests On
    /// ```
    ///
    /// ```apache
    /// # after
    /// ProxyRequests On
    /// <Proxy "*">
    ///     Require ip 192.0.2.0/24
    /// </Proxy>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#access>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 2.6 "Ensure the Proxy Modules Are Disabled"
    pub OPEN_FORWARD_PROXY = {
        code: "AL313",
        name: "open-forward-proxy",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct OpenForwardProxy;

impl Rule for OpenForwardProxy {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &OPEN_FORWARD_PROXY
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let config = ctx.config;
        // `<Proxy *>` sections that restrict access, by the server they are in.
        let guarded: Vec<Option<NodeId>> = ctx
            .named("<Proxy")
            .iter()
            .copied()
            .filter(|&id| {
                let node = config.node(id);
                node.active && node.arg(0) == Some("*") && section_restricts_access(ctx, id)
            })
            .map(|id| config.enclosing_vhost(id))
            .collect();
        let nodes: Vec<NodeId> = ctx.named("ProxyRequests").to_vec();
        for id in nodes {
            let node = config.node(id);
            if !node.active
                || !node.is_directive()
                || !node.arg(0).is_some_and(|v| v.eq_ignore_ascii_case("on"))
            {
                continue;
            }
            let server = config.enclosing_vhost(id);
            if guarded.contains(&None) || guarded.contains(&server) {
                continue;
            }
            let f = ctx.report(
                id,
                node.arg_span(0),
                "`ProxyRequests On` without a restricting `<Proxy \"*\">`: anyone can relay requests through this server",
            );
            f.help = Some(
                "turn it off (`ProxyPass` does not need it), or add `<Proxy \"*\">` with `Require ip` for the clients that may use it"
                    .to_string(),
            );
        }
    }
}
