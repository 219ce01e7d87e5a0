//! `AL156` proxy-parameter-ignored.

use crate::rules::context::{Context, Rule};

use super::proxy_syntax::{ProxyKind, of_kind};

crate::declare_rule! {
    /// ## What it does
    /// Warns about `key=value` parameters httpd ignores because the worker is shared: when an
    /// earlier `ProxyPass` (or `<Proxy>`, `ProxySet`) of the same server already defined a
    /// worker whose URL is a prefix of this one (`http://app/` covers `http://app/api`), or a
    /// `BalancerMember` repeats a member of its balancer, httpd reuses that worker and drops the
    /// new parameters with a warning (AH01146, AH01150).
    ///
    /// ## Why is this risky?
    /// The configuration loads, but the timeouts, retries or limits written on the later line
    /// never apply: the backend keeps the first definition's settings.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ProxyPass /app http://app.internal/
    /// ProxyPass /api http://app.internal/api timeout=300
    /// ```
    ///
    /// ```apache
    /// # after
    /// ProxyPass /app http://app.internal/ timeout=300
    /// ProxyPass /api http://app.internal/api
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#workers>
    pub PROXY_PARAMETER_IGNORED = {
        code: "AL156",
        name: "proxy-parameter-ignored",
        family: Validity,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct ProxyParameterIgnored;

impl Rule for ProxyParameterIgnored {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PROXY_PARAMETER_IGNORED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, refusal) in of_kind(ctx, ProxyKind::Ignored) {
            refusal.report(ctx, id);
        }
    }
}
