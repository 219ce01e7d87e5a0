//! `AL148` rewrite-nocase-ignored.

use crate::rules::context::{Context, Rule};

use super::handler_input::{RawLine, handled_nodes, logged};
use super::rewrite_syntax::check_cond;

crate::declare_rule! {
    /// ## What it does
    /// Warns about `[NC]` on a `RewriteCond` whose pattern is not a regex or a string comparison:
    /// a file test (`-f`, `-d`, `-s` …), an integer comparison (`-lt`, `-eq` …) or an `expr`
    /// condition. httpd ignores the flag and says so while reading (AH00665).
    ///
    /// ## Why is this risky?
    /// The configuration loads, with a warning on every start, and the condition does not behave
    /// as its author assumed: `-f` tests the exact path whatever the case.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// RewriteCond %{REQUEST_FILENAME} !-f [NC]
    /// ```
    ///
    /// ```apache
    /// # after
    /// RewriteCond %{REQUEST_FILENAME} !-f
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewritecond>
    pub REWRITE_NOCASE_IGNORED = {
        code: "AL148",
        name: "rewrite-nocase-ignored",
        family: Validity,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct RewriteNocaseIgnored;

impl Rule for RewriteNocaseIgnored {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITE_NOCASE_IGNORED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for id in handled_nodes(ctx, "RewriteCond") {
            let raw = RawLine::of(ctx, id);
            let Ok(cond) = check_cond(&raw.text) else {
                continue;
            };
            let Some((shown, range)) = cond.nocase_ignored else {
                continue;
            };
            let echo = ctx.echo(id, String::new());
            let message = logged(&format!(
                "AH00665: RewriteCond: NoCase option for non-regex pattern '{shown}' is not supported and will be ignored. ({}:{})",
                echo.file, echo.line
            ));
            let flags = cond.line.flags.map_or(range, |field| field.range);
            let f = ctx.httpd_error(id, raw.span(flags), message);
            f.primary_label = Some(format!("[NC] has no effect on the test '{shown}'"));
            f.help = Some("remove [NC] from this condition".to_string());
        }
    }
}
