//! `AL305` ssl-session-tickets.

use crate::model::mod_ssl::vhost_id;
use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Notes a TLS server (one with `SSLEngine on`) that issues TLS session tickets — the
    /// default unless `SSLSessionTickets off` applies to it.
    ///
    /// ## Why is this risky?
    /// mod_ssl encrypts tickets with a key it never rotates while the server runs (unless
    /// `SSLSessionTicketKeyFile` is managed externally): whoever obtains that key can decrypt
    /// every session resumed with it, which voids forward secrecy for TLS 1.2. Mozilla's
    /// configuration generator sets `SSLSessionTickets off`.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLEngine on
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLEngine on
    /// SSLSessionTickets off
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslsessiontickets>
    /// - <https://ssl-config.mozilla.org/>
    pub SSL_SESSION_TICKETS = {
        code: "AL305",
        name: "ssl-session-tickets",
        family: Security,
        severity: Info,
        blocks_check: false,
    }
}

pub struct SslSessionTickets;

impl Rule for SslSessionTickets {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_SESSION_TICKETS
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for server in ctx.tls_servers() {
            let config = ctx.config;
            let Some(engine) = server.engine_on(config) else {
                continue;
            };
            let tickets = server.last(config, "SSLSessionTickets");
            let on = tickets.is_none_or(|id| {
                config
                    .node(id)
                    .arg(0)
                    .is_some_and(|v| v.eq_ignore_ascii_case("on"))
            });
            if !on {
                continue;
            }
            let at = tickets.unwrap_or(engine);
            let span = config.node(at).arg_span(0);
            let id = vhost_id(config, server);
            let f = ctx.report(at, span, format!("TLS session tickets are on for {id}"));
            f.help = Some("add `SSLSessionTickets off` (Mozilla's recommendation)".to_string());
        }
    }
}
