//! `AL222` proxypassreverse-missing.

use crate::diff::ChangeKind;
use crate::finding::Stage;
use crate::rules::context::{Context, Rule};

use super::perdir::sides;
use super::proxy::{ProxyTable, backend, route_of};

crate::declare_rule! {
    /// ## What it does
    /// Reports a new or changed `ProxyPass` to an HTTP, AJP or balancer backend that no
    /// `ProxyPassReverse` of the same server (its own, its `<Location>`s', or the main
    /// server's) covers.
    ///
    /// ## Why is this risky?
    /// Backends answer redirects with their own address: `Location: http://127.0.0.1:8081/login`.
    /// Without `ProxyPassReverse`, httpd passes that header on, and the visitor's browser tries
    /// to reach the internal address — the login or checkout step fails, and the internal host
    /// name leaks.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ProxyPass /api/ http://127.0.0.1:8081/
    /// ```
    ///
    /// ```apache
    /// # after
    /// ProxyPass /api/ http://127.0.0.1:8081/
    /// ProxyPassReverse /api/ http://127.0.0.1:8081/
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypassreverse>
    pub PROXYPASSREVERSE_MISSING = {
        code: "AL222",
        name: "proxypassreverse-missing",
        family: Change,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct ProxypassreverseMissing;

/// Whether a backend speaks a protocol whose redirects carry a `Location`
/// header for httpd to rewrite (not WebSocket, FastCGI, SCGI …).
fn answers_with_redirects(url: &str) -> bool {
    let url = url.rsplit('|').next().unwrap_or(url);
    let scheme = url.split("://").next().unwrap_or_default();
    ["http", "https", "balancer", "ajp", "h2", "h2c"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(scheme))
}

impl Rule for ProxypassreverseMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PROXYPASSREVERSE_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((_, new_side)) = sides(ctx) else {
            return;
        };
        let added: Vec<_> = ctx
            .changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Added && c.name == "proxypass")
            .filter_map(|c| Some((c.new?, super::replaced(ctx, c))))
            .collect();
        for (id, old) in added {
            let Some(route) = route_of(ctx.config, id) else {
                continue;
            };
            let Some(url) = &route.url else { continue };
            if !answers_with_redirects(url) {
                continue;
            }
            let vhost = ctx.config.enclosing_vhost(id);
            let reverse = ProxyTable::of(&new_side, vhost, "ProxyPassReverse");
            let covered = reverse
                .routes()
                .any(|r| r.url.as_deref().is_some_and(|u| backend(u) == backend(url)));
            if covered {
                continue;
            }
            let message = format!(
                "redirects from {url} for {} reach visitors unchanged: a `Location` header pointing at the backend sends browsers to the internal address",
                route.path
            );
            let span = ctx.node(id).span;
            let f = ctx.report_change(Some((id, span)), old, message);
            f.stage = Stage::Request;
            f.help = Some(if route.in_location {
                format!("add `ProxyPassReverse {url}` next to it")
            } else {
                format!("add `ProxyPassReverse {} {url}`", route.path)
            });
        }
    }
}
