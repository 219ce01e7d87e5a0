//! Security rules (AL3xx): configurations httpd accepts and serves, but that
//! expose the server or its users — legacy TLS protocols and ciphers,
//! insecure renegotiation, unverified TLS to backends, missing HSTS, version
//! disclosure, TRACE, status/info pages and forward proxying open to
//! anyone, a filesystem root not denied or served, private keys inside served
//! trees, proxy targets whose host the request chooses, WebDAV open to
//! anyone, TLS sites also served in plain HTTP, `.git` and
//! `.env` in served trees. Each
//! cites the guideline it enforces (Mozilla's Server Side TLS, the CIS Apache
//! HTTP Server 2.4 Benchmark). httpd serves all of these, so none is an
//! error: `check` fails on them only with `--fail-on warning`.

mod filesystem_root_served;
mod handler_exposed;
mod hsts_missing;
mod http_not_redirected;
mod open_forward_proxy;
mod private_key_served;
mod proxy_host_from_request;
mod repository_metadata_served;
mod root_directory_not_denied;
mod server_signature_on;
mod server_tokens_verbose;
mod ssl_cipher_medium;
mod ssl_cipher_weak;
mod ssl_insecure_renegotiation;
mod ssl_no_forward_secrecy;
mod ssl_protocol_legacy;
mod ssl_proxy_unverified;
mod ssl_session_tickets;
mod trace_enabled;
mod webdav_unrestricted;

pub use filesystem_root_served::{FILESYSTEM_ROOT_SERVED, FilesystemRootServed};
pub use handler_exposed::{
    SERVER_INFO_EXPOSED, SERVER_STATUS_EXPOSED, ServerInfoExposed, ServerStatusExposed,
};
pub use hsts_missing::{HSTS_MISSING, HstsMissing};
pub use http_not_redirected::{HTTP_NOT_REDIRECTED, HttpNotRedirected};
pub use open_forward_proxy::{OPEN_FORWARD_PROXY, OpenForwardProxy};
pub use private_key_served::{PRIVATE_KEY_SERVED, PrivateKeyServed};
pub use proxy_host_from_request::{PROXY_HOST_FROM_REQUEST, ProxyHostFromRequest};
pub use repository_metadata_served::{REPOSITORY_METADATA_SERVED, RepositoryMetadataServed};
pub use root_directory_not_denied::{ROOT_DIRECTORY_NOT_DENIED, RootDirectoryNotDenied};
pub use server_signature_on::{SERVER_SIGNATURE_ON, ServerSignatureOn};
pub use server_tokens_verbose::{SERVER_TOKENS_VERBOSE, ServerTokensVerbose};
pub use ssl_cipher_medium::{SSL_CIPHER_MEDIUM, SslCipherMedium};
pub use ssl_cipher_weak::{SSL_CIPHER_WEAK, SslCipherWeak};
pub use ssl_insecure_renegotiation::{SSL_INSECURE_RENEGOTIATION, SslInsecureRenegotiation};
pub use ssl_no_forward_secrecy::{SSL_NO_FORWARD_SECRECY, SslNoForwardSecrecy};
pub use ssl_protocol_legacy::{SSL_PROTOCOL_LEGACY, SslProtocolLegacy};
pub use ssl_proxy_unverified::{SSL_PROXY_UNVERIFIED, SslProxyUnverified};
pub use ssl_session_tickets::{SSL_SESSION_TICKETS, SslSessionTickets};
pub use trace_enabled::{TRACE_ENABLED, TraceEnabled};
pub use webdav_unrestricted::{WEBDAV_UNRESTRICTED, WebdavUnrestricted};

use crate::load::tree::NodeId;
use crate::model::openssl_ciphers::{self, Cipher, Evaluation, Universe};
use crate::rules::context::Context;
use crate::rules::validity::tls::directives_named;

/// The main server's setting of a server-wide directive: the last active
/// one outside every section (httpd keeps the last).
pub(crate) fn main_server_setting(ctx: &Context<'_>, name: &str) -> Option<NodeId> {
    ctx.named(name).iter().copied().rev().find(|&id| {
        let node = ctx.node(id);
        node.active && node.is_directive() && ctx.config.enclosing_section(id).is_none()
    })
}

/// The trees the configuration serves files from: every active
/// `DocumentRoot` and `Alias`/`ScriptAlias` target (absolute, without
/// trailing slash; `/` stays `/`), with the directive that serves it.
pub(crate) fn served_trees(ctx: &Context<'_>) -> Vec<(String, NodeId)> {
    let mut out = Vec::new();
    for (name, arg) in [("DocumentRoot", 0), ("Alias", 1), ("ScriptAlias", 1)] {
        for &id in ctx.named(name) {
            let node = ctx.node(id);
            if !node.active || !node.is_directive() {
                continue;
            }
            if let Some(path) = node.arg(arg).filter(|p| p.starts_with('/')) {
                let trimmed = path.trim_end_matches('/');
                let tree = if trimmed.is_empty() { "/" } else { trimmed };
                out.push((tree.to_string(), id));
            }
        }
    }
    out.sort_by_key(|(_, id)| *id);
    out
}

