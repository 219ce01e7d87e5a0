//! `AL115` require-negative-only.

use std::collections::{BTreeSet, HashMap};

use crate::finding::HttpdPhase;
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::authz::{AuthzParent, Logic, RequireContext, RequireLine, members_by_parent};
use super::checked_nodes::printed_in;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `<RequireAll>` (or a whole `<Directory>`-like section) whose requirements are
    /// all negative once httpd has folded the containers together: only `Require not …`
    /// lines, or only a `<RequireNone>`. httpd checks this after reading everything and says
    /// `AH01624: <RequireAll> directive contains only negative authorization directives`.
    /// A `<RequireAll>` nested in a `<RequireAll>` merges into it, as in httpd.
    ///
    /// ## Why is this risky?
    /// `apache2 -t` fails (`Configuration check failed`) and the server does not start. A
    /// negative requirement can only deny, so such a block would refuse every request anyway:
    /// the intent was "everyone except …", which needs a positive requirement next to it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Location /shop>
    ///     <RequireAll>
    ///         Require not ip 192.0.2.7
    ///     </RequireAll>
    /// </Location>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Location /shop>
    ///     <RequireAll>
    ///         Require all granted
    ///         Require not ip 192.0.2.7
    ///     </RequireAll>
    /// </Location>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_authz_core.html#logic>
    pub REQUIRE_NEGATIVE_ONLY = {
        code: "AL115",
        name: "require-negative-only",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RequireNegativeOnly;

/// An authorization section as mod_authz_core builds it.
struct Section {
    /// The container (or, for the implicit one, the enclosing section).
    node: NodeId,
    logic: Logic,
    children: Vec<Member>,
}

enum Member {
    Require { negate: bool },
    Section(Section),
}

impl Member {
    fn negated(&self) -> bool {
        match self {
            Member::Require { negate } => *negate,
            Member::Section(section) => section.logic.negate,
        }
    }

    fn flip(&mut self) {
        match self {
            Member::Require { negate } => *negate = !*negate,
            Member::Section(section) => section.logic.negate = !section.logic.negate,
        }
    }
}

/// The members of the configuration by the section they join.
struct Members {
    by_parent: HashMap<AuthzParent, Vec<NodeId>>,
}

impl Members {
    /// `add_authz_provider`/`add_authz_section`: the children of `owner`,
    /// nested containers folded into it when they have the same operator.
    fn build(
        &self,
        ctx: &Context<'_>,
        owner: AuthzParent,
        node: NodeId,
        logic: Logic,
        include: &dyn Fn(NodeId) -> bool,
    ) -> Section {
        let mut children = Vec::new();
        let members = self.by_parent.get(&owner).map_or(&[][..], Vec::as_slice);
        for &id in members {
            if !include(id) {
                continue;
            }
            let member = ctx.node(id);
            let Some(inner) = Logic::of(member) else {
                children.push(Member::Require {
                    negate: RequireLine::parse(ctx, id).negated,
                });
                continue;
            };
            let section = self.build(ctx, AuthzParent::Container(id), id, inner, include);
            if section.children.is_empty() {
                continue;
            }
            if !inner.negate && inner.and == logic.and {
                children.extend(section.children);
            } else {
                children.push(Member::Section(section));
            }
        }
        Section {
            node,
            logic,
            children,
        }
    }
}

/// `authz_core_check_section`: the first section (depth first) left with
/// only negative members after De Morgan's rewriting.
fn only_negative(section: &mut Section) -> Option<(NodeId, Logic)> {
    let mut checked = Vec::with_capacity(section.children.len());
    for member in std::mem::take(&mut section.children) {
        match member {
            Member::Section(mut inner) => {
                if let Some(found) = only_negative(&mut inner) {
                    return Some(found);
                }
                if inner.logic.negate && inner.logic.and != section.logic.and {
                    for mut lifted in inner.children {
                        lifted.flip();
                        checked.push(lifted);
                    }
                } else {
                    checked.push(Member::Section(inner));
                }
            }
            require => checked.push(require),
        }
    }
    section.children = checked;
    section
        .children
        .iter()
        .all(Member::negated)
        .then_some((section.node, section.logic))
}

impl Rule for RequireNegativeOnly {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REQUIRE_NEGATIVE_ONLY
    }

    fn check(&self, ctx: &mut Context<'_>) {
        // Members httpd refuses while walking are reported elsewhere, and
        // stop it before this check: leave them out.
        let require = RequireContext::new(ctx);
        let members = Members {
            by_parent: members_by_parent(ctx, |id| require.accepts(ctx, id)),
        };
        let confs: BTreeSet<NodeId> = members
            .by_parent
            .keys()
            .filter_map(|parent| match parent {
                AuthzParent::Implicit(section) => *section,
                AuthzParent::Container(_) => None,
            })
            .collect();
        let mut failures: Vec<(NodeId, Logic, bool)> = Vec::new();
        // The active configuration, then every branch at once for what
        // would fail inside inactive ones.
        let passes: [(&dyn Fn(NodeId) -> bool, bool); 2] =
            [(&|id| ctx.node(id).active, false), (&|_| true, true)];
        for (include, latent_only) in passes {
            for &conf in &confs {
                if !latent_only && !ctx.node(conf).active {
                    continue;
                }
                let mut section = members.build(
                    ctx,
                    AuthzParent::Implicit(Some(conf)),
                    conf,
                    Logic::IMPLICIT,
                    include,
                );
                if section.children.is_empty() {
                    continue;
                }
                if let Some((node, logic)) = only_negative(&mut section) {
                    if latent_only && ctx.node(node).active {
                        continue;
                    }
                    failures.push((node, logic, node == conf));
                }
            }
        }
        for (node, logic, is_conf) in failures {
            let what = if is_conf {
                "<Directory>, <Location>, or similar"
            } else {
                logic.display()
            };
            let span = ctx.node(node).name_span;
            let f = ctx.httpd_error(
                node,
                span,
                format!(
                    "AH01624: {what} directive contains only negative authorization directives"
                ),
            );
            f.help = Some(
                "negative requirements only restrict: add the positive one they restrict \
                 (`Require all granted`, `Require valid-user`)"
                    .to_string(),
            );
            printed_in(f, HttpdPhase::Check);
        }
    }
}
