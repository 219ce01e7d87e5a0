//! `AL217` timeout-changed.

use crate::finding::{Severity, Stage};
use crate::load::tree::{Config, NodeId};
use crate::rules::context::{Context, Rule};
use crate::rules::validity::timeout_parameter;

use super::perdir::{listing, sides};
use super::servers::{SettingChange, report_setting, setting_changes};

crate::declare_rule! {
    /// ## What it does
    /// Compares, for every site present on both sides, the timeouts in force — `Timeout`,
    /// `ProxyTimeout` (which follows `Timeout` when unset), `RequestReadTimeout` (each phase)
    /// and `KeepAliveTimeout` — with the known-good configuration, and reports one cut by more
    /// than three times.
    ///
    /// ## Why is this risky?
    /// `Timeout` bounds every wait for the client and for a proxied backend: a hardening from
    /// `Timeout 300` to `Timeout 5` passes `apache2 -t` and then every report, export or upload
    /// that takes longer fails with 502/504 or a cut connection. `RequestReadTimeout` cuts slow
    /// clients off with 408. A shorter `KeepAliveTimeout` only costs reconnections (a
    /// warning).
    ///
    /// Approximations: a `timeout=` parameter on a `ProxyPass` worker is not considered; the
    /// defaults are httpd's compiled-in ones (`Timeout 60`, `KeepAliveTimeout 5`,
    /// `RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Timeout 5
    /// ```
    ///
    /// ```apache
    /// # after
    /// Timeout 60
    /// # or keep the long wait where it is needed
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    ///     ProxyTimeout 300
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#timeout>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxytimeout>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_reqtimeout.html>
    pub TIMEOUT_CHANGED = {
        code: "AL217",
        name: "timeout-changed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct TimeoutChanged;

/// A cut is reported when the new value is below the old one divided by this.
const FACTOR: f64 = 3.0;

/// httpd's compiled-in `Timeout`.
const DEFAULT_TIMEOUT: f64 = 60.0;

/// A duration as httpd reads it (`ap_timeout_parameter_parse`: a number
/// with an optional unit, seconds by default), in seconds.
fn duration(text: &str) -> Option<f64> {
    timeout_parameter(text, "s").map(|micros| micros as f64 / 1e6)
}

/// The first argument of a directive as a duration.
fn duration_of(config: &Config, id: Option<NodeId>) -> Option<f64> {
    id.and_then(|id| config.node(id).arg(0).and_then(duration))
}

/// `12 s`, `500 ms`.
fn show(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{} ms", (seconds * 1000.0).round())
    } else {
        format!("{} s", (seconds * 10.0).round() / 10.0)
    }
}

/// The initial timeouts of `RequestReadTimeout` per phase (`handshake`,
/// `header`, `body`) with mod_reqtimeout's defaults for phases not given.
fn read_timeouts(config: &Config, id: Option<NodeId>) -> Vec<(&'static str, f64)> {
    let mut phases = vec![("handshake", 0.0), ("header", 20.0), ("body", 20.0)];
    let Some(id) = id else { return phases };
    for arg in config.node(id).arg_values() {
        let Some((key, value)) = arg.split_once('=') else {
            continue;
        };
        let initial = value.split([',', '-']).next().and_then(duration);
        if let (Some(phase), Some(t)) = (
            phases
                .iter_mut()
                .find(|(name, _)| name.eq_ignore_ascii_case(key)),
            initial,
        ) {
            phase.1 = t;
        }
    }
    phases
}

/// Whether a cut from `old` to `new` seconds is large enough to report (0
/// means "no limit" for mod_reqtimeout phases).
fn cut(old: f64, new: f64) -> bool {
    new > 0.0 && (old == 0.0 || new * FACTOR < old)
}

impl TimeoutChanged {
    fn report(
        &self,
        ctx: &mut Context<'_>,
        change: &SettingChange,
        severity: Severity,
        message: String,
        help: &str,
    ) {
        if let Some(f) = report_setting(ctx, change, message) {
            f.severity = severity;
            f.stage = Stage::Request;
            f.help = Some(help.to_string());
        }
    }
}

impl Rule for TimeoutChanged {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &TIMEOUT_CHANGED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        for change in setting_changes(&old_side, &new_side, &["Timeout"]) {
            let old = duration_of(base.config, change.old).unwrap_or(DEFAULT_TIMEOUT);
            let new = duration_of(ctx.config, change.new).unwrap_or(DEFAULT_TIMEOUT);
            if !cut(old, new) {
                continue;
            }
            let waits = if ctx.named("ProxyTimeout").is_empty() {
                "for the client or a proxied backend (`ProxyTimeout` follows `Timeout`) will now fail with 502/504 or a cut connection"
            } else {
                "for the client will now fail with a cut connection"
            };
            let message = format!(
                "requests to {} that wait more than {} {waits}: `Timeout` was {}",
                listing(&change.names, 3),
                show(new),
                show(old)
            );
            self.report(
                ctx,
                &change,
                Severity::Error,
                message,
                "keep the known-good Timeout, or raise ProxyTimeout/RequestReadTimeout where slow backends or uploads need it",
            );
        }
        // ProxyTimeout on its own: only where it is set on either side
        // (unset, it follows Timeout, reported above).
        for change in setting_changes(&old_side, &new_side, &["ProxyTimeout"]) {
            if change.old.is_none() && change.new.is_none() {
                continue;
            }
            let old = duration_of(base.config, change.old);
            let new = duration_of(ctx.config, change.new);
            let (Some(old), Some(new)) = (old, new) else {
                continue;
            };
            if !cut(old, new) {
                continue;
            }
            let message = format!(
                "proxied requests of {} whose backend takes more than {} to answer will now fail with 504: `ProxyTimeout` was {}",
                listing(&change.names, 3),
                show(new),
                show(old)
            );
            self.report(
                ctx,
                &change,
                Severity::Error,
                message,
                "keep the known-good ProxyTimeout, or set a longer one for the slow backend's vhost",
            );
        }
        for change in setting_changes(&old_side, &new_side, &["RequestReadTimeout"]) {
            let old = read_timeouts(base.config, change.old);
            let new = read_timeouts(ctx.config, change.new);
            let cuts: Vec<String> = old
                .iter()
                .zip(&new)
                .filter(|((_, o), (_, n))| cut(*o, *n))
                .map(|((phase, o), (_, n))| format!("{phase} {} (was {})", show(*n), show(*o)))
                .collect();
            if cuts.is_empty() {
                continue;
            }
            let message = format!(
                "clients of {} that send their request more slowly now get 408 or a closed connection: `RequestReadTimeout` allows {}",
                listing(&change.names, 3),
                cuts.join(", ")
            );
            self.report(
                ctx,
                &change,
                Severity::Error,
                message,
                "keep the known-good RequestReadTimeout, or allow more time for the body where uploads come over slow links",
            );
        }
        for change in setting_changes(&old_side, &new_side, &["KeepAliveTimeout"]) {
            let old = duration_of(base.config, change.old).unwrap_or(5.0);
            let new = duration_of(ctx.config, change.new).unwrap_or(5.0);
            if !cut(old, new) {
                continue;
            }
            let message = format!(
                "idle connections to {} now close after {} instead of {}: clients reconnect more often (more TLS handshakes and latency)",
                listing(&change.names, 3),
                show(new),
                show(old)
            );
            self.report(
                ctx,
                &change,
                Severity::Warning,
                message,
                "keep the known-good KeepAliveTimeout unless idle connections are a problem",
            );
        }
    }
}
