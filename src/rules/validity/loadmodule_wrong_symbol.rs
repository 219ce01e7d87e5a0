//! `AL122` loadmodule-wrong-symbol.

use crate::finding::HttpdPhase;
use crate::model::registry;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::printed_in;
use super::loadmodule_file_missing::open_failure;
use super::module_loads::{LoadOutcome, module_loads};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `LoadModule` whose module name is not the one the shared object defines:
    /// `LoadModule rewrite_module /usr/lib/apache2/modules/mod_headers.so`. apachelint knows
    /// which module each of Debian's shared objects defines.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start while reading the file (``Can't locate API module structure
    /// `rewrite_module' in file …: undefined symbol: rewrite_module``). It is the usual result of
    /// copying a `LoadModule` line and editing only one half of it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// LoadModule rewrite_module /usr/lib/apache2/modules/mod_headers.so
    /// ```
    ///
    /// ```apache
    /// # after
    /// LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_so.html#loadmodule>
    pub LOADMODULE_WRONG_SYMBOL = {
        code: "AL122",
        name: "loadmodule-wrong-symbol",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct LoadModuleWrongSymbol;

impl Rule for LoadModuleWrongSymbol {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LOADMODULE_WRONG_SYMBOL
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for load in module_loads(ctx) {
            let LoadOutcome::Opens { path: Some(path) } = &load.outcome else {
                continue;
            };
            let Some(defined) = registry::modules()
                .iter()
                .find(|m| m.so_file == Some(path.as_str()))
            else {
                continue;
            };
            if defined.identifier == load.identifier || open_failure(ctx, path).is_some() {
                continue;
            }
            let name = &load.identifier;
            let span = ctx.node(load.node).arg_span(0);
            let f = ctx.httpd_error(
                load.node,
                span,
                format!(
                    "Can't locate API module structure `{name}' in file {path}: {path}: undefined symbol: {name}"
                ),
            );
            printed_in(f, HttpdPhase::Read);
            f.primary_label = Some(format!("{path} defines {}", defined.identifier));
            f.help = Some(
                match registry::module_by_identifier(name).and_then(|m| m.so_file) {
                    Some(so) => format!(
                        "{name} is in {so}; the file here defines {}",
                        defined.identifier
                    ),
                    None => format!(
                        "the file defines {}: `LoadModule {} {}`",
                        defined.identifier, defined.identifier, load.file
                    ),
                },
            );
        }
    }
}
