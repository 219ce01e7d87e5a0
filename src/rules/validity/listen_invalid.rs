//! `AL107` listen-invalid.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::address::{HostKind, ListenError, classify_host, listen_address};
use super::handler::{args_span, reaches_handler, take_argv};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Listen` line httpd cannot use: not one or two arguments (`Listen requires 1 or
    /// 2 arguments.` — a trailing `# comment` counts), an address or port it cannot parse
    /// (`Invalid address or port`: `:80`, port `0` or `70000`), no port at all (`Port must be
    /// specified`: `Listen shop.example`, `Listen 127.0.0.1:`), or a host part no resolver can
    /// answer (`Listen setup failed`: `1.2.3.999:80`, or `::1`, whose last group httpd takes
    /// for the port).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. `Listen` lines are edited when a port moves or a site gets its
    /// own address, and the result is only checked at the next restart — when every site on
    /// the server goes down with it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Listen 8443 https # shop
    /// Listen ::1
    /// ```
    ///
    /// ```apache
    /// # after
    /// # shop
    /// Listen 8443 https
    /// Listen [::1]:8080
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mpm_common.html#listen>
    /// - <https://httpd.apache.org/docs/2.4/bind.html>
    pub LISTEN_INVALID = {
        code: "AL107",
        name: "listen-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ListenInvalid;

impl Rule for ListenInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LISTEN_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx.named("Listen").to_vec();
        for id in nodes {
            if reaches_handler(ctx, id).is_none() {
                continue;
            }
            let node = ctx.node(id);
            let argv = take_argv(node);
            match listen_address(&argv) {
                Err(ListenError::ArgumentCount) => {
                    let comment = argv.iter().position(|w| w.starts_with('#'));
                    let span = match (comment, argv.len()) {
                        (Some(i), _) => args_span(node, i, argv.len() - 1),
                        (None, 0) => node.name_span,
                        (None, n) => args_span(node, 2, n - 1),
                    };
                    let f = ctx.httpd_error(id, span, ListenError::ArgumentCount.message());
                    f.help = Some(if comment.is_some() {
                        "httpd has no trailing comments: move the comment to its own line"
                            .to_string()
                    } else {
                        "Listen takes an address and an optional protocol: \
                         `Listen [address:]port [protocol]`"
                            .to_string()
                    });
                }
                Err(error) => {
                    let f = ctx.httpd_error(id, node.arg_span(0), error.message());
                    f.help = Some(match error {
                        ListenError::NoPort => {
                            "give a port: `Listen 80`, `Listen 192.0.2.1:80`, `Listen [::1]:80`"
                                .to_string()
                        }
                        _ => "ports go from 1 to 65535; write IPv6 addresses in brackets: \
                              `Listen [2001:db8::1]:80`"
                            .to_string(),
                    });
                }
                Ok(address) => {
                    let Some(host) = address.host else { continue };
                    if classify_host(&host) != HostKind::Unresolvable {
                        continue;
                    }
                    let f = ctx.httpd_error(id, node.arg_span(0), "Listen setup failed");
                    f.primary_label =
                        Some(format!("`{host}` is neither an address nor a host name"));
                    f.help = Some(format!(
                        "httpd first logs `AH00077: alloc_listener: failed to set up sockaddr for {host}`; \
                         write IPv6 addresses in brackets: `Listen [::1]:8080`"
                    ));
                }
            }
        }
    }
}
