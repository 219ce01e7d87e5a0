//! `AL164` rewritecond-expression-invalid.

use crate::model::expr::Mode;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::nodes_to_check;
use super::expression::{ExprSource, report};
use super::rewrite_args::{flags_are_valid, split};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `RewriteCond expr "…"` whose expression httpd cannot parse, with its message
    /// (`RewriteCond: cannot compile expression "…" syntax error, …`) at the offending token.
    /// The line is split as mod_rewrite splits it (its own quoting: no backslash escapes), a
    /// leading `!` negates, and a line whose flags are already wrong is left alone (httpd
    /// reports the flag first).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. `RewriteCond expr` is how modern rewrite rules test IP ranges
    /// and headers, and rewrite blocks are often copied between sites and inside
    /// `<IfModule mod_rewrite.c>`, where a mistake stays invisible until the module is enabled.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// RewriteCond expr "! %{REMOTE_ADDR} -ipmatch '10.0.0.0/33'"
    /// RewriteRule "^/admin" - [F]
    /// ```
    ///
    /// ```apache
    /// # after
    /// RewriteCond expr "! %{REMOTE_ADDR} -ipmatch '10.0.0.0/8'"
    /// RewriteRule "^/admin" - [F]
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewritecond>
    /// - <https://httpd.apache.org/docs/2.4/expr.html>
    pub REWRITECOND_EXPRESSION_INVALID = {
        code: "AL164",
        name: "rewritecond-expression-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RewriteCondExpressionInvalid;

/// The flags `cmd_rewritecond_setflag` knows.
const CONDITION_FLAGS: [&str; 6] = ["nocase", "NC", "ornext", "OR", "novary", "NV"];

impl Rule for RewriteCondExpressionInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITECOND_EXPRESSION_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, _) in nodes_to_check(ctx, "RewriteCond") {
            let raw = ctx.config.raw_args(id).into_owned();
            let raw = raw.as_bytes();
            let Some(args) = split(raw) else { continue };
            let flags_ok = args
                .flags
                .clone()
                .is_none_or(|flags| flags_are_valid(&raw[flags], &CONDITION_FLAGS));
            if !flags_ok || !raw[args.first.clone()].eq_ignore_ascii_case(b"expr") {
                continue;
            }
            let mut pattern = args.second;
            if raw.get(pattern.start) == Some(&b'!') && pattern.start < pattern.end {
                pattern.start += 1;
            }
            let source = ExprSource::raw(ctx.config, id, pattern);
            if let Err(error) = source.check(ctx, id, Mode::Condition) {
                // 2.4.71 puts no colon between the expression and the error.
                let prefix = format!(
                    "RewriteCond: cannot compile expression \"{}\" ",
                    source.text
                );
                report(ctx, id, &source, &error, &prefix);
            }
        }
    }
}
