//! `AL123` loadmodule-duplicate.

use crate::finding::{Label, Stage};
use crate::rules::context::{Context, Rule};

use super::module_loads::{LoadOutcome, module_loads};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `LoadModule` for a module an earlier line already loaded. httpd skips it with a
    /// warning.
    ///
    /// ## Why is this risky?
    /// The line does nothing (`AH01574: module dir_module is already loaded, skipping`), and when
    /// its file differs from the first one's, the module actually running is not the one this
    /// line names. It usually means a `.load` file was copied into `conf.d` or a module is both
    /// enabled with `a2enmod` and loaded by hand.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
    /// LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
    /// ```
    ///
    /// ```apache
    /// # after
    /// LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_so.html#loadmodule>
    pub LOADMODULE_DUPLICATE = {
        code: "AL123",
        name: "loadmodule-duplicate",
        family: Validity,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct LoadModuleDuplicate;

impl Rule for LoadModuleDuplicate {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LOADMODULE_DUPLICATE
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for load in module_loads(ctx) {
            let LoadOutcome::AlreadyLoaded { first } = load.outcome else {
                continue;
            };
            let span = ctx.node(load.node).arg_span(0);
            let first_span = ctx.node(first).arg_span(0);
            let f = ctx.httpd_log(
                load.node,
                span,
                format!(
                    "AH01574: module {} is already loaded, skipping",
                    load.identifier
                ),
                Some("so:warn"),
            );
            f.stage = Stage::ConfigTest;
            f.primary_label = Some("skipped".to_string());
            f.labels.push(Label {
                span: first_span,
                message: "first loaded here".to_string(),
            });
            f.help = Some("remove one of the two lines".to_string());
        }
    }
}
