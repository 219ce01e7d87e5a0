//! `AL161` require-expression-invalid.

use crate::load::tree::NodeId;
use crate::model::expr::Mode;
use crate::rules::context::{Context, Rule};
use crate::syntax::words::next_word;

use super::checked_nodes::nodes_to_check;
use super::expression::{ExprSource, report};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Require` line whose expression httpd cannot parse. `Require expr` takes a
    /// condition; `Require user`, `group`, `host`, `forward-dns`, `dbm-group`, `dbd-group` and
    /// the `ldap-*` providers read their arguments as a string expression, so a `%{…}` in them
    /// must name a real variable too. The message is httpd's (`Cannot parse expression in
    /// require line: syntax error, unexpected T_OP_STR_EQ`), at the offending token.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. Access rules are edited under pressure (blocking an attacker,
    /// opening a partner's range), and an expression that does not parse takes the whole
    /// server down instead of tightening access.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location "/admin">
    ///     Require expr %{HTTP_X_ADMIN_TOKEN} == 'secret'
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location "/admin">
    ///     Require expr %{HTTP:X-Admin-Token} == 'secret'
    /// </Location>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_authz_core.html#reqexpr>
    /// - <https://httpd.apache.org/docs/2.4/expr.html>
    pub REQUIRE_EXPRESSION_INVALID = {
        code: "AL161",
        name: "require-expression-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RequireExpressionInvalid;

/// Authorization providers that parse their arguments as an expression:
/// name (matched exactly, as httpd looks providers up), module, kind.
const PROVIDERS: [(&str, &str, Mode); 12] = [
    ("expr", "authz_core_module", Mode::Condition),
    ("user", "authz_user_module", Mode::String),
    ("host", "authz_host_module", Mode::String),
    ("forward-dns", "authz_host_module", Mode::String),
    ("group", "authz_groupfile_module", Mode::String),
    ("dbm-group", "authz_dbm_module", Mode::String),
    ("dbd-group", "authz_dbd_module", Mode::String),
    ("ldap-user", "authnz_ldap_module", Mode::String),
    ("ldap-group", "authnz_ldap_module", Mode::String),
    ("ldap-dn", "authnz_ldap_module", Mode::String),
    ("ldap-attribute", "authnz_ldap_module", Mode::String),
    ("ldap-filter", "authnz_ldap_module", Mode::String),
];

impl Rule for RequireExpressionInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REQUIRE_EXPRESSION_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, _) in nodes_to_check(ctx, "Require") {
            check_require(ctx, id);
        }
    }
}

/// `add_authz_provider`: the provider word (after an optional `not`), then
/// the rest of the line as the provider's argument.
fn check_require(ctx: &mut Context<'_>, id: NodeId) {
    let raw = ctx.config.raw_args(id).into_owned();
    let raw = raw.as_bytes();
    let Some((first, mut rest)) = next_word(raw, 0) else {
        return;
    };
    let mut provider = first.value;
    if provider.eq_ignore_ascii_case(b"not") {
        let Some((word, after)) = next_word(raw, rest) else {
            return;
        };
        provider = word.value;
        rest = after;
    }
    let Some(&(_, module, mode)) = PROVIDERS
        .iter()
        .find(|(name, _, _)| name.as_bytes() == &*provider)
    else {
        return;
    };
    if ctx.node(id).active && !ctx.has_module(module) {
        return;
    }
    let mut range = rest..raw.len();
    // `Require expr "…"`: quotes around the whole expression are dropped.
    if mode == Mode::Condition && raw.get(rest) == Some(&b'"') && raw.last() == Some(&b'"') {
        range = (rest + 1).min(raw.len() - 1)..raw.len() - 1;
    }
    let source = ExprSource::raw(ctx.config, id, range);
    if let Err(error) = source.check(ctx, id, mode) {
        report(
            ctx,
            id,
            &source,
            &error,
            "Cannot parse expression in require line: ",
        );
    }
}
