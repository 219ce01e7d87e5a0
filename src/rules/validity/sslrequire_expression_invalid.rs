//! `AL165` sslrequire-expression-invalid.

use crate::model::expr::Mode;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::nodes_to_check;
use super::expression::{ExprSource, report};

crate::declare_rule! {
    /// ## What it does
    /// Reports an `SSLRequire` whose expression httpd cannot parse (`SSLRequire: syntax error,
    /// unexpected $end`), at the offending token. Since 2.4 `SSLRequire` uses httpd's common
    /// expression parser in its mod_ssl-compatible mode: the whole rest of the line is the
    /// expression (quotes are part of it), `and`/`or`/`eq`/`in {…}` are accepted and
    /// `%{SSL_*}` variables and `PeerExtList()` come from mod_ssl.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. `SSLRequire` lines are old and long, often kept in
    /// `<IfModule mod_ssl.c>` blocks; quoting the whole expression, a habit from other
    /// directives, turns it into a lone string that httpd rejects.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location "/partners">
    ///     SSLRequire "%{SSL_CLIENT_S_DN_O} eq 'Shop Ltd.'"
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location "/partners">
    ///     SSLRequire %{SSL_CLIENT_S_DN_O} eq "Shop Ltd."
    /// </Location>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslrequire>
    /// - <https://httpd.apache.org/docs/2.4/expr.html>
    pub SSLREQUIRE_EXPRESSION_INVALID = {
        code: "AL165",
        name: "sslrequire-expression-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslRequireExpressionInvalid;

impl Rule for SslRequireExpressionInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSLREQUIRE_EXPRESSION_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, _) in nodes_to_check(ctx, "SSLRequire") {
            let raw = ctx.config.raw_args(id);
            let quoted_whole =
                raw.len() >= 2 && raw.starts_with(['"', '\'']) && raw.ends_with(['"', '\'']);
            let source = ExprSource::raw(ctx.config, id, 0..raw.len());
            if let Err(error) = source.check(ctx, id, Mode::Condition) {
                let f = report(ctx, id, &source, &error, "SSLRequire: ");
                if quoted_whole {
                    f.help = Some(
                        "SSLRequire takes the rest of the line as the expression: quotes around all of it make one string"
                            .to_string(),
                    );
                }
            }
        }
    }
}
