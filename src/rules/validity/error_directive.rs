//! `AL190` error-directive.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports an active `Error` directive: httpd stops reading the configuration there with
    /// the directive's message (quotes stripped). Configurations use it to refuse to start in
    /// an unsupported setup (`<IfModule !mod_ssl.c> Error "mod_ssl is required" </IfModule>`).
    ///
    /// ## Why is this risky?
    /// The server does not start. Inside a branch that is inactive today, the error is latent:
    /// it fires the day the condition turns.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <IfModule !ssl_module>
    ///     Error "this site needs mod_ssl"
    /// </IfModule>
    /// # (and mod_ssl is not enabled)
    /// ```
    ///
    /// ```apache
    /// # after
    /// LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#error>
    pub ERROR_DIRECTIVE = {
        code: "AL190",
        name: "error-directive",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ErrorDirective;

impl Rule for ErrorDirective {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ERROR_DIRECTIVE
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx.named("Error").to_vec();
        for id in nodes {
            if ctx.loaded_specs_of(id).is_empty() {
                continue;
            }
            let raw = ctx.config.raw_args(id).into_owned();
            let message = if raw.is_empty() {
                "The Error directive was used with no message.".to_string()
            } else {
                let bytes = raw.as_bytes();
                let quoted = matches!(bytes[0], b'"' | b'\'')
                    && bytes.len() >= 2
                    && bytes[bytes.len() - 1] == bytes[0];
                if quoted {
                    raw[1..raw.len() - 1].to_string()
                } else {
                    raw
                }
            };
            let span = ctx.node(id).span;
            let f = ctx.httpd_error(id, span, message);
            f.primary_label = Some("httpd stops here".to_string());
        }
    }
}
