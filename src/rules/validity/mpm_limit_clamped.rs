//! `AL125` mpm-limit-clamped.

use std::collections::HashMap;

use crate::finding::{Label, Stage};
use crate::load::tree::{Config, NodeId};
use crate::model::registry::Mpm;
use crate::rules::context::{Context, Rule};

use super::c_numbers::atoi;
use super::mpm_count::loaded_mpms;

crate::declare_rule! {
    /// ## What it does
    /// Computes the process and thread limits of the loaded MPM exactly as httpd's check
    /// (`event.c`, `worker.c`, `prefork.c`) does, with the compiled-in limits, and reports every
    /// value httpd silently raises or lowers: `MaxRequestWorkers` above what `ServerLimit` ×
    /// `ThreadsPerChild` allows, `ThreadsPerChild` above `ThreadLimit`, `MaxRequestWorkers` not a
    /// multiple of `ThreadsPerChild`, zero or negative values (the numbers are read with `atoi`,
    /// so `StartServers abc` is 0).
    ///
    /// ## Why is this risky?
    /// `apache2 -t` says `Syntax OK` after a warning nobody reads (`AH00515: WARNING:
    /// MaxRequestWorkers of 1000 would require 40 servers and would exceed ServerLimit of 16,
    /// decreasing to 400.`), and the server runs with less capacity than configured — the
    /// outage shows under load.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <IfModule mpm_event_module>
    ///     MaxRequestWorkers 1000
    /// </IfModule>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <IfModule mpm_event_module>
    ///     ServerLimit 40
    ///     MaxRequestWorkers 1000
    /// </IfModule>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mpm_common.html#maxrequestworkers>
    /// - <https://httpd.apache.org/docs/2.4/mod/mpm_common.html#serverlimit>
    pub MPM_LIMIT_CLAMPED = {
        code: "AL125",
        name: "mpm-limit-clamped",
        family: Validity,
        severity: Warning,
        blocks_check: false,
    }
}

/// A threaded MPM's compiled-in limits and defaults, and its message numbers
/// in the order of its check.
struct ThreadedMpm {
    max_server_limit: i32,
    max_thread_limit: i32,
    codes: [&'static str; 11],
}

const EVENT: ThreadedMpm = ThreadedMpm {
    max_server_limit: 20000,
    max_thread_limit: 100000,
    codes: [
        "00497", "00499", "00502", "00504", "00507", "00509", "00511", "00513", "00515", "00517",
        "00519",
    ],
};

const WORKER: ThreadedMpm = ThreadedMpm {
    max_server_limit: 20000,
    max_thread_limit: 20000,
    codes: [
        "00300", "00302", "00305", "00307", "00310", "00312", "00314", "00316", "00318", "00320",
        "00322",
    ],
};

/// Event and worker defaults (`mpm_default.h`, `DEFAULT_SERVER_LIMIT`,
/// `DEFAULT_THREAD_LIMIT`).
const THREADED_DEFAULT_SERVER_LIMIT: i32 = 16;
const THREADED_DEFAULT_THREAD_LIMIT: i32 = 64;
const THREADED_DEFAULT_THREADS_PER_CHILD: i32 = 25;
const THREADED_DEFAULT_START: i32 = 3;
const THREADED_DEFAULT_MIN_SPARE_THREADS: i32 = 3 * THREADED_DEFAULT_THREADS_PER_CHILD;

/// Prefork's limits and defaults.
const PREFORK_MAX_SERVER_LIMIT: i32 = 200000;
const PREFORK_DEFAULT_SERVER_LIMIT: i32 = 256;
const PREFORK_DEFAULT_START: i32 = 5;
const PREFORK_DEFAULT_MIN_SPARE: i32 = 5;

/// The settings that decide the limits: the last active top-level line of
/// each directive (httpd keeps the last value; inside `<VirtualHost>` the
/// handler refuses to run).
struct Settings {
    lines: HashMap<&'static str, (i32, NodeId)>,
}

impl Settings {
    /// The main server's values of `names` (`named` lists a
    /// configuration's nodes by directive name).
    fn read<'n>(
        config: &Config,
        named: &impl Fn(&str) -> &'n [NodeId],
        names: &[&'static str],
    ) -> Settings {
        let mut lines = HashMap::new();
        for &name in names {
            // MaxClients is the old name of MaxRequestWorkers: one variable.
            let spellings: &[&str] = if name == "MaxRequestWorkers" {
                &["MaxRequestWorkers", "MaxClients"]
            } else {
                &[name]
            };
            let last = spellings
                .iter()
                .flat_map(|spelling| named(spelling).iter().copied())
                .filter(|&id| {
                    let node = config.node(id);
                    node.active && node.is_directive() && config.enclosing_section(id).is_none()
                })
                .max();
            if let Some(id) = last {
                lines.insert(name, (atoi(config.node(id).arg(0).unwrap_or("")), id));
            }
        }
        Settings { lines }
    }

