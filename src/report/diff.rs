//! The semantic diff report (`apachelint diff OLD NEW`): what changed, by
//! scope and identity (see [`crate::diff`]), and which requests another
//! virtual host answers now (see [`crate::diff::routing`]).
//!
//! # Wire format (version 1)
//!
//! ```json
//! {
//!   "version": 1,
//!   "old": "known-good/etc/apache2/apache2.conf",
//!   "new": "candidate/etc/apache2/apache2.conf",
//!   "changes": [
//!     {
//!       "scope": "vhost shop.example (*:443)",
//!       "kind": "modified",
//!       "directive": "AllowOverride",
//!       "old": {"value": "AllowOverride All", "file": "known-good/etc/apache2/sites-enabled/shop.conf", "line": 27},
//!       "new": {"value": "AllowOverride AuthConfig Indexes", "file": "candidate/etc/apache2/sites-enabled/shop.conf", "line": 30}
//!     }
//!   ],
//!   "routing": [
//!     {"request": "www.shop.example on port 80", "old": "shop.example (sites-enabled/shop.conf:1)",
//!      "new": "campaign.example (sites-enabled/000-campaign.conf:1)"}
//!   ],
//!   "summary": {"changes": 1, "scopes": 1, "rerouted": 1}
//! }
//! ```
//!
//! - `kind` is `added`, `removed`, `modified`, `reordered`, `scope-added` or
//!   `scope-removed`; `old`/`new` is `null` on the side that has no node.
//! - `directive` is the directive's name as httpd's documentation spells it
//!   (empty for a scope change).
//! - `value` is the directive with its arguments after `${VAR}`
//!   substitution, whitespace collapsed (for a scope change: the section's
//!   opening line).
//! - New fields may be added within version 1; none is removed or renamed.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::{Value, json};

use crate::diff::routing::Reroute;
use crate::diff::{Change, ChangeKind};
use crate::load::tree::{Config, NodeId};
use crate::model::vhosts::VhostMap;

use super::plan::count;

/// Both versions and what the diff found.
pub struct DiffReport<'a> {
    pub old: &'a Config,
    pub new: &'a Config,
    pub old_vhosts: &'a VhostMap,
    pub new_vhosts: &'a VhostMap,
    pub changes: &'a [Change],
    pub reroutes: &'a [Reroute],
}

impl DiffReport<'_> {
    /// The human report: changes grouped by scope, `~`/`+`/`-` per
    /// directive with both places, then the rerouted requests.
    pub fn human(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() && self.reroutes.is_empty() {
            out.push_str("No change: both configurations have the same effect.\n");
            return out;
        }
        let mut scope = None;
        for change in self.changes {
            if scope != Some(&change.scope) {
                scope = Some(&change.scope);
                let _ = writeln!(out, "{}", change.scope);
            }
            let name = self.directive_name(change);
            let (mark, what) = match change.kind {
                ChangeKind::Added => ('+', name),
                ChangeKind::Removed => ('-', name),
                ChangeKind::Modified => ('~', name),
                ChangeKind::Reordered => ('~', format!("{name} (order)")),
                ChangeKind::ScopeAdded => ('+', "(whole section)".to_string()),
                ChangeKind::ScopeRemoved => ('-', "(whole section)".to_string()),
            };
            let _ = writeln!(out, "  {mark} {what}");
            for (side, config, node) in
                [("was", self.old, change.old), ("now", self.new, change.new)]
            {
                if let Some(node) = node {
                    let (value, place) = describe(config, node);
                    let _ = writeln!(out, "      {side} {value}  ({place})");
                }
            }
        }
        if !self.reroutes.is_empty() {
            out.push_str("Routing\n");
            for r in self.reroutes {
                let _ = writeln!(
                    out,
                    "  {}: {} → {}",
                    r.probe.describe(),
                    vhost_label(self.old, self.old_vhosts, Some(r.old)),
                    vhost_label(self.new, self.new_vhosts, r.new)
                );
            }
        }
        let _ = writeln!(
            out,
            "{} in {}; {} answered by another vhost",
            count(self.changes.len(), "change"),
            count(self.scope_count(), "scope"),
            count(self.reroutes.len(), "request kind")
        );
        out
    }

    /// The JSON report (version 1, see the module header).
    pub fn json(&self) -> Value {
        let side = |config: &Config, node: Option<NodeId>| {
            node.map_or(Value::Null, |node| {
                let n = config.node(node);
                json!({
                    "value": value_of(config, node),
                    "file": config.sources.get(n.span.file).display_path(),
                    "line": n.line,
                })
            })
        };
        json!({
            "version": 1,
            "old": self.old.sources.get(self.old.node(self.old.root).span.file).display_path(),
            "new": self.new.sources.get(self.new.node(self.new.root).span.file).display_path(),
            "changes": self.changes.iter().map(|c| json!({
                "scope": c.scope.to_string(),
                "kind": kind_name(c.kind),
                "directive": self.directive_name(c),
                "old": side(self.old, c.old),
                "new": side(self.new, c.new),
            })).collect::<Vec<_>>(),
            "routing": self.reroutes.iter().map(|r| json!({
                "request": r.probe.describe(),
                "old": vhost_label(self.old, self.old_vhosts, Some(r.old)),
                "new": vhost_label(self.new, self.new_vhosts, r.new),
            })).collect::<Vec<_>>(),
            "summary": {
                "changes": self.changes.len(),
                "scopes": self.scope_count(),
                "rerouted": self.reroutes.len(),
            },
        })
    }

    /// The changed directive's documented spelling (`AllowOverride`).
    fn directive_name(&self, change: &Change) -> String {
        if change.name.is_empty() {
            return String::new();
        }
        self.new.canonical_name(&change.name)
    }

    fn scope_count(&self) -> usize {
        self.changes
            .iter()
            .map(|c| &c.scope)
            .collect::<BTreeSet<_>>()
            .len()
    }
}

fn kind_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Modified => "modified",
        ChangeKind::Reordered => "reordered",
        ChangeKind::ScopeAdded => "scope-added",
        ChangeKind::ScopeRemoved => "scope-removed",
    }
}

/// A node's value and `file:line`.
fn describe(config: &Config, node: NodeId) -> (String, String) {
    let n = config.node(node);
    let file = config.sources.get(n.span.file).display_path();
    (value_of(config, node), format!("{file}:{}", n.line))
}

/// A directive as written after substitution (`AllowOverride All`); for a
/// section its opening (`<Directory /srv/shop>`).
fn value_of(config: &Config, node: NodeId) -> String {
    let n = config.node(node);
    let args = config
        .raw_args(node)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if n.is_section() {
        format!("<{} {args}>", n.name)
    } else {
        format!("{} {args}", n.name).trim_end().to_string()
    }
}

/// `shop.example (sites-enabled/shop.conf:1)`, or `the main server`.
fn vhost_label(config: &Config, map: &VhostMap, index: Option<usize>) -> String {
    let Some(v) = index.and_then(|i| map.vhosts.get(i)) else {
        return "the main server".to_string();
    };
    let name = v
        .server_name
        .as_ref()
        .map_or("(no ServerName)", |n| n.name.as_str());
    let file = config.relative_config_path(config.node(v.node).span.file);
    format!("{name} ({}:{})", file.display(), v.line)
}
