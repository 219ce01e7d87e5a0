//! What httpd does with a directive before its handler looks at the
//! arguments — `invoke_cmd`'s allowed-where and arity checks, then the
//! handler's own `ap_check_cmd_context` — and the views of the arguments the
//! handlers use (`ap_getword_conf` over the raw string, `TAKE_ARGV` lists, a
//! section's text before its last `>`). Shared by the validity rules that
//! check what a handler does with its arguments: each of them only looks at
//! lines whose handler gets that far, so one line never gets two reports for
//! what httpd would stop at first.

use std::borrow::Cow;

use crate::load::tree::{Node, NodeId, NodeKind};
use crate::model::registry::{DirectiveSpec, EXEC_ON_READ, Evidence, NotIn};
use crate::rules::context::Context;
use crate::source::Span;
use crate::syntax::words::next_word;

use super::{checked_specs, has_unsubstituted, registry_name};

/// Sections whose handlers set `cmd->path` (httpd's "directory context").
pub(crate) const PATH_SECTIONS: [&str; 11] = [
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

/// Sections inside which `cmd->limited` is narrowed: `<Limit>` and
/// `<LimitExcept>`, and the authorization containers, which narrow it "to
/// trigger NOT_IN_LIMIT errors as if this were a <Limit> directive".
pub(crate) const LIMITING_SECTIONS: [&str; 5] = [
    "Limit",
    "LimitExcept",
    "RequireAll",
    "RequireAny",
    "RequireNone",
];

/// The command-table entry httpd runs for `id` (see [`checked_specs`]).
pub(crate) fn command_spec(ctx: &Context<'_>, id: NodeId) -> Option<&'static DirectiveSpec> {
    registry_name(ctx.node(id))?;
    checked_specs(ctx, id).first().copied()
}

/// Whether `invoke_cmd` calls the handler at all: the directive is allowed
/// where it stands (`req_override`) and has an acceptable argument count.
/// Directives run while reading are never walked.
pub(crate) fn invoke_cmd_passes(ctx: &Context<'_>, id: NodeId, spec: &DirectiveSpec) -> bool {
    let node = ctx.node(id);
    if spec.req_override.0 & EXEC_ON_READ != 0 || spec.req_override.0 & ctx.overrides_at(id) == 0 {
        return false;
    }
    let words: Vec<&str> = node.arg_values().collect();
    !node.is_directive() || spec.arity.accepts(&words)
}

/// A handler's refusal to run where the directive stands.
pub(crate) struct Refusal {
    /// httpd's message: `Listen cannot occur within <VirtualHost> section`.
    pub message: String,
    /// The enclosing section that causes it.
    pub section: NodeId,
}

/// The sections enclosing `id`, nearest first.
pub(crate) fn ancestors(ctx: &Context<'_>, id: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut cur = ctx.parent_section(id);
    while let Some(section) = cur {
        out.push(section);
        cur = ctx.parent_section(section);
    }
    out
}

/// The nearest of `sections` named one of `names`.
fn nearest_named(ctx: &Context<'_>, sections: &[NodeId], names: &[&str]) -> Option<NodeId> {
    sections
        .iter()
        .copied()
        .find(|&a| names.iter().any(|n| ctx.node(a).is(n)))
}

/// `ap_check_cmd_context(cmd, forbidden)` for the command `command_name` at
/// `id` in the main configuration (`.htaccess` files are not checked here).
pub(crate) fn refusal(
    ctx: &Context<'_>,
    id: NodeId,
    command_name: &str,
    forbidden: NotIn,
) -> Option<Refusal> {
    let gt = if command_name.starts_with('<') && !command_name.ends_with('>') {
        ">"
    } else {
        ""
    };
    if forbidden.0 == 0 {
        return None;
    }
    let enclosing = ancestors(ctx, id);
    let refuse = |within: &str, section: NodeId| {
        Some(Refusal {
            message: format!("{command_name}{gt} cannot occur within {within}"),
            section,
        })
    };
    if forbidden.0 & NotIn::VIRTUALHOST != 0
        && let Some(vhost) = nearest_named(ctx, &enclosing, &["VirtualHost"])
    {
        return refuse("<VirtualHost> section", vhost);
    }
    if forbidden.0 & NotIn::DIR_CONTEXT != 0
        && let Some(limit) = nearest_named(ctx, &enclosing, &LIMITING_SECTIONS)
    {
        return refuse("<Limit> or <LimitExcept> section", limit);
    }
    if forbidden.contains(NotIn::DIR_LOC_FILE)
        && let Some(path_section) = nearest_named(ctx, &enclosing, &PATH_SECTIONS)
    {
        return refuse("directory context", path_section);
    }
    let kinds: [(u8, &[&str]); 4] = [
        (NotIn::DIRECTORY, &["Directory", "DirectoryMatch"]),
        (NotIn::LOCATION, &["Location", "LocationMatch"]),
        (
            NotIn::FILES,
            &["Files", "FilesMatch", "If", "ElseIf", "Else"],
        ),
        (NotIn::PROXY, &["Proxy", "ProxyMatch"]),
    ];
    // `find_parent` tries one name at a time over all ancestors, in this
    // order: the section named is not necessarily the nearest.
    let found = kinds
        .iter()
        .filter(|(bit, _)| forbidden.0 & bit != 0)
        .flat_map(|(_, names)| names.iter())
        .find_map(|name| nearest_named(ctx, &enclosing, &[name]))?;
    let written = ctx
        .config
        .canonical_name(&format!("<{}", ctx.node(found).name));
    refuse(&format!("{written}> section"), found)
}

/// The sections a handler refuses, for this use of the directive: a few
/// handlers check differently depending on their arguments.
pub(crate) fn forbidden_for(spec: &DirectiveSpec, node: &Node) -> NotIn {
    // mod_alias: the two-argument form is server-wide only
    // (`add_alias_internal`), the one-argument form belongs in <Location>.
    let two_argument_alias = (spec.name == "Alias" || spec.name == "ScriptAlias")
        && spec.module_id == "alias_module"
        && node.args.len() == 2;
    // Refusals read from the source alone may depend on the arguments
    // (`SSLCompression off` is fine in a <VirtualHost>): only those the
    // binary showed count — and the <If> family's, confirmed by fixtures.
    let confirmed = spec.handler_forbids_evidence != Evidence::Source
        || matches!(spec.name, "<If" | "<ElseIf" | "<Else");
    if two_argument_alias {
        NotIn(NotIn::DIR_CONTEXT)
    } else if confirmed {
        spec.handler_forbids
    } else {
        NotIn(0)
    }
}

/// The command entry of `id` when httpd gets as far as its handler's own
/// argument checks: allowed where it stands, right argument count, no
/// refusal by the handler. `None` for lines in inactive branches whose
/// arguments still hold `${…}` (never substituted, so they say nothing).
pub(crate) fn reaches_handler(ctx: &Context<'_>, id: NodeId) -> Option<&'static DirectiveSpec> {
    let node = ctx.node(id);
    if !matches!(node.kind, NodeKind::Directive | NodeKind::Section { .. })
        || (!node.active && has_unsubstituted(node))
    {
        return None;
    }
    let spec = command_spec(ctx, id)?;
    if !invoke_cmd_passes(ctx, id, spec) {
        return None;
    }
    if refusal(ctx, id, spec.name, forbidden_for(spec, node)).is_some() {
        return None;
    }
    Some(spec)
}

/// The words of a `TAKE_ARGV` directive as its handler gets them: a final
/// empty word (`""`) is dropped, and at most 64 are passed.
pub(crate) fn take_argv(node: &Node) -> Vec<&str> {
    let mut words: Vec<&str> = node.arg_values().take(64).collect();
    if node.args.len() <= 64 && words.last().is_some_and(|w| w.is_empty()) {
        words.pop();
    }
    words
}

/// The text left after `count` words of `text` have been read with
/// `ap_getword_conf` (which also skips the whitespace after each word).
pub(crate) fn rest_after_words(text: &str, count: usize) -> &str {
    let bytes = text.as_bytes();
    let mut pos = 0;
    for _ in 0..count {
        match next_word(bytes, pos) {
            Some((_, next)) => pos = next,
            None => return "",
        }
    }
    text.get(pos..).unwrap_or("")
}

/// A section's argument text as its handler cuts it: everything before the
/// last `>`; `None` when there is no `>` (`missing closing '>'`).
pub(crate) fn section_text(ctx: &Context<'_>, id: NodeId) -> Option<String> {
    let node = ctx.node(id);
    if let NodeKind::Section {
        has_closing_angle: false,
        ..
    } = node.kind
    {
        return None;
    }
    let raw = ctx.config.raw_args(id);
    Some(match raw.rfind('>') {
        Some(end) => raw[..end].to_string(),
        None => raw.into_owned(),
    })
}

/// The span of arguments `first..=last` (the name when there are none).
pub(crate) fn args_span(node: &Node, first: usize, last: usize) -> Span {
    match (node.args.get(first), node.args.get(last)) {
        (Some(a), Some(b)) => Span::new(node.span.file, a.range.cover(b.range)),
        (Some(a), None) => Span::new(node.span.file, a.range),
        _ => node.name_span,
    }
}

/// The span of `len` bytes at `offset` inside argument `index`'s value when
/// the word is written out plainly (so value offsets are file offsets);
/// otherwise the whole word.
pub(crate) fn span_within_arg(
    ctx: &Context<'_>,
    node: &Node,
    index: usize,
    offset: usize,
    len: usize,
) -> Span {
    let whole = node.arg_span(index);
    let Some(word) = node.args.get(index) else {
        return whole;
    };
    let written: Cow<'_, str> = ctx.config.sources.get(node.span.file).snippet(word.range);
    if *written != *word.value || offset + len > word.value.len() {
        return whole;
    }
    let start = word.range.start() + offset;
    Span::new(
        node.span.file,
        crate::source::TextRange::new(start, start + len),
    )
}

/// Where httpd walks a node, for checks that depend on what earlier lines
/// registered: the node arena is in reading order — the `-C` directives,
/// the configuration with its includes and macro expansions in place, the
/// `-c` directives — which is httpd's walk order. `None` for a node httpd
/// never walks (in an inactive branch).
pub(crate) fn walk_position(ctx: &Context<'_>, id: NodeId) -> Option<u32> {
    ctx.node(id).active.then_some(id.0)
}
