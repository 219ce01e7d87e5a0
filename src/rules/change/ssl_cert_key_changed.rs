//! `AL213` ssl-cert-key-changed.

use std::collections::{HashMap, HashSet};

use crate::finding::{Label, Severity, Stage};
use crate::load::tree::{Config, NodeId};
use crate::model::mod_ssl::{TlsServer, tls_servers};
use crate::rules::context::{Context, Rule};
use crate::rules::validity::tls::PairFailure;

use super::perdir::{sides, site_url};
use super::servers::{counterparts, vhost_node};
use super::tls::tls_enabled;

crate::declare_rule! {
    /// ## What it does
    /// For every vhost that speaks TLS in the candidate, reads each certificate and its private
    /// key (when the files are in the checked tree or on the target) and reports a pair whose
    /// public keys differ. When the files cannot be read, warns instead when only one of
    /// `SSLCertificateFile` and `SSLCertificateKeyFile` changed against the known-good
    /// configuration.
    ///
    /// ## Why is this risky?
    /// `apache2 -t` does not load certificates, so it passes. The restart then fails —
    /// `AH02565: Certificate and private key … do not match` — and every site of the server is
    /// down, not only the TLS one. The classic cause is a renewal that updated the certificate
    /// path but left the key path on the old key.
    ///
    /// A pair the edit did not touch but whose files no longer match is reported by
    /// `ssl-key-mismatch` alone. Approximations: the first certificate of a file is the
    /// server's; encrypted keys and keys stored without their public half are not compared.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLCertificateFile    /etc/ssl/certs/shop-2026.crt
    /// SSLCertificateKeyFile /etc/ssl/private/shop.key
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCertificateFile    /etc/ssl/certs/shop-2026.crt
    /// SSLCertificateKeyFile /etc/ssl/private/shop-2026.key
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcertificatefile>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcertificatekeyfile>
    pub SSL_CERT_KEY_CHANGED = {
        code: "AL213",
        name: "ssl-cert-key-changed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslCertKeyChanged;

/// The certificate/key pairs of a server as mod_ssl pairs them (the i-th
/// `SSLCertificateFile` with the i-th `SSLCertificateKeyFile`, or with
/// itself), as the file paths written.
fn pairs(config: &Config, server: &TlsServer) -> Vec<(NodeId, Option<NodeId>)> {
    let keys: Vec<NodeId> = server.all(config, "SSLCertificateKeyFile").collect();
    server
        .all(config, "SSLCertificateFile")
        .enumerate()
        .map(|(i, cert)| (cert, keys.get(i).copied()))
        .collect()
}

/// The file a directive names.
fn path(config: &Config, id: NodeId) -> &str {
    config.node(id).arg(0).unwrap_or_default()
}

impl Rule for SslCertKeyChanged {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_CERT_KEY_CHANGED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        let old_servers: HashMap<Option<NodeId>, TlsServer> = tls_servers(base.config)
            .into_iter()
            .map(|s| (s.vhost, s))
            .collect();
        let index: HashMap<NodeId, usize> = (0..ctx.vhosts.vhosts.len())
            .map(|i| (ctx.vhosts.vhosts[i].node, i))
            .collect();
        // The pair mod_ssl stops at, per server that turns TLS on.
        let mismatches: HashMap<Option<NodeId>, usize> = ctx
            .tls_startup()
            .iter()
            .filter_map(|s| match &s.failure {
                Some((pair, PairFailure::Mismatch)) => Some((s.server.vhost, pair.index)),
                _ => None,
            })
            .collect();
        let known = counterparts(&old_side, &new_side);
        let mut seen = HashSet::new();
        for server in ctx.tls_servers() {
            let Some(&n) = server.vhost.and_then(|v| index.get(&v)) else {
                continue;
            };
            if !tls_enabled(&new_side, n) {
                continue;
            }
            let old_pairs = known
                .get(&Some(n))
                .and_then(|site| vhost_node(&old_side, site.old))
                .and_then(|node| old_servers.get(&Some(node)))
                .map(|s| pairs(base.config, s))
                .unwrap_or_default();
            let mismatch = mismatches.get(&server.vhost).copied();
            for (i, (cert, key)) in pairs(ctx.config, server).into_iter().enumerate() {
                let key_node = key.unwrap_or(cert);
                let (cert_path, key_path) = (path(ctx.config, cert), path(ctx.config, key_node));
                let old = old_pairs.get(i).copied();
                let old_key = old.map(|(c, k)| k.unwrap_or(c));
                let cert_changed = old.is_none_or(|(c, _)| path(base.config, c) != cert_path);
                let key_changed = old_key.is_none_or(|k| path(base.config, k) != key_path);
                let unreadable = |p: &str| ctx.facts.read(p).is_err();
                let (message, severity) = if mismatch == Some(i) {
                    // A pair the edit did not touch is ssl-key-mismatch's.
                    if !cert_changed && !key_changed {
                        continue;
                    }
                    (
                        format!(
                            "httpd will not start (AH02565) and every site goes down: this edit pairs the certificate {cert_path} with the key {key_path}, which does not belong to it ({})",
                            site_url(&new_side, Some(n), "")
                        ),
                        Severity::Error,
                    )
                } else if key.is_some()
                    && old.is_some()
                    && cert_changed != key_changed
                    && (unreadable(cert_path) || unreadable(key_path))
                {
                    (
                        format!(
                            "only the {} of {} changed: if {cert_path} and {key_path} do not belong together, httpd will not start (AH02565)",
                            if cert_changed { "certificate" } else { "key" },
                            site_url(&new_side, Some(n), "")
                        ),
                        Severity::Warning,
                    )
                } else {
                    continue;
                };
                if !seen.insert((cert, key)) {
                    continue;
                }
                // Point at the side that changed (the certificate when both
                // did).
                let (primary, other, old_primary) = if key_changed && !cert_changed {
                    (key_node, cert, old_key)
                } else {
                    (cert, key_node, old.map(|(c, _)| c))
                };
                let new_span = ctx.node(primary).span;
                let old_span = old_primary.map(|id| (id, base.config.node(id).span));
                let other_span = ctx.node(other).span;
                let f = ctx.report_change(Some((primary, new_span)), old_span, message);
                f.severity = severity;
                f.stage = Stage::Startup;
                if other != primary {
                    f.labels.push(Label {
                        span: other_span,
                        message: "paired with this one".to_string(),
                    });
                }
                f.help = Some(
                    "point SSLCertificateFile and SSLCertificateKeyFile at the certificate and the key issued together (`openssl x509 -noout -pubkey` and `openssl pkey -pubout` must print the same key)"
                        .to_string(),
                );
            }
        }
    }
}
