//! `AL304` ssl-insecure-renegotiation.

use crate::rules::context::{Context, Rule};
use crate::rules::validity::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports `SSLInsecureRenegotiation on`, which lets clients that do not support the
    /// secure renegotiation extension (RFC 5746) renegotiate anyway.
    ///
    /// ## Why is this risky?
    /// Insecure renegotiation is the TLS prefix-injection attack (CVE-2009-3555): a man in
    /// the middle splices his own request in front of the victim's authenticated one. Every
    /// client of the last decade supports RFC 5746; CIS item 7.6 requires the directive off.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLInsecureRenegotiation on
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLInsecureRenegotiation off
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslinsecurerenegotiation>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 7.6 "Ensure Insecure SSL Renegotiation Is Not Enabled"
    /// - RFC 5746
    pub SSL_INSECURE_RENEGOTIATION = {
        code: "AL304",
        name: "ssl-insecure-renegotiation",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct SslInsecureRenegotiation;

impl Rule for SslInsecureRenegotiation {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_INSECURE_RENEGOTIATION
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for id in directives_named(ctx, "SSLInsecureRenegotiation") {
            let node = ctx.node(id);
            if !node.arg(0).is_some_and(|v| v.eq_ignore_ascii_case("on")) || node.args.len() != 1 {
                continue;
            }
            let f = ctx.report(
                id,
                node.arg_span(0),
                "insecure TLS renegotiation is allowed (CVE-2009-3555)",
            );
            f.help = Some(
                "remove the line: the default, off, is what every current client needs".to_string(),
            );
        }
    }
}
