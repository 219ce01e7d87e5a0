//! `AL134` server-directory-invalid.

use crate::finding::HttpdPhase;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::{nodes_to_check, printed_in};
use super::target_paths::{
    created_by_apache2ctl, is_directory, literal_variable, server_root_relative,
    server_root_when_read,
};

crate::declare_rule! {
    /// ## What it does
    /// Reports a server directory httpd checks when it reads the directive and that is not a
    /// directory on the target: `DefaultRuntimeDir` (relative to the ServerRoot in force at
    /// that line), `CoreDumpDirectory` (relative to ServerRoot) and `ChrootDir` — above all one
    /// still holding an undefined variable, as Debian's `DefaultRuntimeDir ${APACHE_RUN_DIR}`
    /// does when `/etc/apache2/envvars` was not read. A directory is judged only when apachelint
    /// sees its parent; `APACHE_RUN_DIR` and `APACHE_LOCK_DIR` need not exist, as Debian's
    /// `apache2ctl` creates them before every run.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`DefaultRuntimeDir must be a valid directory, absolute or
    /// relative to ServerRoot`, right after `AH00111: Config variable ${APACHE_RUN_DIR} is not
    /// defined`; `CoreDumpDirectory /var/crash/apache2 does not exist`). The first is what
    /// `apache2 -t` run by hand (instead of `apache2ctl configtest`) prints on every Debian
    /// system, and what a service unit that does not source `envvars` hits.
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
    /// - <https://httpd.apache.org/docs/2.4/mod/mpm_common.html#coredumpdirectory>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_unixd.html#chrootdir>
    pub SERVER_DIRECTORY_INVALID = {
        code: "AL134",
        name: "server-directory-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

/// Where a directive's relative path is taken from.
#[derive(Clone, Copy)]
enum Base {
    /// ServerRoot at the time the line is read (directives run while reading).
    ServerRootWhenRead,
    /// The final ServerRoot (directives run after reading).
    ServerRoot,
    /// The path as written: a relative one depends on httpd's working
    /// directory, which apachelint does not know.
    AsWritten,
}

/// httpd's refusal of a path that is not a directory (`is_file`: it exists
/// as something else).
type Refusal = fn(&str, bool) -> String;

const DIRECTORIES: [(&str, Base, Refusal); 3] = [
    ("DefaultRuntimeDir", Base::ServerRootWhenRead, |_, _| {
        "DefaultRuntimeDir must be a valid directory, absolute or relative to ServerRoot"
            .to_string()
    }),
    ("CoreDumpDirectory", Base::ServerRoot, |path, is_file| {
        let problem = if is_file {
            "is not a directory"
        } else {
            "does not exist"
        };
        format!("CoreDumpDirectory {path} {problem}")
    }),
    ("ChrootDir", Base::AsWritten, |_, _| {
        "ChrootDir must be a valid directory".to_string()
    }),
];

pub struct ServerDirectoryInvalid;

impl Rule for ServerDirectoryInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SERVER_DIRECTORY_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (directive, base, refusal) in DIRECTORIES {
            for (id, _) in nodes_to_check(ctx, directive) {
                let node = ctx.node(id);
                // GLOBAL_ONLY: inside a section the handler refuses first.
                if ctx.parent_section(id).is_some() {
                    continue;
                }
                let [dir] = node.args.as_slice() else {
                    continue;
                };
                let root = match base {
                    Base::ServerRootWhenRead => server_root_when_read(ctx, id),
                    Base::ServerRoot => Some(ctx.config.server_root.clone()),
                    Base::AsWritten if dir.value.starts_with('/') => Some("/".into()),
                    Base::AsWritten => literal_variable(&dir.value).map(|_| "/".into()),
                };
                let Some(root) = root else { continue };
                let path = server_root_relative(&root, &dir.value);
                if is_directory(ctx, &path) != Some(false) || created_by_apache2ctl(ctx, &path) {
                    continue;
                }
                let is_file = ctx.facts.file_size(&path).is_ok_and(|size| size.is_some());
                let help = match literal_variable(&path) {
                    Some(var) => format!(
                        "{var} is not defined: on Debian it comes from /etc/apache2/envvars; run `apache2ctl configtest`, or `source /etc/apache2/envvars` before `apache2 -t`"
                    ),
                    None => format!("create {path} on the target, or fix the path"),
                };
                let f = ctx.httpd_error(id, node.arg_span(0), refusal(&path, is_file));
                if matches!(base, Base::ServerRootWhenRead) {
                    printed_in(f, HttpdPhase::Read);
                }
                f.primary_label = Some(format!("{path} is not a directory"));
                f.help = Some(help);
            }
        }
    }
}
