//! Servers across the two configurations — the main server and each vhost,
//! paired by identity — and the directive that sets a per-server value for
//! each: the vhost's own, else the main server's (httpd merges per-server
//! settings from the main server into every vhost that does not set them).

use std::collections::HashMap;

use crate::diff::routing::identity;
use crate::load::tree::{Config, NodeId};
use crate::model::vhosts::VhostMap;
use crate::rules::context::{Baseline, Context};

/// One side of a change check: a configuration, its vhost map, and the
/// main server's own directives and sections by name (collected once, so
/// that looking up a main-server setting for every vhost stays cheap).
pub(crate) struct View<'a> {
    pub config: &'a Config,
    pub vhosts: &'a VhostMap,
    main: HashMap<String, Vec<NodeId>>,
}

impl<'a> View<'a> {
    fn new(config: &'a Config, vhosts: &'a VhostMap) -> View<'a> {
        let mut main: HashMap<String, Vec<NodeId>> = HashMap::new();
        for id in config.effective(config.root) {
            let n = config.node(id);
            let key = if n.is_directive() {
                n.name.to_ascii_lowercase().to_string()
            } else if n.is_section() && !n.is("VirtualHost") {
                format!("<{}", n.name.to_ascii_lowercase())
            } else {
                continue;
            };
            main.entry(key).or_default().push(id);
        }
        View {
            config,
            vhosts,
            main,
        }
    }

    /// The candidate side.
    pub fn candidate(ctx: &Context<'a>) -> View<'a> {
        View::new(ctx.config, ctx.vhosts)
    }

    /// The known-good side.
    pub fn baseline(base: &'a Baseline<'a>) -> View<'a> {
        View::new(base.config, base.vhosts)
    }

    /// Active directives (or, with a `<` prefix, sections) named one of
    /// `names` directly in `container` — the root or a section — in order:
    /// includes and true conditionals are flattened; nested sections (and,
    /// for the root, the vhosts) are not entered.
    pub fn own(&self, container: NodeId, names: &[&str]) -> Vec<NodeId> {
        if container == self.config.root {
            let mut out: Vec<NodeId> = names
                .iter()
                .filter_map(|name| self.main.get(&name.to_ascii_lowercase()))
                .flatten()
                .copied()
                .collect();
            out.sort();
            return out;
        }
        let config = self.config;
        config
            .effective(container)
            .into_iter()
            .filter(|&id| {
                let n = config.node(id);
                names.iter().any(|name| match name.strip_prefix('<') {
                    Some(section) => n.is_section() && n.is(section),
                    None => n.is_directive() && n.is(name),
                })
            })
            .collect()
    }

    /// The directive that sets a single-valued per-server setting (any of
    /// `names`, for a directive with an old spelling) for a vhost (`None`:
    /// the main server): its own last one, else the main server's.
    pub fn setting(&self, vhost: Option<NodeId>, names: &[&str]) -> Option<NodeId> {
        vhost
            .and_then(|v| self.own(v, names).pop())
            .or_else(|| self.own(self.config.root, names).pop())
    }
}

/// A server present on both sides: a vhost (its index in each side's map)
/// or the main server (both `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ServerPair {
    pub old: Option<usize>,
    pub new: Option<usize>,
}

impl ServerPair {
    /// The `<VirtualHost>` node on the candidate side (`None`: main server).
    pub fn new_node(&self, ctx: &Context<'_>) -> Option<NodeId> {
        self.new.map(|i| ctx.vhosts.vhosts[i].node)
    }

    /// The `<VirtualHost>` node on the known-good side.
    pub fn old_node(&self, base: &Baseline<'_>) -> Option<NodeId> {
        self.old.map(|i| base.vhosts.vhosts[i].node)
    }
}

/// The server pairs by their candidate side (`None`: the main server).
pub(crate) fn counterparts(
    ctx: &Context<'_>,
    base: &Baseline<'_>,
) -> HashMap<Option<usize>, ServerPair> {
    server_pairs(ctx, base)
        .into_iter()
        .map(|p| (p.new, p))
        .collect()
}

/// Whether the main server answers some listened address (one no vhost
/// covers), or is all there is.
fn main_serves(map: &VhostMap) -> bool {
    map.vhosts.is_empty()
        || map
            .listens
            .iter()
            .any(|l| map.route(l.ip, l.port, None).is_none())
}

