//! `AL230` mpm-changed.

use crate::finding::Severity;
use crate::load::tree::{Config, LoadedModule};
use crate::rules::context::{Context, Rule};

use super::modules::module_name;

crate::declare_rule! {
    /// ## What it does
    /// Reports a switch of the multi-processing module (prefork, worker, event) between the
    /// known-good configuration and the candidate. An error when the candidate runs a threaded
    /// MPM with mod_php loaded (httpd refuses to start: PHP's module is not thread-safe); a
    /// warning otherwise.
    ///
    /// ## Why is this risky?
    /// The MPM decides how requests are served: processes or threads, and which capacity
    /// settings apply (`mpm_prefork.conf` and `mpm_event.conf` have their own
    /// `MaxRequestWorkers`). Modules that are not thread-safe break under worker/event, and
    /// the capacity the server was sized for changes with the switch.
    ///
    /// ## Example
    /// ```apache
    /// # before (the known-good version ran prefork)
    /// LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
    /// LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so
    /// ```
    ///
    /// ```apache
    /// # after: switch together with what needs it (PHP through php-fpm)
    /// LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
    /// LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
    /// LoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mpm.html>
    /// - <https://httpd.apache.org/docs/2.4/mod/event.html>
    pub MPM_CHANGED = {
        code: "AL230",
        name: "mpm-changed",
        family: Change,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct MpmChanged;

fn mpm(config: &Config) -> Option<&LoadedModule> {
    config
        .modules
        .iter()
        .find(|m| m.identifier.starts_with("mpm_"))
}

impl Rule for MpmChanged {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &MPM_CHANGED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let (Some(old), Some(new)) = (mpm(base.config), mpm(ctx.config)) else {
            return;
        };
        if old.identifier == new.identifier {
            return;
        }
        let threaded = new.identifier != "mpm_prefork_module";
        let php = ctx
            .config
            .modules
            .iter()
            .find(|m| m.identifier.starts_with("php"));
        let message = format!(
            "the server switches from {} to {}: capacity now follows {}'s settings{}",
            module_name(&old.identifier),
            module_name(&new.identifier),
            module_name(&new.identifier),
            match php {
                Some(p) if threaded => format!(
                    ", and {} (not thread-safe) stops httpd from starting",
                    p.identifier
                ),
                _ => " and modules that are not thread-safe break".to_string(),
            }
        );
        let new_side = new.node.map(|id| (id, ctx.node(id).span));
        let old_side = old.node.map(|id| (id, base.config.node(id).span));
        let severity = if threaded && php.is_some() {
            Severity::Error
        } else {
            Severity::Warning
        };
        let f = ctx.report_change(new_side, old_side, message);
        f.severity = severity;
        f.help = Some("switch the MPM on purpose, with the modules that depend on it (mod_php needs prefork; use php-fpm with event)".to_string());
    }
}
