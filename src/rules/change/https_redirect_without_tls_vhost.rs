//! `AL226` https-redirect-without-tls-vhost.

use crate::finding::{Label, Stage};
use crate::model::vhosts::VhostMap;
use crate::rules::context::{Context, Rule};

use super::perdir::{Side, listing, sides};
use super::rewrite::{Redirect, names, parse_target, redirects};
use super::servers::counterparts;
use super::tls::tls_enabled;
use super::vhost_label;

crate::declare_rule! {
    /// ## What it does
    /// Follows every redirect to `https://` that a plain-HTTP vhost answers with — `Redirect`,
    /// `RedirectMatch`, `RewriteRule … [R]`, with a literal host, `%{HTTP_HOST}` or
    /// `%{SERVER_NAME}` — and reports a target name that no TLS vhost serves by name on that
    /// port (another site's vhost answers it, with its own pages and certificate), that is
    /// served without TLS, or whose port nobody listens on; when the known-good configuration
    /// did not send visitors there.
    ///
    /// ## Why is this risky?
    /// "HTTPS everywhere" on a site that has no `:443` vhost yet sends every visitor to the
    /// first TLS vhost of the server — the shop's pages under the campaign's name, behind a
    /// certificate for another name (a browser warning in real life). `apache2 -t` and the
    /// start-up are fine.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     ServerName sale.shop.example
    ///     Redirect permanent / https://sale.shop.example/
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName sale.shop.example
    ///     Redirect permanent / https://sale.shop.example/
    /// </VirtualHost>
    /// <VirtualHost *:443>
    ///     ServerName sale.shop.example
    ///     SSLEngine on
    ///     SSLCertificateFile /etc/ssl/certs/sale.shop.example.crt
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/rewrite/avoid.html#redirect>
    /// - <https://httpd.apache.org/docs/2.4/ssl/ssl_howto.html>
    pub HTTPS_REDIRECT_WITHOUT_TLS_VHOST = {
        code: "AL226",
        name: "https-redirect-without-tls-vhost",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct HttpsRedirectWithoutTlsVhost;

/// What a browser finds at `https://host:port/`: `None` when a TLS vhost
/// serves the name, else why not (and the vhost that answers instead).
fn tls_problem(view: &Side<'_>, host: &str, port: u16) -> Option<(String, Option<usize>)> {
    let map = view.vhosts;
    if !map.listens.iter().any(|l| l.port == port) {
        return Some((format!("nothing listens on port {port}"), None));
    }
    let Some(vhost) = map.route(None, port, Some(host)) else {
        return Some((format!("no vhost serves port {port}"), None));
    };
    if !map.vhosts[vhost].matches_name(host) {
        return Some((
            format!("no vhost on port {port} serves {host} by name"),
            Some(vhost),
        ));
    }
    if !tls_enabled(view, vhost) {
        return Some((
            format!("its vhost on port {port} does not speak TLS"),
            Some(vhost),
        ));
    }
    None
}

/// The https targets of a redirect for requests to a vhost: (the name
/// asked for, the host sent to, its port).
fn https_targets(map: &VhostMap, vhost: usize, redirect: &Redirect) -> Vec<(String, String, u16)> {
    let Some(target) = parse_target(&redirect.url) else {
        return Vec::new();
    };
    if target.scheme.as_deref() != Some("https") {
        return Vec::new();
    }
    let server_name = map.vhosts[vhost]
        .server_name
        .as_ref()
        .map(|n| n.name.as_str());
    names(map, vhost)
        .into_iter()
        .filter_map(|name| {
            let host = target.host_for(&name, server_name)?;
            Some((name, host, target.port.unwrap_or(443)))
        })
        .collect()
}

impl Rule for HttpsRedirectWithoutTlsVhost {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &HTTPS_REDIRECT_WITHOUT_TLS_VHOST
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        let pairs = counterparts(&old_side, &new_side);
        for n in 0..ctx.vhosts.vhosts.len() {
            if tls_enabled(&new_side, n) {
                continue;
            }
            let old = pairs.get(&Some(n)).and_then(|p| p.old);
            let old_redirects = old
                .map(|o| redirects(&old_side, base.vhosts.vhosts[o].node))
                .unwrap_or_default();
            for redirect in redirects(&new_side, ctx.vhosts.vhosts[n].node) {
                // The same redirect in the known-good vhost, and what its
                // targets met there.
                let before = old.zip(old_redirects.iter().find(|r| r.url == redirect.url));
                let mut problems = Vec::new();
                for (name, host, port) in https_targets(ctx.vhosts, n, &redirect) {
                    let Some(problem) = tls_problem(&new_side, &host, port) else {
                        continue;
                    };
                    let known = before.is_some_and(|(o, r)| {
                        https_targets(base.vhosts, o, r)
                            .iter()
                            .any(|(_, h, p)| *h == host && *p == port)
                            && tls_problem(&old_side, &host, port).is_some()
                    });
                    if !known {
                        problems.push((name, host, port, problem));
                    }
                }
                let Some((_, host, port, (why, instead))) = problems.first().cloned() else {
                    continue;
                };
                let visitors: Vec<String> = problems.iter().map(|(n, ..)| n.clone()).collect();
                let answer = match instead {
                    Some(v) if !ctx.vhosts.vhosts[v].matches_name(&host) => format!(
                        ": {} answers it instead, with its own pages and certificate",
                        vhost_label(ctx, ctx.vhosts, v, false)
                    ),
                    _ => String::new(),
                };
                let (sent, but) = if before.is_some() {
                    ("still sent", "but now")
                } else {
                    ("now sent", "but")
                };
                let message = format!(
                    "visitors of {} are {sent} to https://{host}{}/, {but} {why}{answer}",
                    listing(&visitors, 3),
                    if port == 443 {
                        String::new()
                    } else {
                        format!(":{port}")
                    },
                );
                let span = ctx.node(redirect.node).span;
                let was = before.map(|(_, r)| (r.node, base.config.node(r.node).span));
                let instead_label = instead.map(|v| {
                    let node = ctx.vhosts.vhosts[v].node;
                    Label {
                        span: ctx.node(node).span,
                        message: format!("answers https://{host}/ now"),
                    }
                });
                let f = ctx.report_change(Some((redirect.node, span)), was, message);
                f.stage = Stage::Request;
                f.labels.extend(instead_label);
                f.help = Some(format!(
                    "add a TLS vhost for {host} on port {port} (with a certificate for that name) before redirecting to it"
                ));
            }
        }
    }
}
