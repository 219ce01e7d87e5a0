//! `AL208` access-tightened.

use std::collections::BTreeMap;

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::access::{access_changes, decider_change, decider_text, describe_clients};
use super::perdir::{listing, sides, site_url};

crate::declare_rule! {
    /// ## What it does
    /// Reports a served path that admitted some clients in the known-good configuration and
    /// refuses them now: `Require all denied` on a parent directory, an address dropped from
    /// `Require ip`, authentication added, or a `Require all granted` removed.
    ///
    /// For every site on both sides of the change it computes who may reach the document
    /// root and each `<Location>`, `<Directory>` and `Alias` path — the `Require` rules merged
    /// as httpd merges them (`<Directory>` by depth, then `<Location>`; a section with its own
    /// `Require` replaces its parent's).
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
    /// # before (the known-good version also admitted 127.0.0.1, where the
    /// # cron job calling http://shop.example/admin/cron runs)
    /// <Location /admin>
    ///     Require ip 198.51.100.0/24
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location /admin>
    ///     Require ip 127.0.0.1 198.51.100.0/24
    /// </Location>
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

/// Requests one change of the deciding directives closes.
struct Closed {
    rule: String,
    urls: Vec<String>,
    whom: Vec<String>,
    /// Every one of them is admitted after a login.
    login_now: bool,
}

impl Default for Closed {
    fn default() -> Self {
        Closed {
            rule: String::new(),
            urls: Vec::new(),
            whom: Vec::new(),
            login_now: true,
        }
    }
}

impl Rule for AccessTightened {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ACCESS_TIGHTENED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((old, new)) = sides(ctx) else { return };
        // One finding per pair of deciding directives, listing the requests.
        let mut groups: BTreeMap<(Option<NodeId>, Option<NodeId>), Closed> = BTreeMap::new();
        for change in access_changes(&old, &new) {
            if change.closed.is_empty() {
                continue;
            }
            let group = groups
                .entry((change.new_decider, change.old_decider))
                .or_insert_with(|| Closed {
                    rule: decider_change(&old, &change, &new),
                    ..Closed::default()
                });
            group
                .urls
                .push(site_url(&new, change.site.new, &change.url));
            group.whom.push(describe_clients(&change.closed));
            group.login_now &= change.login_now;
        }
        for ((new_decider, old_decider), group) in groups {
            let mut whom = group.whom;
            whom.dedup();
            let whom = match whom.as_slice() {
                [one] if one != "from every address" => format!(" {one}"),
                _ => String::new(),
            };
            let status = if group.login_now {
                "401 (a login is now required)"
            } else {
                "403"
            };
            let message = format!(
                "requests for {}{whom} will answer {status}: {}",
                listing(&group.urls, 3),
                group.rule
            );
            let new_side = new_decider.map(|id| (id, ctx.node(id).span));
            let old_side = old_decider.map(|id| (id, old.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, message);
            f.primary_label =
                Some("refuses requests the known-good configuration admitted".to_string());
            f.help = Some(format!(
                "grant the paths that must keep working (e.g. `Require all granted` in their own <Directory> or <Location>), or restore `{}`",
                decider_text(old.config, old_decider)
            ));
        }
    }
}
