//! `AL145` rewrite-base-invalid.

use crate::rules::context::{Context, Rule};

use super::handler_input::{Refusal, arity_accepted, handled_nodes, in_directory_context};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `RewriteBase` outside a directory-type section (at server or virtual-host
    /// level: it is meaningful only in `<Directory>`, `<Location>`, `<Files>`, `<If>`,
    /// `<Proxy>` and `.htaccess`), and a base that does not start with `/`.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`RewriteBase: only valid in per-directory config files`,
    /// `RewriteBase: argument is not a valid URL`). Rules moved from an `.htaccess` file into a
    /// virtual host often bring their `RewriteBase` along.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     RewriteBase /app/
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     <Directory /srv/app>
    ///         RewriteBase /app/
    ///     </Directory>
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewritebase>
    pub REWRITE_BASE_INVALID = {
        code: "AL145",
        name: "rewrite-base-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RewriteBaseInvalid;

impl Rule for RewriteBaseInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITE_BASE_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for id in handled_nodes(ctx, "RewriteBase") {
            if !arity_accepted(ctx, id) {
                continue;
            }
            let node = ctx.node(id);
            let refusal = if !in_directory_context(ctx, id) {
                Refusal::new(
                    node.name_span,
                    "RewriteBase: only valid in per-directory config files",
                )
                .label("at server or virtual-host level")
                .help(
                    "move it into the <Directory> (or .htaccess) whose rules it serves, or drop it",
                )
            } else if !node.arg(0).unwrap_or("").starts_with('/') {
                Refusal::new(node.arg_span(0), "RewriteBase: argument is not a valid URL")
                    .label("does not start with /")
                    .help("give the URL-path of the directory, starting with /")
            } else {
                continue;
            };
            refusal.report(ctx, id);
        }
    }
}
