//! `AL209` access-loosened.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::access::{access_changes, decider_change, describe_clients};
use super::perdir::{listing, sides, site_url};

crate::declare_rule! {
    /// ## What it does
    /// The counterpart of access-tightened: reports a path (document root, `<Location>`,
    /// `<Directory>`, `Alias`) that refused some clients in the known-good configuration and
    /// admits them now — `Require all granted` replacing an address list, authentication
    /// removed, an address range added. An error when the path looks administrative
    /// (`/admin`, `/backoffice`, `/server-status`, `/phpmyadmin` …) or serves a status or
    /// manager handler; a warning otherwise, for a security review.
    ///
    /// ## Why is this risky?
    /// Nothing breaks, so nobody notices: a "temporary" `Require all granted` for an agency
    /// puts the back office on the internet. The server log shows successful requests, not an
    /// incident.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location /admin>
    ///     Require all granted
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location /admin>
    ///     Require ip 127.0.0.1 198.51.100.0/24
    ///     Require ip 203.0.113.0/24
    /// </Location>
    /// # (add the agency's addresses, or give it a login)
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_authz_core.html#require>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 4.2 (access appropriate)
    pub ACCESS_LOOSENED = {
        code: "AL209",
        name: "access-loosened",
        family: Change,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct AccessLoosened;

/// Path segments of administrative areas (besides anything containing
/// `admin`).
const ADMIN_WORDS: [&str; 10] = [
    "backoffice",
    "back-office",
    "manage",
    "manager",
    "management",
    "dashboard",
    "server-status",
    "server-info",
    "balancer-manager",
    "internal",
];

/// Handlers that expose the server itself.
const ADMIN_HANDLERS: [&str; 3] = ["server-status", "server-info", "balancer-manager"];

/// Whether a URL path looks administrative.
fn admin_like(url: &str) -> bool {
    url.split('/').any(|segment| {
        let s = segment.to_ascii_lowercase();
        ADMIN_WORDS.contains(&s.as_str()) || s.contains("admin")
    })
}

impl Rule for AccessLoosened {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ACCESS_LOOSENED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((old, new)) = sides(ctx) else { return };
        // Deciding directives → (what decides, URLs, whom, sensitive).
        type Opened = (String, Vec<String>, Vec<String>, bool);
        let mut groups: BTreeMap<(Option<NodeId>, Option<NodeId>), Opened> = BTreeMap::new();
        for change in access_changes(&old, &new) {
            if change.opened.is_empty() {
                continue;
            }
            let sensitive = admin_like(&change.url)
                || change.new_decider.is_some_and(|d| {
                    let section = ctx.config.enclosing_section(d);
                    section.is_some_and(|s| {
                        ctx.config.effective(s).into_iter().any(|c| {
                            let n = ctx.node(c);
                            n.is("SetHandler")
                                && n.arg(0).is_some_and(|h| {
                                    ADMIN_HANDLERS.iter().any(|a| a.eq_ignore_ascii_case(h))
                                })
                        })
                    })
                });
            let entry = groups
                .entry((change.new_decider, change.old_decider))
                .or_insert_with(|| {
                    (
                        decider_change(&old, &change, &new),
                        Vec::new(),
                        Vec::new(),
                        false,
                    )
                });
            entry.1.push(site_url(&new, change.site.new, &change.url));
            entry.2.push(describe_clients(&change.opened));
            entry.3 |= sensitive;
        }
        for ((new_decider, old_decider), (rule, urls, mut whom, sensitive)) in groups {
            whom.sort();
            whom.dedup();
            let whom = if whom.iter().any(|w| w == "from every address") {
                "to every address".to_string()
            } else {
                whom.iter()
                    .map(|w| w.replacen("from ", "to ", 1).replacen("for ", "to ", 1))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let message = format!(
                "{} {} now open {whom}: {rule}",
                listing(&urls, 3),
                if urls.len() == 1 { "is" } else { "are" }
            );
            let new_side = new_decider.map(|id| (id, ctx.node(id).span));
            let old_side = old_decider.map(|id| (id, old.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, message);
            if sensitive {
                f.severity = Severity::Error;
            }
            f.primary_label =
                Some("admits clients the known-good configuration refused".to_string());
            f.help = Some(
                "if this is meant, name the addresses (`Require ip …`) or require a login instead of opening the path to everyone"
                    .to_string(),
            );
        }
    }
}
