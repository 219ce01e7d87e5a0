//! Table-driven value checks: one entry per directive whose handler refuses
//! some values, written after the handler in httpd's source and confirmed
//! against the binary. The numeric and keyword rules (`AL129`, `AL130`) each
//! own a table and share this runner.
//!
//! A check sees the words the handler sees (after httpd's argument-count
//! check passed) and returns the first refusal, as the handler stops at its
//! first error. Handlers that accumulate flags in their configuration
//! (`HttpProtocolOptions`, `MultiviewsMatch`) refuse combinations across
//! lines of the same scope: the runner carries their bits from one line to
//! the next in reading order.

use std::collections::HashMap;

use crate::load::tree::NodeId;
use crate::rules::context::Context;

use super::checked_nodes::nodes_to_check;

/// What a handler refuses: which word (its index) and httpd's message.
pub(crate) struct Refusal {
    pub word: usize,
    pub message: String,
}

impl Refusal {
    pub fn at(word: usize, message: impl Into<String>) -> Option<Refusal> {
        Some(Refusal {
            word,
            message: message.into(),
        })
    }
}

/// Flags a handler keeps between lines of one configuration scope.
pub(crate) type Carry = u32;

/// One directive's handler check.
pub(crate) struct ValueCheck {
    pub directive: &'static str,
    pub check: fn(&[&str], &mut Carry) -> Option<Refusal>,
    /// apachelint's help for a refusal.
    pub help: &'static str,
}

/// Runs `table` over the configuration; every refusal becomes a finding of
/// the calling rule with httpd's message.
pub(crate) fn run_checks(ctx: &mut Context<'_>, table: &[ValueCheck]) {
    let mut carried: HashMap<(&str, Option<NodeId>), Carry> = HashMap::new();
    for entry in table {
        for (id, spec) in nodes_to_check(ctx, entry.directive) {
            let node = ctx.node(id);
            let words: Vec<&str> = node.arg_values().collect();
            if !spec.arity.accepts(&words) {
                continue;
            }
            // Inactive lines start afresh: what precedes them when their
            // branch is true is unknown.
            let mut fresh = 0;
            let carry = if node.active {
                carried
                    .entry((entry.directive, ctx.parent_section(id)))
                    .or_default()
            } else {
                &mut fresh
            };
            // A refused line is reported as if the lines before it were
            // fixed: its flags are not kept for the next line.
            let before = *carry;
            let Some(refusal) = (entry.check)(&words, carry) else {
                continue;
            };
            *carry = before;
            let span = node.arg_span(refusal.word);
            let f = ctx.httpd_error(id, span, refusal.message);
            f.help = Some(entry.help.to_string());
        }
    }
}

/// The first word of `words` that is none of `keywords` (compared
/// case-insensitively, as `strcasecmp` does).
pub(crate) fn keyword(words: &[&str], keywords: &[&str], message: &str) -> Option<Refusal> {
    let word = words.first()?;
    if keywords.iter().any(|k| k.eq_ignore_ascii_case(word)) {
        None
    } else {
        Refusal::at(0, message)
    }
}

/// Runs every check of `table` on hostile words its directive's argument
/// count admits: no check may panic.
#[cfg(test)]
pub(crate) fn assert_total(table: &[ValueCheck]) {
    let samples: [&[&str]; 9] = [
        &[],
        &[""],
        &["", ""],
        &["x"],
        &["-"],
        &["+", "=", "é:"],
        &["99999999999999999999", "-99999999999999999999"],
        &["a=b-c,minrate=", "nan(", "0x", ".", "${"],
        &["\u{fffd}", "\u{fffd}:\u{fffd}", "(", ")", "[", "]", "*"],
    ];
    for entry in table {
        let spec = crate::model::registry::lookup(entry.directive)
            .first()
            .expect("a registered directive");
        for words in samples {
            if spec.arity.accepts(words) {
                for mut carry in [0, Carry::MAX] {
                    let _ = (entry.check)(words, &mut carry);
                }
            }
        }
    }
}