/// Whether the configuration is a whole server (it listens somewhere): only
/// then does a setting left at httpd's default say something about the
/// server — a site file or module snippet checked on its own says nothing
/// about `ServerTokens`.
pub(crate) fn is_whole_server(ctx: &Context<'_>) -> bool {
    ctx.named("Listen").iter().any(|&id| ctx.node(id).active)
}

/// Whether an access restriction covers `node`: its section, or one
/// enclosing it, restricts access (see [`section_restricts_access`]).
pub(crate) fn access_restricted(ctx: &Context<'_>, node: NodeId) -> bool {
    let mut section = ctx.config.enclosing_section(node);
    while let Some(s) = section {
        if section_restricts_access(ctx, s) {
            return true;
        }
        section = ctx.config.enclosing_section(s);
    }
    false
}

/// Whether a section itself holds a `Require` other than `Require all
/// granted`, a `<RequireAll>`/`<RequireAny>`/`<RequireNone>`, or
/// mod_access_compat's `Allow`/`Deny`. Any such line counts: whether it
/// really keeps strangers out (`Require ip 0.0.0.0/0`) is not judged here.
pub(crate) fn section_restricts_access(ctx: &Context<'_>, section: NodeId) -> bool {
    let config = ctx.config;
    config.effective(section).iter().any(|&id| {
        let n = config.node(id);
        if n.is_section() {
            return n.is("RequireAll") || n.is("RequireAny") || n.is("RequireNone");
        }
        if n.is("Allow") || n.is("Deny") {
            return true;
        }
        n.is("Require") && {
            let words: Vec<&str> = n.arg_values().collect();
            !matches!(words.as_slice(), [all, granted]
                if all.eq_ignore_ascii_case("all") && granted.eq_ignore_ascii_case("granted"))
        }
    })
}

/// A TLS 1.2-and-below cipher string as written: `SSLCipherSuite`,
/// `SSLProxyCipherSuite` (one-argument or `SSL` form) and
/// `SSLOpenSSLConfCmd CipherString`.
pub(crate) struct CipherString {
    pub node: NodeId,
    pub arg: usize,
    /// What OpenSSL evaluates (mod_ssl appends `:!aNULL:!eNULL:!EXP`), over
    /// every suite any OpenSSL build offers.
    pub eval: std::sync::Arc<Evaluation>,
}

pub(crate) fn cipher_strings(ctx: &Context<'_>) -> Vec<CipherString> {
    let mut out = Vec::new();
    for directive in ["SSLCipherSuite", "SSLProxyCipherSuite", "SSLOpenSSLConfCmd"] {
        for id in directives_named(ctx, directive) {
            let args: Vec<&str> = ctx.node(id).arg_values().collect();
            let arg = match (directive, args.as_slice()) {
                ("SSLOpenSSLConfCmd", [cmd, _]) if cmd.eq_ignore_ascii_case("CipherString") => 1,
                ("SSLOpenSSLConfCmd", _) => continue,
                (_, [_]) => 0,
                (_, ["SSL", _]) => 1,
                _ => continue,
            };
            let string = format!("{}:!aNULL:!eNULL:!EXP", args[arg]);
            let eval = openssl_ciphers::evaluate(&string, Universe::AnyBuild);
            if !eval.uncertain && !eval.invalid {
                out.push(CipherString {
                    node: id,
                    arg,
                    eval,
                });
            }
        }
    }
    out
}

/// Reports the suites of `strings` that `class` picks, one finding per
/// string: the rule (as written) that enabled the first of them is named in
/// the label.
pub(crate) fn report_cipher_class(
    ctx: &mut Context<'_>,
    what: &str,
    class: impl Fn(&Cipher) -> Option<&'static str>,
    help: &str,
) {
    for s in cipher_strings(ctx) {
        let hits: Vec<(&Cipher, usize, &str)> = s
            .eval
            .enabled
            .iter()
            .filter_map(|(c, rule)| class(c).map(|k| (*c, *rule, k)))
            .collect();
        let Some(&(_, first_rule, _)) = hits.first() else {
            continue;
        };
        let mut kinds: Vec<&str> = hits.iter().map(|h| h.2).collect();
        kinds.dedup();
        kinds.sort_unstable();
        kinds.dedup();
        let examples: Vec<&str> = hits.iter().map(|h| h.0.name).take(3).collect();
        let more = if hits.len() > 3 { ", …" } else { "" };
        let node = ctx.node(s.node);
        let span = node.arg_span(s.arg);
        let rule_text = s.eval.rules.get(first_rule).cloned().unwrap_or_default();
        let f = ctx.report(
            s.node,
            span,
            format!("the cipher string enables {what}: {}", kinds.join(", ")),
        );
        f.primary_label = Some(format!("`{rule_text}` adds {}{more}", examples.join(", ")));
        f.help = Some(help.to_string());
    }
}
