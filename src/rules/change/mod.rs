//! Change rules (AL2xx): risky differences between the known-good
//! configuration and the candidate — outages (a port no longer listened, a
//! vhost that now catches another site's traffic, `.htaccess` files that
//! will answer 500) and exposure. They run only when a baseline is given;
//! each finding points at the candidate, with the known-good side as a
//! related "was here" span and the diff of the edit.

mod access;
mod access_loosened;
mod access_tightened;
mod allowoverride_breaks_htaccess;
mod config_silently_disabled;
mod default_vhost_changed;
mod define_changed;
mod directoryindex_narrowed;
mod documentroot_changed;
mod hsts_escalated;
mod include_set_changed;
mod listen_removed;
mod logging_removed;
mod module_removed_while_used;
mod modules;
mod mpm_changed;
mod options_indexes_exposed;
mod perdir;
mod runtime_identity_changed;
mod security_header_removed;
mod servername_alias_removed;
mod servername_collision;
mod traffic_rerouted;
mod vhost_address_not_listened;
mod vhost_removed;

pub use access_loosened::{ACCESS_LOOSENED, AccessLoosened};
pub use access_tightened::{ACCESS_TIGHTENED, AccessTightened};
pub use allowoverride_breaks_htaccess::{
    ALLOWOVERRIDE_BREAKS_HTACCESS, AllowOverrideBreaksHtaccess,
};
pub use config_silently_disabled::{CONFIG_SILENTLY_DISABLED, ConfigSilentlyDisabled};
pub use default_vhost_changed::{DEFAULT_VHOST_CHANGED, DefaultVhostChanged};
pub use define_changed::{DEFINE_CHANGED, DefineChanged};
pub use directoryindex_narrowed::{DIRECTORYINDEX_NARROWED, DirectoryindexNarrowed};
pub use documentroot_changed::{DOCUMENTROOT_CHANGED, DocumentrootChanged};
pub use hsts_escalated::{HSTS_ESCALATED, HstsEscalated};
pub use include_set_changed::{INCLUDE_SET_CHANGED, IncludeSetChanged};
pub use listen_removed::{LISTEN_REMOVED, ListenRemoved};
pub use logging_removed::{LOGGING_REMOVED, LoggingRemoved};
pub use module_removed_while_used::{MODULE_REMOVED_WHILE_USED, ModuleRemovedWhileUsed};
pub use mpm_changed::{MPM_CHANGED, MpmChanged};
pub use options_indexes_exposed::{OPTIONS_INDEXES_EXPOSED, OptionsIndexesExposed};
pub use runtime_identity_changed::{RUNTIME_IDENTITY_CHANGED, RuntimeIdentityChanged};
pub use security_header_removed::{SECURITY_HEADER_REMOVED, SecurityHeaderRemoved};
pub use servername_alias_removed::{SERVERNAME_ALIAS_REMOVED, ServernameAliasRemoved};
pub use servername_collision::{SERVERNAME_COLLISION, ServernameCollision};
pub use traffic_rerouted::{TRAFFIC_REROUTED, TrafficRerouted};
pub use vhost_address_not_listened::{VHOST_ADDRESS_NOT_LISTENED, VhostAddressNotListened};
pub use vhost_removed::{VHOST_REMOVED, VhostRemoved};

use crate::diff::routing::{Reroute, identity};
use crate::model::vhosts::VhostMap;
use crate::rules::context::{Baseline, Context};

/// "shop.example (sites-enabled/shop.conf:1)" for a vhost of a map.
pub(crate) fn vhost_label(
    ctx: &Context<'_>,
    map: &VhostMap,
    index: usize,
    baseline: bool,
) -> String {
    let v = &map.vhosts[index];
    let name = v
        .server_name
        .as_ref()
        .map_or_else(|| "(no ServerName)".to_string(), |n| n.name.clone());
    let config = match (baseline, ctx.baseline) {
        (true, Some(b)) => b.config,
        _ => ctx.config,
    };
    let file = config.sources.get(config.node(v.node).span.file);
    format!("{name} ({}:{})", file.display_path(), v.line)
}

/// How a reroute came about, for choosing the rule that explains it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    /// The vhost that answered is gone.
    VhostGone,
    /// The vhost survives but no longer has the name.
    NameDropped,
    /// Requests by IP or for unknown names reach another default vhost.
    DefaultChanged,
    /// The name is still on its vhost; another vhost now wins it.
    Other,
}

/// Classifies a reroute.
pub(crate) fn cause(ctx: &Context<'_>, base: &Baseline<'_>, r: &Reroute) -> Cause {
    let old_id = identity(base.config, base.vhosts, r.old);
    let survivor =
        (0..ctx.vhosts.vhosts.len()).find(|&i| identity(ctx.config, ctx.vhosts, i) == old_id);
    match (survivor, &r.probe.host) {
        (None, _) => Cause::VhostGone,
        (Some(i), Some(host)) if !ctx.vhosts.vhosts[i].matches_name(host) => Cause::NameDropped,
        (Some(_), None) => Cause::DefaultChanged,
        _ => Cause::Other,
    }
}

/// Reports a reroute: primary on the vhost that answers now, "was here" on
/// the one that answered before; `message` receives the request description,
/// the new vhost and the old one.
pub(crate) fn report_reroute<'c>(
    ctx: &'c mut Context<'_>,
    r: &Reroute,
    message: impl Fn(&str, &str, &str) -> String,
) -> Option<&'c mut crate::finding::Finding> {
    let base = ctx.baseline?;
    let old_vhost = &base.vhosts.vhosts[r.old];
    let old_span = base.config.node(old_vhost.node).span;
    let new = r.new.map(|n| {
        let v = &ctx.vhosts.vhosts[n];
        (v.node, ctx.node(v.node).span)
    });
    let was = vhost_label(ctx, base.vhosts, r.old, true);
    let now = match r.new {
        Some(n) => vhost_label(ctx, ctx.vhosts, n, false),
        None => "the main server".to_string(),
    };
    let text = message(&r.probe.describe(), &now, &was);
    Some(ctx.report_change(new, Some((old_vhost.node, old_span)), text))
}
