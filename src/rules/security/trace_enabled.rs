//! `AL310` trace-enabled.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};
use crate::rules::validity::whole_configuration;

use super::{is_whole_server, main_server_setting};

crate::declare_rule! {
    /// ## What it does
    /// Reports a server that answers HTTP `TRACE` requests: `TraceEnable` not set in the main
    /// server of a configuration that listens (the default is `on`), or set to `on` or
    /// `extended` there or in a `<VirtualHost>`.
    ///
    /// ## Why is this risky?
    /// `TRACE` echoes the request back, headers included — the basis of cross-site tracing,
    /// which reads cookies and authorization headers that scripts are not supposed to see.
    /// Nothing legitimate needs it in production. CIS item 5.8 requires `TraceEnable off`;
    /// Debian's `security.conf` sets it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// TraceEnable extended
    /// ```
    ///
    /// ```apache
    /// # after
    /// TraceEnable off
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#traceenable>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 5.8 "Ensure the HTTP TRACE Method Is Disabled"
    pub TRACE_ENABLED = {
        code: "AL310",
        name: "trace-enabled",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct TraceEnabled;

impl Rule for TraceEnabled {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &TRACE_ENABLED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let help = "set `TraceEnable off` in the main server";
        if main_server_setting(ctx, "TraceEnable").is_none()
            && is_whole_server(ctx)
            && let Some((node, span)) = whole_configuration(ctx)
        {
            let f = ctx.report(
                node,
                span,
                "TraceEnable is not set: httpd answers TRACE requests (the default, on)",
            );
            f.help = Some(help.to_string());
        }
        let nodes: Vec<NodeId> = ctx.named("TraceEnable").to_vec();
        for id in nodes {
            let node = ctx.node(id);
            let Some(value) = node.arg(0).filter(|_| node.is_directive()) else {
                continue;
            };
            if !(value.eq_ignore_ascii_case("on") || value.eq_ignore_ascii_case("extended")) {
                continue;
            }
            let message = format!("`TraceEnable {value}`: httpd answers TRACE requests");
            let f = ctx.report(id, node.arg_span(0), message);
            f.help = Some(help.to_string());
        }
    }
}
