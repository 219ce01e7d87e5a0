//! `AL104` wrong-argument-count.

use crate::load::tree::NodeId;
use crate::model::registry;
use crate::rules::context::{Context, Rule};

use super::{checked_specs, has_unsubstituted, registry_name};

crate::declare_rule! {
    /// ## What it does
    /// Reports a directive with the wrong number of arguments for its class (TAKE1, TAKE12,
    /// ITERATE2, FLAG …), counted exactly as httpd counts: a quoted `""` is an argument, and a
    /// `#` after a directive is not a comment but more arguments.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`ServerName takes one argument, The hostname and port of the
    /// server`). The classic is a trailing comment: `ServerName shop.example # main site`.
    /// A FLAG directive must be `On` or `Off` (`KeepAlive maybe` fails).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ServerName shop.example # main site
    /// ```
    ///
    /// ```apache
    /// # after
    /// # main site
    /// ServerName shop.example
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/configuring.html#syntax>
    pub WRONG_ARGUMENT_COUNT = {
        code: "AL104",
        name: "wrong-argument-count",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct WrongArgumentCount;

impl Rule for WrongArgumentCount {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &WRONG_ARGUMENT_COUNT
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx.all_nodes().collect();
        for id in nodes {
            let node = ctx.node(id);
            if !node.is_directive() || (!node.active && has_unsubstituted(node)) {
                continue;
            }
            if registry_name(node).is_none() {
                continue;
            }
            let specs = checked_specs(ctx, id);
            let Some(spec) = specs.first() else { continue };
            let words: Vec<&str> = node.arg_values().collect();
            if spec.arity.accepts(&words) {
                continue;
            }
            let Some(message) = registry::arity_message(spec) else {
                continue;
            };
            let span = match words.iter().position(|w| w.starts_with('#')) {
                Some(i) => node.arg_span(i),
                None => node.span,
            };
            let hash = words.iter().any(|w| w.starts_with('#'));
            let f = ctx.httpd_error(id, span, message);
            if hash {
                f.primary_label = Some("`#` here is an argument, not a comment".to_string());
                f.help = Some(
                    "httpd has no trailing comments: move the comment to its own line".to_string(),
                );
            }
        }
    }
}
