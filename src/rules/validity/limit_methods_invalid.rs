//! `AL117` limit-methods-invalid.

use crate::finding::Label;
use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::handler::{LIMITING_SECTIONS, ancestors, reaches_handler, section_text};
use super::methods::{MethodRegistry, TRACE};

crate::declare_rule! {
    /// ## What it does
    /// Reports `<Limit>` and `<LimitExcept>` method lists httpd refuses: `TRACE` in a `<Limit>`
    /// (`TRACE cannot be controlled by <Limit>, see TraceEnable`), and a section nested in
    /// another whose methods do not narrow the outer ones — `<Limit GET>` inside `<Limit GET>`
    /// (`<Limit> directive specifies methods already excluded`) or `<Limit PUT>` inside
    /// `<Limit GET>` (`<Limit> directive excludes all methods`). Method names are
    /// case-sensitive: `trace` is a new method, not `TRACE`.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. Restricting `TRACE` with `<Limit>` is a common hardening
    /// attempt copied from old guides; `TraceEnable Off` is what works.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /srv/shop>
    ///     <Limit TRACE>
    ///         Require all denied
    ///     </Limit>
    /// </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// TraceEnable Off
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#limit>
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#traceenable>
    pub LIMIT_METHODS_INVALID = {
        code: "AL117",
        name: "limit-methods-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct LimitMethodsInvalid;

/// The method bits of the last method number (`METHODS - 1`), which the
/// authorization containers take out of `cmd->limited`.
const CONTAINER_BIT: u64 = 1 << 63;

/// `ap_limit_section`'s view of one `<Limit>`/`<LimitExcept>`.
enum Verdict {
    /// Accepted; the methods left in force inside it.
    Limits(u64),
    /// `TRACE` in a `<Limit>`: the index of the word.
    Trace(usize),
    /// Refused for what it leaves of the enclosing methods.
    Refused(&'static str),
}

fn verdict(methods: &MethodRegistry, except: bool, words: &[&str], enclosing: u64) -> Verdict {
    let mut bits = 0u64;
    for (i, word) in words.iter().enumerate() {
        let number = methods.limit_number(word);
        if number == TRACE && !except {
            return Verdict::Trace(i);
        }
        bits |= 1 << number;
    }
    let limited = if except { !bits } else { bits };
    if enclosing & limited == 0 {
        Verdict::Refused("directive excludes all methods")
    } else if enclosing & limited == enclosing {
        Verdict::Refused("directive specifies methods already excluded")
    } else {
        Verdict::Limits(enclosing & limited)
    }
}

impl Rule for LimitMethodsInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LIMIT_METHODS_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let methods = MethodRegistry::build(ctx);
        let nodes: Vec<NodeId> = ctx
            .named("<Limit")
            .iter()
            .chain(ctx.named("<LimitExcept"))
            .copied()
            .collect();
        for id in nodes {
            let Some(spec) = reaches_handler(ctx, id) else {
                continue;
            };
            if section_text(ctx, id).is_none_or(|text| text.is_empty()) {
                continue;
            }
            // What the enclosing sections leave in force, outermost first.
            let mut enclosing = u64::MAX;
            let mut outer_limit = None;
            for section in ancestors(ctx, id).into_iter().rev() {
                let node = ctx.node(section);
                if !LIMITING_SECTIONS.iter().any(|name| node.is(name)) {
                    continue;
                }
                if node.is("Limit") || node.is("LimitExcept") {
                    let words: Vec<&str> = node.arg_values().collect();
                    if let Verdict::Limits(left) =
                        verdict(&methods, node.is("LimitExcept"), &words, enclosing)
                    {
                        enclosing = left;
                    }
                    outer_limit = Some(section);
                } else {
                    enclosing &= !CONTAINER_BIT;
                }
            }
            let node = ctx.node(id);
            let words: Vec<&str> = node.arg_values().collect();
            match verdict(&methods, node.is("LimitExcept"), &words, enclosing) {
                Verdict::Limits(_) => {}
                Verdict::Trace(i) => {
                    let f = ctx.httpd_error(
                        id,
                        node.arg_span(i),
                        "TRACE cannot be controlled by <Limit>, see TraceEnable",
                    );
                    f.help = Some(
                        "use `TraceEnable Off` at the top level to refuse TRACE requests"
                            .to_string(),
                    );
                }
                Verdict::Refused(what) => {
                    let label = outer_limit.map(|outer| Label {
                        span: ctx.node(outer).name_span,
                        message: "the methods left in force by this section".to_string(),
                    });
                    let f = ctx.httpd_error(id, node.name_span, format!("{}> {what}", spec.name));
                    f.labels.extend(label);
                    f.help = Some(
                        "a nested <Limit> or <LimitExcept> must narrow the methods of the \
                         enclosing one: list only methods it leaves in force"
                            .to_string(),
                    );
                }
            }
        }
    }
}
