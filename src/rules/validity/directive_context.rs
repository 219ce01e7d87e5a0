//! `AL103` directive-context.

use crate::load::tree::NodeId;
use crate::model::registry::EXEC_ON_READ;
use crate::rules::context::{Context, Rule};

use super::{checked_specs, registry_name};

crate::declare_rule! {
    /// ## What it does
    /// Reports a directive used where httpd does not allow it: `Listen` inside `<Directory>`,
    /// `Require` at the top level, `DocumentRoot` in a `<Location>`, a `<Directory>` nested in a
    /// `<Directory>`.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Listen not allowed in <Directory> context`, `Require not allowed
    /// here`). Moving a block into or out of a section is a common edit; the error only shows at
    /// the next restart.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /srv/shop>
    ///     Listen 8080
    /// </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// Listen 8080
    /// <Directory /srv/shop>
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/directive-dict.html#Context>
    pub DIRECTIVE_CONTEXT = {
        code: "AL103",
        name: "directive-context",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct DirectiveContext;

impl Rule for DirectiveContext {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &DIRECTIVE_CONTEXT
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx.all_nodes().collect();
        for id in nodes {
            let node = ctx.node(id);
            if registry_name(node).is_none() {
                continue;
            }
            let specs = checked_specs(ctx, id);
            let Some(spec) = specs.first() else { continue };
            // Directives run while reading skip the check (LoadModule inside
            // <Directory> works).
            if spec.req_override.0 & EXEC_ON_READ != 0 {
                continue;
            }
            let overrides = ctx.overrides_at(id);
            if spec.req_override.0 & overrides != 0 {
                continue;
            }
            let message = match ctx.parent_section(id) {
                Some(parent) => {
                    let parent_name = ctx
                        .config
                        .canonical_name(&format!("<{}", ctx.node(parent).name));
                    format!("{} not allowed in {parent_name}> context", spec.name)
                }
                None => format!("{} not allowed here", spec.name),
            };
            let f = ctx.httpd_error(id, node.name_span, message);
            f.help = Some(format!(
                "{} is allowed in: {}",
                spec.name,
                spec.doc_contexts.describe()
            ));
        }
    }
}
