//! `AL211` module-removed-while-used.

use crate::finding::{Label, Stage};
use crate::load::tree::NodeId;
use crate::model::registry;
use crate::rules::context::{Context, Rule};
use crate::rules::validity::registry_name;

use super::modules::{module_name, removed_modules, restore_hint};

crate::declare_rule! {
    /// ## What it does
    /// Reports a module the known-good configuration loaded that the candidate no longer loads
    /// (`a2dismod`, a removed `LoadModule`) while directives of that module remain in force
    /// outside any `<IfModule>` guard. It points at the first such directive, with the removed
    /// `LoadModule` as the known-good side, and lists the others. directive-module-not-loaded
    /// (AL102) reports each directive on its own; this rule explains the cause.
    ///
    /// ## Why is this risky?
    /// httpd refuses the whole configuration (`Invalid command 'Header', perhaps misspelled or
    /// defined by a module not included in the server configuration`). A graceful restart
    /// after `a2dismod headers` leaves the server down until someone reverts it.
    ///
    /// ## Example
    /// ```apache
    /// # before (mods-enabled/headers.load removed)
    /// Header always set X-Frame-Options "SAMEORIGIN"
    /// ```
    ///
    /// ```apache
    /// # after
    /// <IfModule mod_headers.c>
    ///     Header always set X-Frame-Options "SAMEORIGIN"
    /// </IfModule>
    /// # (or keep the module enabled)
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#ifmodule>
    /// - <https://manpages.debian.org/apache2/a2dismod.8.en.html>
    pub MODULE_REMOVED_WHILE_USED = {
        code: "AL211",
        name: "module-removed-while-used",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ModuleRemovedWhileUsed;

impl Rule for ModuleRemovedWhileUsed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &MODULE_REMOVED_WHILE_USED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        for module in removed_modules(ctx) {
            let Some(load_node) = module.node else {
                continue;
            };
            // Active directives only this module registers.
            let uses: Vec<NodeId> = ctx
                .all_nodes()
                .filter(|&id| {
                    let n = ctx.node(id);
                    n.active
                        && registry_name(n).is_some_and(|name| {
                            let specs = registry::lookup(&name);
                            specs.iter().any(|s| s.module_id == module.identifier)
                                && !specs.iter().any(|s| ctx.has_module(s.module_id))
                        })
                })
                .collect();
            let Some(&first) = uses.first() else { continue };
            let mut names: Vec<String> = Vec::new();
            for &id in &uses {
                let name = ctx.node(id).name.to_string();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let name = module_name(&module.identifier);
            let others = match uses.len() {
                1 => String::new(),
                n => format!(" and {} more line{}", n - 1, if n == 2 { "" } else { "s" }),
            };
            let message = format!(
                "the restart will fail: `{}`{others} still need{} {name}, which is no longer loaded (httpd: Invalid command '{}')",
                ctx.node(first).name,
                if uses.len() == 1 { "s" } else { "" },
                ctx.node(first).name
            );
            let new_side = Some((first, ctx.node(first).name_span));
            let old_side = Some((load_node, base.config.node(load_node).span));
            let labels: Vec<Label> = uses
                .iter()
                .skip(1)
                .take(3)
                .map(|&id| Label {
                    span: ctx.node(id).name_span,
                    message: format!("also needs {name}"),
                })
                .collect();
            let f = ctx.report_change(new_side, old_side, message);
            f.stage = Stage::ConfigTest;
            f.primary_label = Some(format!("{name} is not loaded any more"));
            f.labels.extend(labels);
            f.help = Some(format!(
                "{}, or remove or guard (<IfModule {}>) its directives: {}",
                restore_hint(&module.identifier),
                module.source.as_deref().unwrap_or(&module.identifier),
                names.join(", ")
            ));
        }
    }
}
