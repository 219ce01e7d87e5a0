//! Security rules (AL3xx): configurations httpd accepts and serves, but that
//! expose the server or its users — legacy TLS protocols and ciphers,
//! insecure renegotiation, unverified TLS to backends, missing HSTS. Each
//! cites the guideline it enforces (Mozilla's Server Side TLS, the CIS Apache
//! HTTP Server 2.4 Benchmark). httpd serves all of these, so none is an
//! error: `check` fails on them only with `--fail-on warning`.

mod hsts_missing;
mod ssl_cipher_medium;
mod ssl_cipher_weak;
mod ssl_insecure_renegotiation;
mod ssl_no_forward_secrecy;
mod ssl_protocol_legacy;
mod ssl_proxy_unverified;
mod ssl_session_tickets;

pub use hsts_missing::{HSTS_MISSING, HstsMissing};
pub use ssl_cipher_medium::{SSL_CIPHER_MEDIUM, SslCipherMedium};
pub use ssl_cipher_weak::{SSL_CIPHER_WEAK, SslCipherWeak};
pub use ssl_insecure_renegotiation::{SSL_INSECURE_RENEGOTIATION, SslInsecureRenegotiation};
pub use ssl_no_forward_secrecy::{SSL_NO_FORWARD_SECRECY, SslNoForwardSecrecy};
pub use ssl_protocol_legacy::{SSL_PROTOCOL_LEGACY, SslProtocolLegacy};
pub use ssl_proxy_unverified::{SSL_PROXY_UNVERIFIED, SslProxyUnverified};
pub use ssl_session_tickets::{SSL_SESSION_TICKETS, SslSessionTickets};

use crate::load::tree::NodeId;
use crate::model::openssl_ciphers::{self, Cipher, Evaluation, Universe};
use crate::rules::context::Context;
use crate::rules::validity::tls::directives_named;

/// A TLS 1.2-and-below cipher string as written: `SSLCipherSuite`,
/// `SSLProxyCipherSuite` (one-argument or `SSL` form) and
/// `SSLOpenSSLConfCmd CipherString`.
pub(crate) struct CipherString {
    pub node: NodeId,
    pub arg: usize,
    /// What OpenSSL evaluates (mod_ssl appends `:!aNULL:!eNULL:!EXP`), over
    /// every suite any OpenSSL build offers.
    pub eval: std::sync::Arc<Evaluation>,
}

pub(crate) fn cipher_strings(ctx: &Context<'_>) -> Vec<CipherString> {
    let mut out = Vec::new();
    for directive in ["SSLCipherSuite", "SSLProxyCipherSuite", "SSLOpenSSLConfCmd"] {
        for id in directives_named(ctx, directive) {
            let args: Vec<&str> = ctx.node(id).arg_values().collect();
            let arg = match (directive, args.as_slice()) {
                ("SSLOpenSSLConfCmd", [cmd, _]) if cmd.eq_ignore_ascii_case("CipherString") => 1,
                ("SSLOpenSSLConfCmd", _) => continue,
                (_, [_]) => 0,
                (_, ["SSL", _]) => 1,
                _ => continue,
            };
            let string = format!("{}:!aNULL:!eNULL:!EXP", args[arg]);
            let eval = openssl_ciphers::evaluate(&string, Universe::AnyBuild);
            if !eval.uncertain && !eval.invalid {
                out.push(CipherString {
                    node: id,
                    arg,
                    eval,
                });
            }
        }
    }
    out
}

/// Reports the suites of `strings` that `class` picks, one finding per
/// string: the rule (as written) that enabled the first of them is named in
/// the label.
pub(crate) fn report_cipher_class(
    ctx: &mut Context<'_>,
    what: &str,
    class: impl Fn(&Cipher) -> Option<&'static str>,
    help: &str,
) {
    for s in cipher_strings(ctx) {
        let hits: Vec<(&Cipher, usize, &str)> = s
            .eval
            .enabled
            .iter()
            .filter_map(|(c, rule)| class(c).map(|k| (*c, *rule, k)))
            .collect();
        let Some(&(_, first_rule, _)) = hits.first() else {
            continue;
        };
        let mut kinds: Vec<&str> = hits.iter().map(|h| h.2).collect();
        kinds.dedup();
        kinds.sort_unstable();
        kinds.dedup();
        let examples: Vec<&str> = hits.iter().map(|h| h.0.name).take(3).collect();
        let more = if hits.len() > 3 { ", …" } else { "" };
        let node = ctx.node(s.node);
        let span = node.arg_span(s.arg);
        let rule_text = s.eval.rules.get(first_rule).cloned().unwrap_or_default();
        let f = ctx.report(
            s.node,
            span,
            format!("the cipher string enables {what}: {}", kinds.join(", ")),
        );
        f.primary_label = Some(format!("`{rule_text}` adds {}{more}", examples.join(", ")));
        f.help = Some(help.to_string());
    }
}
