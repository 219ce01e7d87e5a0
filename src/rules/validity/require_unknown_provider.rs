//! `AL112` require-unknown-provider.

use crate::finding::Severity;
use crate::load::tree::NodeId;
use crate::model::registry::{self, edit_distance};
use crate::rules::context::{Context, Rule};

use super::authz::{RequireContext, RequireLine, provider_module, provider_names};
use super::directive_module_not_loaded::enable_hint;
use super::handler::reaches_handler;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Require` line whose provider no loaded module registers — `Require group`
    /// without mod_authz_groupfile, `Require ldap-user` without mod_authnz_ldap, a typo such
    /// as `Require al granted` or `Require All granted` (provider names are case-sensitive) —
    /// or a name an `<AuthzProviderAlias>` defines only further down (httpd registers it
    /// when it reaches the definition). `<AuthzProviderAlias>` itself is checked the same
    /// way.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Unknown Authz provider: group`). Disabling an authorization
    /// module with `a2dismod` while a site still uses its provider takes the whole server
    /// down at the next restart.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /srv/shop/admin>
    ///     Require group admins
    /// </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// LoadModule authz_groupfile_module /usr/lib/apache2/modules/mod_authz_groupfile.so
    /// <Directory /srv/shop/admin>
    ///     AuthGroupFile /etc/apache2/groups
    ///     Require group admins
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_authz_core.html#require>
    /// - <https://httpd.apache.org/docs/2.4/howto/access.html>
    pub REQUIRE_UNKNOWN_PROVIDER = {
        code: "AL112",
        name: "require-unknown-provider",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RequireUnknownProvider;

/// A known provider the name was probably meant to be.
fn suggestion(name: &str) -> Option<&'static str> {
    let cutoff = if name.len() < 5 { 1 } else { 2 };
    provider_names()
        .find(|known| known.eq_ignore_ascii_case(name))
        .or_else(|| {
            provider_names()
                .filter_map(|known| {
                    edit_distance(name.as_bytes(), known.as_bytes(), cutoff).map(|d| (d, known))
                })
                .min()
                .map(|(_, known)| known)
        })
}

impl Rule for RequireUnknownProvider {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REQUIRE_UNKNOWN_PROVIDER
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let require = RequireContext::new(ctx);
        let third_party: Vec<String> = ctx
            .config
            .modules
            .iter()
            .filter(|m| m.node.is_some() && registry::module_by_identifier(&m.identifier).is_none())
            .map(|m| m.identifier.clone())
            .collect();
        let mut lines: Vec<(NodeId, String, usize)> = Vec::new();
        for &id in ctx.named("Require") {
            if reaches_handler(ctx, id).is_some() {
                let line = RequireLine::parse(ctx, id);
                lines.push((id, line.provider, line.provider_index));
            }
        }
        for &id in ctx.named("<AuthzProviderAlias") {
            let node = ctx.node(id);
            if reaches_handler(ctx, id).is_some() && node.args.len() >= 2 {
                lines.push((id, node.arg(0).unwrap_or_default().to_string(), 0));
            }
        }
        for (id, provider, index) in lines {
            if require.is_known(ctx, &provider, id) {
                continue;
            }
            let node = ctx.node(id);
            let suggested = suggestion(&provider);
            // An inactive line may belong to a module the branch loads.
            if !node.active && (require.is_defined(ctx, &provider, id) || suggested.is_none()) {
                continue;
            }
            let help = match (provider_module(&provider), suggested) {
                _ if provider.is_empty() => {
                    "name a provider: `Require all granted`, `Require ip 192.0.2.0/24`, \
                     `Require valid-user`"
                        .to_string()
                }
                (Some(module), _) => match registry::module_by_identifier(module) {
                    Some(spec) => format!(
                        "`Require {provider}` is provided by {}; {}",
                        spec.name,
                        enable_hint(spec)
                    ),
                    None => format!("`Require {provider}` is provided by {module}"),
                },
                _ if require.defines(&provider) => format!(
                    "httpd only knows `{provider}` once it has read its whole definition, which \
                     comes after this line or encloses it: define it above, outside"
                ),
                (None, Some(known)) => format!("did you mean `Require {known}`?"),
                (None, None) => "providers are case-sensitive: `all`, `ip`, `host`, `local`, \
                                 `env`, `expr`, `method`, `user`, `valid-user`, `group`"
                    .to_string(),
            };
            let unknown_elsewhere = provider_module(&provider).is_none()
                && suggested.is_none()
                && !third_party.is_empty();
            let f = ctx.httpd_error(
                id,
                node.arg_span(index),
                format!("Unknown Authz provider: {provider}"),
            );
            if unknown_elsewhere {
                f.severity = Severity::Warning;
                f.help = Some(format!(
                    "unknown to apachelint; it may come from {}, which apachelint has no provider list for",
                    third_party.join(", ")
                ));
            } else {
                f.help = Some(help);
            }
        }
    }
}
