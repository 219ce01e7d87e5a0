//! What a rule sees and how it reports: the [`Rule`] trait, the [`Context`]
//! (the loaded configuration, its vhost map, an index of nodes by directive
//! name, the target's facts) and the reporting helpers that fill in the
//! include chain, the latent flag and httpd's own message.
//!
//! Rules are pure: they never read files. Facts that live on the target
//! server (does this certificate exist?) come from [`TargetFacts`], which the
//! application fills through the one I/O edge.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::diff::Change;
use crate::finding::{Finding, HttpdEcho, HttpdPhase, Stage};
use crate::load::render::httpd_file_name;
use crate::load::tree::{Config, Node, NodeId, NodeKind};
use crate::model::mod_ssl::{TlsServer, tls_servers};
use crate::model::registry::{
    self, ACCESS_CONF, OR_ALL, OR_AUTHCFG, OR_LIMIT, PROXY_CONF, RSRC_CONF,
};
use crate::model::vhosts::VhostMap;
use crate::rules::validity::tls::{TlsStartup, tls_startup};
use crate::source::Span;

use super::RuleMeta;

/// A check. One per file under `rules/<family>/`, its doc comment the
/// `explain` text.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &mut Context<'_>);
}

/// What is known about files on the target server.
pub trait TargetFacts: Sync {
    /// `Some(size)` when the path exists as a regular file (following links),
    /// `None` when it does not, and `Err` when apachelint cannot know (the
    /// path is outside the checked tree).
    fn file_size(&self, path: &str) -> Result<Option<u64>, Unknown>;
    /// Whether a directory exists; `Err` when unknown.
    fn is_dir(&self, path: &str) -> Result<bool, Unknown>;
    /// The bytes of a file, when they can be read (certificates, keys).
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Unknown>;
    /// Every file named `name` in `dir` and below it (not following
    /// symlinked directories), sorted; `Err` when the tree cannot be seen.
    fn find_files(&self, _dir: &str, _name: &str) -> Result<Vec<String>, Unknown> {
        Err(Unknown)
    }
    /// The names in directory `dir`, each with whether it is a directory
    /// (symlinks not followed); empty when `dir` does not exist, `Err` when
    /// it cannot be seen.
    fn list_dir(&self, _dir: &str) -> Result<Vec<(String, bool)>, Unknown> {
        Err(Unknown)
    }
    /// How to show one of the target's paths to the user (the checkout path
    /// in repository mode).
    fn display_path(&self, path: &str) -> String {
        path.to_string()
    }
    /// Whether the answers come from a checkout of the configuration
    /// (repository mode) rather than from the target itself: there a missing
    /// path may only be missing from the checkout.
    fn is_checkout(&self) -> bool {
        false
    }
}

/// A per-directory configuration file (`.htaccess`) found under a served
/// directory of the candidate, parsed.
#[derive(Debug)]
pub struct HtaccessFile {
    /// Its path as the configuration would name it.
    pub path: String,
    /// The directory it governs.
    pub dir: String,
    /// Its id in the report's source set.
    pub file: crate::source::FileId,
    pub parsed: crate::syntax::Parsed,
}

/// apachelint cannot know (the path is not in the checked tree and the run
/// does not happen on the target).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unknown;

/// Facts for a run that knows nothing about the target's files (every answer
/// is [`Unknown`]): checks that need them stay silent.
pub struct NoFacts;

impl TargetFacts for NoFacts {
    fn file_size(&self, _: &str) -> Result<Option<u64>, Unknown> {
        Err(Unknown)
    }
    fn is_dir(&self, _: &str) -> Result<bool, Unknown> {
        Err(Unknown)
    }
    fn read(&self, _: &str) -> Result<Option<Vec<u8>>, Unknown> {
        Err(Unknown)
    }
}

/// The known-good side of a change check.
pub struct Baseline<'a> {
    pub config: &'a Config,
    pub vhosts: &'a VhostMap,
    pub index: &'a NodeIndex,
    /// What to add to a baseline file id to address it in the report's
    /// merged source set (candidate files first, then baseline files).
    pub file_offset: u32,
    /// Requests the known-good configuration answered with another vhost
    /// than the candidate does.
    pub reroutes: Vec<crate::diff::routing::Reroute>,
    /// The sites of the pair, matched once for all change rules.
    pub(crate) site_memo: crate::rules::change::SiteMemo,
}

