//! `AL311` server-status-exposed and `AL312` server-info-exposed: the two
//! mod_status/mod_info handlers, reachable without an access restriction.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::access_restricted;

crate::declare_rule! {
    /// ## What it does
    /// Reports `SetHandler server-status` in a section where no access restriction applies:
    /// neither the section nor one enclosing it has a `Require` other than
    /// `Require all granted` (or a `<RequireAll>`/`<RequireAny>`, or mod_access_compat's
    /// `Allow`/`Deny`).
    ///
    /// ## Why is this risky?
    /// The status page lists every request being served — client addresses, virtual hosts,
    /// URLs with their query strings (tokens, session ids) — and the server's load, to anyone.
    /// Debian's `mods-available/status.conf` restricts it with `Require local`; copies of it
    /// often lose that line. CIS item 2.4 requires it restricted or disabled.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location "/server-status">
    ///     SetHandler server-status
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location "/server-status">
    ///     SetHandler server-status
    ///     Require local
    /// </Location>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_status.html>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 2.4 "Ensure the Status Module Is Disabled"
    pub SERVER_STATUS_EXPOSED = {
        code: "AL311",
        name: "server-status-exposed",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports `SetHandler server-info` in a section where no access restriction applies
    /// (the same test as `server-status-exposed`).
    ///
    /// ## Why is this risky?
    /// mod_info prints the whole configuration — every directive of every file, module and
    /// virtual host, with paths and internal addresses — to whoever asks for the page.
    /// CIS item 2.8 requires mod_info disabled.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location "/server-info">
    ///     SetHandler server-info
    ///     Require all granted
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location "/server-info">
    ///     SetHandler server-info
    ///     Require ip 192.0.2.0/24
    /// </Location>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_info.html>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 2.8 "Ensure the Info Module Is Disabled"
    pub SERVER_INFO_EXPOSED = {
        code: "AL312",
        name: "server-info-exposed",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct ServerStatusExposed;
pub struct ServerInfoExposed;

impl Rule for ServerStatusExposed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SERVER_STATUS_EXPOSED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        report_unrestricted(
            ctx,
            "server-status",
            "the server status page (clients, virtual hosts, URLs being served) is readable by anyone",
        );
    }
}

impl Rule for ServerInfoExposed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SERVER_INFO_EXPOSED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        report_unrestricted(
            ctx,
            "server-info",
            "the server info page (the whole configuration) is readable by anyone",
        );
    }
}

/// Reports each active `SetHandler HANDLER` no access restriction covers.
/// httpd lower-cases handler names (`SetHandler` in mod_mime).
fn report_unrestricted(ctx: &mut Context<'_>, handler: &str, message: &str) {
    let nodes: Vec<NodeId> = ctx.named("SetHandler").to_vec();
    for id in nodes {
        let node = ctx.node(id);
        if !node.active
            || !node.is_directive()
            || !node.arg(0).is_some_and(|h| h.eq_ignore_ascii_case(handler))
        {
            continue;
        }
        if access_restricted(ctx, id) {
            continue;
        }
        let f = ctx.report(id, node.arg_span(0), message);
        f.help = Some(
            "add `Require local` or `Require ip ADMIN-NETWORK` to the section (or remove the handler)"
                .to_string(),
        );
    }
}
