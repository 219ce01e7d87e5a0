//! `AL234` logging-removed.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::perdir::{changed_sites, 
    Side, direct_directives, last_directive, listing, normalize_path, sides, site_url,
};

crate::declare_rule! {
    /// ## What it does
    /// Reports a site whose requests or errors are no longer logged where the known-good
    /// configuration logged them.
    ///
    /// For every site on both sides it computes the access logs (the vhost's own
    /// `CustomLog`/`TransferLog` lines, or else the main server's, plus any `GlobalLog`), the
    /// `ErrorLog` and the `LogLevel`, and reports:
    /// - an error when a vhost that gained its own `CustomLog` stops writing to the
    ///   server-wide access log (httpd uses the main server's logs only for vhosts without
    ///   one), or when its requests are no longer logged anywhere;
    /// - information when an access or error log moves, or `LogLevel` gets less verbose.
    ///
    /// ## Why is this risky?
    /// Access logs feed intrusion detection (fail2ban), the SIEM and billing. A `CustomLog`
    /// added to one vhost "for debugging" silently takes that vhost's traffic out of the
    /// shared log everybody else reads — nothing fails, the data is just missing when it is
    /// needed.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    ///     CustomLog ${APACHE_LOG_DIR}/shop-timing.log "%t \"%r\" %>s %D"
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    ///     CustomLog ${APACHE_LOG_DIR}/shop-timing.log "%t \"%r\" %>s %D"
    ///     # keep feeding the shared log too
    ///     CustomLog ${APACHE_LOG_DIR}/other_vhosts_access.log vhost_combined
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_log_config.html#customlog>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_log_config.html#globallog>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 6.1 and 6.3
    pub LOGGING_REMOVED = {
        code: "AL234",
        name: "logging-removed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct LoggingRemoved;

/// One access log a site writes to.
struct AccessLog {
    target: String,
    node: NodeId,
    /// Written in the vhost itself (not inherited from the main server).
    own: bool,
}

/// Where a log line goes: the file (absolute) or the pipe.
fn log_target(side: &Side<'_>, id: NodeId) -> Option<String> {
    let target = side.config.node(id).arg(0)?;
    Some(if target.starts_with('|') || target.starts_with("syslog") {
        target.to_string()
    } else {
        normalize_path(side.config, target)
    })
}

fn is_access_log(side: &Side<'_>, id: NodeId) -> bool {
    let n = side.config.node(id);
    n.is_directive() && (n.is("CustomLog") || n.is("TransferLog"))
}

/// The access logs of a site (mod_log_config: a vhost with its own logs
/// does not use the main server's; `GlobalLog` applies everywhere).
fn access_logs(side: &Side<'_>, vhost: Option<usize>) -> Vec<AccessLog> {
    let config = side.config;
    let main = direct_directives(side, config.root);
    let own: Vec<NodeId> = vhost
        .map(|i| direct_directives(side, side.vhosts.vhosts[i].node))
        .unwrap_or_default()
        .into_iter()
        .filter(|&id| is_access_log(side, id))
        .collect();
    let mut out: Vec<AccessLog> = Vec::new();
    let mut push = |id: NodeId, own: bool| {
        if let Some(target) = log_target(side, id) {
            out.push(AccessLog {
                target,
                node: id,
                own,
            });
        }
    };
    if own.is_empty() {
        main.iter()
            .filter(|&&id| is_access_log(side, id))
            .for_each(|&id| push(id, false));
    } else {
        own.iter().for_each(|&id| push(id, true));
    }
    main.iter()
        .filter(|&&id| config.node(id).is("GlobalLog"))
        .for_each(|&id| push(id, false));
    out
}

/// The site's `ErrorLog` or `LogLevel` line (its own, else the main server's).
fn site_setting(side: &Side<'_>, vhost: Option<usize>, name: &str) -> Option<NodeId> {
    vhost
        .and_then(|i| last_directive(side, side.vhosts.vhosts[i].node, name))
        .or_else(|| last_directive(side, side.config.root, name))
}

/// How verbose a `LogLevel` is (its main level; 0 = emerg).
fn verbosity(side: &Side<'_>, id: Option<NodeId>) -> usize {
    const LEVELS: [&str; 16] = [
        "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug", "trace1", "trace2",
        "trace3", "trace4", "trace5", "trace6", "trace7", "trace8",
    ];
    let level = id
        .and_then(|id| {
            side.config
                .node(id)
                .arg_values()
                .find(|a| !a.contains(':'))
                .map(str::to_ascii_lowercase)
        })
        .unwrap_or_else(|| "warn".to_string());
    LEVELS.iter().position(|l| *l == level).unwrap_or(4)
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// The vhost's own CustomLog took it out of the server-wide log.
    Diverted,
    /// Nothing logs its requests any more.
    Unlogged,
    AccessMoved,
    ErrorMoved,
    LevelLowered,
}

impl Rule for LoggingRemoved {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LOGGING_REMOVED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((old, new)) = sides(ctx) else { return };
        type Key = (Kind, Option<NodeId>, Option<NodeId>);
        // (kind, candidate line, known-good line) → (sites, what was lost)
        let mut groups: BTreeMap<Key, (Vec<String>, Vec<String>)> = BTreeMap::new();
        for site in changed_sites(&old, &new) {
            let url = site_url(&new, site.new, "");
            let before = access_logs(&old, site.old);
            let after = access_logs(&new, site.new);
            for log in &before {
                if after.iter().any(|a| a.target == log.target) {
                    continue;
                }
                let first_own = after.iter().find(|a| a.own).map(|a| a.node);
                let (kind, new_node) = if after.is_empty() {
                    (Kind::Unlogged, None)
                } else if !log.own && first_own.is_some() {
                    (Kind::Diverted, first_own)
                } else {
                    (Kind::AccessMoved, after.first().map(|a| a.node))
                };
                let entry = groups.entry((kind, new_node, Some(log.node))).or_default();
                entry.0.push(url.clone());
                entry.1.push(log.target.clone());
            }
            let (old_error, new_error) = (
                site_setting(&old, site.old, "ErrorLog"),
                site_setting(&new, site.new, "ErrorLog"),
            );
            let old_target = old_error.and_then(|id| log_target(&old, id));
            if old_target.is_some() && old_target != new_error.and_then(|id| log_target(&new, id)) {
                let entry = groups
                    .entry((Kind::ErrorMoved, new_error, old_error))
                    .or_default();
                entry.0.push(url.clone());
                entry.1.extend(old_target);
            }
            let (old_level, new_level) = (
                site_setting(&old, site.old, "LogLevel"),
                site_setting(&new, site.new, "LogLevel"),
            );
            if verbosity(&new, new_level) < verbosity(&old, old_level) {
                let entry = groups
                    .entry((Kind::LevelLowered, new_level, old_level))
                    .or_default();
                entry.0.push(url);
            }
        }
        for ((kind, new_node, old_node), (mut urls, mut targets)) in groups {
            urls.dedup();
            targets.sort();
            targets.dedup();
            let urls = listing(&urls, 3);
            let targets = targets.join(", ");
            let (message, severity, help) = match kind {
                Kind::Diverted => (
                    format!(
                        "requests for {urls} are no longer written to {targets}: a vhost with its own CustomLog does not use the server-wide one"
                    ),
                    Severity::Error,
                    "add the server-wide log to the vhost as well (the same CustomLog line), or use GlobalLog for it",
                ),
                Kind::Unlogged => (
                    format!("requests for {urls} are no longer logged anywhere (was {targets})"),
                    Severity::Error,
                    "keep an access log for every site",
                ),
                Kind::AccessMoved => (
                    format!("requests for {urls} are no longer written to {targets}"),
                    Severity::Info,
                    "make sure whatever reads the old log (log shipping, fail2ban) follows the move",
                ),
                Kind::ErrorMoved => (
                    format!("errors of {urls} are no longer written to {targets}"),
                    Severity::Info,
                    "make sure whatever reads the old log follows the move",
                ),
                Kind::LevelLowered => (
                    format!("{urls} will log less: LogLevel is less verbose than before"),
                    Severity::Info,
                    "keep at least `LogLevel warn` so that failures stay visible",
                ),
            };
            let new_side = new_node.map(|id| (id, ctx.node(id).span));
            let old_side = old_node.map(|id| (id, old.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, message);
            f.severity = severity;
            f.help = Some(help.to_string());
        }
    }
}
