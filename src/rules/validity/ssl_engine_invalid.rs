//! `AL176` ssl-engine-invalid.

use crate::rules::context::{Context, Rule};

use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `SSLEngine` value other than `on`, `off` or `optional` (any case). The
    /// 2.4.71 message still says "On or Off"; `optional` is accepted with a notice that it
    /// is no longer supported.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start: `Argument must be On or Off`. `SSLEngine yes` and
    /// `SSLEngine enabled` are the usual slips.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLEngine yes
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLEngine on
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslengine>
    pub SSL_ENGINE_INVALID = {
        code: "AL176",
        name: "ssl-engine-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslEngineInvalid;

impl Rule for SslEngineInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_ENGINE_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for id in directives_named(ctx, "SSLEngine") {
            let node = ctx.node(id);
            let [value] = node.args.as_slice() else {
                continue;
            };
            if ["on", "off", "optional"]
                .iter()
                .any(|v| v.eq_ignore_ascii_case(&value.value))
            {
                continue;
            }
            let f = ctx.httpd_error(id, node.arg_span(0), "Argument must be On or Off");
            f.help = Some("write `SSLEngine on` or `SSLEngine off`".to_string());
        }
    }
}
