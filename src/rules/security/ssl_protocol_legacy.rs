//! `AL300` ssl-protocol-legacy.

use crate::finding::Severity;
use crate::load::tree::{Config, NodeId};
use crate::model::mod_ssl::{Protocols, TlsServer, parse_protocols};
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
    /// `openssl s_client -tls1` against apache2 2.4.71), so an enabling line alone is a
    /// note; where the server's cipher string sets `@SECLEVEL=0` they are really served,
    /// and it is a warning.
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
        severity: Warning,
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
        let servers = ctx.tls_servers();
        for directive in ["SSLProtocol", "SSLProxyProtocol"] {
            for id in directives_named(ctx, directive) {
                let node = ctx.node(id);
                let words: Vec<&str> = node.arg_values().collect();
                let parsed = parse_protocols(directive, words.iter().copied());
                let legacy = parsed.protocols.legacy_names();
                if parsed.error.is_some() || legacy.is_empty() {
                    continue;
                }
                let served = if directive == "SSLProtocol" {
                    servers.iter().any(|s| {
                        s.engine_on(ctx.config).is_some()
                            && s.last(ctx.config, "SSLProtocol") == Some(id)
                            && lowered_security_level(ctx.config, s, "SSLCipherSuite").is_some()
                    })
                } else {
                    servers.iter().any(|s| {
                        lowered_security_level(ctx.config, s, "SSLProxyCipherSuite").is_some()
                    })
                };
                let culprit = parsed.last_enabling(Protocols::LEGACY).unwrap_or(0);
                let names = legacy.join(" and ");
                let f = if served {
                    ctx.report(
                        id,
                        node.arg_span(culprit),
                        format!(
                            "{directive} enables {names}, and `@SECLEVEL=0` lets OpenSSL serve them"
                        ),
                    )
                } else {
                    let f = ctx.report(
                        id,
                        node.arg_span(culprit),
                        format!("{directive} enables {names} (OpenSSL 3 refuses them at its default security level)"),
                    );
                    f.severity = Severity::Info;
                    f
                };
                f.help = Some(format!(
                    "a cipher string with `@SECLEVEL=0`, or another OpenSSL, serves them: write `{MODERN}`"
                ));
            }
        }
        // Unset SSLProtocol (mod_ssl's default enables TLSv1 and TLSv1.1)
        // with a cipher string that lets OpenSSL accept them.
        for server in servers {
            let config = ctx.config;
            if server.engine_on(config).is_none() || server.last(config, "SSLProtocol").is_some() {
                continue;
            }
            let Some(suite) = lowered_security_level(config, server, "SSLCipherSuite") else {
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

/// The server's effective TLS 1.2 cipher string (`directive`, one-argument
/// or `SSL` form) when it sets `@SECLEVEL=0`, the only level at which
/// OpenSSL 3 accepts TLS 1.0 and 1.1.
fn lowered_security_level(config: &Config, server: &TlsServer, directive: &str) -> Option<NodeId> {
    let effective = server.all(config, directive).filter(|&id| {
        let args: Vec<&str> = config.node(id).arg_values().collect();
        matches!(args.as_slice(), [_] | ["SSL", _])
    });
    let suite = effective.last()?;
    let string = config.node(suite).args.last()?.value.to_string();
    (openssl_ciphers::evaluate(&string, Universe::Installed).security_level == Some(0))
        .then_some(suite)
}
