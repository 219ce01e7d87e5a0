//! `AL106` allowoverride-useless.

use crate::finding::{Label, Stage};
use crate::load::tree::NodeId;
use crate::model::registry::NotIn;
use crate::rules::context::{Context, Rule};

use super::handler::{command_spec, invoke_cmd_passes, refusal};

crate::declare_rule! {
    /// ## What it does
    /// Reports `AllowOverride` or `AllowOverrideList` inside a `<Location>`, `<LocationMatch>`,
    /// `<Files>`, `<FilesMatch>`, `<If>`/`<ElseIf>`/`<Else>` or `<Limit>` — anywhere but directly
    /// in a `<Directory>` — where httpd ignores it and logs `AH00114: Useless use of
    /// AllowOverride in line N of FILE.`
    ///
    /// ## Why is this risky?
    /// httpd starts, but the setting does nothing: `.htaccess` files are read (or not)
    /// according to the `<Directory>` sections alone. Someone who wrote `AllowOverride None`
    /// in a `<Location />` to switch `.htaccess` processing off still has it on.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location "/">
    ///     AllowOverride None
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory "/srv/shop">
    ///     AllowOverride None
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#allowoverride>
    pub ALLOWOVERRIDE_USELESS = {
        code: "AL106",
        name: "allowoverride-useless",
        family: Validity,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct AllowOverrideUseless;

impl Rule for AllowOverrideUseless {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ALLOWOVERRIDE_USELESS
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx
            .named("AllowOverride")
            .iter()
            .chain(ctx.named("AllowOverrideList"))
            .copied()
            .collect();
        for id in nodes {
            let node = ctx.node(id);
            let Some(spec) = command_spec(ctx, id) else {
                continue;
            };
            if !invoke_cmd_passes(ctx, id, spec) {
                continue;
            }
            let Some(useless) = refusal(ctx, id, spec.name, NotIn(NotIn::LOCATION | NotIn::FILES))
            else {
                continue;
            };
            let file = ctx.echo(id, String::new()).file;
            let message = if spec.name == "AllowOverride" {
                format!(
                    "AH00114: Useless use of AllowOverride in line {} of {file}.",
                    node.line
                )
            } else {
                format!(
                    "AH00115: Useless use of AllowOverrideList at {file}:{}",
                    node.line
                )
            };
            let section = ctx.node(useless.section);
            let section_name = ctx.config.canonical_name(&format!("<{}", section.name));
            let label = Label {
                span: section.name_span,
                message: format!("{} has no effect inside {section_name}>", spec.name),
            };
            let f = ctx.httpd_log(id, node.name_span, message, Some("core:warn"));
            f.stage = Stage::ConfigTest;
            f.labels.push(label);
            f.primary_label = Some("ignored here".to_string());
            f.help = Some(format!(
                "only <Directory> sections decide which .htaccess directives apply: move {} \
                 into the <Directory> section of the files it is meant for",
                spec.name
            ));
        }
    }
}
