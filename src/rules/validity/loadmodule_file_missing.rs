//! `AL121` loadmodule-file-missing.

use crate::finding::HttpdPhase;
use crate::load::tree::NodeId;
use crate::model::registry;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::printed_in;
use super::module_loads::{LoadOutcome, library_loads, module_loads};
use super::target_paths::{holder_is_seen, literal_variable};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `LoadModule` whose shared object does not exist on the target, and the first
    /// missing library of a `LoadFile` line (relative paths are taken relative to the ServerRoot
    /// in force at that line). A file is judged missing only when apachelint sees the directory
    /// that should hold it (a configuration checkout rarely holds the module directory); a path
    /// still holding an undefined `${VAR}` always is. A bare file name (`LoadFile libxml2.so.2`)
    /// is left alone: httpd then asks the dynamic linker, which searches the system's library
    /// path.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start while reading the file (`Cannot load … into server: …: cannot open
    /// shared object file: No such file or directory`). A module package upgraded or removed
    /// (PHP 8.1 replaced by 8.2), a library's soname bumped by a distribution upgrade, or a path
    /// copied from another distribution, takes the whole server down.
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
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_so.html#loadfile>
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
            if let Some(reason) = open_failure(ctx, path) {
                let help = module_help(&load.identifier, path);
                report(ctx, load.node, 1, &load.file, path, reason, help);
            }
        }
        // The ITERATE handler stops at the first library it cannot load.
        let mut refused = Vec::new();
        for load in library_loads(ctx) {
            if refused.contains(&load.node) {
                continue;
            }
            if let Some(reason) = open_failure(ctx, &load.path) {
                refused.push(load.node);
                let help = library_help(&load.path);
                report(
                    ctx, load.node, load.index, &load.file, &load.path, reason, help,
                );
            }
        }
    }
}

/// httpd's refusal of the shared object named by word `index` of `node`.
fn report(
    ctx: &mut Context<'_>,
    node: NodeId,
    index: usize,
    file: &str,
    path: &str,
    reason: &str,
    help: String,
) {
    let span = ctx.node(node).arg_span(index);
    let f = ctx.httpd_error(
        node,
        span,
        format!("Cannot load {file} into server: {path}: {reason}"),
    );
    printed_in(f, HttpdPhase::Read);
    f.primary_label = Some("no such shared object on the target".to_string());
    f.help = Some(help);
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

/// A path that keeps an undefined `${VAR}`: what to say about it.
fn undefined_variable_help(path: &str) -> Option<String> {
    literal_variable(path)
        .map(|var| format!("{var} is not defined, so the path keeps it literally"))
}

fn library_help(path: &str) -> String {
    undefined_variable_help(path).unwrap_or_else(|| {
        "install the package that ships this library, or name the file it has on the target"
            .to_string()
    })
}

fn module_help(identifier: &str, path: &str) -> String {
    if let Some(help) = undefined_variable_help(path) {
        return help;
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
