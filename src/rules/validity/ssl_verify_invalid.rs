//! `AL173` ssl-verify-invalid.

use crate::rules::context::{Context, Rule};

use super::c_numbers::atoi;
use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports a value mod_ssl refuses in its client-verification directives:
    /// `SSLVerifyClient`/`SSLProxyVerify` other than `none`, `off`, `optional`, `require`, `on`
    /// or `optional_no_ca`; `SSLVerifyDepth`/`SSLProxyVerifyDepth` that C's `atoi` reads as
    /// negative (`-1`, but also `2147483648`, which wraps); `SSLCARevocationCheck` and
    /// `SSLProxyCARevocationCheck` other than `none`, `leaf` or `chain`, optionally followed by
    /// `no_crl_for_cert_ok`. A depth that is not a number at all (`abc`) reads as 0 and is
    /// accepted.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start: `SSLVerifyClient: Invalid argument 'maybe'`.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLVerifyClient required
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLVerifyClient require
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslverifyclient>
    pub SSL_VERIFY_INVALID = {
        code: "AL173",
        name: "ssl-verify-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

const VERIFY_MODES: &[&str] = &["none", "off", "optional", "require", "on", "optional_no_ca"];

pub struct SslVerifyInvalid;

impl Rule for SslVerifyInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_VERIFY_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for directive in ["SSLVerifyClient", "SSLProxyVerify"] {
            check_each(ctx, directive, |args| match args {
                [mode] if !VERIFY_MODES.iter().any(|m| m.eq_ignore_ascii_case(mode)) => Some(0),
                _ => None,
            });
        }
        for directive in ["SSLVerifyDepth", "SSLProxyVerifyDepth"] {
            check_each(ctx, directive, |args| match args {
                [depth] if atoi(depth) < 0 => Some(0),
                _ => None,
            });
        }
        for directive in ["SSLCARevocationCheck", "SSLProxyCARevocationCheck"] {
            check_each(ctx, directive, |args| {
                let first_ok = args.first().is_some_and(|w| {
                    ["none", "leaf", "chain"]
                        .iter()
                        .any(|m| m.eq_ignore_ascii_case(w))
                });
                if !first_ok {
                    return Some(0);
                }
                args.iter()
                    .skip(1)
                    .position(|w| !w.eq_ignore_ascii_case("no_crl_for_cert_ok"))
                    .map(|i| i + 1)
            });
        }
    }
}

/// Reports the argument `bad` points at, for every line of `directive`.
fn check_each(ctx: &mut Context<'_>, directive: &str, bad: impl Fn(&[&str]) -> Option<usize>) {
    for id in directives_named(ctx, directive) {
        let node = ctx.node(id);
        let args: Vec<&str> = node.arg_values().collect();
        let Some(i) = bad(&args) else { continue };
        let name = ctx.config.canonical_name(&node.name);
        let word = args.get(i).copied().unwrap_or_default();
        ctx.httpd_error(
            id,
            node.arg_span(i),
            format!("{name}: Invalid argument '{word}'"),
        );
    }
}
