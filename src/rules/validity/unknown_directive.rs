//! `AL101` unknown-directive.

use crate::load::tree::NodeId;
use crate::model::registry;
use crate::rules::context::{Context, Rule};

use super::{has_unsubstituted, invalid_command_message, registry_name};

crate::declare_rule! {
    /// ## What it does
    /// Reports a directive or section name that no httpd module registers — usually a typo —
    /// and suggests the nearest known name.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Invalid command 'ServerNmae', perhaps misspelled or defined by a
    /// module not included in the server configuration`). Inside an `<IfModule>` that is false
    /// today the typo is invisible to `apache2 -t` and breaks the day the module is enabled.
    /// When the configuration loads modules apachelint does not know (third-party modules), a
    /// name with no near match is only a warning: such a module may provide it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ServerNmae shop.example
    /// ```
    ///
    /// ```apache
    /// # after
    /// ServerName shop.example
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/directives.html>
    pub UNKNOWN_DIRECTIVE = {
        code: "AL101",
        name: "unknown-directive",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct UnknownDirective;

impl Rule for UnknownDirective {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &UNKNOWN_DIRECTIVE
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let third_party: Vec<String> = ctx
            .config
            .modules
            .iter()
            .filter(|m| m.node.is_some() && registry::module_by_identifier(&m.identifier).is_none())
            .map(|m| m.identifier.clone())
            .collect();
        let nodes: Vec<NodeId> = ctx.all_nodes().collect();
        for id in nodes {
            let node = ctx.node(id);
            let Some(name) = registry_name(node) else {
                continue;
            };
            if !ctx.specs(id).is_empty() || has_unsubstituted(node) {
                continue;
            }
            let suggestion = registry::suggest(&name);
            let span = node.name_span;
            let f = ctx.httpd_error(id, span, invalid_command_message(&name));
            f.primary_label = Some("no module registers this name".to_string());
            match suggestion {
                Some(s) => f.help = Some(format!("did you mean `{}`?", s.trim_start_matches('<'))),
                None if !third_party.is_empty() => {
                    f.severity = crate::finding::Severity::Warning;
                    f.help = Some(format!(
                        "unknown to apachelint; it may come from {}, which apachelint has no directive list for",
                        third_party.join(", ")
                    ));
                }
                None => {}
            }
        }
    }
}
