//! `AL215` ssl-disabled-on-tls-port.

use crate::finding::Stage;
use crate::rules::context::{Context, Rule};

use super::perdir::{changed_sites, sides};
use super::servers::{setting, vhost_node};
use super::tls::{https_listener, tls_enabled};

crate::declare_rule! {
    /// ## What it does
    /// Reports a vhost that spoke TLS in the known-good configuration and speaks plain HTTP in
    /// the candidate on the same, still listened port: `SSLEngine on` removed (or turned off)
    /// where the listener's protocol is not `https`.
    ///
    /// ## Why is this risky?
    /// mod_ssl 2.4 switches TLS on by itself only for vhosts on a listener whose protocol is
    /// https — port 443 by default, or `Listen 8443 https`. Removing a "redundant"
    /// `SSLEngine on` from the `*:443` vhost is harmless; removing it from a `*:8443` vhost
    /// makes that port answer plain HTTP, and every HTTPS client fails the handshake.
    /// `apache2 -t` and the start-up are fine.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:8443>
    ///     ServerName backoffice.example
    ///     SSLCertificateFile /etc/ssl/certs/backoffice.crt
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:8443>
    ///     ServerName backoffice.example
    ///     SSLEngine on
    ///     SSLCertificateFile /etc/ssl/certs/backoffice.crt
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslengine>
    /// - <https://httpd.apache.org/docs/2.4/mod/mpm_common.html#listen>
    pub SSL_DISABLED_ON_TLS_PORT = {
        code: "AL215",
        name: "ssl-disabled-on-tls-port",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslDisabledOnTlsPort;

impl Rule for SslDisabledOnTlsPort {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_DISABLED_ON_TLS_PORT
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        for pair in changed_sites(&old_side, &new_side) {
            let (Some(o), Some(n)) = (pair.old, pair.new) else {
                continue;
            };
            if !tls_enabled(&old_side, o) || tls_enabled(&new_side, n) {
                continue;
            }
            let ports: Vec<u16> = ctx.vhosts.vhosts[n]
                .addrs
                .iter()
                .filter_map(|a| a.port)
                .filter(|&p| ctx.vhosts.listens.iter().any(|l| l.port == p))
                .collect();
            let Some(&port) = ports.first() else {
                continue;
            };
            let old_engine = setting(&old_side, vhost_node(&old_side, pair.old), &["SSLEngine"]);
            let new_engine = setting(&new_side, vhost_node(&new_side, pair.new), &["SSLEngine"]);
            let cause = if !ctx.config.has_module("ssl_module") {
                "mod_ssl is no longer loaded".to_string()
            } else if new_engine.is_some() {
                "`SSLEngine` is no longer on".to_string()
            } else if https_listener(ctx.vhosts, n) {
                "it has no certificate any more".to_string()
            } else {
                format!(
                    "`SSLEngine on` is gone, and only an https listener (port 443, or `Listen {port} https`) turns TLS on without it"
                )
            };
            let name = ctx.vhosts.display_name(&ctx.vhosts.vhosts[n]);
            let message = format!(
                "https://{name}:{port}/ will fail every TLS handshake: the vhost now answers plain HTTP on port {port} because {cause}"
            );
            let vhost = ctx.vhosts.vhosts[n].node;
            let new_side = new_engine
                .map(|id| (id, ctx.node(id).span))
                .or_else(|| old_engine.is_none().then(|| (vhost, ctx.node(vhost).span)));
            let old_side = old_engine
                .or(vhost_node(&old_side, pair.old))
                .map(|id| (id, base.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, message);
            f.stage = Stage::Request;
            f.help = Some(format!(
                "keep `SSLEngine on` in this vhost (or declare the listener as `Listen {port} https`)"
            ));
        }
    }
}
