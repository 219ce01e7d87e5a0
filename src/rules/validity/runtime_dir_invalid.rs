//! `AL134` runtime-dir-invalid.

use crate::rules::context::{Context, Rule};

use super::checked_nodes::nodes_to_check;
use super::target_paths::{
    is_directory, literal_variable, server_root_relative, server_root_when_read,
};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `DefaultRuntimeDir` that is not a directory on the target — above all one still
    /// holding an undefined variable: Debian's `DefaultRuntimeDir ${APACHE_RUN_DIR}` when
    /// `/etc/apache2/envvars` was not read. Relative paths are taken relative to the ServerRoot
    /// in force at that line; a directory apachelint cannot see is not judged.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start while reading the file (`DefaultRuntimeDir must be a valid
    /// directory, absolute or relative to ServerRoot`), right after the warning `AH00111: Config
    /// variable ${APACHE_RUN_DIR} is not defined`. It is what `apache2 -t` run by hand (instead
    /// of `apache2ctl configtest`) prints on every Debian system, and what a service unit that
    /// does not source `envvars` hits.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// DefaultRuntimeDir ${APACHE_RUN_DIR}
    /// ```
    ///
    /// ```apache
    /// # after
    /// Define APACHE_RUN_DIR /var/run/apache2
    /// DefaultRuntimeDir ${APACHE_RUN_DIR}
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#defaultruntimedir>
    pub RUNTIME_DIR_INVALID = {
        code: "AL134",
        name: "runtime-dir-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RuntimeDirInvalid;

impl Rule for RuntimeDirInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &RUNTIME_DIR_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, _) in nodes_to_check(ctx, "DefaultRuntimeDir") {
            let node = ctx.node(id);
            // GLOBAL_ONLY: inside a section the handler refuses first.
            if ctx.parent_section(id).is_some() {
                continue;
            }
            let [dir] = node.args.as_slice() else {
                continue;
            };
            let Some(root) = server_root_when_read(ctx, id) else {
                continue;
            };
            let path = server_root_relative(&root, &dir.value);
            if is_directory(ctx, &path) != Some(false) {
                continue;
            }
            let help = match literal_variable(&path) {
                Some(var) => format!(
                    "{var} is not defined: on Debian it comes from /etc/apache2/envvars; run `apache2ctl configtest`, or `source /etc/apache2/envvars` before `apache2 -t`"
                ),
                None => format!("create {path} on the target, or fix the path"),
            };
            let f = ctx.httpd_error(
                id,
                node.arg_span(0),
                "DefaultRuntimeDir must be a valid directory, absolute or relative to ServerRoot",
            );
            f.primary_label = Some(format!("{path} is not a directory"));
            f.help = Some(help);
        }
    }
}
