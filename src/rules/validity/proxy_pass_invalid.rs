//! `AL153` proxy-pass-invalid.

use crate::rules::context::{Context, Rule};

use super::proxy_syntax::{ProxyKind, of_kind};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `ProxyPass`, `ProxyPassMatch`, `ProxyPassReverse`, `ProxyRemote` or
    /// `ProxyRemoteMatch` httpd refuses: a missing path or target outside `<Location>`
    /// (`ProxyPass|ProxyPassMatch needs a path when not defined in a location`), a path given
    /// inside `<Location>`, a word after the target that is not `key=value` (or `nocanon`,
    /// `interpolate`, `noquery`), `~` with `ProxyPassMatch`, an unknown `mapping=`, a
    /// `unix:` socket URL without a scheme after `|`, and a target URL httpd cannot use as a
    /// worker (`URL must be absolute!: localhost:8080`, `Unable to parse URL: http://x:abc/`,
    /// a malformed `balancer://` name).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`ProxyPass URL must be absolute!: localhost:8080`). A target
    /// written without its scheme, or a `ProxyPass /app http://…` copied into
    /// `<Location /app>`, takes the whole server down on the next restart.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ProxyPass /api localhost:8080/
    /// ```
    ///
    /// ```apache
    /// # after
    /// ProxyPass /api http://localhost:8080/
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypassreverse>
    pub PROXY_PASS_INVALID = {
        code: "AL153",
        name: "proxy-pass-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ProxyPassInvalid;

impl Rule for ProxyPassInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PROXY_PASS_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, refusal) in of_kind(ctx, ProxyKind::Mapping) {
            refusal.report(ctx, id);
        }
    }
}
