//! `AL314` root-directory-not-denied.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};
use crate::rules::validity::whole_configuration;

use super::is_whole_server;

crate::declare_rule! {
    /// ## What it does
    /// Reports a main server whose filesystem root is not denied: no `<Directory />` at the
    /// top level of a configuration that listens, or one whose last `Require` is not
    /// `Require all denied` (mod_access_compat's `Deny from all` counts as denied).
    ///
    /// ## Why is this risky?
    /// Access is granted where nothing denies it. Without `<Directory />` denying everything,
    /// one `Alias` or a `DocumentRoot` typo pointing at `/etc` or `/home` serves those files;
    /// with it, only the trees explicitly granted are served. CIS item 4.1 requires it, and
    /// Debian's `apache2.conf` has it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory />
    ///     Options FollowSymLinks
    ///     AllowOverride None
    /// </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory />
    ///     Options FollowSymLinks
    ///     AllowOverride None
    ///     Require all denied
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/misc/security_tips.html#protectserverfiles>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 4.1 "Ensure Access to OS Root Directory Is Denied By Default"
    pub ROOT_DIRECTORY_NOT_DENIED = {
        code: "AL314",
        name: "root-directory-not-denied",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct RootDirectoryNotDenied;

impl Rule for RootDirectoryNotDenied {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ROOT_DIRECTORY_NOT_DENIED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let config = ctx.config;
        let help = "put `Require all denied` in a top-level `<Directory />` and grant only the served trees";
        // The main server's `<Directory />` sections; httpd merges them, the
        // last `Require` line wins.
        let roots: Vec<NodeId> = ctx
            .named("<Directory")
            .iter()
            .copied()
            .filter(|&id| {
                let node = config.node(id);
                node.active
                    && config.enclosing_section(id).is_none()
                    && node.args.len() == 1
                    && node.arg(0) == Some("/")
            })
            .collect();
        let Some(&last_root) = roots.last() else {
            if let Some((node, span)) = whole_configuration(ctx).filter(|_| is_whole_server(ctx)) {
                let f = ctx.report(
                    node,
                    span,
                    "no `<Directory />` denies access to the filesystem: whatever an Alias or DocumentRoot points at is served",
                );
                f.help = Some(help.to_string());
            }
            return;
        };
        let denied = roots
            .iter()
            .flat_map(|&root| config.effective(root).into_owned())
            .filter_map(|id| access_verdict(ctx, id))
            .last()
            .unwrap_or(false);
        if !denied {
            let span = config.node(last_root).name_span;
            let f = ctx.report(
                last_root,
                span,
                "`<Directory />` does not deny access: whatever an Alias or DocumentRoot points at is served",
            );
            f.help = Some(help.to_string());
        }
    }
}

/// Whether a line in `<Directory />` denies (`Some(true)`), grants or
/// restricts otherwise (`Some(false)`), or says nothing about access.
fn access_verdict(ctx: &Context<'_>, id: NodeId) -> Option<bool> {
    let node = ctx.node(id);
    let words: Vec<&str> = node.arg_values().collect();
    let is = |w: &str, s: &str| w.eq_ignore_ascii_case(s);
    if node.is_directive() && node.is("Require") {
        return Some(matches!(words.as_slice(), [a, d] if is(a, "all") && is(d, "denied")));
    }
    if node.is_directive() && node.is("Deny") {
        return Some(matches!(words.as_slice(), [f, a] if is(f, "from") && is(a, "all")));
    }
    if node.is_section() && (node.is("RequireAll") || node.is("RequireAny")) {
        return Some(false);
    }
    None
}
