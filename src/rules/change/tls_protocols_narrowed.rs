//! `AL214` tls-protocols-narrowed.

use crate::finding::Stage;
use crate::model::mod_ssl::Protocols;
use crate::model::pki::{CertificateFile, PublicHalf, read_certificate};
use crate::rules::context::{Context, Rule};

use super::perdir::{Side, listing, sides, site_url};
use super::servers::{SettingChange, report_setting, setting, setting_changes, setting_changes_by};
use super::tls::{
    cipher_setting, protocol_names, protocols, tls_enabled, tls12_cipher_string,
    usable_intermediate_suites,
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

/// The sites of a change that speak TLS on both sides, by name.
fn tls_sites(old_side: &Side<'_>, new_side: &Side<'_>, change: &SettingChange) -> Vec<String> {
    change
        .sites
        .iter()
        .filter(|site| match (site.old, site.new) {
            (Some(o), Some(n)) => tls_enabled(old_side, o) && tls_enabled(new_side, n),
            _ => false,
        })
        .map(|site| site_url(new_side, site.new, ""))
        .collect()
}

/// The public key of a vhost's first certificate, when it can be read.
fn certificate_key(ctx: &Context<'_>, side: &Side<'_>, vhost: usize) -> Option<PublicHalf> {
    let node = side.vhosts.vhosts[vhost].node;
    let cert = setting(side, Some(node), &["SSLCertificateFile"])?;
    let path = side.config.node(cert).arg(0)?;
    match read_certificate(&ctx.facts.read(path).ok()??) {
        CertificateFile::Certificate { public, .. } => public,
        _ => None,
    }
}

impl Rule for TlsProtocolsNarrowed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &TLS_PROTOCOLS_NARROWED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        for change in setting_changes(&old_side, &new_side, &["SSLProtocol"]) {
            let (Some(old), Some(new)) = (
                protocols(base.config, change.old),
                protocols(ctx.config, change.new),
            ) else {
                continue;
            };
            if !old.contains(Protocols::TLSV1_2) || new.contains(Protocols::TLSV1_2) {
                continue;
            }
            let sites = tls_sites(&old_side, &new_side, &change);
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
        for mut change in setting_changes_by(&old_side, &new_side, cipher_setting) {
            let (Some(old_spec), Some(new_spec)) = (
                tls12_cipher_string(base.config, change.old),
                tls12_cipher_string(ctx.config, change.new),
            ) else {
                continue;
            };
            // Only the suites the site's own certificate can use count.
            change.sites.retain(|site| {
                let key = site.new.and_then(|n| certificate_key(ctx, &new_side, n));
                let old = usable_intermediate_suites(&old_spec, key.as_ref());
                let new = usable_intermediate_suites(&new_spec, key.as_ref());
                matches!((old, new), (Some(o), Some(n)) if !o.is_empty() && n.is_empty())
            });
            let sites = tls_sites(&old_side, &new_side, &change);
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
