//! `AL233` hsts-escalated.

use std::collections::BTreeMap;

use crate::rules::context::{Context, Rule};

use super::perdir::{Origin, comparable, listing, merged, sides, site_url};
use super::security_header_removed::{parse_header, security_headers};

crate::declare_rule! {
    /// ## What it does
    /// Compares the `Strict-Transport-Security` header each site sends on both sides of the
    /// change and reports an escalation: `includeSubDomains` or `preload` added, or `max-age`
    /// raised more than tenfold (to over a day).
    ///
    /// ## Why is this risky?
    /// Browsers remember HSTS for `max-age` seconds and cannot be told to forget early.
    /// `includeSubDomains` extends the promise to every subdomain — an intranet host or a
    /// legacy service without a certificate becomes unreachable for every visitor of the main
    /// site; `preload` puts the domain into the browsers' built-in lists, which takes months to
    /// undo. Roll HSTS out in steps, with a short `max-age` first.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Header always set Strict-Transport-Security "max-age=63072000; includeSubDomains; preload"
    /// ```
    ///
    /// ```apache
    /// # after
    /// Header always set Strict-Transport-Security "max-age=300"
    /// # raise max-age step by step; add includeSubDomains once every subdomain has HTTPS
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_headers.html#header>
    /// - <https://datatracker.ietf.org/doc/html/rfc6797>
    /// - <https://hstspreload.org/#deployment-recommendations>
    pub HSTS_ESCALATED = {
        code: "AL233",
        name: "hsts-escalated",
        family: Change,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct HstsEscalated;

/// One candidate `Header` line's escalation: the known-good line, what got
/// stricter, the sites.
type Escalation = (Option<crate::load::tree::NodeId>, Vec<String>, Vec<String>);

/// The parts of a Strict-Transport-Security value that matter here.
#[derive(Debug, Default, PartialEq, Eq)]
struct Hsts {
    max_age: Option<u64>,
    include_subdomains: bool,
    preload: bool,
}

fn parse_hsts(value: &str) -> Hsts {
    let mut h = Hsts::default();
    for part in value
        .split(';')
        .map(|p| p.trim().trim_matches('"').to_ascii_lowercase())
    {
        if let Some(age) = part.strip_prefix("max-age=") {
            h.max_age = age.trim_matches('"').parse().ok();
        } else if part == "includesubdomains" {
            h.include_subdomains = true;
        } else if part == "preload" {
            h.preload = true;
        }
    }
    h
}

/// What got stricter, in words; empty when nothing did.
fn escalations(old: Option<&Hsts>, new: &Hsts) -> Vec<String> {
    let mut out = Vec::new();
    if new.include_subdomains && !old.is_some_and(|o| o.include_subdomains) {
        out.push("includeSubDomains".to_string());
    }
    if new.preload && !old.is_some_and(|o| o.preload) {
        out.push("preload".to_string());
    }
    if let (
        Some(Hsts {
            max_age: Some(before),
            ..
        }),
        Some(after),
    ) = (old, new.max_age)
        && after > 86_400
        && after / 10 > *before
    {
        out.push(format!("max-age {before} → {after} s"));
    }
    out
}

const HSTS: &str = "strict-transport-security";

impl Rule for HstsEscalated {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &HSTS_ESCALATED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((old, new)) = sides(ctx) else { return };
        // One finding per candidate Header line: (old node, what, sites).
        let mut groups: BTreeMap<u32, Escalation> = BTreeMap::new();
        for probe in comparable(&old, &new) {
            let after = security_headers(&merged(&new, &probe.new, &["Header"]));
            let Some(setting) = after.get(HSTS) else {
                continue;
            };
            let Origin::Node(new_id) = setting.origin else {
                continue;
            };
            let Some(value) = parse_header(&setting.args).and_then(|h| h.value) else {
                continue;
            };
            let before = security_headers(&merged(&old, &probe.old, &["Header"]));
            let old_setting = before.get(HSTS);
            let old_value = old_setting
                .and_then(|s| parse_header(&s.args).and_then(|h| h.value))
                .map(parse_hsts);
            let what = escalations(old_value.as_ref(), &parse_hsts(value));
            if what.is_empty() {
                continue;
            }
            let old_id = old_setting.and_then(|s| match s.origin {
                Origin::Node(id) => Some(id),
                Origin::Htaccess(..) => None,
            });
            let entry = groups
                .entry(new_id.0)
                .or_insert_with(|| (old_id, what, Vec::new()));
            let site = site_url(&new, probe.site.new, "/");
            if !entry.2.contains(&site) {
                entry.2.push(site);
            }
        }
        for (new_id, (old_id, what, sites)) in groups {
            let new_id = crate::load::tree::NodeId(new_id);
            let new_side = Some((new_id, ctx.node(new_id).span));
            let old_side = old_id.map(|id| (id, old.config.node(id).span));
            let f = ctx.report_change(
                new_side,
                old_side,
                format!(
                    "browsers will enforce HTTPS harder for {} and cannot be told to forget: Strict-Transport-Security gains {}",
                    listing(&sites, 3),
                    what.join(", ")
                ),
            );
            f.help = Some("roll HSTS out in steps (short max-age first); add includeSubDomains only when every subdomain serves HTTPS, preload last".to_string());
        }
    }
}
