//! `AL154` proxy-parameter-invalid.

use crate::rules::context::{Context, Rule};

use super::proxy_syntax::{ProxyKind, of_kind};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `key=value` worker or balancer parameter httpd refuses, on `ProxyPass`,
    /// `ProxyPassMatch`, `BalancerMember`, `ProxySet` and `<Proxy url key=value>`: an unknown
    /// key (`unknown Worker parameter`, `unknown Balancer parameter`; the `hc*` keys need
    /// mod_proxy_hcheck), and values out of range, as mod_proxy checks them: `timeout=0`,
    /// `retry=-1`, `loadfactor=0.5` (1–100), `keepalive=yes`, `ping=5x`, `status=+Q`,
    /// `lbmethod=` naming a method whose module is not loaded, `route` of 64 characters or more …
    /// Only the first refused parameter of a directive is reported, as httpd stops there.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`ProxyPass Timeout must be at least one second`,
    /// `BalancerMember LoadFactor must be a number between 1..100`,
    /// `ProxySet: unknown lbmethod lbmethod=bytraffic; balancer://app`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ProxyPass /api http://127.0.0.1:8080/ timeout=0 keepalive=yes
    /// ```
    ///
    /// ```apache
    /// # after
    /// ProxyPass /api http://127.0.0.1:8080/ timeout=30 keepalive=On
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#workers>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass>
    pub PROXY_PARAMETER_INVALID = {
        code: "AL154",
        name: "proxy-parameter-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ProxyParameterInvalid;

impl Rule for ProxyParameterInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PROXY_PARAMETER_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, refusal) in of_kind(ctx, ProxyKind::Parameter) {
            refusal.report(ctx, id);
        }
    }
}