    fn value(&self, name: &str, default: i32) -> i32 {
        self.lines.get(name).map_or(default, |&(v, _)| v)
    }
}

/// One warning: httpd's text and the directives that cause it, the first one
/// set being where the finding points.
pub(crate) struct Clamp {
    pub message: String,
    pub causes: &'static [&'static str],
}

/// What the loaded MPM makes of a configuration's settings: the values
/// read, httpd's clamp warnings, and the `MaxRequestWorkers` it runs with
/// (how many requests it serves at once).
pub(crate) struct MpmLimits {
    pub mpm: Mpm,
    settings: Settings,
    pub clamps: Vec<Clamp>,
    pub max_workers: i32,
}

impl MpmLimits {
    /// The directive that sets `name` (`MaxRequestWorkers` covers
    /// `MaxClients`), if any.
    pub fn directive(&self, name: &str) -> Option<NodeId> {
        self.settings.lines.get(name).map(|&(_, id)| id)
    }
}

/// The limits of a configuration's one MPM (`None` with no or several
/// MPMs, or one that is not Debian's); `named` lists its nodes by name.
pub(crate) fn mpm_limits<'n>(
    config: &Config,
    named: impl Fn(&str) -> &'n [NodeId],
) -> Option<MpmLimits> {
    let [(mpm, _)] = loaded_mpms(config)[..] else {
        return None;
    };
    let (settings, clamps, max_workers) = match mpm {
        Mpm::Event => threaded(config, &named, &EVENT),
        Mpm::Worker => threaded(config, &named, &WORKER),
        Mpm::Prefork => prefork(config, &named),
        _ => return None,
    };
    Some(MpmLimits {
        mpm,
        settings,
        clamps,
        max_workers,
    })
}

pub struct MpmLimitClamped;

impl Rule for MpmLimitClamped {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &MPM_LIMIT_CLAMPED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(MpmLimits {
            mpm,
            settings,
            clamps,
            ..
        }) = mpm_limits(ctx.config, |name| ctx.named(name))
        else {
            return;
        };
        let after_the_walk = NodeId(ctx.config.nodes.len().saturating_sub(1) as u32);
        for clamp in clamps {
            let mut set = clamp
                .causes
                .iter()
                .filter_map(|name| settings.lines.get(name).map(|&(_, id)| id));
            let Some(at) = set.next() else { continue };
            let related: Vec<Label> = set
                .map(|id| Label {
                    span: ctx.node(id).span,
                    message: format!("{} is set here", ctx.node(id).name),
                })
                .collect();
            let span = ctx.node(at).arg_span(0);
            let f = ctx.httpd_log(at, span, clamp.message, None);
            // httpd prints these after the walk, in its check's order.
            f.node = Some(after_the_walk);
            f.stage = Stage::ConfigTest;
            f.primary_label = Some("httpd changes this value".to_string());
            f.labels = related;
            f.help = Some(format!(
                "apache2 -t prints this warning and says Syntax OK; the {} MPM runs with the corrected value",
                mpm.name()
            ));
        }
    }
}

