//! `AL162` setenvifexpr-invalid.

use crate::model::expr::Mode;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::nodes_to_check;
use super::expression::{ExprSource, report};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `SetEnvIfExpr` whose expression is missing (`Missing expression for
    /// SetEnvIfExpr`) or does not parse (`Could not parse expression "…": …`), with httpd's
    /// message at the offending token.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. `SetEnvIfExpr` lines often feed logging and access decisions
    /// (`env=dontlog`, `Require env`), and are copied between sites with variables that do
    /// not exist (`%{HTTP_X_FORWARDED_FOR}` instead of `%{HTTP:X-Forwarded-For}`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SetEnvIfExpr "%{HTTP_X_FORWARDED_FOR} -ipmatch '10.0.0.0/8'" internal
    /// ```
    ///
    /// ```apache
    /// # after
    /// SetEnvIfExpr "%{HTTP:X-Forwarded-For} -ipmatch '10.0.0.0/8'" internal
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_setenvif.html#setenvifexpr>
    /// - <https://httpd.apache.org/docs/2.4/expr.html>
    pub SETENVIFEXPR_INVALID = {
        code: "AL162",
        name: "setenvifexpr-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SetEnvIfExprInvalid;

impl Rule for SetEnvIfExprInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SETENVIFEXPR_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, _) in nodes_to_check(ctx, "SetEnvIfExpr") {
            let node = ctx.node(id);
            let source = ExprSource::argument(ctx.config, node, 0, 0)
                .filter(|source| !source.text.is_empty());
            let Some(source) = source else {
                let span = node
                    .args
                    .first()
                    .map_or(node.name_span, |_| node.arg_span(0));
                let f = ctx.httpd_error(id, span, "Missing expression for SetEnvIfExpr");
                f.help = Some(
                    "give the condition, then the variables to set: SetEnvIfExpr \"%{REQUEST_URI} =~ m#^/api/#\" api"
                        .to_string(),
                );
                continue;
            };
            if let Err(error) = source.check(ctx, id, Mode::Condition) {
                let prefix = format!("Could not parse expression \"{}\": ", source.text);
                report(ctx, id, &source, &error, &prefix);
            }
        }
    }
}
