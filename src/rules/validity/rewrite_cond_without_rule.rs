//! `AL147` rewrite-cond-without-rule.

use crate::load::tree::{NodeId, NodeKind};
use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Warns about a `RewriteCond` that no `RewriteRule` follows in the same scope. mod_rewrite
    /// keeps conditions until the next `RewriteRule` of the same configuration (the main
    /// server, one `<VirtualHost>`, or one `<Directory>`/`<Location>`/`<Files>`/`<If>`
    /// section): conditions left at the end of a scope apply to nothing, and conditions at
    /// server level are not carried into a nested section's rule.
    ///
    /// ## Why is this risky?
    /// httpd accepts it silently, so the guard the author meant (`RewriteCond %{HTTPS} off`)
    /// protects nothing. Usually the rule was deleted, moved into another section, or the
    /// condition was written after the rule instead of before it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// RewriteRule ^/old /new [R=301,L]
    /// RewriteCond %{HTTP_HOST} ^www\. [NC]
    /// ```
    ///
    /// ```apache
    /// # after
    /// RewriteCond %{HTTP_HOST} ^www\. [NC]
    /// RewriteRule ^/old /new [R=301,L]
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewritecond>
    pub REWRITE_COND_WITHOUT_RULE = {
        code: "AL147",
        name: "rewrite-cond-without-rule",
        family: Validity,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct RewriteCondWithoutRule;

/// Sections that give their body a configuration of its own.
const SCOPES: [&str; 12] = [
    "VirtualHost",
    "Directory",
    "DirectoryMatch",
    "Location",
    "LocationMatch",
    "Files",
    "FilesMatch",
    "If",
    "ElseIf",
    "Else",
    "Proxy",
    "ProxyMatch",
];

impl Rule for RewriteCondWithoutRule {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITE_COND_WITHOUT_RULE
    }

    fn check(&self, ctx: &mut Context<'_>) {
        if !ctx.has_module("rewrite_module") {
            return;
        }
        let mut dangling = Vec::new();
        let mut pending = Vec::new();
        scan(ctx, ctx.config.root, &mut pending, &mut dangling);
        dangling.extend(pending);
        for id in dangling {
            let scope = ctx.parent_section(id).map_or_else(
                || "the main server".to_string(),
                |s| format!("this <{}>", ctx.node(s).name),
            );
            let span = ctx.node(id).span;
            let f = ctx.report(
                id,
                span,
                format!("RewriteCond applies to nothing: no RewriteRule follows it in {scope}"),
            );
            f.primary_label = Some("no RewriteRule after this condition".to_string());
            f.help = Some(
                "conditions apply to the next RewriteRule of the same section: add or move the rule, or remove the condition"
                    .to_string(),
            );
        }
    }
}

/// Follows pending conditions through the active configuration below `id`;
/// conditions still pending when a scope ends go to `dangling`.
fn scan(ctx: &Context<'_>, id: NodeId, pending: &mut Vec<NodeId>, dangling: &mut Vec<NodeId>) {
    for child in ctx.config.effective(id) {
        let node = ctx.node(child);
        match node.kind {
            NodeKind::Section { .. } if SCOPES.iter().any(|s| node.is(s)) => {
                let mut inner = Vec::new();
                scan(ctx, child, &mut inner, dangling);
                dangling.extend(inner);
            }
            NodeKind::Section { .. } => scan(ctx, child, pending, dangling),
            _ if node.is("RewriteCond") => pending.push(child),
            _ if node.is("RewriteRule") => pending.clear(),
            _ => {}
        }
    }
}
