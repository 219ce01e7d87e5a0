//! `AL306` ssl-proxy-unverified.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};
use crate::rules::validity::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports TLS to a backend that mod_ssl does not verify: `SSLProxyEngine on` where
    /// `SSLProxyVerify` is `none` — its default — and every `SSLProxyCheckPeerName off`
    /// (or `SSLProxyCheckPeerCN off`) next to `SSLProxyEngine on`. The setting is looked up
    /// where the engine is turned on, then in the enclosing sections and the main server; a
    /// `SSLProxyVerify require` in a section inside (a `<Proxy>` block for the backend) is
    /// taken as covering it.
    ///
    /// ## Why is this risky?
    /// Without verification, anyone on the path between httpd and the backend (another
    /// tenant of the network, a compromised router) can present any certificate and read or
    /// alter the proxied traffic — credentials and session cookies included. The "https" in
    /// `ProxyPass / https://backend/` then buys nothing.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLProxyEngine on
    /// ProxyPass / https://backend.internal/
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLProxyEngine on
    /// SSLProxyVerify require
    /// SSLProxyCACertificateFile /etc/ssl/certs/internal-ca.pem
    /// ProxyPass / https://backend.internal/
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslproxyverify>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslproxycheckpeername>
    pub SSL_PROXY_UNVERIFIED = {
        code: "AL306",
        name: "ssl-proxy-unverified",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct SslProxyUnverified;

impl Rule for SslProxyUnverified {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_PROXY_UNVERIFIED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for engine in directives_named(ctx, "SSLProxyEngine") {
            let node = ctx.node(engine);
            if !node.arg(0).is_some_and(|v| v.eq_ignore_ascii_case("on")) {
                continue;
            }
            let verify = nearest(ctx, engine, "SSLProxyVerify");
            let verified = verify.is_some_and(|id| {
                ctx.node(id).arg(0).is_some_and(|v| {
                    ["require", "on", "optional"]
                        .iter()
                        .any(|m| m.eq_ignore_ascii_case(v))
                })
            });
            if !verified && !verified_inside(ctx, engine) {
                let span = node.arg_span(0);
                let f = ctx.report(
                    engine,
                    span,
                    "TLS to the backend is not verified: SSLProxyVerify is none",
                );
                f.help = Some(
                    "add `SSLProxyVerify require` and `SSLProxyCACertificateFile` naming the CA \
                     that issued the backend's certificate"
                        .to_string(),
                );
            }
            for check in ["SSLProxyCheckPeerName", "SSLProxyCheckPeerCN"] {
                let Some(id) = nearest(ctx, engine, check) else {
                    continue;
                };
                let n = ctx.node(id);
                if n.arg(0).is_some_and(|v| v.eq_ignore_ascii_case("off")) {
                    let f = ctx.report(
                        id,
                        n.arg_span(0),
                        format!("{check} off accepts a backend certificate issued for any name"),
                    );
                    f.help = Some(
                        "remove the line, and make the backend's certificate name the host in the \
                         proxied URL"
                            .to_string(),
                    );
                }
            }
        }
    }
}

/// The nearest active `name` for `node`: in its own section, then each
/// enclosing section, then the main server (the last of each level).
fn nearest(ctx: &Context<'_>, node: NodeId, name: &str) -> Option<NodeId> {
    let mut level = ctx.parent_section(node);
    loop {
        let found = ctx
            .named(name)
            .iter()
            .copied()
            .rfind(|&id| ctx.node(id).active && ctx.parent_section(id) == level);
        if found.is_some() {
            return found;
        }
        level = ctx.parent_section(level?);
    }
}

/// Whether a section below `engine`'s (a `<Proxy>` for the backend)
/// requires verification.
fn verified_inside(ctx: &Context<'_>, engine: NodeId) -> bool {
    let scope = ctx.parent_section(engine);
    ctx.named("SSLProxyVerify").iter().any(|&id| {
        let n = ctx.node(id);
        if !n.active || !n.arg(0).is_some_and(|v| v.eq_ignore_ascii_case("require")) {
            return false;
        }
        let Some(section) = ctx.parent_section(id) else {
            return false;
        };
        if Some(section) == scope {
            return false;
        }
        let mut cur = Some(section);
        while let Some(c) = cur {
            if Some(c) == scope {
                return true;
            }
            cur = ctx.parent_section(c);
        }
        scope.is_none()
    })
}