/// `event_check_config` / `worker_check_config`.
fn threaded<'n>(
    config: &Config,
    named: &impl Fn(&str) -> &'n [NodeId],
    limits: &ThreadedMpm,
) -> (Settings, Vec<Clamp>, i32) {
    let s = Settings::read(
        config,
        named,
        &[
            "ServerLimit",
            "ThreadLimit",
            "ThreadsPerChild",
            "MaxRequestWorkers",
            "StartServers",
            "MinSpareThreads",
        ],
    );
    let code = |i: usize| limits.codes[i];
    let mut out = Vec::new();
    let mut push =
        |message: String, causes: &'static [&'static str]| out.push(Clamp { message, causes });
    let mut server_limit = s.value("ServerLimit", THREADED_DEFAULT_SERVER_LIMIT);
    if server_limit > limits.max_server_limit {
        push(
            format!(
                "AH{}: WARNING: ServerLimit of {server_limit} exceeds compile-time limit of {max} servers, decreasing to {max}.",
                code(0),
                max = limits.max_server_limit
            ),
            &["ServerLimit"],
        );
        server_limit = limits.max_server_limit;
    } else if server_limit < 1 {
        push(
            format!(
                "AH{}: WARNING: ServerLimit of {server_limit} not allowed, increasing to 1.",
                code(1)
            ),
            &["ServerLimit"],
        );
        server_limit = 1;
    }
    let mut thread_limit = s.value("ThreadLimit", THREADED_DEFAULT_THREAD_LIMIT);
    if thread_limit > limits.max_thread_limit {
        push(
            format!(
                "AH{}: WARNING: ThreadLimit of {thread_limit} exceeds compile-time limit of {max} threads, decreasing to {max}.",
                code(2),
                max = limits.max_thread_limit
            ),
            &["ThreadLimit"],
        );
        thread_limit = limits.max_thread_limit;
    } else if thread_limit < 1 {
        push(
            format!(
                "AH{}: WARNING: ThreadLimit of {thread_limit} not allowed, increasing to 1.",
                code(3)
            ),
            &["ThreadLimit"],
        );
        thread_limit = 1;
    }
    let mut threads_per_child = s.value("ThreadsPerChild", THREADED_DEFAULT_THREADS_PER_CHILD);
    if threads_per_child > thread_limit {
        push(
            format!(
                "AH{}: WARNING: ThreadsPerChild of {threads_per_child} exceeds ThreadLimit of {thread_limit} threads, decreasing to {thread_limit}. To increase, please see the ThreadLimit directive.",
                code(4)
            ),
            &["ThreadsPerChild", "ThreadLimit"],
        );
        threads_per_child = thread_limit;
    } else if threads_per_child < 1 {
        push(
            format!(
                "AH{}: WARNING: ThreadsPerChild of {threads_per_child} not allowed, increasing to 1.",
                code(5)
            ),
            &["ThreadsPerChild"],
        );
        threads_per_child = 1;
    }
    // The default is computed from the defaults, before any directive.
    let mut max_workers = s.value(
        "MaxRequestWorkers",
        THREADED_DEFAULT_SERVER_LIMIT * THREADED_DEFAULT_THREADS_PER_CHILD,
    );
    if max_workers < threads_per_child {
        push(
            format!(
                "AH{}: WARNING: MaxRequestWorkers of {max_workers} is less than ThreadsPerChild of {threads_per_child}, increasing to {threads_per_child}. MaxRequestWorkers must be at least as large as the number of threads in a single server.",
                code(6)
            ),
            &["MaxRequestWorkers", "ThreadsPerChild", "ThreadLimit"],
        );
        max_workers = threads_per_child;
    }
    let active_daemons_limit = max_workers / threads_per_child;
    if max_workers % threads_per_child != 0 {
        let nearest = active_daemons_limit.wrapping_mul(threads_per_child);
        push(
            format!(
                "AH{}: WARNING: MaxRequestWorkers of {max_workers} is not an integer multiple of ThreadsPerChild of {threads_per_child}, decreasing to nearest multiple {nearest}, for a maximum of {active_daemons_limit} servers.",
                code(7)
            ),
            &["MaxRequestWorkers", "ThreadsPerChild", "ThreadLimit"],
        );
        max_workers = nearest;
    }
    if active_daemons_limit > server_limit {
        push(
            format!(
                "AH{}: WARNING: MaxRequestWorkers of {max_workers} would require {active_daemons_limit} servers and would exceed ServerLimit of {server_limit}, decreasing to {}. To increase, please see the ServerLimit directive.",
                code(8),
                server_limit.wrapping_mul(threads_per_child)
            ),
            &[
                "MaxRequestWorkers",
                "ServerLimit",
                "ThreadsPerChild",
                "ThreadLimit",
            ],
        );
        max_workers = server_limit.wrapping_mul(threads_per_child);
    }
    let start = s.value("StartServers", THREADED_DEFAULT_START);
    if start < 1 {
        push(
            format!(
                "AH{}: WARNING: StartServers of {start} not allowed, increasing to 1.",
                code(9)
            ),
            &["StartServers"],
        );
    }
    let min_spare = s.value("MinSpareThreads", THREADED_DEFAULT_MIN_SPARE_THREADS);
    if min_spare < 1 {
        push(
            format!(
                "AH{}: WARNING: MinSpareThreads of {min_spare} not allowed, increasing to 1 to avoid almost certain server failure. Please read the documentation.",
                code(10)
            ),
            &["MinSpareThreads"],
        );
    }
    (s, out, max_workers)
}

