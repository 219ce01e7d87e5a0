//! `AL220` proxypass-shadowed.

use std::collections::HashSet;

use crate::finding::{Label, Stage};
use crate::rules::context::{Context, Rule};

use super::perdir::{sides, site_url};
use super::proxy::{ProxyRoute, ProxyTable};
use super::servers::{counterparts, servers, vhost_node};

crate::declare_rule! {
    /// ## What it does
    /// For every server of the candidate, asks mod_proxy's routing which `ProxyPass` answers
    /// the paths of each entry, and reports an entry that another one now takes over — a more
    /// general `ProxyPass` earlier in the list (the main server's entries come before the
    /// vhost's), or a later `<Location>` with its own `ProxyPass` (the last matching location
    /// wins, and location routes beat the server's list) — when the known-good configuration
    /// routed those paths to it.
    ///
    /// ## Why is this risky?
    /// `ProxyPass` is first-match. Sorting the lines alphabetically, or adding a catch-all
    /// `ProxyPass /api/ …` above `ProxyPass /api/admin/ …`, sends the admin calls to the public
    /// API backend: `apache2 -t` is happy, and the requests get that backend's 404s — or worse,
    /// its answers.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ProxyPass /api/ http://127.0.0.1:8081/
    /// ProxyPass /api/admin/ http://127.0.0.1:8082/
    /// ```
    ///
    /// ```apache
    /// # after
    /// # the more specific path first: ProxyPass is first-match
    /// ProxyPass /api/admin/ http://127.0.0.1:8082/
    /// ProxyPass /api/ http://127.0.0.1:8081/
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass> ("Ordering ProxyPass Directives")
    pub PROXYPASS_SHADOWED = {
        code: "AL220",
        name: "proxypass-shadowed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ProxypassShadowed;

/// Whether `table` routes the probe of `route` to that route (or to one the
/// same), i.e. it is not shadowed.
fn reaches(table: &ProxyTable, route: &ProxyRoute) -> bool {
    table
        .route(&route.probe())
        .is_some_and(|winner| winner.same_as(route))
}

impl Rule for ProxypassShadowed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PROXYPASS_SHADOWED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        let pairs = counterparts(&old_side, &new_side);
        let mut seen = HashSet::new();
        for server in servers(&new_side) {
            let table = ProxyTable::of(&new_side, vhost_node(&new_side, server), "ProxyPass");
            let old_table = pairs
                .get(&server)
                .map(|p| ProxyTable::of(&old_side, vhost_node(&old_side, p.old), "ProxyPass"));
            for route in table.routes() {
                let Some(winner) = table.route(&route.probe()) else {
                    continue;
                };
                if winner.node == route.node || winner.same_as(route) {
                    continue;
                }
                // Known-good: the same entry answered its paths.
                let old = old_table
                    .as_ref()
                    .and_then(|t| t.routes().find(|r| r.same_as(route)).cloned());
                if let (Some(t), Some(o)) = (&old_table, &old)
                    && !reaches(t, o)
                {
                    continue;
                }
                if !seen.insert((route.node, winner.node)) {
                    continue;
                }
                let target = winner
                    .url
                    .as_deref()
                    .map_or("are not proxied".to_string(), |u| format!("go to {u}"));
                let why = if winner.in_location {
                    format!("`{}` comes later and wins", winner.describe())
                } else {
                    format!("`{}` comes first and matches them", winner.describe())
                };
                let message = format!(
                    "requests for {} now {target}: {why}, so `{}` never applies",
                    site_url(&new_side, server, &route.path),
                    route.describe()
                );
                let here = Some((route.node, ctx.node(route.node).span));
                let was = old.map(|o| (o.node, base.config.node(o.node).span));
                let winner_span = ctx.node(winner.node).span;
                let f = ctx.report_change(here, was, message);
                f.stage = Stage::Request;
                f.labels.push(Label {
                    span: winner_span,
                    message: "this entry takes those requests".to_string(),
                });
                f.help = Some(if winner.in_location {
                    "put the more specific <Location> after the more general one (the last matching location wins)".to_string()
                } else {
                    "put the more specific ProxyPass before the more general one (the first match wins; main-server entries come before the vhost's)".to_string()
                });
            }
        }
    }
}
