//! `AL121` loadmodule-file-missing.

use crate::finding::HttpdPhase;
use crate::model::registry;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::printed_in;
use super::module_loads::{LoadOutcome, module_loads};
use super::target_paths::{holder_is_seen, literal_variable};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `LoadModule` whose shared object does not exist on the target (relative paths
    /// are taken relative to the ServerRoot in force at that line). A file is judged missing
    /// only when apachelint sees the directory that should hold it (a configuration checkout
    /// rarely holds the module directory); a path still holding an undefined `${VAR}` always
    /// is.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start while reading the file (`Cannot load … into server: …: cannot open
    /// shared object file: No such file or directory`). A module package upgraded or removed
    /// (PHP 8.1 replaced by 8.2), or a path copied from another distribution, takes the whole
    /// server down.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// LoadModule php_module /usr/lib/apache2/modules/libphp8.1.so
    /// ```
    ///
    /// ```apache
    /// # after
    /// LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_so.html#loadmodule>
    pub LOADMODULE_FILE_MISSING = {
        code: "AL121",
        name: "loadmodule-file-missing",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct LoadModuleFileMissing;

impl Rule for LoadModuleFileMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LOADMODULE_FILE_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for load in module_loads(ctx) {
            let LoadOutcome::Opens { path: Some(path) } = &load.outcome else {
                continue;
            };
            let Some(reason) = open_failure(ctx, path) else {
                continue;
            };
            let span = ctx.node(load.node).arg_span(1);
            let f = ctx.httpd_error(
                load.node,
                span,
                format!("Cannot load {} into server: {path}: {reason}", load.file),
            );
            printed_in(f, HttpdPhase::Read);
            f.primary_label = Some("no such shared object on the target".to_string());
            f.help = Some(help(&load.identifier, path));
        }
    }
}

/// The dynamic linker's complaint about `path`, when it cannot be opened.
pub(crate) fn open_failure(ctx: &Context<'_>, path: &str) -> Option<&'static str> {
    const MISSING: &str = "cannot open shared object file: No such file or directory";
    if literal_variable(path).is_some() {
        return Some(MISSING);
    }
    match ctx.facts.file_size(path) {
        Ok(Some(_)) | Err(_) => None,
        Ok(None) if ctx.facts.is_dir(path) == Ok(true) => {
            Some("cannot read file data: Is a directory")
        }
        Ok(None) => holder_is_seen(ctx, path).then_some(MISSING),
    }
}

fn help(identifier: &str, path: &str) -> String {
    if let Some(var) = literal_variable(path) {
        return format!("{var} is not defined, so the path keeps it literally");
    }
    match registry::module_by_identifier(identifier) {
        Some(m) => match (m.so_file, m.debian_load_name) {
            (Some(so), _) if so != path => format!("Debian ships {identifier} as {so}"),
            (Some(_), Some(name)) => format!(
                "{identifier} is part of Debian's apache2 packages; reinstall the one that ships it, or drop the module (`a2dismod {name}`)"
            ),
            _ => format!(
                "{identifier} is not shipped by Debian's apache2 packages; install the package that provides it"
            ),
        },
        None => "install the package that provides this module, or remove the line".to_string(),
    }
}
