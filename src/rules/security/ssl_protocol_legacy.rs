//! `AL300` ssl-protocol-legacy.

use crate::finding::Severity;
use crate::model::mod_ssl::{Protocols, parse_protocols, tls_servers};
use crate::model::openssl_ciphers::{self, Universe};
use crate::rules::context::{Context, Rule};
use crate::rules::validity::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports TLS 1.0 and TLS 1.1 enabled: by an `SSLProtocol` or `SSLProxyProtocol` line
    /// (`all`, `+TLSv1`, `TLSv1.1` …; Debian's stock `SSLProtocol all -SSLv3` included), and
    /// by leaving `SSLProtocol` unset in a TLS server whose cipher string lowers OpenSSL's
    /// security level to 0 (`@SECLEVEL=0`). On Debian's OpenSSL 3, TLS 1.0/1.1 handshakes are
    /// refused at the default security level even when mod_ssl enables them (confirmed with
    /// `openssl s_client -tls1` against apache2 2.4.71): an enabling line is then a
    /// warning; with `@SECLEVEL=0` the protocols are really served, and it is an error.
    ///
    /// ## Why is this risky?
    /// TLS 1.0 and 1.1 were deprecated by RFC 8996: they rely on SHA-1 and MD5 in the
    /// handshake and lack modern AEAD suites (BEAST, POODLE-TLS variants). PCI DSS forbids
    /// them; CIS item 7.4 and Mozilla's intermediate profile allow TLS 1.2 and 1.3 only.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLProtocol all -SSLv3
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLProtocol -all +TLSv1.2 +TLSv1.3
    /// ```
    ///
    /// ## References
    /// - <https://wiki.mozilla.org/Security/Server_Side_TLS>
    /// - <https://ssl-config.mozilla.org/>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 7.4 "Ensure the TLSv1.0 and TLSv1.1 Protocols are Disabled"
    /// - RFC 8996
    pub SSL_PROTOCOL_LEGACY = {
        code: "AL300",
        name: "ssl-protocol-legacy",
        family: Security,
        severity: Error,
        blocks_check: false,
    }
}

const MODERN: &str = "SSLProtocol -all +TLSv1.2 +TLSv1.3";

pub struct SslProtocolLegacy;

impl Rule for SslProtocolLegacy {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_PROTOCOL_LEGACY
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for directive in ["SSLProtocol", "SSLProxyProtocol"] {
            for id in directives_named(ctx, directive) {
                let node = ctx.node(id);
                let words: Vec<&str> = node.arg_values().collect();
                let parsed = parse_protocols(directive, words.iter().copied());
                let legacy = parsed.protocols.legacy_names();
                if parsed.error.is_some() || legacy.is_empty() {
                    continue;
                }
                let culprit = parsed.last_enabling(Protocols::LEGACY).unwrap_or(0);
                let f = ctx.report(
                    id,
                    node.arg_span(culprit),
                    format!("{directive} enables {}", legacy.join(" and ")),
                );
                f.severity = Severity::Warning;
                f.help = Some(format!(
                    "Debian's OpenSSL 3 refuses these handshakes at its default security level, but \
                     a cipher string with `@SECLEVEL=0` or another OpenSSL serves them: write `{MODERN}`"
                ));
            }
        }
        // Unset SSLProtocol (mod_ssl's default enables TLSv1 and TLSv1.1)
        // with a cipher string that lets OpenSSL accept them.
        for server in tls_servers(ctx.config) {
            let config = ctx.config;
            if server.engine_on(config).is_none() || server.last(config, "SSLProtocol").is_some() {
                continue;
            }
            let lowered = server.all(config, "SSLCipherSuite").filter(|&id| {
                let args: Vec<&str> = config.node(id).arg_values().collect();
                let string = match args.as_slice() {
                    [s] | ["SSL", s] => s,
                    _ => return false,
                };
                openssl_ciphers::evaluate(string, Universe::Installed).security_level == Some(0)
            });
            let Some(suite) = lowered.last() else {
                continue;
            };
            let node = ctx.node(suite);
            let span = node.arg_span(node.args.len().saturating_sub(1));
            let names = Protocols::DEFAULT.legacy_names().join(" and ");
            let f = ctx.report(
                suite,
                span,
                format!("{names} are served: SSLProtocol is not set and `@SECLEVEL=0` lets OpenSSL accept them"),
            );
            f.help = Some(format!(
                "mod_ssl's default enables every version but SSLv3; add `{MODERN}`"
            ));
        }
    }
}
