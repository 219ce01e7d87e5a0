//! `AL208` access-tightened.

use std::collections::BTreeMap;

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::access::{access_changes, decider_text, describe_clients};
use super::perdir::{listing, sides, site_url};

crate::declare_rule! {
    /// ## What it does
    /// Computes, for every site on both sides of the change, who may reach its document root
    /// and each `<Location>`, `<Directory>` and `Alias` path — the `Require` rules merged as
    /// httpd merges them (`<Directory>` by depth, then `<Location>`; a section with its own
    /// `Require` replaces its parent's) — and reports a path that admitted some clients in the
    /// known-good configuration and refuses them now: `Require all denied` on a parent
    /// directory, an address dropped from `Require ip`, authentication added, or a
    /// `Require all granted` removed.
    ///
    /// ## Why is this risky?
    /// `apache2 -t` cannot know who is supposed to get in. The server starts, and the site (or
    /// the monitoring probe, or the cron job calling an admin URL from the loopback) gets
    /// **403 Forbidden** — a "deny by default" hardening of `<Directory /var/www/>` takes down
    /// every site that relied on that grant.
    ///
    /// apachelint evaluates the rules for sample clients (each address the rules name, the
    /// loopback, any other address; anonymous or logged in). `Require host`, `env`, `expr`,
    /// `method`, `<If>` and `.htaccess` authorization are not evaluated: they never count as
    /// a change.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location /admin>
    ///     Require ip 127.0.0.1 198.51.100.0/24
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location /admin>
    ///     Require ip 198.51.100.0/24
    /// </Location>
    /// # the cron job calling http://shop.example/admin/cron from 127.0.0.1 now gets 403
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_authz_core.html#require>
    /// - <https://httpd.apache.org/docs/2.4/sections.html#merging>
    pub ACCESS_TIGHTENED = {
        code: "AL208",
        name: "access-tightened",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct AccessTightened;

impl Rule for AccessTightened {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ACCESS_TIGHTENED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((old, new)) = sides(ctx) else { return };
        // One finding per pair of deciding directives, listing the requests.
        type Key = (Option<NodeId>, Option<NodeId>);
        let mut groups: BTreeMap<Key, Vec<(String, String, bool)>> = BTreeMap::new();
        for change in access_changes(&old, &new) {
            if change.closed.is_empty() {
                continue;
            }
            let url = site_url(&new, change.site.new, &change.url);
            groups
                .entry((change.new_decider, change.old_decider))
                .or_default()
                .push((url, describe_clients(&change.closed), change.login_now));
        }
        for ((new_decider, old_decider), requests) in groups {
            let urls: Vec<String> = requests.iter().map(|(u, _, _)| u.clone()).collect();
            let mut whom: Vec<String> = requests.iter().map(|(_, w, _)| w.clone()).collect();
            whom.dedup();
            let whom = match whom.as_slice() {
                [one] if one != "from every address" => format!(" {one}"),
                _ => String::new(),
            };
            let status = if requests.iter().all(|(_, _, login)| *login) {
                "401 (a login is now required)"
            } else {
                "403"
            };
            let now = decider_text(new.config, new_decider);
            let was = decider_text(old.config, old_decider);
            let rule = if now == was {
                format!("the Require lines starting with `{now}` changed")
            } else {
                format!("`{now}` now decides access there (was `{was}`)")
            };
            let message = format!(
                "requests for {}{whom} will answer {status}: {rule}",
                listing(&urls, 3)
            );
            let new_side = new_decider.map(|id| (id, ctx.node(id).span));
            let old_side = old_decider.map(|id| (id, old.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, message);
            f.primary_label =
                Some("refuses requests the known-good configuration admitted".to_string());
            f.help = Some(format!(
                "grant the paths that must keep working (e.g. `Require all granted` in their own <Directory> or <Location>), or restore `{was}`"
            ));
        }
    }
}
