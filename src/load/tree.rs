//! The loaded configuration: one arena tree holding every file httpd reads,
//! in httpd's order, with includes expanded, variables substituted,
//! conditionals evaluated and macros expanded — and the inactive branches kept
//! (marked inactive) so rules can check them as latent.
//!
//! Shape:
//! - the root is the [`NodeKind::File`] node of the root file;
//! - an `Include` directive's children are the `File` nodes it brought in;
//! - a conditional's children are its body, `active` only when it holds;
//! - macro expansions are spliced where `Use` stands (httpd feeds them into
//!   the same reader, so they may open or close sections around them); their
//!   nodes point at the macro body's lines and carry a [`MacroCtxId`].
//!
//! [`Config::effective`] walks what httpd would act on: active nodes, with
//! File and true-conditional wrappers flattened.

use std::path::{Path, PathBuf};

use compact_str::CompactString;

use crate::finding::{ChainKind, ChainLink, Finding};
use crate::source::{FileId, SourceSet, Span, TextRange};
use crate::syntax::Word;

use super::vars::Vars;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MacroCtxId(pub u32);

/// Nodes in fixed-size chunks: growing never moves what is already stored
/// (a configuration of 10,000 sites has over half a million nodes; a single
/// vector would be copied and re-faulted at every doubling).
#[derive(Clone, Debug, Default)]
pub struct NodeArena {
    chunks: Vec<Vec<Node>>,
    len: usize,
}

impl NodeArena {
    /// Nodes per chunk.
    const CHUNK: usize = 8192;

    pub fn push(&mut self, node: Node) -> NodeId {
        if self.chunks.last().is_none_or(|c| c.len() == Self::CHUNK) {
            self.chunks.push(Vec::with_capacity(Self::CHUNK));
        }
        let id = NodeId(self.len as u32);
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.push(node);
        }
        self.len += 1;
        id
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Node> {
        self.chunks.iter().flatten()
    }
}

impl std::ops::Index<usize> for NodeArena {
    type Output = Node;
    fn index(&self, i: usize) -> &Node {
        &self.chunks[i / Self::CHUNK][i % Self::CHUNK]
    }
}

impl std::ops::IndexMut<usize> for NodeArena {
    fn index_mut(&mut self, i: usize) -> &mut Node {
        &mut self.chunks[i / Self::CHUNK][i % Self::CHUNK]
    }
}

impl<'a> IntoIterator for &'a NodeArena {
    type Item = &'a Node;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<Node>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flatten()
    }
}

/// The raw argument string of a node: a slice of its file when the line is
/// written out plainly, or owned text after continuations or substitution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawArgs {
    Slice(TextRange),
    Owned(Box<str>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A file as read; its children are its top-level content.
    File {
        file: FileId,
        depth: u32,
    },
    Directive,
    /// An ordinary section (`<Directory>`, `<VirtualHost>`, …).
    Section {
        has_closing_angle: bool,
        /// The closing tag's line, when the section was closed.
        close: Option<Span>,
    },
    /// `<IfModule>` and friends. `holds` is `None` when the conditional sits
    /// in an inactive branch (httpd never evaluates it).
    Conditional {
        holds: Option<bool>,
        close: Option<Span>,
    },
    /// A `<Macro>` definition (its body is not part of the tree).
    MacroDef,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    pub kind: NodeKind,
    /// Directive or section name after substitution, as written (sections
    /// without `<`: `Directory`). For File nodes: empty.
    pub name: CompactString,
    /// Arguments after substitution (for sections: the words before the
    /// last `>`). Their ranges are in the node's file (`span.file`); a
    /// substituted word points at the `${VAR}` or macro parameter it came from.
    pub args: Vec<Word>,
    /// The raw argument string after substitution (httpd's
    /// `ap_directive_t.args`, as `-D DUMP_CONFIG` prints it); see
    /// [`Config::raw_args`].
    pub raw_args: RawArgs,
    /// The whole logical line.
    pub span: Span,
    pub name_span: Span,
    /// The line httpd reports for it.
    pub line: u32,
    /// httpd acts on it (not inside a false conditional).
    pub active: bool,
    /// The innermost macro expansion it came from.
    pub macro_ctx: Option<MacroCtxId>,
}

