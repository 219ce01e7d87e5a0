//! `AL119` virtualhost-address-invalid.

use crate::finding::{HttpdEcho, HttpdPhase, Severity, Stage};
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::address::{HostKind, classify_host, parse_addr_port};
use super::handler::{reaches_handler, section_text};

crate::declare_rule! {
    /// ## What it does
    /// Reports `<VirtualHost>` addresses httpd refuses, drops or must look up in DNS when it
    /// starts. A port without an address
    /// (`<VirtualHost 80>`: `Missing address for VirtualHost`) or an address or port it
    /// cannot parse (`<VirtualHost *:0>`: `The address or port is invalid`) stop it. A host
    /// part no resolver can answer — `*:abc`, a `# comment` — is dropped with `AH00547:
    /// Could not resolve host name *:abc -- ignoring!`, and a `<VirtualHost>` left without any
    /// address never serves a request: both are warnings. So is a host name (other than
    /// `localhost`), which httpd resolves when it starts.
    ///
    /// ## Why is this risky?
    /// The errors stop httpd from starting. The dropped addresses are worse: `apache2 -t`
    /// says `Syntax OK`, the site silently disappears, and its requests go to the default
    /// virtual host instead.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:8o>
    ///     ServerName shop.example
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#virtualhost>
    /// - <https://httpd.apache.org/docs/2.4/dns-caveats.html>
    pub VIRTUALHOST_ADDRESS_INVALID = {
        code: "AL119",
        name: "virtualhost-address-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct VirtualHostAddressInvalid;

/// What `get_addresses` makes of one address word.
enum Address {
    /// Used (a wildcard, a numeric address, or an empty word, skipped).
    Usable,
    /// A host name, resolved at start-up.
    Name(String),
    /// Dropped with AH00547.
    Dropped(String),
    /// Refused: httpd's message.
    Refused(&'static str),
}

fn address(word: &str) -> Address {
    if word.is_empty() {
        return Address::Usable;
    }
    // apr_parse_addr_port() does not understand ":*".
    let text = word.strip_suffix(":*").unwrap_or(word);
    let Some(parsed) = parse_addr_port(text) else {
        return Address::Refused("The address or port is invalid");
    };
    let Some(host) = parsed.host else {
        return Address::Refused("Missing address for VirtualHost");
    };
    if host == "*" || host.eq_ignore_ascii_case("_default_") {
        return Address::Usable;
    }
    match classify_host(&host) {
        HostKind::Literal => Address::Usable,
        HostKind::Name if host.eq_ignore_ascii_case("localhost") => Address::Usable,
        HostKind::Name => Address::Name(host),
        HostKind::Unresolvable => Address::Dropped(host),
    }
}

/// httpd's log line when the resolver finds nothing for `host`
/// (`EAI_NONAME`).
fn resolver_failure(ctx: &Context<'_>, id: NodeId, host: &str) -> HttpdEcho {
    let mut echo = ctx.echo(
        id,
        format!(
            "(EAI 2)Name or service not known: AH00547: Could not resolve host name {host} -- ignoring!"
        ),
    );
    echo.phase = HttpdPhase::Log {
        prefix: Some("core:error"),
    };
    echo
}

impl Rule for VirtualHostAddressInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &VIRTUALHOST_ADDRESS_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx.named("<VirtualHost").to_vec();
        for id in nodes {
            if reaches_handler(ctx, id).is_none()
                || section_text(ctx, id).is_none_or(|text| text.is_empty())
            {
                continue;
            }
            let node = ctx.node(id);
            let words: Vec<&str> = node.arg_values().collect();
            let mut usable = 0;
            let mut dropped = Vec::new();
            let mut in_comment = false;
            for (i, word) in words.iter().enumerate() {
                in_comment |= word.starts_with('#');
                match address(word) {
                    Address::Usable => usable += 1,
                    // Words of a trailing comment: the `#` is reported.
                    Address::Name(_) if in_comment => {}
                    Address::Name(host) => {
                        usable += 1;
                        // What httpd logs where the resolver cannot answer.
                        let echo = resolver_failure(ctx, id, &host);
                        let f = ctx.report(
                            id,
                            node.arg_span(i),
                            format!(
                                "virtual host address `{host}` is a host name, resolved through \
                                 DNS when httpd starts"
                            ),
                        );
                        f.severity = Severity::Warning;
                        f.stage = Stage::Startup;
                        f.help = Some(
                            "if the lookup fails httpd ignores the address (AH00547) and the \
                             site's requests go elsewhere; use the IP address or `*`, and put \
                             the name in ServerName"
                                .to_string(),
                        );
                        f.httpd = Some(echo);
                    }
                    Address::Dropped(host) => dropped.push((i, host)),
                    Address::Refused(message) => {
                        let f = ctx.httpd_error(id, node.arg_span(i), message);
                        f.help = Some(
                            "write `address:port`: `*:80`, `192.0.2.10:443`, `[2001:db8::1]:80`"
                                .to_string(),
                        );
                        break;
                    }
                }
            }
            let none_left = usable == 0;
            for (i, host) in dropped {
                let comment = host.starts_with('#');
                let echo = resolver_failure(ctx, id, &host);
                let f = ctx.report(
                    id,
                    node.arg_span(i),
                    format!("AH00547: Could not resolve host name {host} -- ignoring!"),
                );
                f.httpd = Some(echo);
                f.severity = Severity::Warning;
                f.stage = Stage::ConfigTest;
                f.primary_label = Some(if none_left {
                    "httpd drops this address, and with it the whole virtual host".to_string()
                } else {
                    "httpd drops this address".to_string()
                });
                f.help = Some(match (comment, none_left) {
                    (true, _) => "httpd has no trailing comments: move the comment to its own line"
                        .to_string(),
                    (false, true) => "no address is left: this virtual host never serves a \
                                      request; write `address:port` (`*:80`)"
                        .to_string(),
                    (false, false) => "write `address:port`: `*:80`, `192.0.2.10:443`".to_string(),
                });
            }
        }
    }
}
