//! `AL178` ssl-number-negative.

use crate::rules::context::{Context, Rule};

use super::c_numbers::atoi;
use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports a mod_ssl size or timeout that C's `atoi` reads as negative: `-1`, but also
    /// `2147483648` and other values past 2³¹ − 1, which wrap around. A value that is not a
    /// number (`abc`, `10s`) reads as 0 (or its leading digits) and is accepted.
    /// Covers `SSLSessionCacheTimeout`, `SSLRenegBufferSize`, the `SSLStapling*` timeouts and
    /// ages, and `SSLOCSPResponseTimeSkew`, `SSLOCSPResponseMaxAge`, `SSLOCSPResponderTimeout`.
    /// (`SSLVerifyDepth` is `ssl-verify-invalid`'s.)
    ///
    /// ## Why is this risky?
    /// httpd refuses to start: `SSLSessionCacheTimeout: Invalid argument`.
    ///
    /// ## Example
    /// ```apache
    /// # before: "never expire"
    /// SSLSessionCacheTimeout -1
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLSessionCacheTimeout 300
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslsessioncachetimeout>
    pub SSL_NUMBER_NEGATIVE = {
        code: "AL178",
        name: "ssl-number-negative",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

/// Directives whose handler refuses a negative `atoi`.
const NUMBERS: &[&str] = &[
    "SSLSessionCacheTimeout",
    "SSLRenegBufferSize",
    "SSLStaplingResponseTimeSkew",
    "SSLStaplingResponseMaxAge",
    "SSLStaplingStandardCacheTimeout",
    "SSLStaplingErrorCacheTimeout",
    "SSLStaplingResponderTimeout",
    "SSLOCSPResponseTimeSkew",
    "SSLOCSPResponseMaxAge",
    "SSLOCSPResponderTimeout",
];

/// httpd's message for a negative value of `directive`.
fn message(directive: &str, value: &str) -> String {
    match directive {
        "SSLSessionCacheTimeout" => "SSLSessionCacheTimeout: Invalid argument".to_string(),
        "SSLRenegBufferSize" => format!("Invalid size for SSLRenegBufferSize: {value}"),
        _ => format!("{directive}: invalid argument"),
    }
}

pub struct SslNumberNegative;

impl Rule for SslNumberNegative {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_NUMBER_NEGATIVE
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for directive in NUMBERS {
            for id in directives_named(ctx, directive) {
                let node = ctx.node(id);
                let [value] = node.args.as_slice() else {
                    continue;
                };
                if atoi(&value.value) >= 0 {
                    continue;
                }
                let f = ctx.httpd_error(id, node.arg_span(0), message(directive, &value.value));
                f.help = Some(
                    "give a number from 0 to 2147483647 (C's atoi reads larger values as negative)"
                        .to_string(),
                );
            }
        }
    }
}
