//! Per-server settings across the two sides ([`Side`], [`Site`] of
//! `perdir`): the directive that sets a value for a server — the vhost's
//! own, else the main server's (httpd merges per-server settings from the
//! main server into every vhost that does not set them) — and how it
//! changed for each site.

use std::collections::HashMap;

use crate::load::tree::{Config, NodeId};
use crate::rules::context::Context;

use super::perdir::{changed_sites, Side, Site, main_serves, named_in, site_url, sites};

/// The `<VirtualHost>` node of a site on a side (`None`: the main server).
pub(crate) fn vhost_node(side: &Side<'_>, vhost: Option<usize>) -> Option<NodeId> {
    vhost.map(|i| side.vhosts.vhosts[i].node)
}

/// The directive that sets a single-valued per-server setting (any of
/// `names`, for a directive with an old spelling) for a vhost (`None`: the
/// main server): its own last one, else the main server's.
pub(crate) fn setting(side: &Side<'_>, vhost: Option<NodeId>, names: &[&str]) -> Option<NodeId> {
    vhost
        .and_then(|v| named_in(side, v, names).pop())
        .or_else(|| named_in(side, side.config.root, names).pop())
}

/// The sites by their candidate side (`None`: the main server).
pub(crate) fn counterparts(old: &Side<'_>, new: &Side<'_>) -> HashMap<Option<usize>, Site> {
    sites(old, new).into_iter().map(|s| (s.new, s)).collect()
}

/// The servers of a side: the main server (`None`) when it answers some
/// address, and every vhost.
pub(crate) fn servers(side: &Side<'_>) -> Vec<Option<usize>> {
    let main = main_serves(side).then_some(None);
    main.into_iter()
        .chain((0..side.vhosts.vhosts.len()).map(Some))
        .collect()
}

/// The site a node belongs to: its vhost's index (`None`: the main server).
pub(crate) fn site_of(side: &Side<'_>, id: NodeId) -> Option<usize> {
    let vhost = side.config.enclosing_vhost(id)?;
    side.vhosts.vhosts.iter().position(|v| v.node == vhost)
}

/// A per-server setting set differently on the two sides: the directive
/// on each side (`None`: the default), the sites it does so for and their
/// names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SettingChange {
    pub old: Option<NodeId>,
    pub new: Option<NodeId>,
    pub sites: Vec<Site>,
    pub names: Vec<String>,
}

/// Every way a per-server setting (any of `names`) differs between the
/// known-good configuration and the candidate, grouped by the directives
/// responsible, with the sites affected.
pub(crate) fn setting_changes(
    old: &Side<'_>,
    new: &Side<'_>,
    names: &[&str],
) -> Vec<SettingChange> {
    setting_changes_by(old, new, |side, vhost| setting(side, vhost, names))
}

/// [`setting_changes`] with the directive in force found by `find` (for a
/// vhost, or `None` for the main server).
pub(crate) fn setting_changes_by(
    old_side: &Side<'_>,
    new_side: &Side<'_>,
    find: impl Fn(&Side<'_>, Option<NodeId>) -> Option<NodeId>,
) -> Vec<SettingChange> {
    let value = |config: &Config, id: Option<NodeId>| {
        id.map(|id| {
            config
                .raw_args(id)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_lowercase()
        })
    };
    let mut out: Vec<SettingChange> = Vec::new();
    let mut groups: HashMap<(Option<NodeId>, Option<NodeId>), usize> = HashMap::new();
    for site in changed_sites(old_side, new_side) {
        let old = find(old_side, vhost_node(old_side, site.old));
        let new = find(new_side, vhost_node(new_side, site.new));
        if value(old_side.config, old) == value(new_side.config, new) {
            continue;
        }
        let group = *groups.entry((old, new)).or_insert_with(|| {
            out.push(SettingChange {
                old,
                new,
                sites: Vec::new(),
                names: Vec::new(),
            });
            out.len() - 1
        });
        out[group].sites.push(site);
        out[group].names.push(site_url(new_side, site.new, ""));
    }
    out
}

/// Reports a setting change: primary on the candidate's directive — or,
/// when the setting fell back to the default or to the main server's value
/// because a vhost's own directive was removed, where that one was.
pub(crate) fn report_setting<'c>(
    ctx: &'c mut Context<'_>,
    change: &SettingChange,
    message: String,
) -> Option<&'c mut crate::finding::Finding> {
    let base = ctx.baseline?;
    let override_removed = change.old.is_some_and(|o| {
        base.config.enclosing_vhost(o).is_some()
            && change
                .new
                .is_some_and(|n| ctx.config.enclosing_vhost(n).is_none())
    });
    let new = change
        .new
        .filter(|_| !override_removed)
        .map(|id| (id, ctx.node(id).span));
    let old = change.old.map(|id| (id, base.config.node(id).span));
    Some(ctx.report_change(new, old, message))
}
