//! `AL114` require-container-invalid.

use crate::finding::Label;
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use std::collections::HashMap;

use super::authz::{AuthzParent, Logic, RequireContext, RequireLine, members_by_parent};
use super::handler::{reaches_handler, section_text};

crate::declare_rule! {
    /// ## What it does
    /// Reports authorization logic httpd refuses to build: a negated requirement (`Require not
    /// …` or a `<RequireNone>`) directly in a `<Directory>`-like section or in a `<RequireAny>`
    /// or `<RequireNone>` — where it could only ever deny, so httpd says `negative Require
    /// directive has no effect in <RequireAny> directive` — and a `<RequireAll>`,
    /// `<RequireAny>` or `<RequireNone>` with no `Require` inside (`<RequireAll> directive
    /// contains no authorization directives`).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. Several `Require` lines in a section are an implicit
    /// `<RequireAny>`, so adding `Require not ip 192.0.2.7` next to `Require all granted` —
    /// the natural way to block one address — is exactly this error.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /srv/shop>
    ///     Require all granted
    ///     Require not ip 192.0.2.7
    /// </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory /srv/shop>
    ///     <RequireAll>
    ///         Require all granted
    ///         Require not ip 192.0.2.7
    ///     </RequireAll>
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_authz_core.html#logic>
    pub REQUIRE_CONTAINER_INVALID = {
        code: "AL114",
        name: "require-container-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RequireContainerInvalid;

const WRAP_HELP: &str = "a negated requirement only restricts: put it in a <RequireAll> \
                         together with what grants access";

impl RequireContainerInvalid {
    /// A negated `Require` line in an OR section.
    fn check_line(ctx: &mut Context<'_>, require: &RequireContext, id: NodeId) {
        let line = RequireLine::parse(ctx, id);
        if !line.negated
            || !require.is_known(ctx, &line.provider, id)
            || require.argument_error(ctx, id, &line).is_some()
        {
            return;
        }
        let parent = AuthzParent::of(ctx, id);
        let logic = parent.logic(ctx);
        if logic.and {
            return;
        }
        let message = format!(
            "negative Require directive has no effect in {} directive",
            logic.display()
        );
        let label = parent_label(ctx, parent);
        let span = ctx.node(id).arg_span(0);
        let f = ctx.httpd_error(id, span, message);
        f.labels.extend(label);
        f.help = Some(WRAP_HELP.to_string());
    }

    /// An empty container, or a `<RequireNone>` in an OR section.
    fn check_container(
        ctx: &mut Context<'_>,
        id: NodeId,
        members: &HashMap<AuthzParent, Vec<NodeId>>,
    ) {
        let node = ctx.node(id);
        let Some(logic) = Logic::of(node) else { return };
        if section_text(ctx, id).is_none_or(|text| !text.is_empty()) {
            return;
        }
        let has_member = members
            .get(&AuthzParent::Container(id))
            .is_some_and(|children| {
                children
                    .iter()
                    .any(|&child| ctx.node(child).active || !node.active)
            });
        if !has_member {
            let f = ctx.httpd_error(
                id,
                node.name_span,
                format!(
                    "{} directive contains no authorization directives",
                    logic.display()
                ),
            );
            f.help = Some("add the `Require` lines it should combine, or remove it".to_string());
            return;
        }
        let parent = AuthzParent::of(ctx, id);
        let outer = parent.logic(ctx);
        if !logic.negate || outer.and {
            return;
        }
        let message = format!(
            "{} directive has no effect in {} directive",
            logic.display(),
            outer.display()
        );
        let label = parent_label(ctx, parent);
        let f = ctx.httpd_error(id, node.name_span, message);
        f.labels.extend(label);
        f.help = Some(WRAP_HELP.to_string());
    }
}

/// A label on the section that makes the logic an OR.
fn parent_label(ctx: &Context<'_>, parent: AuthzParent) -> Option<Label> {
    match parent {
        AuthzParent::Container(id) => Some(Label {
            span: ctx.node(id).name_span,
            message: "inside this container".to_string(),
        }),
        AuthzParent::Implicit(Some(id)) => Some(Label {
            span: ctx.node(id).name_span,
            message: "its Require lines form an implicit <RequireAny>".to_string(),
        }),
        AuthzParent::Implicit(None) => None,
    }
}

impl Rule for RequireContainerInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REQUIRE_CONTAINER_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let require = RequireContext::new(ctx);
        let members = members_by_parent(ctx, |_| true);
        let mut checked: Vec<NodeId> = members.values().flatten().copied().collect();
        checked.sort();
        for id in checked {
            if reaches_handler(ctx, id).is_none() {
                continue;
            }
            if ctx.node(id).is_directive() {
                Self::check_line(ctx, &require, id);
            } else {
                Self::check_container(ctx, id, &members);
            }
        }
    }
}
