//! Which directives a value rule looks at: active ones that a loaded module
//! registers (otherwise `AL101`/`AL102` report them, and httpd never runs a
//! handler), and inactive ones whose words need no substitution — their
//! problems are latent: a bad value is bad whatever makes the branch true.

use crate::finding::{Finding, HttpdPhase};
use crate::load::tree::{NodeId, NodeKind};
use crate::model::registry::{self, DirectiveSpec, Overrides};
use crate::rules::context::Context;
use crate::source::{Span, TextRange};

use super::has_unsubstituted;

/// The directive nodes named `name` worth checking, in reading order, with
/// the command-table entry httpd would use.
pub(crate) fn nodes_to_check(
    ctx: &Context<'_>,
    name: &str,
) -> Vec<(NodeId, &'static DirectiveSpec)> {
    let loaded = ctx.loaded_specs(name).first().copied();
    ctx.named(name)
        .iter()
        .copied()
        .filter_map(|id| {
            let node = ctx.node(id);
            if !node.is_directive() {
                return None;
            }
            let spec = if node.active {
                loaded
            } else if has_unsubstituted(node) {
                None
            } else {
                registry::lookup(name).first()
            };
            // Where the directive is not allowed, httpd never runs its
            // handler (`AL103` reports the context).
            spec.filter(|s| {
                s.req_override.exec_on_read()
                    || s.req_override
                        .is_allowed_in(Overrides(ctx.overrides_at(id)))
            })
            .map(|s| (id, s))
        })
        .collect()
}

/// The words an ITERATE handler sees: httpd's loop stops at the first empty
/// word (`LogLevel warn "" bogus` never looks at `bogus`).
pub(crate) fn iterated_words<'n>(
    words: impl Iterator<Item = &'n str>,
) -> impl Iterator<Item = (usize, &'n str)> {
    words.enumerate().take_while(|(_, w)| !w.is_empty())
}

/// Where a finding about the configuration as a whole points: the first line
/// of the root file.
pub(crate) fn whole_configuration(ctx: &Context<'_>) -> Option<(NodeId, Span)> {
    let root = ctx.config.root;
    let NodeKind::File { file, .. } = ctx.node(root).kind else {
        return None;
    };
    let text = &ctx.config.sources.get(file).text;
    let end = text.iter().position(|&b| b == b'\n').unwrap_or(text.len());
    Some((root, Span::new(file, TextRange::new(0, end))))
}

/// Marks when httpd prints a finding's message (and so how: see
/// [`HttpdPhase`]); findings without an httpd echo are left alone.
pub(crate) fn printed_in(finding: &mut Finding, phase: HttpdPhase) {
    if let Some(echo) = finding.httpd.as_mut() {
        echo.phase = phase;
    }
}
