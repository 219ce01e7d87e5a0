//! Change rules (AL2xx): risky differences between the known-good
//! configuration and the candidate — outages (a port no longer listened, a
//! vhost that now catches another site's traffic, `.htaccess` files that
//! will answer 500) and exposure. They run only when a baseline is given;
//! each finding points at the candidate, with the known-good side as a
//! related "was here" span and the diff of the edit.

mod access;
mod access_loosened;
mod access_tightened;
mod alias_shadowed;
mod allowoverride_breaks_htaccess;
mod blanket_redirect_added;
mod capacity_slashed;
mod config_silently_disabled;
mod default_vhost_changed;
mod define_changed;
mod directoryindex_narrowed;
mod documentroot_changed;
mod hsts_escalated;
mod https_redirect_without_tls_vhost;
mod include_set_changed;
mod listen_removed;
mod logging_removed;
mod module_removed_while_used;
mod modules;
mod mpm_changed;
mod options_indexes_exposed;
mod perdir;
pub(crate) use perdir::{SiteMemo, candidate_side};
mod proxy;
mod proxypass_backend_changed;
mod proxypass_shadowed;
mod proxypass_slash_mismatch;
mod proxypassreverse_missing;
mod request_limit_reduced;
mod rewrite;
pub(crate) use rewrite::{names, redirects};
mod rewrite_inheritance_lost;
mod rewrite_loop_risk;
mod runtime_identity_changed;
mod security_header_removed;
mod servername_alias_removed;
mod servername_collision;
mod servers;
mod ssl_cert_key_changed;
mod ssl_disabled_on_tls_port;
mod timeout_changed;
mod tls;
pub(crate) use tls::tls_enabled;
mod tls_protocols_narrowed;
mod traffic_rerouted;
mod vhost_address_not_listened;
mod vhost_removed;

pub use access_loosened::{ACCESS_LOOSENED, AccessLoosened};
pub use access_tightened::{ACCESS_TIGHTENED, AccessTightened};
pub use alias_shadowed::{ALIAS_SHADOWED, AliasShadowed};
pub use allowoverride_breaks_htaccess::{
    ALLOWOVERRIDE_BREAKS_HTACCESS, AllowOverrideBreaksHtaccess,
};
pub use blanket_redirect_added::{BLANKET_REDIRECT_ADDED, BlanketRedirectAdded};
pub use capacity_slashed::{CAPACITY_SLASHED, CapacitySlashed};
pub use config_silently_disabled::{CONFIG_SILENTLY_DISABLED, ConfigSilentlyDisabled};
pub use default_vhost_changed::{DEFAULT_VHOST_CHANGED, DefaultVhostChanged};
pub use define_changed::{DEFINE_CHANGED, DefineChanged};
pub use directoryindex_narrowed::{DIRECTORYINDEX_NARROWED, DirectoryindexNarrowed};
pub use documentroot_changed::{DOCUMENTROOT_CHANGED, DocumentrootChanged};
pub use hsts_escalated::{HSTS_ESCALATED, HstsEscalated};
pub use https_redirect_without_tls_vhost::{
    HTTPS_REDIRECT_WITHOUT_TLS_VHOST, HttpsRedirectWithoutTlsVhost,
};
pub use include_set_changed::{INCLUDE_SET_CHANGED, IncludeSetChanged};
pub use listen_removed::{LISTEN_REMOVED, ListenRemoved};
pub use logging_removed::{LOGGING_REMOVED, LoggingRemoved};
pub use module_removed_while_used::{MODULE_REMOVED_WHILE_USED, ModuleRemovedWhileUsed};
pub use mpm_changed::{MPM_CHANGED, MpmChanged};
pub use options_indexes_exposed::{OPTIONS_INDEXES_EXPOSED, OptionsIndexesExposed};
pub use proxypass_backend_changed::{PROXYPASS_BACKEND_CHANGED, ProxypassBackendChanged};
pub use proxypass_shadowed::{PROXYPASS_SHADOWED, ProxypassShadowed};
pub use proxypass_slash_mismatch::{PROXYPASS_SLASH_MISMATCH, ProxypassSlashMismatch};
pub use proxypassreverse_missing::{PROXYPASSREVERSE_MISSING, ProxypassreverseMissing};
pub use request_limit_reduced::{REQUEST_LIMIT_REDUCED, RequestLimitReduced};
pub use rewrite_inheritance_lost::{REWRITE_INHERITANCE_LOST, RewriteInheritanceLost};
pub use rewrite_loop_risk::{REWRITE_LOOP_RISK, RewriteLoopRisk};
pub use runtime_identity_changed::{RUNTIME_IDENTITY_CHANGED, RuntimeIdentityChanged};
pub use security_header_removed::{SECURITY_HEADER_REMOVED, SecurityHeaderRemoved};
pub use servername_alias_removed::{SERVERNAME_ALIAS_REMOVED, ServernameAliasRemoved};
pub use servername_collision::{SERVERNAME_COLLISION, ServernameCollision};
pub use ssl_cert_key_changed::{SSL_CERT_KEY_CHANGED, SslCertKeyChanged};
pub use ssl_disabled_on_tls_port::{SSL_DISABLED_ON_TLS_PORT, SslDisabledOnTlsPort};
pub use timeout_changed::{TIMEOUT_CHANGED, TimeoutChanged};
pub use tls_protocols_narrowed::{TLS_PROTOCOLS_NARROWED, TlsProtocolsNarrowed};
pub use traffic_rerouted::{TRAFFIC_REROUTED, TrafficRerouted};
pub use vhost_address_not_listened::{VHOST_ADDRESS_NOT_LISTENED, VhostAddressNotListened};
pub use vhost_removed::{VHOST_REMOVED, VhostRemoved};

use crate::diff::routing::{Reroute, identity};
use crate::load::tree::NodeId;
use crate::model::vhosts::VhostMap;
use crate::rules::context::{Baseline, Context};
use crate::source::Span;

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

/// The known-good directive an added one replaces: one of the same name
/// removed from the same scope (the first, or the one with the same first
/// argument), as a "was here" side.
pub(crate) fn replaced(ctx: &Context<'_>, added: &crate::diff::Change) -> Option<(NodeId, Span)> {
    let base = ctx.baseline?;
    let new_first = added.new.and_then(|id| ctx.node(id).arg(0));
    let removed: Vec<NodeId> = ctx
        .changes
        .iter()
        .filter(|c| c.kind == crate::diff::ChangeKind::Removed)
        .filter(|c| c.name == added.name && c.scope == added.scope)
        .filter_map(|c| c.old)
        .collect();
    let old = removed
        .iter()
        .copied()
        .find(|&id| base.config.node(id).arg(0) == new_first)
        .or(removed.first().copied())?;
    Some((old, base.config.node(old).span))
}
