//! `AL213` ssl-cert-key-changed.

use crate::finding::{Label, Severity, Stage};
use crate::load::tree::{Config, NodeId};
use crate::model::keys::pair_matches;
use crate::rules::context::{Context, Rule};

use std::collections::HashSet;

use super::servers::{ServerPair, View, counterparts, site_name};
use super::tls::{CertPair, cert_pairs, tls_enabled};

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
    /// Approximations: the first certificate of a file is the server's; encrypted keys and keys
    /// stored without their public half are not compared.
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

/// The file a directive names.
fn path(config: &Config, id: NodeId) -> String {
    config.node(id).arg(0).unwrap_or_default().to_string()
}

/// What was true of one pair.
enum Verdict {
    /// Both files read: the keys differ.
    Mismatch,
    /// The files cannot be read, and only one of the two paths changed.
    OneChanged,
}

impl Rule for SslCertKeyChanged {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_CERT_KEY_CHANGED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let (old_view, new_view) = (View::baseline(base), View::candidate(ctx));
        let pairs = counterparts(ctx, base);
        let mut seen: HashSet<CertPair> = HashSet::new();
        for n in 0..ctx.vhosts.vhosts.len() {
            if !tls_enabled(&new_view, n) {
                continue;
            }
            let counterpart: Option<ServerPair> = pairs.get(&Some(n)).copied();
            let old_pairs = counterpart
                .and_then(|p| p.old_node(base))
                .map(|node| cert_pairs(&old_view, node))
                .unwrap_or_default();
            for (i, pair) in cert_pairs(&new_view, ctx.vhosts.vhosts[n].node)
                .into_iter()
                .enumerate()
            {
                if !seen.insert(pair) {
                    continue;
                }
                let key_node = pair.key.unwrap_or(pair.cert);
                let (cert_path, key_path) =
                    (path(ctx.config, pair.cert), path(ctx.config, key_node));
                let old = old_pairs.get(i).copied();
                let old_paths = old.map(|o| {
                    (
                        path(base.config, o.cert),
                        path(base.config, o.key.unwrap_or(o.cert)),
                    )
                });
                let cert_changed = old_paths.as_ref().is_none_or(|(c, _)| *c != cert_path);
                let key_changed = old_paths.as_ref().is_none_or(|(_, k)| *k != key_path);
                let read = |p: &str| ctx.facts.read(p).ok().flatten();
                let verdict = match (read(&cert_path), read(&key_path)) {
                    (Some(cert), Some(key)) => match pair_matches(&cert, &key) {
                        Some(false) => Verdict::Mismatch,
                        _ => continue,
                    },
                    _ if pair.key.is_some() && old.is_some() && cert_changed != key_changed => {
                        Verdict::OneChanged
                    }
                    _ => continue,
                };
                let site = site_name(ctx.vhosts, Some(n));
                // Point at the side that changed (the certificate when both
                // or neither did).
                let (primary, other, old_primary) = if key_changed && !cert_changed {
                    (key_node, pair.cert, old.map(|o| o.key.unwrap_or(o.cert)))
                } else {
                    (pair.cert, key_node, old.map(|o| o.cert))
                };
                let (message, severity, stage) = match verdict {
                    Verdict::Mismatch => (
                        format!(
                            "httpd will not start (AH02565) and every site goes down: the certificate {cert_path} and the key {key_path} of {site} do not match"
                        ),
                        Severity::Error,
                        Stage::Startup,
                    ),
                    Verdict::OneChanged => (
                        format!(
                            "only the {} of {site} changed: if {cert_path} and {key_path} do not belong together, httpd will not start (AH02565)",
                            if cert_changed { "certificate" } else { "key" }
                        ),
                        Severity::Warning,
                        Stage::Startup,
                    ),
                };
                let new_side = Some((primary, ctx.node(primary).span));
                let old_side = old_primary.map(|id| (id, base.config.node(id).span));
                let other_span = ctx.node(other).span;
                let f = ctx.report_change(new_side, old_side, message);
                f.severity = severity;
                f.stage = stage;
                if other != primary {
                    f.labels.push(Label {
                        span: other_span,
                        message: "goes with this one".to_string(),
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
