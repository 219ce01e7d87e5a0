//! `AL102` directive-module-not-loaded.

use crate::load::tree::NodeId;
use crate::model::registry::{self, Mpm};
use crate::rules::context::{Context, Rule};

use super::{invalid_command_message, registry_name};

crate::declare_rule! {
    /// ## What it does
    /// Reports a known directive whose module the configuration does not load: `RewriteEngine`
    /// without mod_rewrite, `Header` without mod_headers, `MinSpareServers` under the event MPM.
    /// The order does not matter (httpd runs directives after reading the whole file, so a
    /// directive before its `LoadModule` is fine); an `<IfModule>` guard does.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start with `Invalid command 'RewriteEngine', perhaps misspelled or
    /// defined by a module not included in the server configuration`. Disabling a module with
    /// `a2dismod` while a site still uses its directives takes the whole server down on the next
    /// restart.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// RewriteEngine On
    /// ```
    ///
    /// ```apache
    /// # after
    /// LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
    /// RewriteEngine On
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#ifmodule>
    pub DIRECTIVE_MODULE_NOT_LOADED = {
        code: "AL102",
        name: "directive-module-not-loaded",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct DirectiveModuleNotLoaded;

/// How to enable a module, in Debian's terms when it ships it.
pub(crate) fn enable_hint(module: &registry::ModuleSpec) -> String {
    match (module.debian_load_name, module.debian_load_line) {
        (Some(name), Some(line)) => format!("enable it: `a2enmod {name}` ({line})"),
        _ => format!("load it with `LoadModule {} …`", module.identifier),
    }
}

impl Rule for DirectiveModuleNotLoaded {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &DIRECTIVE_MODULE_NOT_LOADED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx.all_nodes().collect();
        for id in nodes {
            let node = ctx.node(id);
            // An inactive branch is inactive because of a condition that
            // usually implies the module; only active lines count here.
            if !node.active {
                continue;
            }
            let Some(name) = registry_name(node) else {
                continue;
            };
            let specs = ctx.specs(id);
            if specs.is_empty() || specs.iter().any(|s| ctx.has_module(s.module_id)) {
                continue;
            }
            let spec = &specs[0];
            let help = if !spec.mpms.is_empty() {
                let mpms: Vec<&str> = spec.mpms.iter().map(Mpm::name).collect();
                let loaded = ctx
                    .config
                    .modules
                    .iter()
                    .find(|m| m.identifier.starts_with("mpm_"))
                    .map_or("no MPM".to_string(), |m| m.identifier.clone());
                format!(
                    "{} is a directive of the {} MPM; this configuration loads {loaded}",
                    spec.name,
                    mpms.join("/")
                )
            } else {
                match spec.module() {
                    Some(m) => format!(
                        "{} is provided by {}; {}",
                        spec.name,
                        m.name,
                        enable_hint(m)
                    ),
                    None => format!("{} is provided by {}", spec.name, spec.module_id),
                }
            };
            let f = ctx.httpd_error(
                id,
                node.name_span,
                invalid_command_message(&node_name(&name, &node.name)),
            );
            f.primary_label = Some(format!("{} is not loaded", spec.module_id));
            f.help = Some(help);
        }
    }
}

/// The name httpd quotes: as written, sections with their `<`.
fn node_name(registry_name: &str, written: &str) -> String {
    if registry_name.starts_with('<') {
        format!("<{written}")
    } else {
        written.to_string()
    }
}
