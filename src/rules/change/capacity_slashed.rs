//! `AL216` capacity-slashed.

use crate::finding::{Severity, Stage};
use crate::load::tree::{Config, NodeId};
use crate::rules::context::{Context, Rule};

use super::perdir::{Side, sides};
use super::servers::setting;
use crate::rules::validity::{MpmLimits, mpm_limits};

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

/// The settings that decide capacity, in the order a finding prefers to
/// point at.
const CAPACITY_SETTINGS: [&str; 4] = [
    "MaxRequestWorkers",
    "ServerLimit",
    "ThreadsPerChild",
    "ThreadLimit",
];
const MAX_CONNECTIONS: &[&str] = &["MaxConnectionsPerChild", "MaxRequestsPerChild"];

/// httpd's explanation of how it adjusted `MaxRequestWorkers`, without
/// the `WARNING:` and the advice: `AH00511: MaxRequestWorkers of 10 is less
/// than ThreadsPerChild of 25, increasing to 25`.
fn adjustment(limits: &MpmLimits) -> Option<String> {
    let clamp = limits
        .clamps
        .iter()
        .rfind(|c| c.causes.contains(&"MaxRequestWorkers"))?;
    let text = clamp.message.replacen(" WARNING:", "", 1);
    Some(text.split(". ").next().unwrap_or(&text).to_string())
}

/// The first capacity setting whose value differs, as (candidate, baseline)
/// directives.
fn changed_setting(
    new: &MpmLimits,
    new_config: &Config,
    old: &MpmLimits,
    old_config: &Config,
) -> Option<(Option<NodeId>, Option<NodeId>)> {
    let value = |config: &Config, id: Option<NodeId>| id.map(|id| config.raw_args(id).to_string());
    CAPACITY_SETTINGS.iter().find_map(|name| {
        let n = new.directive(name);
        let o = old.directive(name);
        (value(new_config, n) != value(old_config, o)).then_some((n, o))
    })
}

/// `MaxConnectionsPerChild` (0: never recycle).
fn connections(side: &Side<'_>) -> (u64, Option<NodeId>) {
    let id = setting(side, None, MAX_CONNECTIONS);
    let n = id
        .and_then(|id| side.config.node(id).arg(0))
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(u64::MAX);
    (n, id)
}

impl Rule for CapacitySlashed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &CAPACITY_SLASHED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let old = mpm_limits(base.config, |name| base.index.get(name));
        let new = mpm_limits(ctx.config, |name| ctx.named(name));
        if let (Some(old), Some(new)) = (old, new)
            && i64::from(new.max_workers) * 2 < i64::from(old.max_workers)
            && let Some((new_id, old_id)) = changed_setting(&new, ctx.config, &old, base.config)
        {
            let how = adjustment(&new).map_or(String::new(), |a| format!(" (httpd: {a})"));
            let message = format!(
                "the server will serve at most {} requests at once instead of {}{how}: under load, visitors wait until they time out",
                new.max_workers, old.max_workers
            );
            let new_side = new_id.map(|id| (id, ctx.node(id).span));
            let old_side = old_id.map(|id| (id, base.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, message);
            f.stage = Stage::Request;
            f.help = Some(format!(
                "keep capacity near the known-good {} concurrent requests (MaxRequestWorkers ≤ ServerLimit × ThreadsPerChild), or size it from measured memory per worker",
                old.max_workers
            ));
        }
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        let (old, old_id) = connections(&old_side);
        let (new, new_id) = connections(&new_side);
        if new < 1000 && new * 2 < old {
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
