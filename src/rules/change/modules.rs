//! Modules and defines across a change: which modules the known-good
//! configuration loaded with a `LoadModule` line and the candidate no longer
//! loads, how a reader names them, and where a `Define` is written.

use crate::load::tree::{Config, LoadedModule, NodeId};
use crate::model::registry;
use crate::rules::context::Context;

/// Modules the known-good configuration loaded (`LoadModule`) that the
/// candidate does not load.
pub(crate) fn removed_modules<'a>(ctx: &Context<'a>) -> Vec<&'a LoadedModule> {
    let Some(base) = ctx.baseline else {
        return Vec::new();
    };
    base.config
        .modules
        .iter()
        .filter(|m| m.node.is_some() && !ctx.config.has_module(&m.identifier))
        .collect()
}

/// `mod_headers` for `headers_module`, or the identifier when unknown.
pub(crate) fn module_name(identifier: &str) -> String {
    registry::module_by_identifier(identifier)
        .map_or_else(|| identifier.to_string(), |m| m.name.to_string())
}

/// How to bring a module back: `a2enmod headers` on Debian, else its
/// `LoadModule` line.
pub(crate) fn restore_hint(identifier: &str) -> String {
    match registry::module_by_identifier(identifier) {
        Some(m) => crate::rules::validity::enable_hint(m),
        None => format!("restore `LoadModule {identifier} …`"),
    }
}

/// The last active `Define` of a name (`nodes`: the configuration's
/// `Define` lines).
pub(crate) fn last_define(config: &Config, nodes: &[NodeId], name: &str) -> Option<NodeId> {
    nodes.iter().copied().rfind(|&id| {
        let n = config.node(id);
        n.active && n.arg(0).is_some_and(|a| a.eq_ignore_ascii_case(name))
    })
}
