//! `AL180` ssl-certificate-missing.

use crate::model::mod_ssl::vhost_id;
use crate::rules::context::{Context, Rule};

use super::tls::startup_failure;

crate::declare_rule! {
    /// ## What it does
    /// Reports a server (the main server or a `<VirtualHost>`) with `SSLEngine on` and no
    /// `SSLCertificateFile`, neither its own nor inherited from the main server. A vhost also
    /// inherits `SSLEngine on` from the main server, so a global `SSLEngine on` needs a
    /// certificate for every vhost.
    ///
    /// ## Why is this risky?
    /// `apache2 -t` says `Syntax OK`, but the server does not start:
    /// `AH02572: Failed to configure at least one certificate and key for shop.example:443`,
    /// then `AH02312: Fatal error initialising mod_ssl, exiting.` A reload takes every site
    /// down, not just this one.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:443>
    ///     ServerName shop.example
    ///     SSLEngine on
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:443>
    ///     ServerName shop.example
    ///     SSLEngine on
    ///     SSLCertificateFile /etc/ssl/certs/shop.example.pem
    ///     SSLCertificateKeyFile /etc/ssl/private/shop.example.key
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcertificatefile>
    /// - <https://httpd.apache.org/docs/2.4/ssl/ssl_howto.html>
    pub SSL_CERTIFICATE_MISSING = {
        code: "AL180",
        name: "ssl-certificate-missing",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslCertificateMissing;

impl Rule for SslCertificateMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_CERTIFICATE_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for startup in ctx.tls_startup() {
            let server = &startup.server;
            let config = ctx.config;
            let has_certificate = server.all(config, "SSLCertificateFile").next().is_some()
                || server.all(config, "SSLOpenSSLConfCmd").any(|id| {
                    config
                        .node(id)
                        .arg(0)
                        .is_some_and(|c| c.eq_ignore_ascii_case("Certificate"))
                });
            let Some(engine) = server.engine_on(config) else {
                continue;
            };
            if has_certificate {
                continue;
            }
            let id = vhost_id(config, server);
            let own_engine = config.enclosing_section(engine) == server.vhost;
            let (node, span) = match server.vhost {
                Some(v) if !own_engine => (v, config.node(v).name_span),
                _ => (engine, config.node(engine).arg_span(0)),
            };
            let engine_span = config.node(engine).span;
            let f = ctx.report(
                node,
                span,
                format!("TLS is on for {id} but no certificate is configured"),
            );
            if !own_engine {
                f.labels.push(crate::finding::Label {
                    span: engine_span,
                    message: "TLS turned on here, for every vhost".to_string(),
                });
            }
            startup_failure(
                f,
                &[format!(
                    "AH02572: Failed to configure at least one certificate and key for {id}"
                )],
                "Add SSLCertificateFile and SSLCertificateKeyFile (Debian's test pair: \
                 /etc/ssl/certs/ssl-cert-snakeoil.pem and /etc/ssl/private/ssl-cert-snakeoil.key), \
                 or turn TLS off here.",
            );
        }
    }
}
