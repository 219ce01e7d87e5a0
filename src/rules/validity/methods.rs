//! HTTP method numbers as httpd assigns them (`ap_method_number_of`,
//! `ap_method_register`): the built-in methods (matched case-sensitively;
//! `HEAD` shares `GET`'s number), then every other name the configuration
//! registers while it is walked — `<Limit FOO>`, `RegisterHttpMethod FOO`,
//! mod_actions' `Script FOO …` — numbered 27 to 62, and 26 (`M_INVALID`)
//! once those run out. Shared by the `<Limit>` and `Require method` checks.

use std::collections::HashMap;

use crate::load::tree::NodeId;
use crate::rules::context::Context;

use super::handler::walk_position;

/// `M_TRACE`.
pub(crate) const TRACE: u32 = 6;
/// `M_INVALID`, also what a registration gets when numbers run out.
const INVALID: u32 = 26;
/// The last number `ap_method_register` hands out.
const LAST_DYNAMIC: u32 = 62;
/// The position of a registration made only in an inactive branch.
const INACTIVE_ONLY: u32 = u32::MAX;

/// The built-in methods, in httpd's numbering (`M_GET` = 0 …).
const BUILTIN: [&str; 26] = [
    "GET",
    "PUT",
    "POST",
    "DELETE",
    "CONNECT",
    "OPTIONS",
    "TRACE",
    "PATCH",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "VERSION-CONTROL",
    "CHECKOUT",
    "UNCHECKOUT",
    "CHECKIN",
    "UPDATE",
    "LABEL",
    "REPORT",
    "MKWORKSPACE",
    "MKACTIVITY",
    "BASELINE-CONTROL",
    "MERGE",
];

/// The number of a built-in method name.
fn builtin(name: &str) -> Option<u32> {
    if name == "HEAD" {
        return Some(0);
    }
    BUILTIN.iter().position(|&m| m == name).map(|i| i as u32)
}

/// The method names a line registers when httpd walks it.
fn registered_names<'a>(ctx: &Context<'a>, id: NodeId) -> Vec<&'a str> {
    let node = ctx.node(id);
    if node.is_section() && (node.is("Limit") || node.is("LimitExcept")) {
        node.arg_values().collect()
    } else if node.is_directive()
        && (node.is("RegisterHttpMethod")
            || (node.is("Script") && ctx.has_module("actions_module")))
    {
        node.arg_values().take(1).collect()
    } else {
        Vec::new()
    }
}

/// Method names registered by the configuration, with the walk position of
/// the line that registered each and its number.
#[derive(Debug, Default)]
pub(crate) struct MethodRegistry {
    registered: HashMap<String, (u32, u32)>,
    next: u32,
}

impl MethodRegistry {
    /// Every registration in the configuration, numbered in walk order;
    /// names registered only in inactive branches get numbers too, but no
    /// walk position.
    pub(crate) fn build(ctx: &Context<'_>) -> MethodRegistry {
        let mut registry = MethodRegistry {
            registered: HashMap::new(),
            next: INVALID + 1,
        };
        let mut lines: Vec<NodeId> = ["<Limit", "<LimitExcept", "RegisterHttpMethod", "Script"]
            .iter()
            .flat_map(|name| ctx.named(name).iter().copied())
            .collect();
        lines.sort_by_key(|&id| (walk_position(ctx, id).is_none(), id));
        for id in lines {
            let position = walk_position(ctx, id).unwrap_or(INACTIVE_ONLY);
            for name in registered_names(ctx, id) {
                registry.register(name, position);
            }
        }
        registry
    }

    fn register(&mut self, name: &str, position: u32) {
        if builtin(name).is_some() || self.registered.contains_key(name) {
            return;
        }
        let number = if self.next > LAST_DYNAMIC {
            INVALID
        } else {
            self.next += 1;
            self.next - 1
        };
        self.registered.insert(name.to_string(), (position, number));
    }

    /// The number `<Limit>` uses for `name`: built in, or registered (by
    /// this very section at the latest).
    pub(crate) fn limit_number(&self, name: &str) -> u32 {
        builtin(name)
            .or_else(|| self.registered.get(name).map(|&(_, number)| number))
            .unwrap_or(INVALID)
    }

    /// Whether `ap_method_number_of(name)` knows the method at walk position
    /// `position` (`None`: anywhere in the configuration).
    pub(crate) fn is_known(&self, name: &str, position: Option<u32>) -> bool {
        builtin(name).is_some()
            || self
                .registered
                .get(name)
                .is_some_and(|&(at, number)| number != INVALID && position.is_none_or(|p| at < p))
    }
}
