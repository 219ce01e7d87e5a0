//! `AL108` listen-duplicate.

use std::collections::HashMap;

use crate::finding::Label;
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::address::{AddrPort, HostKind, classify_host, listen_address};
use super::handler::{reaches_handler, take_argv};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Listen` for an address and port an earlier `Listen` of the active
    /// configuration already has, anywhere in the included files. httpd compares the address
    /// as written: `80` and `*:80` are the same, `080` is `80`; `80` next to `127.0.0.1:80`,
    /// `0.0.0.0:80` or `[::]:80` is accepted, and so is `localhost:80` next to `127.0.0.1:80`.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Cannot define multiple Listeners on the same IP:port`). It
    /// happens when a site's file adds the `Listen` that `ports.conf` already has, or when
    /// `ports.conf` is edited by two people.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Listen 80
    /// Listen 8080
    /// # sites-enabled/shop.conf
    /// Listen 8080
    /// ```
    ///
    /// ```apache
    /// # after
    /// Listen 80
    /// Listen 8080
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mpm_common.html#listen>
    pub LISTEN_DUPLICATE = {
        code: "AL108",
        name: "listen-duplicate",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ListenDuplicate;

impl Rule for ListenDuplicate {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LISTEN_DUPLICATE
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let mut first: HashMap<AddrPort, NodeId> = HashMap::new();
        let nodes: Vec<NodeId> = ctx.named("Listen").to_vec();
        for id in nodes {
            let node = ctx.node(id);
            if !node.active || reaches_handler(ctx, id).is_none() {
                continue;
            }
            let Ok(address) = listen_address(&take_argv(node)) else {
                continue;
            };
            let resolvable = address
                .host
                .as_deref()
                .is_none_or(|h| classify_host(h) != HostKind::Unresolvable);
            if !resolvable {
                continue;
            }
            let Some(&earlier) = first.get(&address) else {
                first.insert(address, id);
                continue;
            };
            let label = Label {
                span: ctx.node(earlier).arg_span(0),
                message: "already listening here".to_string(),
            };
            let f = ctx.httpd_error(
                id,
                node.arg_span(0),
                "Cannot define multiple Listeners on the same IP:port",
            );
            f.labels.push(label);
            f.help = Some("remove one of the two `Listen` lines".to_string());
        }
    }
}
