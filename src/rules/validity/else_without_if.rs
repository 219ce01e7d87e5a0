//! `AL118` else-without-if.

use std::collections::HashMap;

use crate::finding::Label;
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::handler::{LIMITING_SECTIONS, ancestors, reaches_handler, section_text};

crate::declare_rule! {
    /// ## What it does
    /// Reports an `<Else>` or `<ElseIf>` that does not follow an `<If>` or `<ElseIf>` in the
    /// same scope (the same `<Directory>`, `<Location>`, `<VirtualHost>` … or the top level),
    /// as httpd pairs them: other directives, comments and whole sections in between do not
    /// break the chain, but an `<If>` inside a branch that is not active does not count, and
    /// neither does one in another section.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`<Else> or <ElseIf> section without previous <If> or <ElseIf>
    /// section in same scope`). It happens when the `<If>` is moved into a `<VirtualHost>` or
    /// an `<IfModule>`, or deleted, and its `<Else>` stays behind.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <IfModule mod_ssl.c>
    ///     <If "%{HTTPS} == 'on'">
    ///         SetEnv SHOP_TLS on
    ///     </If>
    /// </IfModule>
    /// <Else>
    ///     Redirect permanent / https://shop.example/
    /// </Else>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <If "%{HTTPS} == 'on'">
    ///     SetEnv SHOP_TLS on
    /// </If>
    /// <Else>
    ///     Redirect permanent / https://shop.example/
    /// </Else>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#else>
    pub ELSE_WITHOUT_IF = {
        code: "AL118",
        name: "else-without-if",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ElseWithoutIf;

/// The configuration an `<If>`-family section adds itself to: its nearest
/// enclosing section that has one of its own (`None`: the top level).
fn scope(ctx: &Context<'_>, id: NodeId) -> Option<NodeId> {
    ancestors(ctx, id)
        .into_iter()
        .find(|&a| !LIMITING_SECTIONS.iter().any(|name| ctx.node(a).is(name)))
}

/// Whether httpd gets as far as adding this `<ElseIf>`/`<Else>` to its
/// scope: its handler runs and its argument is acceptable.
fn chains_onto_previous(ctx: &Context<'_>, id: NodeId) -> bool {
    if reaches_handler(ctx, id).is_none() {
        return false;
    }
    match section_text(ctx, id) {
        None => false,
        Some(text) => ctx.node(id).is("Else") == text.is_empty(),
    }
}

impl Rule for ElseWithoutIf {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ELSE_WITHOUT_IF
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let mut by_scope: HashMap<Option<NodeId>, Vec<NodeId>> = HashMap::new();
        for name in ["<If", "<ElseIf", "<Else"] {
            for &id in ctx.named(name) {
                by_scope.entry(scope(ctx, id)).or_default().push(id);
            }
        }
        let mut orphans = Vec::new();
        for mut family in by_scope.into_values() {
            family.sort();
            // The last section of the family so far: among active ones, and
            // among all (what an inactive line would follow).
            let (mut last_active, mut last_any) = (None, None);
            for id in family {
                let node = ctx.node(id);
                let previous = if node.active { last_active } else { last_any };
                if !node.is("If") && chains_onto_previous(ctx, id) {
                    let follows_if = previous.is_some_and(|p| !ctx.node(p).is("Else"));
                    if !follows_if {
                        orphans.push((id, previous));
                    }
                }
                last_any = Some(id);
                if node.active {
                    last_active = Some(id);
                }
            }
        }
        orphans.sort();
        for (id, previous) in orphans {
            let label = previous.map(|p| Label {
                span: ctx.node(p).name_span,
                message: "an <Else> already ends the chain here".to_string(),
            });
            let span = ctx.node(id).name_span;
            let f = ctx.httpd_error(
                id,
                span,
                "<Else> or <ElseIf> section without previous <If> or <ElseIf> section in same scope",
            );
            f.labels.extend(label);
            f.help = Some(
                "put it right after the <If> or <ElseIf> it belongs to, in the same section"
                    .to_string(),
            );
        }
    }
}