impl Baseline<'_> {
    /// A baseline span as the report addresses it.
    pub fn span(&self, span: Span) -> Span {
        Span::new(
            crate::source::FileId(span.file.0 + self.file_offset),
            span.range,
        )
    }
}

/// Everything a rule can look at.
pub struct Context<'a> {
    pub config: &'a Config,
    pub vhosts: &'a VhostMap,
    pub facts: &'a dyn TargetFacts,
    /// The known-good configuration, when checking a change.
    pub baseline: Option<&'a Baseline<'a>>,
    /// What changed against the baseline (empty without one).
    pub changes: &'a [Change],
    /// `.htaccess` files under the candidate's served directories.
    pub htaccess: &'a [HtaccessFile],
    index: &'a NodeIndex,
    shared: &'a Shared,
    rule: &'static RuleMeta,
    findings: Vec<Finding>,
}

/// Analyses several rules need, computed once per check by the first rule
/// that asks (rules run in parallel; the others wait for it) — a 10,000-site
/// configuration must not be walked, or its certificates read, once per rule.
#[derive(Default)]
pub struct Shared {
    tls_servers: OnceLock<Vec<TlsServer>>,
    tls_startup: OnceLock<Vec<TlsStartup>>,
}

/// Nodes by lowercased directive name (sections as `<name`), all of them —
/// active and inactive — in file order; and each node's registry entries,
/// looked up once.
#[derive(Debug, Default)]
pub struct NodeIndex {
    by_name: HashMap<String, Vec<NodeId>>,
    specs: Vec<&'static [registry::DirectiveSpec]>,
}

impl NodeIndex {
    pub fn build(config: &Config) -> NodeIndex {
        use rayon::prelude::*;
        let specs: Vec<&'static [registry::DirectiveSpec]> = (0..config.nodes.len())
            .into_par_iter()
            .map(|i| {
                let node = &config.nodes[i];
                match node.kind {
                    NodeKind::Directive => registry::lookup(&node.name),
                    NodeKind::Section { .. } => registry::section(&node.name),
                    _ => &[],
                }
            })
            .collect();
        let mut by_name: HashMap<String, Vec<NodeId>> = HashMap::new();
        for (i, node) in config.nodes.iter().enumerate() {
            let key = match node.kind {
                NodeKind::Directive => node.name.to_ascii_lowercase().to_string(),
                NodeKind::Section { .. } | NodeKind::Conditional { .. } | NodeKind::MacroDef => {
                    format!("<{}", node.name.to_ascii_lowercase())
                }
                NodeKind::File { .. } => continue,
            };
            by_name.entry(key).or_default().push(NodeId(i as u32));
        }
        NodeIndex { by_name, specs }
    }

    /// Nodes named `name` (case-insensitive; `<Name` for sections).
    pub fn get(&self, name: &str) -> &[NodeId] {
        self.by_name
            .get(&name.to_ascii_lowercase())
            .map_or(&[], Vec::as_slice)
    }
}

impl<'a> Context<'a> {
    pub fn new(
        config: &'a Config,
        vhosts: &'a VhostMap,
        facts: &'a dyn TargetFacts,
        index: &'a NodeIndex,
        shared: &'a Shared,
        rule: &'static RuleMeta,
    ) -> Self {
        Context {
            config,
            vhosts,
            facts,
            baseline: None,
            changes: &[],
            htaccess: &[],
            index,
            shared,
            rule,
            findings: Vec::new(),
        }
    }

