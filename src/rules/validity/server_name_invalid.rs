//! `AL126` server-name-invalid.

use crate::rules::context::{Context, Rule};

use super::c_numbers::atoi;
use super::checked_nodes::nodes_to_check;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `ServerName` httpd refuses: a port outside 1–65535 (`shop.example:0`,
    /// `shop.example:abc`, `shop.example:` — the port is read with `atoi`, so `:80x` passes),
    /// and a name with wildcard characters (`*.shop.example`, `[::1]`: a bracketed IPv6 address
    /// counts as a wildcard class).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`The port number "shop.example:abc" is outside the appropriate
    /// range (i.e., 1..65535).`, `Invalid ServerName "*.shop.example" use ServerAlias to set
    /// multiple server names.`). Wildcards belong in `ServerAlias`.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ServerName *.shop.example
    /// ```
    ///
    /// ```apache
    /// # after
    /// ServerName shop.example
    /// ServerAlias *.shop.example
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#servername>
    pub SERVER_NAME_INVALID = {
        code: "AL126",
        name: "server-name-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ServerNameInvalid;

impl Rule for ServerNameInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SERVER_NAME_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, _) in nodes_to_check(ctx, "ServerName") {
            let node = ctx.node(id);
            let [name] = node.args.as_slice() else {
                continue;
            };
            let name = name.value.to_string();
            let span = node.arg_span(0);
            if is_glob(&name) {
                let f = ctx.httpd_error(
                    id,
                    span,
                    format!("Invalid ServerName \"{name}\" use ServerAlias to set multiple server names."),
                );
                f.primary_label = Some("wildcard characters".to_string());
                f.help = Some(
                    "ServerName takes one literal name; put wildcard names in ServerAlias"
                        .to_string(),
                );
            } else if let Some(port) = port_of(&name)
                && !(1..=65535).contains(&atoi(port))
            {
                let f = ctx.httpd_error(
                    id,
                    span,
                    format!(
                        "The port number \"{name}\" is outside the appropriate range (i.e., 1..65535)."
                    ),
                );
                f.primary_label = Some(format!("port `{port}`"));
                f.help = Some(
                    "write `name` or `name:port` with a port from 1 to 65535 (an IPv6 address cannot be a ServerName)"
                        .to_string(),
                );
            }
        }
    }
}

/// `apr_fnmatch_test`: `*` or `?`, or a `[` with a later `]`; a backslash
/// escapes the next character.
fn is_glob(pattern: &str) -> bool {
    let mut open = false;
    let mut bytes = pattern.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'*' | b'?' => return true,
            b'\\' if bytes.next().is_none() => return false,
            b'[' => open = true,
            b']' if open => return true,
            _ => {}
        }
    }
    false
}

/// The text after the first `:` following an optional `scheme://`.
fn port_of(name: &str) -> Option<&str> {
    let host_port = name.find("://").map_or(name, |i| &name[i + 3..]);
    host_port.find(':').map(|i| &host_port[i + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_test_matches_apr() {
        assert!(is_glob("*.example"));
        assert!(is_glob("x?"));
        assert!(is_glob("[ab]"));
        assert!(is_glob("[::1]:80"));
        assert!(!is_glob("a[b"));
        assert!(!is_glob("a]b"));
        assert!(!is_glob("a\\*b"));
        assert!(!is_glob("a\\"));
    }

    #[test]
    fn port_after_scheme() {
        assert_eq!(port_of("http://foo:8080"), Some("8080"));
        assert_eq!(port_of("https://foo"), None);
        assert_eq!(port_of("foo:"), Some(""));
        assert_eq!(port_of("a:1:2"), Some("1:2"));
    }
}
