//! `AL182` ssl-private-key-missing.

use crate::rules::context::{Context, Rule};

use super::tls::{PairFailure, pair_failures, startup_failure};

crate::declare_rule! {
    /// ## What it does
    /// Reports a TLS server whose private key file holds no PEM private key. The key is read
    /// from `SSLCertificateKeyFile` — or, when there are fewer key lines than certificate
    /// lines, from the certificate file itself, which then must hold the key too (a common
    /// surprise when the `SSLCertificateKeyFile` line is forgotten).
    ///
    /// ## Why is this risky?
    /// `apache2 -t` says `Syntax OK`; the server does not start:
    /// `AH02564: Failed to configure encrypted (?) private key shop.example:443:0, check
    /// /etc/ssl/certs/shop.pem`, after `AH02579: Init: Private key not found`.
    ///
    /// ## Example
    /// ```apache
    /// # before: no key line, and the certificate file holds no key
    /// SSLCertificateFile /etc/ssl/certs/shop.pem
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCertificateFile /etc/ssl/certs/shop.pem
    /// SSLCertificateKeyFile /etc/ssl/private/shop.key
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcertificatekeyfile>
    pub SSL_PRIVATE_KEY_MISSING = {
        code: "AL182",
        name: "ssl-private-key-missing",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslPrivateKeyMissing;

impl Rule for SslPrivateKeyMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_PRIVATE_KEY_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let config = ctx.config;
        for (_, pair, node, key_id) in pair_failures(ctx, PairFailure::NoKey) {
            let span = config.node(node).arg_span(0);
            let f = ctx.report(
                node,
                span,
                format!("'{}' holds no PEM private key", pair.key_path),
            );
            f.primary_label = Some(if pair.key.is_some() {
                "no `-----BEGIN … PRIVATE KEY-----` block in this file".to_string()
            } else {
                "without an SSLCertificateKeyFile, the key is read from this file".to_string()
            });
            startup_failure(
                f,
                &[format!(
                    "AH02564: Failed to configure encrypted (?) private key {key_id}, check {}",
                    pair.key_path
                )],
                "Add `SSLCertificateKeyFile` naming the certificate's private key (PEM).",
            );
        }
    }
}
