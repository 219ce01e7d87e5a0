//! `AL131` document-root-missing.

use crate::finding::Stage;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::nodes_to_check;
use super::target_paths::{is_directory, literal_variable, server_root_relative};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `DocumentRoot` that is not a directory on the target (relative paths are taken
    /// relative to ServerRoot). In the main server httpd refuses to start; inside a
    /// `<VirtualHost>` it only warns and the site serves errors. A path is judged only when
    /// apachelint sees its parent directory (a configuration checkout rarely holds the document
    /// roots); one still holding an undefined `${VAR}` always is. A server without
    /// `DocumentRoot` uses the compiled-in `/var/www/html`, which httpd does not check.
    ///
    /// ## Why is this risky?
    /// Main server: `DocumentRoot '/srv/shop' is not a directory, or is not readable` and no
    /// start. Virtual host: `AH00112: Warning: DocumentRoot [/srv/shop] does not exist`, `Syntax
    /// OK`, and every request to the site fails — a deployment that forgot to create the
    /// directory, or a typo in the path.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    ///     DocumentRoot /srv/shop/pubic
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    ///     DocumentRoot /srv/shop/public
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#documentroot>
    pub DOCUMENT_ROOT_MISSING = {
        code: "AL131",
        name: "document-root-missing",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct DocumentRootMissing;

impl Rule for DocumentRootMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &DOCUMENT_ROOT_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, _) in nodes_to_check(ctx, "DocumentRoot") {
            let node = ctx.node(id);
            let [root] = node.args.as_slice() else {
                continue;
            };
            let path = server_root_relative(&ctx.config.server_root, &root.value);
            if is_directory(ctx, &path) != Some(false) {
                continue;
            }
            let help = match literal_variable(&path) {
                Some(var) => format!("{var} is not defined, so the path keeps it literally"),
                None => format!("create {path} on the target, or fix the path"),
            };
            let span = node.arg_span(0);
            let f = if ctx.config.enclosing_vhost(id).is_some() {
                let f = ctx.httpd_log(
                    id,
                    span,
                    format!("AH00112: Warning: DocumentRoot [{path}] does not exist"),
                    None,
                );
                f.stage = Stage::ConfigTest;
                f.primary_label = Some("the site's requests will fail".to_string());
                f
            } else {
                let f = ctx.httpd_error(
                    id,
                    span,
                    format!("DocumentRoot '{path}' is not a directory, or is not readable"),
                );
                f.primary_label = Some("no such directory on the target".to_string());
                f
            };
            f.help = Some(help);
        }
    }
}
