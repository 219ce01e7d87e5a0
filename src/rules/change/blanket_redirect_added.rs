//! `AL224` blanket-redirect-added.

use crate::finding::{Severity, Stage};
use crate::rules::context::{Context, Rule};

use super::perdir::{changed_sites, listing, sides, site_url};
use super::rewrite::{blanket_redirect, entry_requests, hop};

crate::declare_rule! {
    /// ## What it does
    /// Reports a vhost that served its own pages in the known-good configuration and now
    /// redirects every path — `Redirect /`, `RedirectMatch .*`, an unconditional
    /// `RewriteRule ^ … [R]` — and, as an error, one whose redirect comes back to the same vhost:
    /// a redirect to itself that browsers follow until they give up ("too many redirects").
    ///
    /// ## Why is this risky?
    /// A redirect of the canonical name added to the vhost that also serves that name (`Redirect
    /// permanent / http://www.shop.example/` in the vhost with `ServerAlias www.shop.example`)
    /// turns every page into a loop; `apache2 -t` cannot know. Any other blanket redirect means
    /// the site's own pages are no longer served from this host (a warning: it may be the
    /// point). An `http` → `https` redirect of the same names is left to
    /// `https-redirect-without-tls-vhost`.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    ///     ServerAlias www.shop.example
    ///     Redirect permanent / http://www.shop.example/
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    ///     Redirect permanent / http://www.shop.example/
    /// </VirtualHost>
    /// <VirtualHost *:80>
    ///     ServerName www.shop.example
    ///     DocumentRoot /var/www/shop.example/public
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_alias.html#redirect>
    /// - <https://httpd.apache.org/docs/2.4/rewrite/remapping.html#canonicalhost>
    pub BLANKET_REDIRECT_ADDED = {
        code: "AL224",
        name: "blanket-redirect-added",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct BlanketRedirectAdded;

impl Rule for BlanketRedirectAdded {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &BLANKET_REDIRECT_ADDED
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
            let Some(redirect) = blanket_redirect(&new_side, ctx.vhosts.vhosts[n].node) else {
                continue;
            };
            if blanket_redirect(&old_side, base.vhosts.vhosts[o].node).is_some() {
                continue;
            }
            let mut looping = Vec::new();
            // Whether every name is only sent to its https twin.
            let mut upgrades: Option<bool> = None;
            for request in entry_requests(&new_side, n) {
                let Some(first) = hop(&new_side, &request) else {
                    continue;
                };
                let upgrade = first.next.scheme == "https"
                    && request.scheme == "http"
                    && first.next.host == request.host;
                upgrades = Some(upgrades.unwrap_or(true) && upgrade);
                if hop(&new_side, &first.next).is_some_and(|second| second.vhost == n) {
                    looping.push(request.host.clone());
                }
            }
            let site = site_url(&new_side, Some(n), "");
            let (message, severity) = if !looping.is_empty() {
                (
                    format!(
                        "every request for {} is redirected to {}, which this same vhost answers with the same redirect: browsers loop until they give up",
                        listing(&looping, 3),
                        redirect.url
                    ),
                    Severity::Error,
                )
            } else if upgrades == Some(true) {
                continue;
            } else {
                (
                    format!(
                        "{site} no longer serves its own pages: every request is now redirected to {}",
                        redirect.url
                    ),
                    Severity::Warning,
                )
            };
            let span = ctx.node(redirect.node).span;
            let f = ctx.report_change(Some((redirect.node, span)), None, message);
            f.severity = severity;
            f.stage = Stage::Request;
            f.help = Some(if severity == Severity::Error {
                "redirect only the names that should go elsewhere: give the target name its own vhost (or drop it from this one), or guard the rule with `RewriteCond %{HTTP_HOST} !^www\\.`".to_string()
            } else {
                "make sure the target serves these pages, or limit the redirect to the paths that moved".to_string()
            });
        }
    }
}
