//! `AL216` capacity-slashed.

use crate::finding::{Severity, Stage};
use crate::load::tree::{Config, NodeId};
use crate::rules::context::{Context, Rule};

use super::servers::setting;

crate::declare_rule! {
    /// ## What it does
    /// Computes how many requests the server can serve at once — `MaxRequestWorkers` after the
    /// MPM's own clamping by `ServerLimit`, `ThreadsPerChild` and `ThreadLimit` — on both sides,
    /// and reports the change that cuts it by more than half. Also warns when
    /// `MaxConnectionsPerChild` now recycles processes after fewer than 1000 connections.
    ///
    /// ## Why is this risky?
    /// `apache2 -t` accepts any value (at most it warns that it adjusted one, AH00511) and the
    /// server starts. Under the next traffic peak, slow clients and slow backends occupy every
    /// worker and new visitors wait in the listen queue until they time out: the site looks
    /// down although the machine is idle. The MPM's clamping makes the effect hard to see:
    /// `MaxRequestWorkers 10` on the event MPM becomes 25 (one process), while
    /// `ServerLimit 2` silently caps 150 workers at 50.
    ///
    /// Approximation: the MPM is the one loaded (event, worker or prefork); the defaults are
    /// httpd's compiled-in ones.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// MaxRequestWorkers 10
    /// ```
    ///
    /// ```apache
    /// # after
    /// # size by measured memory per worker; keep room for peaks
    /// MaxRequestWorkers 150
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mpm_common.html#maxrequestworkers>
    /// - <https://httpd.apache.org/docs/2.4/mod/mpm_common.html#serverlimit>
    pub CAPACITY_SLASHED = {
        code: "AL216",
        name: "capacity-slashed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct CapacitySlashed;

/// The settings that decide capacity, with their old spellings.
const MAX_WORKERS: &[&str] = &["MaxRequestWorkers", "MaxClients"];
const SERVER_LIMIT: &[&str] = &["ServerLimit"];
const THREADS_PER_CHILD: &[&str] = &["ThreadsPerChild"];
const THREAD_LIMIT: &[&str] = &["ThreadLimit"];
const MAX_CONNECTIONS: &[&str] = &["MaxConnectionsPerChild", "MaxRequestsPerChild"];

/// The settings in the order a finding prefers to point at.
const CAPACITY_SETTINGS: [&[&str]; 4] =
    [MAX_WORKERS, SERVER_LIMIT, THREADS_PER_CHILD, THREAD_LIMIT];

/// Concurrent requests a configuration can serve, and how the MPM adjusted
/// `MaxRequestWorkers` to get there.
struct Capacity {
    workers: u64,
    adjustment: Option<String>,
}

fn number(config: &Config, names: &[&str]) -> Option<u64> {
    setting(config, None, names)
        .and_then(|id| config.node(id).arg(0))
        .and_then(|v| v.parse().ok())
}

/// The capacity as the loaded MPM computes it (`mpm_event`/`mpm_worker`
/// `*_check_config`, `mpm_prefork`); `None` without a known MPM.
fn capacity(config: &Config) -> Option<Capacity> {
    let threaded = config.has_module("mpm_event_module") || config.has_module("mpm_worker_module");
    if !threaded && !config.has_module("mpm_prefork_module") {
        return None;
    }
    let set_workers = number(config, MAX_WORKERS);
    if !threaded {
        let server_limit = number(config, SERVER_LIMIT)
            .unwrap_or(256)
            .clamp(1, 200_000);
        let workers = set_workers.unwrap_or(256).max(1);
        return Some(if workers > server_limit {
            Capacity {
                workers: server_limit,
                adjustment: Some(format!(
                    "MaxRequestWorkers {workers} is capped at ServerLimit {server_limit}"
                )),
            }
        } else {
            Capacity {
                workers,
                adjustment: None,
            }
        });
    }
    let server_limit = number(config, SERVER_LIMIT).unwrap_or(16).clamp(1, 20_000);
    let thread_limit = number(config, THREAD_LIMIT).unwrap_or(64).clamp(1, 100_000);
    let per_child = number(config, THREADS_PER_CHILD)
        .unwrap_or(25)
        .clamp(1, thread_limit);
    let Some(set) = set_workers else {
        return Some(Capacity {
            workers: server_limit * per_child,
            adjustment: None,
        });
    };
    let mut workers = set.max(1);
    let mut adjustment = None;
    if workers < per_child {
        adjustment = Some(format!(
            "MaxRequestWorkers {set} is raised to ThreadsPerChild ({per_child}), AH00511"
        ));
        workers = per_child;
    }
    if workers % per_child != 0 {
        workers -= workers % per_child;
        adjustment = Some(format!(
            "MaxRequestWorkers {set} is rounded down to {workers}, a multiple of ThreadsPerChild {per_child}"
        ));
    }
    if workers / per_child > server_limit {
        workers = server_limit * per_child;
        adjustment = Some(format!(
            "MaxRequestWorkers {set} is capped at ServerLimit {server_limit} × ThreadsPerChild {per_child} = {workers}"
        ));
    }
    Some(Capacity {
        workers,
        adjustment,
    })
}

/// The first capacity setting whose value differs, as (candidate, baseline)
/// directives.
fn changed_setting(new: &Config, old: &Config) -> Option<(Option<NodeId>, Option<NodeId>)> {
    let value = |config: &Config, id: Option<NodeId>| id.map(|id| config.raw_args(id).to_string());
    CAPACITY_SETTINGS.iter().find_map(|names| {
        let n = setting(new, None, names);
        let o = setting(old, None, names);
        (value(new, n) != value(old, o)).then_some((n, o))
    })
}

impl Rule for CapacitySlashed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &CAPACITY_SLASHED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        if let (Some(old), Some(new)) = (capacity(base.config), capacity(ctx.config))
            && new.workers * 2 < old.workers
            && let Some((new_id, old_id)) = changed_setting(ctx.config, base.config)
        {
            let how = new.adjustment.map_or(String::new(), |a| format!(" ({a})"));
            let message = format!(
                "the server will serve at most {} requests at once instead of {}{how}: under load, visitors wait until they time out",
                new.workers, old.workers
            );
            let new_side = new_id.map(|id| (id, ctx.node(id).span));
            let old_side = old_id.map(|id| (id, base.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, message);
            f.stage = Stage::Request;
            f.help = Some(format!(
                "keep capacity near the known-good {} concurrent requests (MaxRequestWorkers ≤ ServerLimit × ThreadsPerChild), or size it from measured memory per worker",
                old.workers
            ));
        }
        let connections = |config: &Config| match number(config, MAX_CONNECTIONS) {
            None | Some(0) => u64::MAX,
            Some(n) => n,
        };
        let (old, new) = (connections(base.config), connections(ctx.config));
        if new < 1000 && new * 2 < old {
            let new_id = setting(ctx.config, None, MAX_CONNECTIONS);
            let old_id = setting(base.config, None, MAX_CONNECTIONS);
            let new_side = new_id.map(|id| (id, ctx.node(id).span));
            let old_side = old_id.map(|id| (id, base.config.node(id).span));
            let f = ctx.report_change(
                new_side,
                old_side,
                format!(
                    "every server process now exits after {new} connections: under load httpd spends its time starting processes"
                ),
            );
            f.severity = Severity::Warning;
            f.stage = Stage::Request;
            f.help = Some(
                "keep MaxConnectionsPerChild at 0 (never recycle) or in the thousands".to_string(),
            );
        }
    }
}
