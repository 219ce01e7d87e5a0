//! `AL172` ssl-cipher-suite-invalid.

use crate::rules::context::{Context, Rule};

use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports what `apache2 -t` refuses in `SSLCipherSuite` and `SSLProxyCipherSuite`: in
    /// the two-argument form the first word names the protocol the list is for, and only
    /// `SSL` (TLSv1.2 and below) and `TLSv1.3` exist — spelled exactly so. TLSv1.3 suites
    /// cannot be set inside `<Directory>`, `<Location>` and the like. (The cipher string
    /// itself is only read at start-up: see `ssl-cipher-suite-matches-nothing`.)
    ///
    /// ## Why is this risky?
    /// httpd refuses to start: `protocol 'TLSv1.2' not supported`. Writing
    /// `SSLCipherSuite TLSv1.2 HIGH` to "pin" TLSv1.2 suites is a common slip.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLCipherSuite TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCipherSuite ECDHE-RSA-AES128-GCM-SHA256
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslciphersuite>
    pub SSL_CIPHER_SUITE_INVALID = {
        code: "AL172",
        name: "ssl-cipher-suite-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslCipherSuiteInvalid;

impl Rule for SslCipherSuiteInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_CIPHER_SUITE_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for directive in ["SSLCipherSuite", "SSLProxyCipherSuite"] {
            for id in directives_named(ctx, directive) {
                let node = ctx.node(id);
                let [protocol, _] = node.args.as_slice() else {
                    continue;
                };
                match &*protocol.value {
                    "SSL" => {}
                    "TLSv1.3" => {
                        if directive == "SSLCipherSuite" && in_directory_context(ctx, id) {
                            let f = ctx.httpd_error(
                                id,
                                node.arg_span(0),
                                "TLSv1.3 ciphers cannot be set inside a directory context",
                            );
                            f.help = Some(
                                "set `SSLCipherSuite TLSv1.3 …` at server or <VirtualHost> level"
                                    .to_string(),
                            );
                        }
                    }
                    other => {
                        let f = ctx.httpd_error(
                            id,
                            node.arg_span(0),
                            format!("protocol '{other}' not supported"),
                        );
                        f.primary_label =
                            Some("only `SSL` or `TLSv1.3` can stand here".to_string());
                        f.help = Some(
                            "with one argument the list is for TLSv1.2 and below; the two-argument \
                             form takes `SSL` or `TLSv1.3` (case-sensitive) first"
                                .to_string(),
                        );
                    }
                }
            }
        }
    }
}

/// Inside a per-directory section (httpd's `cmd->path` is set).
fn in_directory_context(ctx: &Context<'_>, id: crate::load::tree::NodeId) -> bool {
    ctx.parent_section(id)
        .is_some_and(|s| !ctx.node(s).is("VirtualHost"))
}
