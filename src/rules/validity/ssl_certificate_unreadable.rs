//! `AL181` ssl-certificate-unreadable.

use crate::rules::context::{Context, Rule};

use super::tls::{PairFailure, pair_failures, startup_failure};

crate::declare_rule! {
    /// ## What it does
    /// Reports an `SSLCertificateFile` of a TLS server that holds no PEM certificate: a key
    /// pasted in its place, a DER file, an error page saved by a failed download. apachelint
    /// reads the file only when it can (it is in the checked tree, or the check runs on the
    /// target) and looks for what OpenSSL's PEM reader looks for: a
    /// `-----BEGIN CERTIFICATE-----` block, anything around it ignored.
    ///
    /// ## Why is this risky?
    /// `apache2 -t` only checks that the file exists and is not empty, and says
    /// `Syntax OK`; the server does not start: `AH02562: Failed to configure certificate
    /// shop.example:443:0 (with chain), check /etc/ssl/certs/shop.pem`, with OpenSSL's
    /// `no start line`.
    ///
    /// ## Example
    /// ```apache
    /// # before: the key file named twice
    /// SSLCertificateFile /etc/ssl/private/shop.key
    /// SSLCertificateKeyFile /etc/ssl/private/shop.key
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCertificateFile /etc/ssl/certs/shop.pem
    /// SSLCertificateKeyFile /etc/ssl/private/shop.key
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcertificatefile>
    pub SSL_CERTIFICATE_UNREADABLE = {
        code: "AL181",
        name: "ssl-certificate-unreadable",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslCertificateUnreadable;

impl Rule for SslCertificateUnreadable {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_CERTIFICATE_UNREADABLE
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let config = ctx.config;
        for (server, pair, _, key_id) in pair_failures(ctx, PairFailure::NoCertificate) {
            let log_line = if server.last(config, "SSLCertificateChainFile").is_some() {
                format!(
                    "AH02561: Failed to configure certificate {key_id}, check {}",
                    pair.cert_path
                )
            } else {
                format!(
                    "AH02562: Failed to configure certificate {key_id} (with chain), check {}",
                    pair.cert_path
                )
            };
            let span = config.node(pair.cert).arg_span(0);
            let f = ctx.report(
                pair.cert,
                span,
                format!("'{}' holds no PEM certificate", pair.cert_path),
            );
            f.primary_label =
                Some("no `-----BEGIN CERTIFICATE-----` block in this file".to_string());
            startup_failure(
                f,
                &[log_line],
                "Point SSLCertificateFile at the certificate (PEM), and SSLCertificateKeyFile at its key.",
            );
        }
    }
}
