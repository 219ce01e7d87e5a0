//! `AL309` server-signature-on.

use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports `ServerSignature On` or `ServerSignature EMail` in any scope: httpd then adds
    /// a footer naming the server version (as `ServerTokens` allows), the host name and port
    /// — and with `EMail` the `ServerAdmin` address — to its error pages, directory listings
    /// and proxy errors.
    ///
    /// ## Why is this risky?
    /// It publishes on every 404 what `ServerTokens` should keep quiet, and with `EMail` an
    /// address for phishing. CIS item 8.2 requires `Off`, the default; Debian's
    /// `conf-available/security.conf` sets `On`.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ServerSignature On
    /// ```
    ///
    /// ```apache
    /// # after
    /// ServerSignature Off
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#serversignature>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 8.2 "Ensure ServerSignature Is Not Enabled"
    pub SERVER_SIGNATURE_ON = {
        code: "AL309",
        name: "server-signature-on",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct ServerSignatureOn;

impl Rule for ServerSignatureOn {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SERVER_SIGNATURE_ON
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<_> = ctx.named("ServerSignature").to_vec();
        for id in nodes {
            let node = ctx.node(id);
            if !node.is_directive() || node.args.len() != 1 {
                continue;
            }
            let value = node.arg(0).unwrap_or_default().to_string();
            let email = value.eq_ignore_ascii_case("EMail");
            if !email && !value.eq_ignore_ascii_case("On") {
                continue;
            }
            let message = if email {
                "`ServerSignature EMail`: error pages and listings show the server version and the ServerAdmin address"
            } else {
                "`ServerSignature On`: error pages and listings show the server version, name and port"
            };
            let f = ctx.report(id, node.arg_span(0), message);
            f.help = Some("set `ServerSignature Off` (the default)".to_string());
        }
    }
}
