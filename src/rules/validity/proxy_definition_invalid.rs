//! `AL155` proxy-definition-invalid.

use crate::rules::context::{Context, Rule};

use super::proxy_syntax::{ProxyKind, of_kind};

crate::declare_rule! {
    /// ## What it does
    /// Reports a worker or balancer definition httpd refuses: a `BalancerMember` outside
    /// `<Proxy balancer://…>` without a balancer name, without a backend URL, with a second
    /// name inside the section, or with a backend URL that is not absolute; a `ProxySet`
    /// naming a balancer or worker that no earlier directive of the same server defined
    /// (`ProxySet can not find 'balancer://app' Balancer.`; virtual hosts do not see the main
    /// server's definitions); `<Proxy>` parameters on a wildcard or non-URL path, and
    /// `<ProxyMatch>` with parameters.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`BalancerMember must define remote proxy server`,
    /// `ProxySet can not find 'http://app/' Worker.`). Order matters: a `ProxySet` moved above
    /// the `BalancerMember` lines it tunes breaks the configuration.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ProxySet balancer://app lbmethod=byrequests
    /// <Proxy balancer://app>
    ///     BalancerMember http://10.0.0.1:8080
    /// </Proxy>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Proxy balancer://app>
    ///     BalancerMember http://10.0.0.1:8080
    ///     ProxySet lbmethod=byrequests
    /// </Proxy>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#balancermember>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxyset>
    pub PROXY_DEFINITION_INVALID = {
        code: "AL155",
        name: "proxy-definition-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ProxyDefinitionInvalid;

impl Rule for ProxyDefinitionInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PROXY_DEFINITION_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, refusal) in of_kind(ctx, ProxyKind::Definition) {
            refusal.report(ctx, id);
        }
    }
}
