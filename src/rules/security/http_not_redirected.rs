//! `AL319` http-not-redirected.

use std::collections::BTreeMap;

use crate::rules::change::{candidate_side, names, redirects, tls_enabled};
use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a plain-HTTP virtual host that answers a name a TLS virtual host serves, and
    /// has no redirect to `https://` — the site is reachable unencrypted as well.
    ///
    /// ## Why is this risky?
    /// Whoever sits on the network path (public Wi-Fi, a compromised router) reads and
    /// changes plain-HTTP traffic: session cookies, form data, injected scripts. Serving a
    /// site over TLS protects nothing while the same site answers on port 80 too; browsers
    /// only stay on https after the first redirect (and HSTS). CIS item 7.9 requires every
    /// plain-HTTP request redirected.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    ///     DocumentRoot /var/www/shop
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    ///     Redirect permanent / https://shop.example/
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - CIS Apache HTTP Server 2.4 Benchmark, 7.9 "Ensure All Web Content is Accessed via HTTPS"
    /// - <https://wiki.mozilla.org/Security/Server_Side_TLS>
    pub HTTP_NOT_REDIRECTED = {
        code: "AL319",
        name: "http-not-redirected",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct HttpNotRedirected;

impl Rule for HttpNotRedirected {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &HTTP_NOT_REDIRECTED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let side = candidate_side(ctx);
        let map = ctx.vhosts;
        // Plain vhost (by index) → the TLS-served names it answers on port 80.
        let mut exposed: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for tls in (0..map.vhosts.len()).filter(|&i| tls_enabled(&side, i)) {
            for name in names(map, tls) {
                let Some(plain) = map.route(None, 80, Some(&name)) else {
                    continue;
                };
                if tls_enabled(&side, plain) {
                    continue;
                }
                let to_https = redirects(&side, map.vhosts[plain].node)
                    .iter()
                    .any(|r| r.url.to_ascii_lowercase().starts_with("https://"));
                if !to_https {
                    exposed.entry(plain).or_default().push(name);
                }
            }
        }
        for (plain, mut served) in exposed {
            served.sort();
            served.dedup();
            let node = map.vhosts[plain].node;
            let span = ctx.node(node).name_span;
            let shown: Vec<String> = served.iter().take(3).cloned().collect();
            let more = served.len().saturating_sub(3);
            let f = ctx.report(
                node,
                span,
                format!(
                    "{}{} {} served over TLS but also answered here in plain HTTP, without a redirect to https",
                    shown.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() },
                    if served.len() == 1 { "is" } else { "are" }
                ),
            );
            f.help = Some(
                "redirect every path to https (`Redirect permanent / https://NAME/`) in this vhost"
                    .to_string(),
            );
        }
    }
}
