//! `AL177` ssl-compression-unavailable.

use crate::rules::context::{Context, Rule};

use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports `SSLCompression on`. Debian's OpenSSL 3 is built without any TLS compression
    /// method, so mod_ssl refuses the directive outright; on builds that still have one, TLS
    /// compression exposes the server to the CRIME attack (CVE-2012-4929), which is why the
    /// default is off and CIS item 7.7 requires it to stay off.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start: `This version of OpenSSL does not have any compression methods
    /// available, cannot enable SSLCompression.` Where it does start, secrets in compressed
    /// requests (session cookies) can be recovered by an attacker who can inject chosen
    /// plaintext.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLCompression on
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCompression off
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcompression>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 7.7 "Ensure SSL Compression is not Enabled"
    /// - <https://wiki.mozilla.org/Security/Server_Side_TLS>
    pub SSL_COMPRESSION_UNAVAILABLE = {
        code: "AL177",
        name: "ssl-compression-unavailable",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslCompressionUnavailable;

impl Rule for SslCompressionUnavailable {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_COMPRESSION_UNAVAILABLE
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for id in directives_named(ctx, "SSLCompression") {
            let node = ctx.node(id);
            let [value] = node.args.as_slice() else {
                continue;
            };
            if !value.value.eq_ignore_ascii_case("on") {
                continue;
            }
            let f = ctx.httpd_error(
                id,
                node.arg_span(0),
                "This version of OpenSSL does not have any compression methods available, cannot enable SSLCompression.",
            );
            f.help = Some(
                "remove the line or write `SSLCompression off`: TLS compression is unavailable here and \
                 unsafe where available (CRIME)"
                    .to_string(),
            );
        }
    }
}