/// `prefork_check_config`.
fn prefork<'n>(
    config: &Config,
    named: &impl Fn(&str) -> &'n [NodeId],
) -> (Settings, Vec<Clamp>, i32) {
    let s = Settings::read(
        config,
        named,
        &[
            "ServerLimit",
            "MaxRequestWorkers",
            "StartServers",
            "MinSpareServers",
        ],
    );
    let mut out = Vec::new();
    let mut push =
        |message: String, causes: &'static [&'static str]| out.push(Clamp { message, causes });
    let mut server_limit = s.value("ServerLimit", PREFORK_DEFAULT_SERVER_LIMIT);
    if server_limit > PREFORK_MAX_SERVER_LIMIT {
        push(
            format!(
                "AH00175: WARNING: ServerLimit of {server_limit} exceeds compile-time limit of {PREFORK_MAX_SERVER_LIMIT} servers, decreasing to {PREFORK_MAX_SERVER_LIMIT}."
            ),
            &["ServerLimit"],
        );
        server_limit = PREFORK_MAX_SERVER_LIMIT;
    } else if server_limit < 1 {
        push(
            format!(
                "AH00177: WARNING: ServerLimit of {server_limit} not allowed, increasing to 1."
            ),
            &["ServerLimit"],
        );
        server_limit = 1;
    }
    let mut daemons_limit = s.value("MaxRequestWorkers", PREFORK_DEFAULT_SERVER_LIMIT);
    if daemons_limit > server_limit {
        push(
            format!(
                "AH00180: WARNING: MaxRequestWorkers of {daemons_limit} exceeds ServerLimit value of {server_limit} servers, decreasing MaxRequestWorkers to {server_limit}. To increase, please see the ServerLimit directive."
            ),
            &["MaxRequestWorkers", "ServerLimit"],
        );
        daemons_limit = server_limit;
    } else if daemons_limit < 1 {
        push(
            format!(
                "AH00182: WARNING: MaxRequestWorkers of {daemons_limit} not allowed, increasing to 1."
            ),
            &["MaxRequestWorkers"],
        );
        daemons_limit = 1;
    }
    let start = s.value("StartServers", PREFORK_DEFAULT_START);
    if start < 1 {
        push(
            format!("AH00184: WARNING: StartServers of {start} not allowed, increasing to 1."),
            &["StartServers"],
        );
    }
    let min_spare = s.value("MinSpareServers", PREFORK_DEFAULT_MIN_SPARE);
    if min_spare < 1 {
        push(
            format!(
                "AH00186: WARNING: MinSpareServers of {min_spare} not allowed, increasing to 1 to avoid almost certain server failure. Please read the documentation."
            ),
            &["MinSpareServers"],
        );
    }
    (s, out, daemons_limit)
}
