//! `AL318` webdav-unrestricted.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::access_restricted;

crate::declare_rule! {
    /// ## What it does
    /// Reports `Dav On` (or `Dav filesystem`) in a section that no access restriction
    /// covers: neither it nor an enclosing section has a `Require` other than
    /// `Require all granted` (or a `<RequireAll>`/`<RequireAny>`, or `Allow`/`Deny`).
    ///
    /// ## Why is this risky?
    /// WebDAV lets clients write: `PUT` uploads files, `DELETE` removes them, `MOVE` renames
    /// them. Open to everyone it turns the site into a public file drop — and, where a
    /// script handler applies, a way to upload and run code. CIS item 2.3 requires WebDAV
    /// disabled unless needed, and then behind authentication.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location /dav>
    ///     Dav On
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location /dav>
    ///     Dav On
    ///     AuthType Basic
    ///     AuthName "DAV"
    ///     AuthUserFile /etc/apache2/dav.passwd
    ///     Require valid-user
    /// </Location>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_dav.html>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 2.3 "Ensure the WebDAV Modules Are Disabled"
    pub WEBDAV_UNRESTRICTED = {
        code: "AL318",
        name: "webdav-unrestricted",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct WebdavUnrestricted;

impl Rule for WebdavUnrestricted {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &WEBDAV_UNRESTRICTED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx.named("Dav").to_vec();
        for id in nodes {
            let node = ctx.node(id);
            // `Dav Off` disables; any other value names a provider
            // (`On` is `filesystem`).
            if !node.active
                || !node.is_directive()
                || node.arg(0).is_none_or(|v| v.eq_ignore_ascii_case("off"))
                || access_restricted(ctx, id)
            {
                continue;
            }
            let f = ctx.report(
                id,
                node.name_span,
                "WebDAV is on where anyone may use it: anyone can upload, overwrite and delete files",
            );
            f.help = Some(
                "require authentication in the section (`AuthType Basic` … `Require valid-user`) or turn it off"
                    .to_string(),
            );
        }
    }
}
