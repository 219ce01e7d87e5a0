//! `AL231` runtime-identity-changed.

use crate::diff::Scope;
use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a change of the `User` or `Group` httpd's workers run as (the values after
    /// `${APACHE_RUN_USER}` and the like are substituted).
    ///
    /// ## Why is this risky?
    /// Every file the server reads or writes was given to the old identity: document roots
    /// readable by `www-data` only, upload directories, log files, PHP session directories,
    /// sockets. Under the new identity the server starts and requests fail with 403 or 500,
    /// or logs stop being written.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// User apache
    /// ```
    ///
    /// ```apache
    /// # after
    /// User www-data
    /// # (with the files handed over to it first)
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_unixd.html#user>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 3.1
    pub RUNTIME_IDENTITY_CHANGED = {
        code: "AL231",
        name: "runtime-identity-changed",
        family: Change,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct RuntimeIdentityChanged;

impl Rule for RuntimeIdentityChanged {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &RUNTIME_IDENTITY_CHANGED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let changes: Vec<_> = ctx
            .changes
            .iter()
            .filter(|c| c.scope == Scope::Main && (c.name == "user" || c.name == "group"))
            .cloned()
            .collect();
        for change in changes {
            let value = |config: &crate::load::tree::Config,
                         id: Option<crate::load::tree::NodeId>| {
                id.and_then(|id| config.node(id).arg(0).map(str::to_string))
                    .unwrap_or_else(|| "the compiled-in default".to_string())
            };
            let what = if change.name == "user" {
                "user"
            } else {
                "group"
            };
            let message = format!(
                "httpd's workers will run as {what} {} instead of {}: files only the old {what} may read or write (document roots, uploads, logs, sessions) will fail with 403 or 500",
                value(ctx.config, change.new),
                value(base.config, change.old)
            );
            let new_side = change.new.map(|id| (id, ctx.node(id).span));
            let old_side = change.old.map(|id| (id, base.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, message);
            f.help = Some(format!(
                "hand the files over to the new {what} before deploying (chown/chgrp), or keep the old identity"
            ));
        }
    }
}