    /// The main server and every active `<VirtualHost>` with their TLS
    /// directives ([`tls_servers`]).
    pub fn tls_servers(&self) -> &'a [TlsServer] {
        self.shared
            .tls_servers
            .get_or_init(|| tls_servers(self.config))
    }

    /// The servers mod_ssl initialises at start-up, each with its first
    /// failing certificate/key pair ([`tls_startup`]).
    pub(crate) fn tls_startup(&self) -> &'a [TlsStartup] {
        self.shared.tls_startup.get_or_init(|| tls_startup(self))
    }

    /// Adds the `.htaccess` files found in the candidate's tree.
    pub fn with_htaccess(mut self, htaccess: &'a [HtaccessFile]) -> Self {
        self.htaccess = htaccess;
        self
    }

    /// Adds the known-good side and the changes against it.
    pub fn with_baseline(mut self, baseline: &'a Baseline<'a>, changes: &'a [Change]) -> Self {
        self.baseline = Some(baseline);
        self.changes = changes;
        self
    }

    /// A change finding. The primary span is on the candidate side (`new`,
    /// or — for something removed — the same place in the candidate file, or
    /// its first line); the known-good side is a related "was here" label;
    /// the diff of the two places is attached.
    pub fn report_change(
        &mut self,
        new: Option<(NodeId, Span)>,
        old: Option<(NodeId, Span)>,
        message: impl Into<String>,
    ) -> &mut Finding {
        let baseline = self
            .baseline
            .expect("change rules run only with a baseline");
        let primary = match (new, old) {
            (Some((_, span)), _) => span,
            (None, Some((old_id, _))) => removal_anchor(self.config, baseline.config, old_id),
            (None, None) => Span::new(crate::source::FileId(0), Default::default()),
        };
        let chain = match new {
            Some((id, _)) => self.config.chain(id),
            None => Vec::new(),
        };
        let mut f = Finding::new(self.rule, primary, message)
            .chain(chain)
            .stage(Stage::Lint);
        if let Some((old_id, old_span)) = old {
            let was = format!(
                "was here in the known-good configuration (line {})",
                baseline.config.node(old_id).line
            );
            f = f.related(baseline.span(old_span), was);
        }
        f.diff = crate::diff::hunk::between(
            baseline.config,
            old.map(|(id, _)| id),
            self.config,
            new.map(|(id, _)| id),
        );
        self.findings.push(f);
        self.findings.last_mut().expect("just pushed")
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    pub fn node(&self, id: NodeId) -> &'a Node {
        self.config.node(id)
    }

    /// Every node named `name` (directives; `<Name` for sections), active or
    /// not. Inside a macro definition body nothing is indexed: only
    /// expansions are nodes.
    pub fn named(&self, name: &str) -> &'a [NodeId] {
        self.index.get(name)
    }

    /// Every directive and section node, active or not, in arena order.
    pub fn all_nodes(&self) -> impl Iterator<Item = NodeId> + 'a {
        let config = self.config;
        (0..config.nodes.len() as u32)
            .map(NodeId)
            .filter(move |&id| {
                matches!(
                    config.node(id).kind,
                    NodeKind::Directive | NodeKind::Section { .. }
                )
            })
    }

    /// A finding of the current rule about `node`, pointing at `span`: the
    /// include chain is filled in, and a finding in an inactive branch is
    /// latent (an error becomes a warning).
    pub fn report(&mut self, node: NodeId, span: Span, message: impl Into<String>) -> &mut Finding {
        let n = self.config.node(node);
        let mut f = Finding::new(self.rule, span, message).chain(self.config.chain(node));
        f.node = Some(node);
        if !n.active {
            f = f.latent();
        }
        self.findings.push(f);
        self.findings.last_mut().expect("just pushed")
    }

    /// A finding that is exactly what `apache2 -t` says: httpd's message as
    /// the message, and the echo naming the directive's file and line as
    /// httpd does.
    pub fn httpd_error(
        &mut self,
        node: NodeId,
        span: Span,
        httpd_message: impl Into<String>,
    ) -> &mut Finding {
        let message = httpd_message.into();
        let echo = self.echo(node, message.clone());
        let f = self.report(node, span, message);
        f.httpd = Some(echo);
        f.stage = Stage::ConfigTest;
        f
    }

    /// httpd's echo of a message about `node`: its file name (a macro
    /// expansion's pseudo-file included) and line.
    pub fn echo(&self, node: NodeId, message: String) -> HttpdEcho {
        let n = self.config.node(node);
        HttpdEcho {
            message,
            file: httpd_file_name(self.config, node),
            span: n.span,
            line: n.line,
            phase: HttpdPhase::Walk,
        }
    }

    /// A finding httpd only logs (it does not stop): `prefix` is the log
    /// prefix (`core:warn`), `None` for start-up-class lines such as AH00112.
    pub fn httpd_log(
        &mut self,
        node: NodeId,
        span: Span,
        httpd_message: impl Into<String>,
        prefix: Option<&'static str>,
    ) -> &mut Finding {
        let message = httpd_message.into();
        let mut echo = self.echo(node, message.clone());
        echo.phase = HttpdPhase::Log { prefix };
        let f = self.report(node, span, message);
        f.httpd = Some(echo);
        f.severity = crate::finding::Severity::Warning;
        f
    }

    /// The section httpd considers the directive's parent (conditionals,
    /// includes and files are flattened away), if any.
    pub fn parent_section(&self, node: NodeId) -> Option<NodeId> {
        self.config.enclosing_section(node)
    }

    /// The override bits in force where `node` stands (`cmd->override` in
    /// httpd's walk): what `req_override` must overlap for the directive to
    /// be allowed there.
    pub fn overrides_at(&self, node: NodeId) -> u32 {
        match self.parent_section(node) {
            None => (RSRC_CONF | OR_ALL) & !(OR_AUTHCFG | OR_LIMIT),
            Some(section) => {
                section_overrides(&self.config.node(section).name, self.overrides_at(section))
            }
        }
    }

    /// The registry entries for a node's name (empty when unknown).
    pub fn specs(&self, id: NodeId) -> &'static [registry::DirectiveSpec] {
        self.index.specs.get(id.0 as usize).copied().unwrap_or(&[])
    }

    /// The registry entries for a node's name registered by a loaded module.
    pub fn loaded_specs_of(&self, id: NodeId) -> Vec<&'static registry::DirectiveSpec> {
        self.specs(id)
            .iter()
            .filter(|s| self.has_module(s.module_id))
            .collect()
    }

    /// Whether a module (by identifier) is loaded or built in.
    pub fn has_module(&self, identifier: &str) -> bool {
        self.config.has_module(identifier)
    }

    /// The registry entries for `name` registered by a loaded module.
    pub fn loaded_specs(&self, name: &str) -> Vec<&'static registry::DirectiveSpec> {
        registry::lookup(name)
            .iter()
            .filter(|s| self.has_module(s.module_id))
            .collect()
    }
}

