//! `AL132` log-directory-missing.

use std::collections::HashMap;

use crate::finding::HttpdPhase;
use crate::load::render::httpd_file_name;
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::{nodes_to_check, printed_in};
use super::target_paths::{
    holder_is_seen, literal_variable, parent_directory, server_root_relative,
};

crate::declare_rule! {
    /// ## What it does
    /// Reports an `ErrorLog`, `CustomLog`, `TransferLog` or `GlobalLog` whose directory does not
    /// exist on the target (relative paths are taken relative to ServerRoot). Piped logs
    /// (`"|/usr/bin/rotatelogs …"`) and `ErrorLog syslog` are not files and are exempt; so is a
    /// directory apachelint cannot see (outside the checked tree, or whose parent it does not
    /// see). For the error log only the effective line counts: the last one of the main server
    /// and of each virtual host.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`AH02291: Cannot access directory '/var/log/shop/' for main error
    /// log`, `AH02297: Cannot access directory … for log file … defined at …`): `apache2 -t`
    /// checks log directories. A new site whose log directory was never created takes every
    /// site down at the next restart.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// CustomLog /var/log/apache2/shop/access.log combined
    /// ```
    ///
    /// ```apache
    /// # after
    /// CustomLog /var/log/apache2/shop-access.log combined
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#errorlog>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_log_config.html#customlog>
    pub LOG_DIRECTORY_MISSING = {
        code: "AL132",
        name: "log-directory-missing",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

/// The directives of mod_log_config whose file httpd checks.
const ACCESS_LOG_DIRECTIVES: [&str; 3] = ["CustomLog", "TransferLog", "GlobalLog"];

pub struct LogDirectoryMissing;

impl Rule for LogDirectoryMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LOG_DIRECTORY_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        check_error_logs(ctx);
        for name in ACCESS_LOG_DIRECTIVES {
            for (id, _) in nodes_to_check(ctx, name) {
                let node = ctx.node(id);
                let Some(file) = node.arg(0).filter(|f| !f.is_empty() && !f.starts_with('|'))
                else {
                    continue;
                };
                let Some((directory, errno)) = inaccessible_directory(ctx, file) else {
                    continue;
                };
                let message = format!(
                    "{errno}: AH02297: Cannot access directory '{directory}' for log file '{file}' defined at {}:{}",
                    httpd_file_name(ctx.config, id),
                    node.line
                );
                let help = help(file, &directory);
                let f = ctx.httpd_error(id, node.arg_span(0), message);
                printed_in(f, HttpdPhase::Check);
                f.primary_label = Some("no such directory on the target".to_string());
                f.help = Some(help);
            }
        }
    }
}

/// The error log of each server: the last `ErrorLog` of the main server and
/// of each virtual host (inactive lines each on their own).
fn check_error_logs(ctx: &mut Context<'_>) {
    let mut effective: Vec<(Option<NodeId>, NodeId)> = Vec::new();
    // Where each server's entry sits in `effective` (thousands of vhosts:
    // no linear search per line).
    let mut slot_of: HashMap<Option<NodeId>, usize> = HashMap::new();
    let mut latent = Vec::new();
    for (id, _) in nodes_to_check(ctx, "ErrorLog") {
        let server = ctx.config.enclosing_vhost(id);
        if !ctx.node(id).active {
            latent.push((server, id));
        } else if let Some(&slot) = slot_of.get(&server) {
            effective[slot].1 = id;
        } else {
            slot_of.insert(server, effective.len());
            effective.push((server, id));
        }
    }
    for (server, id) in effective.into_iter().chain(latent) {
        let node = ctx.node(id);
        let Some(file) = node.arg(0) else { continue };
        if file.starts_with('|') || file == "syslog" || file.starts_with("syslog:") {
            continue;
        }
        let Some((directory, errno)) = inaccessible_directory(ctx, file) else {
            continue;
        };
        let whose = match server {
            None => "main error log".to_string(),
            Some(vhost) => format!(
                "error log of vhost defined at {}:{}",
                httpd_file_name(ctx.config, vhost),
                ctx.node(vhost).line
            ),
        };
        let help = help(file, &directory);
        let f = ctx.httpd_error(
            id,
            node.arg_span(0),
            format!("{errno}: AH02291: Cannot access directory '{directory}' for {whose}"),
        );
        printed_in(f, HttpdPhase::Check);
        f.primary_label = Some("no such directory on the target".to_string());
        f.help = Some(help);
    }
}

/// The directory httpd checks for `file`, and the error it prints, when it
/// is known not to be a directory on the target.
fn inaccessible_directory(ctx: &Context<'_>, file: &str) -> Option<(String, &'static str)> {
    let path = server_root_relative(&ctx.config.server_root, file);
    let directory = parent_directory(&path).to_string();
    if literal_variable(&directory).is_some() {
        return Some((directory, "(2)No such file or directory"));
    }
    if ctx.facts.is_dir(&directory).ok()? || !holder_is_seen(ctx, &directory) {
        return None;
    }
    let trimmed = directory.trim_end_matches('/');
    let errno = match ctx.facts.file_size(trimmed) {
        Ok(Some(_)) => "(20)Not a directory",
        _ => "(2)No such file or directory",
    };
    Some((directory, errno))
}

fn help(file: &str, directory: &str) -> String {
    match literal_variable(file) {
        Some(var) => format!(
            "{var} is not defined: on Debian it comes from /etc/apache2/envvars, which `apache2ctl` reads and a bare `apache2 -t` does not"
        ),
        None => format!("create {directory} on the target (owned by root), or log elsewhere"),
    }
}
