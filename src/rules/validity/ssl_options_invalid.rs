//! `AL179` ssl-options-invalid.

use crate::rules::context::{Context, Rule};

use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `SSLOptions` word mod_ssl does not know. The options are `StdEnvVars`,
    /// `ExportCertData`, `FakeBasicAuth`, `StrictRequire`, `OptRenegotiate` and
    /// `LegacyDNStringFormat` (any case), each optionally prefixed with `+` or `-`. httpd
    /// stops at the first unknown word.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start: `SSLOptions: Illegal option 'ExportCertificateData'`.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLOptions +StdEnvVars +ExportCertificateData
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLOptions +StdEnvVars +ExportCertData
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#ssloptions>
    pub SSL_OPTIONS_INVALID = {
        code: "AL179",
        name: "ssl-options-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

const OPTIONS: &[&str] = &[
    "StdEnvVars",
    "ExportCertData",
    "FakeBasicAuth",
    "StrictRequire",
    "OptRenegotiate",
    "LegacyDNStringFormat",
];

pub struct SslOptionsInvalid;

impl Rule for SslOptionsInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_OPTIONS_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for id in directives_named(ctx, "SSLOptions") {
            let node = ctx.node(id);
            let bad = node.arg_values().enumerate().find(|(_, w)| {
                let name = w.strip_prefix(['+', '-']).unwrap_or(w);
                !OPTIONS.iter().any(|o| o.eq_ignore_ascii_case(name))
            });
            let Some((i, word)) = bad else { continue };
            let name = word.strip_prefix(['+', '-']).unwrap_or(word).to_string();
            let f = ctx.httpd_error(
                id,
                node.arg_span(i),
                format!("SSLOptions: Illegal option '{name}'"),
            );
            f.help = Some(format!("the options are {}", OPTIONS.join(", ")));
        }
    }
}