/// The servers present on both sides: the main server when it answers some
/// address on both, and every vhost whose addresses and identity
/// (ServerName, or file and place) are claimed once on each side.
pub(crate) fn server_pairs(ctx: &Context<'_>, base: &Baseline<'_>) -> Vec<ServerPair> {
    let mut out = Vec::new();
    if main_serves(base.vhosts) && main_serves(ctx.vhosts) {
        out.push(ServerPair {
            old: None,
            new: None,
        });
    }
    let unique = |config: &Config, map: &VhostMap| {
        let mut keys: HashMap<String, Option<usize>> = HashMap::new();
        for i in 0..map.vhosts.len() {
            let mut addrs: Vec<String> = map.vhosts[i].addrs.iter().map(|a| a.display()).collect();
            addrs.sort();
            keys.entry(format!("{} {}", addrs.join(" "), identity(config, map, i)))
                .and_modify(|e| *e = None)
                .or_insert(Some(i));
        }
        keys
    };
    let old_keys = unique(base.config, base.vhosts);
    let mut vhosts: Vec<ServerPair> = unique(ctx.config, ctx.vhosts)
        .into_iter()
        .filter_map(|(key, new)| match (new, old_keys.get(&key)) {
            (Some(n), Some(Some(o))) => Some(ServerPair {
                old: Some(*o),
                new: Some(n),
            }),
            _ => None,
        })
        .collect();
    vhosts.sort_by_key(|p| p.new);
    out.extend(vhosts);
    out
}

/// How a message names a site: `shop.example:443`, `the main server`.
pub(crate) fn site_name(map: &VhostMap, vhost: Option<usize>) -> String {
    let Some(i) = vhost else {
        return "the main server".to_string();
    };
    let v = &map.vhosts[i];
    let name = map.display_name(v);
    match v.addrs.first().and_then(|a| a.port) {
        Some(port) => format!("{name}:{port}"),
        None => name,
    }
}

/// The servers of the candidate: the main server (`None`) when it answers
/// some address, and every vhost.
pub(crate) fn candidate_servers(ctx: &Context<'_>) -> Vec<Option<usize>> {
    let main = main_serves(ctx.vhosts).then_some(None);
    main.into_iter()
        .chain((0..ctx.vhosts.vhosts.len()).map(Some))
        .collect()
}

/// The server a node belongs to: its vhost's index (`None`: the main
/// server).
pub(crate) fn server_of(config: &Config, map: &VhostMap, id: NodeId) -> Option<usize> {
    let vhost = config.enclosing_vhost(id)?;
    map.vhosts.iter().position(|v| v.node == vhost)
}

/// How a message names a URL path of a site: `shop.example/api/`,
/// `https://shop.example/api/`, `shop.example:8080/api/`, `/api/ of the
/// main server`.
pub(crate) fn site_url(map: &VhostMap, vhost: Option<usize>, path: &str) -> String {
    let Some(i) = vhost else {
        return format!("{path} of the main server");
    };
    let v = &map.vhosts[i];
    let name = map.display_name(v);
    match v.addrs.first().and_then(|a| a.port) {
        Some(443) => format!("https://{name}{path}"),
        Some(80) | None => format!("{name}{path}"),
        Some(port) => format!("{name}:{port}{path}"),
    }
}

/// At most `max` items, then how many more: `a, b and 3 more`.
pub(crate) fn listing(items: &[String], max: usize) -> String {
    let mut shown: Vec<String> = items.iter().take(max).cloned().collect();
    if items.len() > max {
        shown.push(format!("{} more", items.len() - max));
    }
    match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A per-server setting set differently on the two sides: the directive
/// on each side (`None`: the default), the servers it does so for and their
/// names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SettingChange {
    pub old: Option<NodeId>,
    pub new: Option<NodeId>,
    pub servers: Vec<ServerPair>,
    pub sites: Vec<String>,
}

/// Every way a per-server setting (any of `names`) differs between the
/// known-good configuration and the candidate, grouped by the directives
/// responsible, with the sites affected.
pub(crate) fn setting_changes(
    ctx: &Context<'_>,
    base: &Baseline<'_>,
    names: &[&str],
) -> Vec<SettingChange> {
    setting_changes_by(ctx, base, |view, vhost| view.setting(vhost, names))
}

/// [`setting_changes`] with the directive in force found by `find` (for a
/// vhost, or `None` for the main server).
pub(crate) fn setting_changes_by(
    ctx: &Context<'_>,
    base: &Baseline<'_>,
    find: impl Fn(&View<'_>, Option<NodeId>) -> Option<NodeId>,
) -> Vec<SettingChange> {
    let (old_view, new_view) = (View::baseline(base), View::candidate(ctx));
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
    for pair in server_pairs(ctx, base) {
        let old = find(&old_view, pair.old_node(base));
        let new = find(&new_view, pair.new_node(ctx));
        if value(base.config, old) == value(ctx.config, new) {
            continue;
        }
        let site = site_name(ctx.vhosts, pair.new);
        let group = *groups.entry((old, new)).or_insert_with(|| {
            out.push(SettingChange {
                old,
                new,
                servers: Vec::new(),
                sites: Vec::new(),
            });
            out.len() - 1
        });
        out[group].servers.push(pair);
        out[group].sites.push(site);
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
