//! `AL157` proxy-scheme-handler-missing.

use crate::rules::context::{Context, Rule};

use super::handler_input::handled_nodes;
use super::proxy_values::de_socketfy;

crate::declare_rule! {
    /// ## What it does
    /// Warns about a `ProxyPass`, `ProxyPassMatch` or `BalancerMember` whose target scheme no
    /// loaded module handles: `http://`, `https://`, `ws://` and `wss://` need
    /// mod_proxy_http (or mod_proxy_wstunnel for `ws`), `balancer://` mod_proxy_balancer,
    /// `fcgi://` mod_proxy_fcgi, `ajp://` mod_proxy_ajp, `h2://`/`h2c://` mod_proxy_http2,
    /// `scgi://`, `uwsgi://`, `ftp://` and `fd://` their own modules. mod_proxy alone
    /// handles none of them, and no module handles a misspelled scheme (`htp://`).
    ///
    /// ## Why is this risky?
    /// `apache2 -t` passes and the server starts, but every request the mapping matches fails
    /// with 500 Internal Server Error and the log says `AH01144: No protocol handler was valid
    /// for the URL … If you are using a DSO version of mod_proxy, make sure the proxy submodules
    /// are included in the configuration using LoadModule.` Enabling `proxy` without
    /// `proxy_http` is the classic.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
    /// ProxyPass /api http://127.0.0.1:8080/
    /// ```
    ///
    /// ```apache
    /// # after
    /// LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
    /// LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
    /// ProxyPass /api http://127.0.0.1:8080/
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html>
    pub PROXY_SCHEME_HANDLER_MISSING = {
        code: "AL157",
        name: "proxy-scheme-handler-missing",
        family: Validity,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct ProxySchemeHandlerMissing;

/// Schemes and the modules that can handle them.
const HANDLERS: [(&str, &[&str]); 13] = [
    ("http", &["proxy_http_module"]),
    ("https", &["proxy_http_module"]),
    ("ws", &["proxy_http_module", "proxy_wstunnel_module"]),
    ("wss", &["proxy_http_module", "proxy_wstunnel_module"]),
    ("balancer", &["proxy_balancer_module"]),
    ("fcgi", &["proxy_fcgi_module"]),
    ("ajp", &["proxy_ajp_module"]),
    ("h2", &["proxy_http2_module"]),
    ("h2c", &["proxy_http2_module"]),
    ("scgi", &["proxy_scgi_module"]),
    ("uwsgi", &["proxy_uwsgi_module"]),
    ("ftp", &["proxy_ftp_module"]),
    ("fd", &["proxy_fdpass_module"]),
];

impl Rule for ProxySchemeHandlerMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PROXY_SCHEME_HANDLER_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for name in ["ProxyPass", "ProxyPassMatch", "BalancerMember"] {
            for id in handled_nodes(ctx, name) {
                let node = ctx.node(id);
                if !node.active {
                    continue;
                }
                let Some(index) = target_index(ctx, id) else {
                    continue;
                };
                let target = node.arg(index).unwrap_or("");
                let Some(scheme) = scheme_of(target) else {
                    continue;
                };
                let Some((_, modules)) = HANDLERS.iter().find(|(s, _)| *s == scheme) else {
                    let f = ctx.report(
                        id,
                        node.arg_span(index),
                        format!("no proxy module handles the {scheme}:// scheme: requests proxied here fail with 500 (AH01144)"),
                    );
                    f.primary_label = Some("unknown proxy scheme".to_string());
                    f.help = Some(
                        "proxy schemes: http, https, ws, wss, balancer, fcgi, ajp, h2, h2c, scgi, uwsgi, ftp, fd"
                            .to_string(),
                    );
                    continue;
                };
                if modules.iter().any(|m| ctx.has_module(m)) {
                    continue;
                }
                let module = modules[0];
                let hint = crate::model::registry::module_by_identifier(module).map_or_else(
                    || format!("load {module}"),
                    super::directive_module_not_loaded::enable_hint,
                );
                let f = ctx.report(
                    id,
                    node.arg_span(index),
                    format!("no loaded module handles the {scheme}:// scheme: requests proxied here fail with 500 (AH01144)"),
                );
                f.primary_label = Some(format!("{scheme}:// needs {}", modules.join(" or ")));
                f.help = Some(hint);
            }
        }
    }
}

/// Which argument is the target URL: the second word (the first inside a
/// `<Location>` or `<Proxy>`), skipping `ProxyPass ~`.
fn target_index(ctx: &Context<'_>, id: crate::load::tree::NodeId) -> Option<usize> {
    let node = ctx.node(id);
    let skip_tilde = usize::from(node.arg(0) == Some("~"));
    let in_section = super::handler_input::in_directory_context(ctx, id);
    let index = skip_tilde + usize::from(!in_section);
    let target = node.arg(index)?;
    (!target.contains('=') || node.is("ProxyPass") || node.is("ProxyPassMatch")).then_some(index)
}

/// The scheme a target is proxied with (after a `unix:…|` socket prefix),
/// lowercased; `None` for `!` and scheme-less targets.
fn scheme_of(target: &str) -> Option<String> {
    let url = de_socketfy(target)?;
    let colon = url.find("://")?;
    Some(url[..colon].to_ascii_lowercase())
}
