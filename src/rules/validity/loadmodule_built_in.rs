//! `AL120` loadmodule-built-in.

use crate::finding::HttpdPhase;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::printed_in;
use super::module_loads::{LoadOutcome, module_loads};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `LoadModule` for a module that is compiled into the server binary (Debian's
    /// `apache2 -l`: `mod_so`, `mod_watchdog`, `mod_log_config`, `mod_logio`, `mod_version`,
    /// `mod_unixd`).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start while reading the file (`module log_config_module is built-in and
    /// can't be loaded`). Configurations copied from a distribution that builds these modules as
    /// shared objects (RHEL, the upstream template) carry such lines.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// LoadModule log_config_module /usr/lib/apache2/modules/mod_log_config.so
    /// LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
    /// ```
    ///
    /// ```apache
    /// # after
    /// LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_so.html#loadmodule>
    pub LOADMODULE_BUILT_IN = {
        code: "AL120",
        name: "loadmodule-built-in",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct LoadModuleBuiltIn;

impl Rule for LoadModuleBuiltIn {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LOADMODULE_BUILT_IN
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for load in module_loads(ctx) {
            if !matches!(load.outcome, LoadOutcome::BuiltIn) {
                continue;
            }
            let span = ctx.node(load.node).arg_span(0);
            let f = ctx.httpd_error(
                load.node,
                span,
                format!("module {} is built-in and can't be loaded", load.identifier),
            );
            printed_in(f, HttpdPhase::Read);
            f.primary_label = Some("compiled into apache2".to_string());
            f.help = Some(format!(
                "{} is always present (`apache2 -l` lists it): delete this line",
                load.identifier
            ));
        }
    }
}
