//! `AL183` ssl-key-mismatch.

use crate::finding::Label;
use crate::rules::context::{Context, Rule};

use super::tls::{PairFailure, pair_failures, startup_failure};

crate::declare_rule! {
    /// ## What it does
    /// Reports a certificate and private key that do not belong together: the public key in
    /// the certificate (RSA modulus and exponent, or EC point) differs from the public half
    /// of the key, or the two are of different types. apachelint compares them itself
    /// (no OpenSSL), when it can read both files; encrypted keys and key types whose public
    /// half is not stored with the private one are left alone.
    ///
    /// ## Why is this risky?
    /// `apache2 -t` says `Syntax OK`; the server does not start: `AH02565: Certificate and
    /// private key shop.example:443:0 from /etc/ssl/certs/shop.pem and
    /// /etc/ssl/private/shop.key do not match`. It happens when a renewed certificate is
    /// deployed without its new key, or the other way round.
    ///
    /// ## Example
    /// ```apache
    /// # before: the 2024 certificate with last year's key
    /// SSLCertificateFile /etc/ssl/certs/shop-2024.pem
    /// SSLCertificateKeyFile /etc/ssl/private/shop-2023.key
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCertificateFile /etc/ssl/certs/shop-2024.pem
    /// SSLCertificateKeyFile /etc/ssl/private/shop-2024.key
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcertificatekeyfile>
    pub SSL_KEY_MISMATCH = {
        code: "AL183",
        name: "ssl-key-mismatch",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslKeyMismatch;

impl Rule for SslKeyMismatch {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_KEY_MISMATCH
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let config = ctx.config;
        for (_, pair, node, key_id) in pair_failures(ctx, PairFailure::Mismatch) {
            let span = config.node(node).arg_span(0);
            let cert_span = config.node(pair.cert).arg_span(0);
            let f = ctx.report(
                node,
                span,
                format!(
                    "the private key in '{}' does not belong to the certificate in '{}'",
                    pair.key_path, pair.cert_path
                ),
            );
            if pair.key.is_some() {
                f.labels.push(Label {
                    span: cert_span,
                    message: "the certificate it is paired with".to_string(),
                });
            }
            startup_failure(
                f,
                &[format!(
                    "AH02565: Certificate and private key {key_id} from {} and {} do not match",
                    pair.cert_path, pair.key_path
                )],
                "Deploy the certificate together with the key it was issued for (compare \
                 `openssl x509 -noout -pubkey -in CERT` with `openssl pkey -pubout -in KEY`).",
            );
        }
    }
}
