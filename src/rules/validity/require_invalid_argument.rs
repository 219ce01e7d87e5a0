//! `AL113` require-invalid-argument.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::authz::{RequireContext, RequireLine};
use super::handler::{args_span, reaches_handler};

crate::declare_rule! {
    /// ## What it does
    /// Reports `Require` arguments the provider refuses: `Require all` with anything but
    /// `granted` or `denied` (quotes and trailing `# comments` included), `Require ip` with no
    /// address or with one that is not an address or network (`ip address '1.2.3.999' appears
    /// to be invalid: The specified IP address is invalid.`, a bad `/mask`), `Require method`
    /// with a method httpd does not know at that point (names are case-sensitive; `<Limit>`
    /// and `RegisterHttpMethod` earlier in the configuration add names), and `Require ssl`
    /// with arguments.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. Access rules are edited under pressure — blocking an abusive
    /// network, opening an admin area to the office — and a mistyped address takes every site
    /// down at the next restart.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location /admin>
    ///     Require ip 192.0.2.0/33 198.51.100.300
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location /admin>
    ///     Require ip 192.0.2.0/24 198.51.100.30
    /// </Location>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_authz_core.html#require>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_authz_host.html#requiredirectives>
    pub REQUIRE_INVALID_ARGUMENT = {
        code: "AL113",
        name: "require-invalid-argument",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RequireInvalidArgument;

impl Rule for RequireInvalidArgument {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REQUIRE_INVALID_ARGUMENT
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let require = RequireContext::new(ctx);
        let nodes: Vec<NodeId> = ctx.named("Require").to_vec();
        for id in nodes {
            if reaches_handler(ctx, id).is_none() {
                continue;
            }
            let line = RequireLine::parse(ctx, id);
            if !require.is_known(ctx, &line.provider, id) {
                continue;
            }
            let Some(error) = require.argument_error(ctx, id, &line) else {
                continue;
            };
            let node = ctx.node(id);
            let comment = node
                .arg_values()
                .skip(error.first)
                .take(error.last + 1 - error.first)
                .any(|w| w.starts_with('#'));
            let help = match line.provider.as_str() {
                _ if comment => "httpd has no trailing comments: move the comment to its own line",
                "all" => "write `Require all granted` or `Require all denied`, without quotes",
                "ip" => {
                    "give IPv4 or IPv6 addresses, networks such as `192.0.2.0/24` or \
                     `2001:db8::/32`, or partial addresses such as `10.1`"
                }
                "method" => {
                    "method names are case-sensitive (`GET`, `POST`); declare others with \
                     `RegisterHttpMethod` before this line"
                }
                _ => "remove the arguments",
            };
            let span = if error.first < node.args.len() {
                args_span(node, error.first, error.last)
            } else {
                node.arg_span(line.provider_index)
            };
            let f = ctx.httpd_error(id, span, error.message);
            f.help = Some(help.to_string());
        }
    }
}
