//! `AL308` server-tokens-verbose.

use crate::rules::context::{Context, Rule};
use crate::rules::validity::whole_configuration;

use super::{is_whole_server, main_server_setting};

crate::declare_rule! {
    /// ## What it does
    /// Reports a server whose `Server` response header names more than the product:
    /// `ServerTokens` set to anything but `Prod` (or `ProductOnly`), or not set at all in a
    /// configuration that listens (a whole server, not a snippet) — httpd's default is `Full`,
    /// `Apache/2.4.71 (Debian)` plus module versions.
    ///
    /// ## Why is this risky?
    /// The exact version and operating system tell an attacker which published
    /// vulnerabilities apply without a single probe; the same string appears on error pages
    /// when `ServerSignature` is on. CIS item 8.1 requires `Prod`. Debian ships `OS`.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ServerTokens OS
    /// ```
    ///
    /// ```apache
    /// # after
    /// ServerTokens Prod
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#servertokens>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 8.1 "Ensure ServerTokens is Set to 'Prod' or 'ProductOnly'"
    pub SERVER_TOKENS_VERBOSE = {
        code: "AL308",
        name: "server-tokens-verbose",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct ServerTokensVerbose;

/// What the `Server` header says for a `ServerTokens` value, as httpd
/// matches it (`set_serv_tokens` in server/core.c: case-insensitive,
/// anything unknown is Full).
fn header_for(value: &str) -> Option<&'static str> {
    let is = |s: &str| value.eq_ignore_ascii_case(s);
    if is("Prod") || is("ProductOnly") {
        None
    } else if is("Major") {
        Some("`Apache/2`")
    } else if is("Minor") {
        Some("`Apache/2.4`")
    } else if is("Min") || is("Minimal") {
        Some("`Apache/2.4.71`")
    } else if is("OS") {
        Some("`Apache/2.4.71 (Debian)`")
    } else {
        Some("`Apache/2.4.71 (Debian)` and the versions of modules that add themselves")
    }
}

impl Rule for ServerTokensVerbose {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SERVER_TOKENS_VERBOSE
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let help = "set `ServerTokens Prod` (the header then says only `Apache`)";
        match main_server_setting(ctx, "ServerTokens") {
            Some(id) => {
                let node = ctx.node(id);
                let value = node.arg(0).unwrap_or_default().to_string();
                let Some(header) = header_for(&value) else {
                    return;
                };
                let f = ctx.report(
                    id,
                    node.arg_span(0),
                    format!("`ServerTokens {value}`: every response's Server header says {header}"),
                );
                f.help = Some(help.to_string());
            }
            None => {
                let Some((node, span)) = whole_configuration(ctx).filter(|_| is_whole_server(ctx))
                else {
                    return;
                };
                let f = ctx.report(
                    node,
                    span,
                    "ServerTokens is not set: every response's Server header names the full version, the OS and modules (the default, Full)",
                );
                f.help = Some(help.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::header_for;

    #[test]
    fn only_prod_hides_the_version() {
        assert_eq!(header_for("prod"), None);
        assert_eq!(header_for("ProductOnly"), None);
        assert_eq!(header_for("OS"), Some("`Apache/2.4.71 (Debian)`"));
        assert!(header_for("Full").is_some() && header_for("bogus") == header_for("Full"));
    }
}
