//! `AL160` if-condition-invalid.

use crate::load::tree::{NodeId, NodeKind};
use crate::model::expr::Mode;
use crate::rules::context::{Context, Rule};
use crate::syntax::Quote;

use super::expression::{ExprSource, report};
use super::has_unsubstituted;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `<If>` or `<ElseIf>` whose condition httpd cannot parse, or that has no
    /// condition or more than one argument. The condition is parsed as httpd's own parser
    /// does: syntax errors (`Cannot parse condition clause: syntax error, unexpected $end`),
    /// variables, functions and operators httpd does not know (`Variable
    /// 'HTTP_X_FORWARDED_FOR' does not exist`), regexes that do not compile, bad `-ipmatch`
    /// subnets — each with httpd's exact message and the offending token marked.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. Conditions are easy to get subtly wrong: an unquoted
    /// condition is cut at the first space (`<If %{REQUEST_URI} == '/x'>` tests `%{REQUEST_URI}`
    /// alone), request headers are `%{HTTP:Name}`, not `%{HTTP_NAME}`, and a bare word is a
    /// function name, not a string. Inside a branch that is inactive today the mistake waits
    /// for the day the branch turns on.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <If "%{HTTP_X_FORWARDED_PROTO} == 'http'">
    ///     Redirect permanent "/" "https://shop.example/"
    /// </If>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <If "%{HTTP:X-Forwarded-Proto} == 'http'">
    ///     Redirect permanent "/" "https://shop.example/"
    /// </If>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/expr.html>
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#if>
    pub IF_CONDITION_INVALID = {
        code: "AL160",
        name: "if-condition-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct IfConditionInvalid;

impl Rule for IfConditionInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &IF_CONDITION_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for section in ["<If", "<ElseIf"] {
            for &id in ctx.named(section) {
                if checked_by_ifsection(ctx, id) {
                    check_condition(ctx, id, section);
                }
            }
        }
    }
}

/// Whether httpd gets to the condition (and apachelint can tell): not an
/// inactive line whose `${VAR}`s were never substituted; not a line without
/// its `>`, or inside `<Limit>` (both fail first).
fn checked_by_ifsection(ctx: &Context<'_>, id: NodeId) -> bool {
    if !ctx.node(id).active && has_unsubstituted(ctx.node(id)) {
        return false;
    }
    if matches!(
        ctx.node(id).kind,
        NodeKind::Section {
            has_closing_angle: false,
            ..
        }
    ) {
        return false;
    }
    let mut section = ctx.parent_section(id);
    while let Some(s) = section {
        let node = ctx.node(s);
        if node.is("Limit") || node.is("LimitExcept") {
            return false;
        }
        section = ctx.parent_section(s);
    }
    true
}

fn check_condition(ctx: &mut Context<'_>, id: NodeId, section: &str) {
    let node = ctx.node(id);
    let Some(condition) = ExprSource::argument(ctx.config, node, 0, 0) else {
        let f = ctx.httpd_error(
            id,
            node.name_span,
            format!("{section}> directive requires additional arguments"),
        );
        f.help = Some(format!(
            "give the condition: {section} \"%{{REQUEST_URI}} =~ m#^/shop/#\">"
        ));
        return;
    };
    if let Err(error) = condition.check(ctx, id, Mode::Condition) {
        let unquoted_and_more = node.args.len() > 1 && node.args[0].quote == Quote::None;
        let f = report(
            ctx,
            id,
            &condition,
            &error,
            "Cannot parse condition clause: ",
        );
        if unquoted_and_more {
            f.help = Some(
                "an unquoted condition ends at the first space: quote the whole condition"
                    .to_string(),
            );
        }
        return;
    }
    if node.args.len() > 1 {
        let extra = node.arg_span(1);
        let last = node.arg_span(node.args.len() - 1);
        let span = crate::source::Span::new(extra.file, extra.range.cover(last.range));
        let f = ctx.httpd_error(
            id,
            span,
            format!("Multiple {section}> arguments not supported."),
        );
        f.primary_label = Some("a second argument".to_string());
        f.help = Some(
            "quote the whole condition: an unquoted condition ends at the first space".to_string(),
        );
    }
}
