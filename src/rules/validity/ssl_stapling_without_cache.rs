//! `AL184` ssl-stapling-without-cache.

use crate::rules::context::{Context, Rule};

use super::tls::startup_failure;

crate::declare_rule! {
    /// ## What it does
    /// Reports `SSLUseStapling on` in effect for a TLS server when the configuration has no
    /// `SSLStaplingCache` (a server-level directive: one for the whole server).
    ///
    /// ## Why is this risky?
    /// `apache2 -t` says `Syntax OK`; the server does not start:
    /// `AH01958: SSLStapling: no stapling cache available`, then `AH02312: Fatal error
    /// initialising mod_ssl, exiting.` Copying Mozilla's recommended `SSLUseStapling On`
    /// into a vhost without the global cache line is the usual way to get there.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:443>
    ///     SSLUseStapling on
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLStaplingCache shmcb:${APACHE_RUN_DIR}/ssl_stapling(32768)
    /// <VirtualHost *:443>
    ///     SSLUseStapling on
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslusestapling>
    /// - <https://ssl-config.mozilla.org/>
    pub SSL_STAPLING_WITHOUT_CACHE = {
        code: "AL184",
        name: "ssl-stapling-without-cache",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslStaplingWithoutCache;

impl Rule for SslStaplingWithoutCache {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_STAPLING_WITHOUT_CACHE
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let has_cache = ctx
            .named("SSLStaplingCache")
            .iter()
            .any(|&id| ctx.node(id).active);
        if has_cache {
            return;
        }
        for startup in ctx.tls_startup() {
            let server = &startup.server;
            let Some(stapling) = server.last(ctx.config, "SSLUseStapling") else {
                continue;
            };
            let node = ctx.node(stapling);
            if !node.arg(0).is_some_and(|v| v.eq_ignore_ascii_case("on")) {
                continue;
            }
            let f = ctx.report(
                stapling,
                node.arg_span(0),
                "OCSP stapling is on but no SSLStaplingCache is configured",
            );
            startup_failure(
                f,
                &["AH01958: SSLStapling: no stapling cache available".to_string()],
                "Add `SSLStaplingCache shmcb:${APACHE_RUN_DIR}/ssl_stapling(32768)` at server \
                 level (outside any <VirtualHost>).",
            );
        }
    }
}
