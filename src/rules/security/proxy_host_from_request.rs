//! `AL317` proxy-host-from-request.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};
use crate::rules::validity::{RawLine, handled_nodes, parse_arg_line};

crate::declare_rule! {
    /// ## What it does
    /// Reports a proxy target whose host comes from the request: a `RewriteRule … [P]`
    /// whose substitution puts a back-reference, a server variable or a map lookup (`$1`,
    /// `%1`, `%{HTTP_HOST}`, `${map:…}`) into the host part of the URL, and a
    /// `ProxyPassMatch` whose target does the same.
    ///
    /// ## Why is this risky?
    /// Whoever sends the request chooses the host the server fetches from: internal
    /// services, cloud metadata endpoints, anything the server can reach (server-side
    /// request forgery — CVE-2011-3368 and CVE-2011-4317 were this pattern). The host of a
    /// reverse proxy target must be fixed; only the path may come from the request.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// RewriteRule "^/app/(.*)" "http://backend$1" [P]
    /// ```
    ///
    /// ```apache
    /// # after
    /// RewriteRule "^/app/(.*)" "http://backend.internal/$1" [P]
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/rewrite/flags.html#flag_p>
    /// - <https://httpd.apache.org/security/vulnerabilities_22.html> (CVE-2011-3368)
    pub PROXY_HOST_FROM_REQUEST = {
        code: "AL317",
        name: "proxy-host-from-request",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct ProxyHostFromRequest;

impl Rule for ProxyHostFromRequest {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PROXY_HOST_FROM_REQUEST
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for id in handled_nodes(ctx, "RewriteRule") {
            let raw = RawLine::of(ctx, id);
            let Some(line) = parse_arg_line(&raw.text) else {
                continue;
            };
            if !line.flags.as_ref().is_some_and(|f| proxies(&f.text)) {
                continue;
            }
            if let Some(host) = dynamic_host(&line.second.text) {
                let span = raw.span(line.second.range.clone());
                report(ctx, id, span, host);
            }
        }
        let matches: Vec<NodeId> = handled_nodes(ctx, "ProxyPassMatch");
        for id in matches {
            let node = ctx.node(id);
            let Some(host) = node.arg(1).and_then(dynamic_host) else {
                continue;
            };
            let span = node.arg_span(1);
            report(ctx, id, span, host);
        }
    }
}

fn report(ctx: &mut Context<'_>, id: NodeId, span: crate::source::Span, host: &str) {
    let f = ctx.report(
        id,
        span,
        format!(
            "the proxied host `{host}` comes from the request: anyone can make the server fetch from any host it reaches"
        ),
    );
    f.help = Some(
        "write the backend host literally and take only the path from the request (`http://backend.internal/$1`)"
            .to_string(),
    );
}

/// Whether a `RewriteRule` flags field (`[P,L]`) has `P`/`proxy`.
fn proxies(field: &str) -> bool {
    field
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|flag| flag.split('=').next().unwrap_or_default().trim())
        .any(|flag| flag.eq_ignore_ascii_case("P") || flag.eq_ignore_ascii_case("proxy"))
}

/// The host part of an absolute URL when something substituted at request
/// time (`$N`, `%N`, `%{VAR}`, `${map:key}`) makes it up.
fn dynamic_host(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let host = rest.split('/').next().unwrap_or(rest);
    host.contains(['$', '%']).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_controlled_hosts() {
        assert_eq!(dynamic_host("http://backend$1"), Some("backend$1"));
        assert_eq!(dynamic_host("http://%{HTTP_HOST}/x"), Some("%{HTTP_HOST}"));
        assert_eq!(dynamic_host("http://backend/$1"), None);
        assert_eq!(dynamic_host("/local/$1"), None);
        assert!(proxies("[P,L]") && proxies("[proxy]") && !proxies("[PT]"));
    }
}
