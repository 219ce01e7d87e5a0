//! `AL219` proxypass-backend-changed.

use std::collections::HashSet;

use crate::finding::{Severity, Stage};
use crate::rules::context::{Context, Rule};

use super::perdir::{changed_sites, sides, site_url};
use super::proxy::{ProxyTable, backend};
use super::servers::vhost_node;

crate::declare_rule! {
    /// ## What it does
    /// For every server present on both sides, follows each path the known-good configuration
    /// proxied and reports where it goes now: another backend host or port (an error), the same
    /// backend under another path, or nowhere — no longer proxied — (warnings).
    ///
    /// ## Why is this risky?
    /// `apache2 -t` does not contact backends. Pointing `ProxyPass` at the port the next
    /// release will use, at a host that is not up yet, or at a typo makes every request below
    /// that path fail with 503 the moment the configuration is reloaded. A removed `ProxyPass`
    /// lets the requests fall through to the document root (404s, or files that should never be
    /// served).
    ///
    /// Approximations: `ProxyPassMatch` and balancer members are not followed; a path that a
    /// more general entry now shadows is `proxypass-shadowed`'s finding.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ProxyPass /api/ http://127.0.0.1:8090/
    /// ```
    ///
    /// ```apache
    /// # after
    /// # switch the backend when the new service is up
    /// ProxyPass /api/ http://127.0.0.1:8081/
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass>
    pub PROXYPASS_BACKEND_CHANGED = {
        code: "AL219",
        name: "proxypass-backend-changed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ProxypassBackendChanged;

impl Rule for ProxypassBackendChanged {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PROXYPASS_BACKEND_CHANGED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        let mut seen = HashSet::new();
        for pair in changed_sites(&old_side, &new_side) {
            let old_table = ProxyTable::of(&old_side, vhost_node(&old_side, pair.old), "ProxyPass");
            let table = ProxyTable::of(&new_side, vhost_node(&new_side, pair.new), "ProxyPass");
            for old in old_table.routes() {
                let Some(old_url) = &old.url else { continue };
                let probe = old.probe();
                if old_table.route(&probe).is_none_or(|w| w.node != old.node) {
                    continue;
                }
                let still_there = table.routes().any(|r| r.same_as(old));
                let now = table.route(&probe);
                let (message, severity, now_node) = match now {
                    Some(r) if r.url.as_deref() == Some(old_url.as_str()) => continue,
                    // Another entry took over while this one remains:
                    // shadowing, reported by proxypass-shadowed.
                    Some(_) if still_there => continue,
                    Some(r) => match &r.url {
                        Some(url) if backend(url) != backend(old_url) => (
                            format!(
                                "requests for {} now go to {url} instead of {old_url}: if nothing answers there yet, they fail with 503",
                                site_url(&new_side, pair.new, &old.path)
                            ),
                            Severity::Error,
                            Some(r.node),
                        ),
                        Some(url) => (
                            format!(
                                "requests for {} now reach the backend as {url}… instead of {old_url}…: check the backend serves those paths",
                                site_url(&new_side, pair.new, &old.path)
                            ),
                            Severity::Warning,
                            Some(r.node),
                        ),
                        None => (
                            format!(
                                "requests for {} are no longer proxied to {old_url}: `{}` excludes them, so the document root answers",
                                site_url(&new_side, pair.new, &old.path),
                                r.describe()
                            ),
                            Severity::Warning,
                            Some(r.node),
                        ),
                    },
                    None => (
                        format!(
                            "requests for {} are no longer proxied to {old_url}: the document root answers them now (likely 404)",
                            site_url(&new_side, pair.new, &old.path)
                        ),
                        Severity::Warning,
                        None,
                    ),
                };
                if !seen.insert((old.node, now_node)) {
                    continue;
                }
                let f = ctx.report_change(
                    now_node.map(|id| (id, ctx.node(id).span)),
                    Some((old.node, base.config.node(old.node).span)),
                    message,
                );
                f.severity = severity;
                f.stage = Stage::Request;
                f.help = Some(
                    "make sure the new backend answers before this configuration is deployed, or keep the known-good target until it does"
                        .to_string(),
                );
            }
        }
    }
}
