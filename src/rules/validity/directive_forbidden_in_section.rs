//! `AL105` directive-forbidden-in-section.

use crate::finding::Label;
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::handler::{command_spec, forbidden_for, invoke_cmd_passes, refusal};

crate::declare_rule! {
    /// ## What it does
    /// Reports a directive whose own handler refuses the section it stands in, although the
    /// section accepts directives of its kind: `Listen` or `ServerTokens` inside a
    /// `<VirtualHost>`, a `<VirtualHost>` inside another one, `<Files>` inside a `<Location>`,
    /// `<Files>` or `<If>` inside a `<Limit>` or a `<RequireAll>`, the two-argument `Alias`
    /// inside a `<Directory>`. The section named is the one httpd names, which is not always
    /// the nearest one.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Listen cannot occur within <VirtualHost> section`). Server-wide
    /// settings pasted into a site's `<VirtualHost>` are a common cause; the error only shows
    /// at the next restart.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:8080>
    ///     Listen 8080
    ///     ServerName shop.example
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// Listen 8080
    /// <VirtualHost *:8080>
    ///     ServerName shop.example
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/directive-dict.html#Context>
    pub DIRECTIVE_FORBIDDEN_IN_SECTION = {
        code: "AL105",
        name: "directive-forbidden-in-section",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct DirectiveForbiddenInSection;

/// A command name as users write it: sections with their `>`.
fn display_name(name: &str) -> String {
    if name.starts_with('<') {
        format!("{name}>")
    } else {
        name.to_string()
    }
}

impl Rule for DirectiveForbiddenInSection {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &DIRECTIVE_FORBIDDEN_IN_SECTION
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx.all_nodes().collect();
        for id in nodes {
            let node = ctx.node(id);
            let Some(spec) = command_spec(ctx, id) else {
                continue;
            };
            let forbidden = forbidden_for(spec, node);
            if forbidden.0 == 0 || !invoke_cmd_passes(ctx, id, spec) {
                continue;
            }
            let Some(refused) = refusal(ctx, id, spec.name, forbidden) else {
                continue;
            };
            let section = ctx.node(refused.section);
            let section_name = ctx.config.canonical_name(&format!("<{}", section.name));
            let label = Label {
                span: section.name_span,
                message: format!("inside this {section_name}>"),
            };
            let help = if forbidden_for(spec, node) == spec.handler_forbids {
                format!(
                    "{} is allowed in: {}",
                    display_name(spec.name),
                    spec.doc_contexts.describe()
                )
            } else {
                format!(
                    "with two arguments, {} belongs at the top level or in a <VirtualHost>; \
                     inside a <Location> give only the target path",
                    spec.name
                )
            };
            let f = ctx.httpd_error(id, node.name_span, refused.message);
            f.labels.push(label);
            f.help = Some(help);
        }
    }
}