/// The override bits inside a section (the section handlers set
/// `cmd->override` before walking their body).
pub fn section_overrides(section: &str, outer: u32) -> u32 {
    const DIRECTORY_LIKE: [&str; 11] = [
        "Directory",
        "DirectoryMatch",
        "Location",
        "LocationMatch",
        "Files",
        "FilesMatch",
        "If",
        "ElseIf",
        "Else",
        "Limit",
        "LimitExcept",
    ];
    let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(section));
    if is(&DIRECTORY_LIKE) {
        OR_ALL | ACCESS_CONF
    } else if is(&["Proxy", "ProxyMatch"]) {
        OR_ALL | ACCESS_CONF | PROXY_CONF
    } else if is(&["RequireAll", "RequireAny", "RequireNone"]) {
        OR_AUTHCFG
    } else if is(&["AuthnProviderAlias", "AuthzProviderAlias"]) {
        OR_AUTHCFG | ACCESS_CONF
    } else {
        outer
    }
}

/// Where a removal is shown in the candidate: the same line of the same
/// file when the candidate still has that file, else the root file's start.
fn removal_anchor(candidate: &Config, baseline: &Config, old: NodeId) -> Span {
    let old_node = baseline.node(old);
    let path = baseline.config_path(old_node.span.file);
    if let Some(file) = candidate.sources.find_config_path(path) {
        let f = candidate.sources.get(file);
        let old_file = baseline.sources.get(old_node.span.file);
        let line = old_file.line_col(old_node.span.range.start()).line;
        let index = f.line_index();
        // The same line, or the last line with content when the file is
        // shorter now.
        let mut line = line.min(index.line_count());
        while line > 1
            && f.text[index.line_start(line)..]
                .iter()
                .take_while(|&&b| b != b'\n')
                .all(|b| b.is_ascii_whitespace())
        {
            line -= 1;
        }
        let start = index.line_start(line);
        let end = f.text[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(f.text.len(), |i| start + i);
        return Span::new(file, crate::source::TextRange::new(start, end));
    }
    let root = candidate.node(candidate.root).span.file;
    Span::new(root, crate::source::TextRange::new(0, 0))
}
