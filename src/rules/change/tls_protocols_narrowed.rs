//! `AL214` tls-protocols-narrowed.

use crate::finding::Stage;
use crate::rules::context::{Context, Rule};

use super::servers::{
    ServerPair, SettingChange, View, listing, report_setting, setting_changes, setting_changes_by,
    site_name,
};
use super::tls::{
    TLS_1_2, cert_pairs, cipher_setting, intermediate_suites, protocol_names, protocols,
    suites_for, tls_enabled, tls12_cipher_string,
};

crate::declare_rule! {
    /// ## What it does
    /// For every vhost that speaks TLS on both sides, compares the `SSLProtocol` and the TLS 1.2
    /// `SSLCipherSuite` in force with the known-good configuration, and reports a change that
    /// drops TLS 1.2, or leaves none of the cipher suites current TLS 1.2 clients offer (the
    /// ECDHE/DHE AES-GCM and ChaCha20 suites of Mozilla's intermediate profile) that the
    /// vhost's certificate can use (RSA or ECDSA, when the certificate can be read).
    ///
    /// ## Why is this risky?
    /// Following the "modern" profile (`SSLProtocol -all +TLSv1.3`) looks like hardening and
    /// browsers keep working, but every client that stops at TLS 1.2 — payment-provider
    /// callbacks, older Android and Java, monitoring agents, many API clients — now fails the
    /// handshake. Dropping TLS 1.0/1.1 is not reported: OpenSSL on current distributions
    /// refuses them anyway.
    ///
    /// Approximation: each vhost's own setting is compared; with name-based TLS vhosts the
    /// handshake may negotiate with the address's default vhost's protocols. Cipher strings
    /// with aliases this model does not know are not judged.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLProtocol -all +TLSv1.3
    /// ```
    ///
    /// ```apache
    /// # after
    /// # Mozilla intermediate: TLS 1.2 clients still connect
    /// SSLProtocol -all +TLSv1.2 +TLSv1.3
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslprotocol>
    /// - <https://ssl-config.mozilla.org/>
    pub TLS_PROTOCOLS_NARROWED = {
        code: "AL214",
        name: "tls-protocols-narrowed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct TlsProtocolsNarrowed;

/// The sites of a change that speak TLS on both sides.
fn tls_sites(ctx: &Context<'_>, change: &SettingChange) -> Vec<String> {
    let Some(base) = ctx.baseline else {
        return Vec::new();
    };
    let (old_view, new_view) = (View::baseline(base), View::candidate(ctx));
    let speaks_tls = |pair: &ServerPair| match (pair.old, pair.new) {
        (Some(o), Some(n)) => tls_enabled(&old_view, o) && tls_enabled(&new_view, n),
        _ => false,
    };
    change
        .servers
        .iter()
        .filter(|p| speaks_tls(p))
        .map(|p| site_name(ctx.vhosts, p.new))
        .collect()
}

/// The public key of a candidate vhost's first certificate, when readable.
fn certificate_key(
    ctx: &Context<'_>,
    view: &View<'_>,
    vhost: usize,
) -> Option<crate::model::keys::PublicKey> {
    let pair = cert_pairs(view, ctx.vhosts.vhosts[vhost].node)
        .into_iter()
        .next()?;
    let path = ctx.config.node(pair.cert).arg(0)?;
    crate::model::keys::certificate_key(&ctx.facts.read(path).ok()??)
}

impl Rule for TlsProtocolsNarrowed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &TLS_PROTOCOLS_NARROWED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        for change in setting_changes(ctx, base, &["SSLProtocol"]) {
            let (Some(old), Some(new)) = (
                protocols(base.config, change.old),
                protocols(ctx.config, change.new),
            ) else {
                continue;
            };
            if old & TLS_1_2 == 0 || new & TLS_1_2 != 0 {
                continue;
            }
            let sites = tls_sites(ctx, &change);
            if sites.is_empty() {
                continue;
            }
            let message = format!(
                "clients that speak at most TLS 1.2 can no longer connect to {}: `SSLProtocol` now allows only {} (it allowed {})",
                listing(&sites, 3),
                protocol_names(new),
                protocol_names(old)
            );
            if let Some(f) = report_setting(ctx, &change, message) {
                f.stage = Stage::Request;
                f.help = Some(
                    "keep TLS 1.2 enabled (`SSLProtocol -all +TLSv1.2 +TLSv1.3`, Mozilla's intermediate profile)"
                        .to_string(),
                );
            }
        }
        let changes = setting_changes_by(ctx, base, cipher_setting);
        let view = View::candidate(ctx);
        for mut change in changes {
            let suites = |config, id| {
                tls12_cipher_string(config, id).and_then(|spec| intermediate_suites(&spec))
            };
            let (Some(old), Some(new)) = (
                suites(base.config, change.old),
                suites(ctx.config, change.new),
            ) else {
                continue;
            };
            // Only the suites the site's own certificate can use count.
            change.servers.retain(|pair| {
                let usable = suites_for(
                    pair.new
                        .and_then(|n| certificate_key(ctx, &view, n))
                        .as_ref(),
                );
                old & usable != 0 && new & usable == 0
            });
            let sites = tls_sites(ctx, &change);
            if sites.is_empty() {
                continue;
            }
            let message = format!(
                "TLS 1.2 clients that offer the usual suites can no longer connect to {}: the new `SSLCipherSuite` leaves none of the ECDHE/DHE AES-GCM and ChaCha20 suites its certificate could use",
                listing(&sites, 3)
            );
            if let Some(f) = report_setting(ctx, &change, message) {
                f.stage = Stage::Request;
                f.help = Some(
                    "keep the intermediate suites (for example `SSLCipherSuite ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM`)"
                        .to_string(),
                );
            }
        }
    }
}
