//! `AL186` ssl-certificate-chain-file-deprecated.

use crate::finding::Severity;
use crate::rules::context::{Context, Rule};

use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Notes `SSLCertificateChainFile`, deprecated since httpd 2.4.8: the intermediate
    /// certificates belong in the file `SSLCertificateFile` names, after the server's own
    /// certificate. The directive still works, but it applies one chain to every
    /// certificate of the server (an RSA and an ECDSA certificate cannot have different
    /// chains), and it disappears in a future release.
    ///
    /// ## Why is this risky?
    /// Not at all today: this is hygiene. Tools that renew certificates (certbot's
    /// `fullchain.pem`) already write the combined file; keeping a separate chain file is how
    /// an outdated intermediate ends up served after a renewal.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLCertificateFile /etc/letsencrypt/live/shop.example/cert.pem
    /// SSLCertificateChainFile /etc/letsencrypt/live/shop.example/chain.pem
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCertificateFile /etc/letsencrypt/live/shop.example/fullchain.pem
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcertificatechainfile>
    /// - <https://ssl-config.mozilla.org/>
    pub SSL_CERTIFICATE_CHAIN_FILE_DEPRECATED = {
        code: "AL186",
        name: "ssl-certificate-chain-file-deprecated",
        family: Validity,
        severity: Info,
        blocks_check: false,
    }
}

pub struct SslCertificateChainFileDeprecated;

impl Rule for SslCertificateChainFileDeprecated {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_CERTIFICATE_CHAIN_FILE_DEPRECATED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for id in directives_named(ctx, "SSLCertificateChainFile") {
            let span = ctx.node(id).name_span;
            let f = ctx.report(
                id,
                span,
                "SSLCertificateChainFile is deprecated since httpd 2.4.8",
            );
            f.severity = Severity::Info;
            f.help = Some(
                "append the intermediate certificates to the SSLCertificateFile file (server \
                 certificate first) and remove this line"
                    .to_string(),
            );
        }
    }
}
