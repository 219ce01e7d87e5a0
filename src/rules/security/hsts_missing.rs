//! `AL307` hsts-missing.

use std::collections::HashSet;

use crate::finding::Severity;
use crate::load::tree::NodeId;
use crate::model::mod_ssl::vhost_id;
use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a TLS server (`SSLEngine on`) that sends no `Strict-Transport-Security`
    /// header: no `Header set|add|append|merge|setifempty Strict-Transport-Security …` in the
    /// vhost or the main server. A header set without `always` is noted too: mod_headers'
    /// default table covers successful responses only, so redirects and error pages go out
    /// without it.
    ///
    /// ## Why is this risky?
    /// Without HSTS a browser that once reached the site over HTTPS will still try plain HTTP
    /// the next time a user types the name or follows an `http://` link, and an attacker on
    /// the network can keep it there (SSL stripping). CIS item 7.11 and Mozilla's
    /// configurations set it with `always` and a max-age of at least six months.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:443>
    ///     SSLEngine on
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:443>
    ///     SSLEngine on
    ///     Header always set Strict-Transport-Security "max-age=63072000"
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://developer.mozilla.org/docs/Web/HTTP/Headers/Strict-Transport-Security>
    /// - <https://ssl-config.mozilla.org/>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 7.11 "Ensure HTTP Strict Transport Security Is Enabled"
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_headers.html#header>
    pub HSTS_MISSING = {
        code: "AL307",
        name: "hsts-missing",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

const SETTING_ACTIONS: &[&str] = &["set", "add", "append", "merge", "setifempty"];

/// An HSTS `Header` line: whether it uses the `always` table.
fn hsts_header(ctx: &Context<'_>, id: NodeId) -> Option<bool> {
    let args: Vec<&str> = ctx.node(id).arg_values().collect();
    let (always, rest) = match args.first() {
        Some(c) if c.eq_ignore_ascii_case("always") => (true, &args[1..]),
        Some(c) if c.eq_ignore_ascii_case("onsuccess") => (false, &args[1..]),
        _ => (false, &args[..]),
    };
    let [action, header, ..] = rest else {
        return None;
    };
    (SETTING_ACTIONS
        .iter()
        .any(|a| a.eq_ignore_ascii_case(action))
        && header.eq_ignore_ascii_case("Strict-Transport-Security"))
    .then_some(always)
}

pub struct HstsMissing;

impl Rule for HstsMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &HSTS_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let headers: Vec<(NodeId, bool)> = ctx
            .named("Header")
            .iter()
            .copied()
            .filter(|&id| ctx.node(id).active)
            .filter_map(|id| hsts_header(ctx, id).map(|always| (id, always)))
            .collect();
        for (id, always) in &headers {
            if !always {
                let span = ctx.node(*id).name_span;
                let f = ctx.report(
                    *id,
                    span,
                    "Strict-Transport-Security is set without `always`: redirects and error responses lack it",
                );
                f.severity = Severity::Info;
                f.help = Some("write `Header always set Strict-Transport-Security …`".to_string());
            }
        }
        // The servers the headers are set in (`None`: the main server,
        // which every vhost inherits).
        let with_header: HashSet<Option<NodeId>> = headers
            .iter()
            .map(|(h, _)| ctx.config.enclosing_vhost(*h))
            .collect();
        for server in ctx.tls_servers() {
            let config = ctx.config;
            let Some(engine) = server.engine_on(config) else {
                continue;
            };
            if with_header.contains(&None) || with_header.contains(&server.vhost) {
                continue;
            }
            let (node, span) = match server.vhost {
                Some(v) => (v, config.node(v).name_span),
                None => (engine, config.node(engine).arg_span(0)),
            };
            let id = vhost_id(config, server);
            let f = ctx.report(
                node,
                span,
                format!("TLS server {id} sends no Strict-Transport-Security header"),
            );
            f.help = Some(
                "add `Header always set Strict-Transport-Security \"max-age=63072000\"` (mod_headers)"
                    .to_string(),
            );
        }
    }
}