impl Node {
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(|a| &*a.value)
    }

    pub fn is_section(&self) -> bool {
        matches!(self.kind, NodeKind::Section { .. })
    }

    pub fn is_directive(&self) -> bool {
        matches!(self.kind, NodeKind::Directive)
    }

    /// The span of argument `i`, or of the name when it has none.
    pub fn arg_span(&self, i: usize) -> Span {
        self.args
            .get(i)
            .map_or(self.name_span, |a| Span::new(self.span.file, a.range))
    }

    /// Argument values.
    pub fn arg_values(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|a| &*a.value)
    }
}

/// One macro expansion: which `Use` expanded which macro.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacroCtx {
    pub macro_name: String,
    /// The `Use` line.
    pub use_span: Span,
    pub use_line: u32,
    /// The `<Macro>` opening line.
    pub def_span: Span,
    pub def_line: u32,
    /// httpd's name for this pseudo-file: `macro 'vh' (defined on line 21 of
    /// "<file>") used on line 25 of "<file>"`.
    pub where_: String,
    pub parent: Option<MacroCtxId>,
}

/// The include chain of what stands under `at` (File nodes whose parent is
/// an Include directive), then the macro expansions of `macro_ctx`; each
/// outermost first.
pub fn chain_of(
    nodes: &NodeArena,
    macro_ctxs: &[MacroCtx],
    at: NodeId,
    macro_ctx: Option<MacroCtxId>,
) -> Vec<ChainLink> {
    let mut links = Vec::new();
    let mut cur = Some(at);
    while let Some(c) = cur {
        let node = &nodes[c.0 as usize];
        if let (NodeKind::File { .. }, Some(parent)) = (&node.kind, node.parent) {
            let inc = &nodes[parent.0 as usize];
            links.push(ChainLink {
                span: inc.span,
                line: inc.line,
                kind: ChainKind::Include,
            });
        }
        cur = node.parent;
    }
    links.reverse();
    let mut macros = Vec::new();
    let mut ctx = macro_ctx;
    while let Some(m) = ctx {
        let m = &macro_ctxs[m.0 as usize];
        macros.push(ChainLink {
            span: m.use_span,
            line: m.use_line,
            kind: ChainKind::Macro,
        });
        ctx = m.parent;
    }
    macros.reverse();
    links.extend(macros);
    links
}

/// A line of `-t -D DUMP_INCLUDES`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncludeRecord {
    pub path: PathBuf,
    pub depth: u32,
    /// The line of the `Include` in its parent (None for the root file).
    pub line: Option<u32>,
}

/// A module the configuration loads (or the target has built in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedModule {
    pub identifier: String,
    /// The source file name `<IfModule>` also accepts (`mod_ssl.c`), when known.
    pub source: Option<String>,
    /// The `LoadModule` line, or `None` for a built-in module.
    pub node: Option<NodeId>,
}

/// Everything the loader produced.
#[derive(Debug)]
pub struct Config {
    pub sources: SourceSet,
    pub nodes: NodeArena,
    pub root: NodeId,
    pub findings: Vec<Finding>,
    pub includes: Vec<IncludeRecord>,
    pub modules: Vec<LoadedModule>,
    pub macro_ctxs: Vec<MacroCtx>,
    /// Defines and environment at the end of reading.
    pub vars: Vars,
    /// ServerRoot at the end of reading.
    pub server_root: PathBuf,
    /// The root file as httpd names it.
    pub root_path: PathBuf,
    /// File nodes of the `-C` and `-c` directives, if any.
    pub command_line: Vec<NodeId>,
    /// The identifiers of `modules`, for fast membership tests.
    pub module_set: std::collections::HashSet<String>,
    /// Each node's nearest enclosing section, computed on first use (rules
    /// ask for it for most nodes of a 10,000-site configuration).
    pub(crate) enclosing_sections: std::sync::OnceLock<Vec<Option<NodeId>>>,
    /// [`Config::walk_effective`], computed on first use.
    pub(crate) effective_walk: std::sync::OnceLock<Vec<NodeId>>,
}

