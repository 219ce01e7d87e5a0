//! `AL167` log-expression-invalid.

use crate::load::tree::NodeId;
use crate::model::expr::Mode;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::nodes_to_check;
use super::expression::{ExprSource, has_prefix_ignore_case, report};

crate::declare_rule! {
    /// ## What it does
    /// Reports a log line whose expression httpd cannot parse: the `expr=` condition of
    /// `CustomLog` and `GlobalLog` (httpd prints the parser's message alone, or `missing
    /// condition` for an empty one), and the message and `expr=` condition of mod_log_debug's
    /// `LogMessage` (`Could not parse message expression '…': …`).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. Conditional logging (`expr=!(%{REQUEST_URI} =~ m#^/health#)`)
    /// is added to quiet noisy endpoints; a typo in it takes the server down, and since httpd
    /// prints the bare parser message (`Variable 'FOO' does not exist`) without naming
    /// `CustomLog`, it is hard to trace.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// CustomLog ${APACHE_LOG_DIR}/access.log combined "expr=%{REQUEST_URI} !~ m#^/health"
    /// ```
    ///
    /// ```apache
    /// # after
    /// CustomLog ${APACHE_LOG_DIR}/access.log combined "expr=%{REQUEST_URI} !~ m#^/health#"
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_log_config.html#customlog>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_log_debug.html#logmessage>
    /// - <https://httpd.apache.org/docs/2.4/expr.html>
    pub LOG_EXPRESSION_INVALID = {
        code: "AL167",
        name: "log-expression-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct LogExpressionInvalid;

/// mod_log_debug's hook names (`hook=`).
const HOOKS: [&str; 13] = [
    "log_transaction",
    "quick_handler",
    "handler",
    "translate_name",
    "map_to_storage",
    "fixups",
    "type_checker",
    "check_access",
    "check_access_ex",
    "check_authn",
    "check_authz",
    "insert_filter",
    "pre_translate_name",
];

impl Rule for LogExpressionInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LOG_EXPRESSION_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for directive in ["CustomLog", "GlobalLog"] {
            for (id, _) in nodes_to_check(ctx, directive) {
                // GlobalLog in a <VirtualHost> fails its context check first.
                if directive == "CustomLog" || ctx.config.enclosing_vhost(id).is_none() {
                    check_log_condition(ctx, id);
                }
            }
        }
        for (id, _) in nodes_to_check(ctx, "LogMessage") {
            check_log_message(ctx, id);
        }
    }
}

/// `add_custom_log`: a third argument `expr=…` (any case) is a condition.
fn check_log_condition(ctx: &mut Context<'_>, id: NodeId) {
    let node = ctx.node(id);
    let Some(clause) = node.arg(2).filter(|clause| has_expr_prefix(clause)) else {
        return;
    };
    if clause.len() == "expr=".len() {
        let f = ctx.httpd_error(id, node.arg_span(2), "missing condition");
        f.help = Some("write the condition after `expr=`, or drop the clause".to_string());
        return;
    }
    let Some(source) = ExprSource::argument(ctx.config, node, 2, 5) else {
        return;
    };
    if let Err(error) = source.check(ctx, id, Mode::Condition) {
        report(ctx, id, &source, &error, "");
    }
}

/// `cmd_log_message`: the message is a string expression, then up to two
/// `hook=` or `expr=` arguments in order.
fn check_log_message(ctx: &mut Context<'_>, id: NodeId) {
    let node = ctx.node(id);
    let Some(message) = ExprSource::argument(ctx.config, node, 0, 0) else {
        return;
    };
    if let Err(error) = message.check(ctx, id, Mode::String) {
        let prefix = format!("Could not parse message expression '{}': ", message.text);
        report(ctx, id, &message, &error, &prefix);
        return;
    }
    let mut hook_set = false;
    for index in 1..node.args.len().min(3) {
        let word = node.arg(index).unwrap_or_default();
        if has_prefix_ignore_case(word, "hook=") {
            let name = &word[5..];
            let known = HOOKS.iter().any(|h| h.eq_ignore_ascii_case(name))
                || name == "*"
                || name.eq_ignore_ascii_case("all");
            if !known && !hook_set {
                // `Invalid hook name` comes first.
                return;
            }
            hook_set = true;
        } else if has_expr_prefix(word) {
            let Some(source) = ExprSource::argument(ctx.config, node, index, 5) else {
                return;
            };
            if let Err(error) = source.check(ctx, id, Mode::Condition) {
                let prefix = format!("Could not parse expression '{}': ", source.text);
                report(ctx, id, &source, &error, &prefix);
                return;
            }
        } else {
            // `Invalid argument` comes first.
            return;
        }
    }
}

fn has_expr_prefix(word: &str) -> bool {
    has_prefix_ignore_case(word, "expr=")
}
