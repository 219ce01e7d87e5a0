//! `AL171` ssl-protocol-invalid.

use crate::finding::Severity;
use crate::model::mod_ssl::parse_protocols;
use crate::rules::context::{Context, Rule};

use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `SSLProtocol` or `SSLProxyProtocol` word httpd refuses: an unknown version
    /// (`TLSv1.4`, `TLSv13`, a lone `+`), `SSLv2`, and `SSLv3` (OpenSSL 3 as Debian builds it
    /// has no SSLv3; only `-SSLv3` is accepted). httpd stops at the first bad word of a line,
    /// so that is the one reported. It also notes a word without `+`/`-` after others
    /// (`SSLProtocol -all TLSv1.2`), which silently replaces what came before it
    /// (`AH02532`).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start: `SSLProtocol: Illegal protocol 'TLSv1.4'`. The override case
    /// starts, but with a protocol set nobody meant: `SSLProtocol -all +TLSv1.3 TLSv1.2`
    /// enables TLSv1.2 alone.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLProtocol -all +TLSv1.2 +TLSv1.4
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLProtocol -all +TLSv1.2 +TLSv1.3
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslprotocol>
    pub SSL_PROTOCOL_INVALID = {
        code: "AL171",
        name: "ssl-protocol-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslProtocolInvalid;

impl Rule for SslProtocolInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_PROTOCOL_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for directive in ["SSLProtocol", "SSLProxyProtocol"] {
            for id in directives_named(ctx, directive) {
                let node = ctx.node(id);
                let name = ctx.config.canonical_name(&node.name);
                let parsed = parse_protocols(&name, node.arg_values());
                if let Some((i, message)) = parsed.error {
                    let f = ctx.httpd_error(id, node.arg_span(i), message);
                    f.help = Some(
                        "valid words are `all`, `TLSv1`, `TLSv1.1`, `TLSv1.2` and `TLSv1.3`, each \
                         optionally prefixed with `+` or `-`; `SSLv3` and `SSLv2` may only be removed"
                            .to_string(),
                    );
                    continue;
                }
                for i in parsed.overriding {
                    let word = node.arg(i).unwrap_or_default();
                    let f = ctx.report(
                        id,
                        node.arg_span(i),
                        format!("`{word}` without `+` or `-` replaces the protocols set before it"),
                    );
                    f.severity = if f.latent {
                        Severity::Info
                    } else {
                        Severity::Warning
                    };
                    f.help = Some(format!(
                        "httpd warns `AH02532: {name}: Protocol '{word}' overrides already set \
                         parameter(s). Check if a +/- prefix is missing.`; write `+{word}` to add it"
                    ));
                }
            }
        }
    }
}