impl Config {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    pub fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.node(id).children.iter().copied()
    }

    /// A node's raw argument string (httpd's `ap_directive_t.args`).
    pub fn raw_args(&self, id: NodeId) -> std::borrow::Cow<'_, str> {
        let node = self.node(id);
        match &node.raw_args {
            RawArgs::Owned(s) => std::borrow::Cow::Borrowed(s),
            RawArgs::Slice(range) => self.sources.get(node.span.file).snippet(*range),
        }
    }

    /// The environment profile `${VAR}` fell back to.
    pub fn vars_env(&self) -> std::collections::BTreeMap<String, String> {
        self.vars.env().clone()
    }

    /// Whether the configuration loads (or the target has built in) a module.
    pub fn has_module(&self, identifier: &str) -> bool {
        self.module_set.contains(identifier)
    }

    /// The spelling httpd keeps for a directive name (see
    /// [`crate::model::registry::canonical_name`]).
    pub fn canonical_name(&self, name: &str) -> String {
        crate::model::registry::canonical_name(name, |id| self.has_module(id)).into_owned()
    }

    /// The configuration path of a file.
    pub fn config_path(&self, file: FileId) -> &Path {
        &self.sources.get(file).config_path
    }

    /// Active content below `id` as httpd sees it: File wrappers, Include
    /// expansions and true conditionals flattened; inactive nodes and macro
    /// definitions skipped. Sections are returned (not entered): use
    /// [`Config::effective`] again on them.
    pub fn effective(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        self.collect_effective(id, &mut out);
        out
    }

    fn collect_effective(&self, id: NodeId, out: &mut Vec<NodeId>) {
        for child in self.children(id) {
            let node = self.node(child);
            if !node.active {
                continue;
            }
            match node.kind {
                NodeKind::File { .. } | NodeKind::Conditional { .. } => {
                    self.collect_effective(child, out)
                }
                NodeKind::MacroDef => {}
                NodeKind::Directive => {
                    out.push(child);
                    // Include directives carry the included files.
                    self.collect_effective(child, out);
                }
                NodeKind::Section { .. } => out.push(child),
            }
        }
    }

    /// Every active directive and section anywhere, depth-first in file
    /// order (computed once; many rules walk it).
    pub fn walk_effective(&self) -> &[NodeId] {
        self.effective_walk.get_or_init(|| {
            let mut out = Vec::new();
            self.walk_in_order(self.root, &mut out);
            out
        })
    }

    fn walk_in_order(&self, id: NodeId, out: &mut Vec<NodeId>) {
        for child in self.effective(id) {
            out.push(child);
            if self.node(child).is_section() {
                self.walk_in_order(child, out);
            }
        }
    }

    /// The include and macro chain of a node, outermost first.
    pub fn chain(&self, id: NodeId) -> Vec<ChainLink> {
        chain_of(&self.nodes, &self.macro_ctxs, id, self.node(id).macro_ctx)
    }

    /// The directory of the root file: two versions of a configuration
    /// checked out in different places are compared by paths below it.
    pub fn root_dir(&self) -> &Path {
        self.root_path.parent().unwrap_or(Path::new("/"))
    }

    /// A file's configuration path relative to [`Config::root_dir`] when it
    /// is below it (else as it is).
    pub fn relative_config_path(&self, file: FileId) -> &Path {
        let path = self.config_path(file);
        path.strip_prefix(self.root_dir()).unwrap_or(path)
    }

    /// The nearest enclosing ordinary section of a node (skipping files,
    /// conditionals and includes), if any.
    pub fn enclosing_section(&self, id: NodeId) -> Option<NodeId> {
        self.enclosing_sections
            .get_or_init(|| self.all_enclosing_sections())
            .get(id.0 as usize)
            .copied()
            .flatten()
    }

    /// The nearest enclosing section of every node, in one pass: a parent
    /// is pushed before its children, so its answer is already known.
    fn all_enclosing_sections(&self) -> Vec<Option<NodeId>> {
        let mut out: Vec<Option<NodeId>> = Vec::with_capacity(self.nodes.len());
        for node in self.nodes.iter() {
            let enclosing = node.parent.and_then(|p| {
                if self.node(p).is_section() {
                    Some(p)
                } else {
                    out.get(p.0 as usize).copied().flatten()
                }
            });
            out.push(enclosing);
        }
        out
    }

    /// The enclosing `<VirtualHost>`, if any.
    pub fn enclosing_vhost(&self, id: NodeId) -> Option<NodeId> {
        let mut cur = self.enclosing_section(id);
        while let Some(c) = cur {
            if self.node(c).is("VirtualHost") {
                return Some(c);
            }
            cur = self.enclosing_section(c);
        }
        None
    }

    /// Whether any error finding means the configuration could not be
    /// checked completely.
    pub fn is_complete(&self) -> bool {
        !self
            .findings
            .iter()
            .any(|f| f.rule.blocks_check && f.severity == crate::finding::Severity::Error)
    }
}
