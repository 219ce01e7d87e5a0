//! `AL218` request-limit-reduced.

use crate::diff::{ChangeKind, Scope};
use crate::finding::{Severity, Stage};
use crate::load::tree::{Config, NodeId};
use crate::rules::context::{Context, Rule};

use super::perdir::{listing, sides};
use super::servers::{report_setting, setting_changes};

crate::declare_rule! {
    /// ## What it does
    /// Compares the request limits in force — `LimitRequestFieldSize`, `LimitRequestLine`,
    /// `LimitRequestFields` for every site present on both sides, and `LimitRequestBody`
    /// wherever it is set — with the known-good configuration, and reports each one lowered.
    ///
    /// ## Why is this risky?
    /// Hardening guides (CIS 10.x) recommend small limits, and `apache2 -t` accepts them, but
    /// real requests are bigger than they look: returning visitors carry several KB of consent
    /// and analytics cookies in one `Cookie` header, single-sign-on tokens make long URLs,
    /// uploads are megabytes. Above the limit httpd answers 400, 414 or 413 — for every page,
    /// for exactly the customers who came back. A header limit lowered below httpd's default
    /// (8190 bytes, 100 fields) is an error; a body limit lowered, or a header limit lowered
    /// but not below the default, is a warning.
    ///
    /// Approximation: under name-based virtual hosting httpd reads the request line and the
    /// headers with the limits of the address's default vhost; each vhost's own setting is
    /// compared here.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// LimitRequestFieldSize 1024
    /// ```
    ///
    /// ```apache
    /// # after
    /// # keep httpd's default (8190): cookies of returning visitors exceed 1 KB
    /// LimitRequestFieldSize 8190
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#limitrequestfieldsize>
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#limitrequestbody>
    pub REQUEST_LIMIT_REDUCED = {
        code: "AL218",
        name: "request-limit-reduced",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RequestLimitReduced;

/// A request limit: its directive, httpd's default, whether 0 means "no
/// limit", and what a request over it gets.
struct Limit {
    name: &'static str,
    default: u64,
    zero_unlimited: bool,
    what: &'static str,
}

/// The per-server header limits.
const HEADER_LIMITS: [Limit; 3] = [
    Limit {
        name: "LimitRequestFieldSize",
        default: 8190,
        zero_unlimited: false,
        what: "with a header line longer than {} bytes (a few KB of cookies, long tokens) will answer 400 Bad Request",
    },
    Limit {
        name: "LimitRequestLine",
        default: 8190,
        zero_unlimited: false,
        what: "whose request line (method, URL and query string) is longer than {} bytes will answer 414",
    },
    Limit {
        name: "LimitRequestFields",
        default: 100,
        zero_unlimited: true,
        what: "with more than {} header fields will answer 400 Bad Request",
    },
];

/// `LimitRequestBody` (per directory; 1 GiB by default since 2.4.54).
const BODY: Limit = Limit {
    name: "LimitRequestBody",
    default: 1 << 30,
    zero_unlimited: true,
    what: "with a body (upload, POST) larger than {} bytes will answer 413",
};

impl Limit {
    /// The limit a directive sets (`None` node: the default); `u64::MAX`
    /// for no limit.
    fn value(&self, config: &Config, id: Option<NodeId>) -> Option<u64> {
        let v = match id {
            None => self.default,
            Some(id) => config.node(id).arg(0)?.parse().ok()?,
        };
        Some(if v == 0 && self.zero_unlimited {
            u64::MAX
        } else {
            v
        })
    }

    /// The impact sentence for requests of `whom`.
    fn impact(&self, whom: &str, new: u64, old: u64) -> String {
        let was = if old == u64::MAX {
            "there was no limit".to_string()
        } else {
            format!("the limit was {old}")
        };
        format!(
            "requests to {whom} {}: {was}",
            self.what.replace("{}", &new.to_string())
        )
    }
}

impl Rule for RequestLimitReduced {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REQUEST_LIMIT_REDUCED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        for limit in &HEADER_LIMITS {
            for change in setting_changes(&old_side, &new_side, &[limit.name]) {
                let (Some(old), Some(new)) = (
                    limit.value(base.config, change.old),
                    limit.value(ctx.config, change.new),
                ) else {
                    continue;
                };
                if new >= old {
                    continue;
                }
                let message = limit.impact(&listing(&change.names, 3), new, old);
                let Some(f) = report_setting(ctx, &change, message) else {
                    return;
                };
                f.severity = if new < limit.default {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                f.stage = Stage::Request;
                f.help = Some(format!(
                    "keep {} at {} or more, or measure the largest real requests first",
                    limit.name,
                    old.min(limit.default)
                ));
            }
        }
        // LimitRequestBody is per directory: each place it is set.
        let changes: Vec<_> = ctx
            .changes
            .iter()
            .filter(|c| c.name == "limitrequestbody")
            .filter(|c| {
                matches!(
                    c.kind,
                    ChangeKind::Added | ChangeKind::Modified | ChangeKind::Removed
                )
            })
            .cloned()
            .collect();
        for c in changes {
            let (Some(old), Some(new)) = (
                BODY.value(base.config, c.old),
                BODY.value(ctx.config, c.new),
            ) else {
                continue;
            };
            if new >= old {
                continue;
            }
            let whom = match &c.scope {
                Scope::Main => "every site".to_string(),
                scope => scope.to_string(),
            };
            let new_side = c.new.map(|id| (id, ctx.node(id).span));
            let old_side = c.old.map(|id| (id, base.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, BODY.impact(&whom, new, old));
            f.severity = Severity::Warning;
            f.stage = Stage::Request;
            f.help = Some(
                "make sure the largest legitimate upload fits, or set the limit only where uploads are not expected"
                    .to_string(),
            );
        }
    }
}
