//! The loader: assembles the whole configuration as httpd's pass 1
//! (`ap_build_config` and the EXEC_ON_READ directives) does — root file and
//! every `Include`, `Define`/`UnDefine`/`${VAR}`, `ServerRoot`, `LoadModule`,
//! the six conditional sections, and mod_macro — into a [`Config`].
//!
//! Reading is sequential where httpd's semantics are (defines, module set and
//! macros change as lines are read), but the expensive part — reading files
//! and splitting them into classified lines — runs in parallel for every file
//! an `Include` expands to.
//!
//! Each file is read as a stream of classified lines with its own section
//! stack (sections never span files). Conditionals use httpd's two closing
//! disciplines: a true body ends only at a line that is exactly `</IfModule>`
//! and acts as a barrier for closers; a false body is skipped by nesting count
//! (`ap_soak_end_container`) and its content is kept, inactive. A macro
//! expansion is fed into the stream of the file it is used in, so it can open
//! or close sections around it, as in httpd.
//!
//! **Invariant**: the only I/O is through [`vfs::Vfs`]; everything else is a
//! function of the bytes read and the [`Profile`].

pub mod cond;
pub mod envvars;
pub mod facts;
pub mod git;
pub mod include;
pub mod input;
pub mod macros;
pub mod profile;
pub mod provider;
pub mod render;
pub mod snapshot;
pub mod tree;
pub mod vars;
pub mod vfs;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::finding::{ChainLink, Finding, HttpdEcho, HttpdPhase, Severity, Stage};
use crate::rules::{RuleMeta, load as rl, syntax as rs};
use crate::source::{FileId, SourceFile, SourceSet, Span, TextRange};
use crate::syntax::line::{Closer, LineKind, Opener, classify, first_word, info_of};
use crate::syntax::lines::{LogicalLine, LogicalLines};
use crate::syntax::parser::{
    MAX_LINE_MACRO_BODY, MAX_LINE_MAIN, mismatch_message, missing_angle_message, unclosed_message,
    unmatched_close_message,
};
use crate::syntax::{Directive, LineInfo, SectionKind};

use cond::{CondError, CondKind};
use include::{Expanded, IncludeError};
use macros::{BodyLine, MacroDef};
pub use profile::Profile;
use tree::*;
use vars::Vars;
use vfs::{Vfs, VfsError};

/// Files read and classified together, in parallel, by one Include.
const PREFETCH_BATCH: usize = 256;

/// httpd's `AP_MAX_INCLUDE_DEPTH`.
const MAX_INCLUDE_DEPTH: u32 = 128;

/// The words of `text` as strings (httpd's tokenizer).
pub(crate) fn words_of(text: &[u8]) -> Vec<String> {
    crate::syntax::words::words(text)
        .into_iter()
        .map(|w| String::from_utf8_lossy(&w.value).into_owned())
        .collect()
}

/// What to load and how.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub profile: Profile,
    /// The root file as the configuration names it (absolute).
    pub root_file: PathBuf,
    /// ServerRoot before the configuration sets one (`-d`); defaults to the
    /// profile's compiled-in root.
    pub server_root: Option<PathBuf>,
    /// `-C` directives, read before the root file.
    pub pre_directives: Vec<String>,
    /// `-c` directives, read after the root file.
    pub post_directives: Vec<String>,
}

impl LoadOptions {
    /// Debian's apache2 started on `root_file` with no other options (no
    /// `-d`, `-C`, `-c` or `-D`): what tests and tools loading a tree from
    /// memory want.
    pub fn debian(root_file: impl Into<PathBuf>) -> LoadOptions {
        LoadOptions {
            profile: Profile::debian(),
            root_file: root_file.into(),
            server_root: None,
            pre_directives: Vec::new(),
            post_directives: Vec::new(),
        }
    }
}

/// httpd's name for the pseudo-file of `-C`/`-c` directives.
pub const COMMAND_LINE_FILE: &str = "-c/-C directives";

/// Loads a configuration. Never fails: problems are findings in the result
/// (see [`Config::is_complete`]).
pub fn load(vfs: &Vfs, options: &LoadOptions) -> Config {
    let server_root = options
        .server_root
        .clone()
        .unwrap_or_else(|| options.profile.server_root.clone());
    let mut loader = Loader {
        vfs,
        profile: &options.profile,
        sources: SourceSet::new(),
        nodes: NodeArena::default(),
        findings: Vec::new(),
        includes: Vec::new(),
        modules: options
            .profile
            .builtin_modules
            .iter()
            .map(|m| LoadedModule {
                identifier: m.identifier.clone(),
                source: Some(m.source.clone()),
                node: None,
            })
            .collect(),
        macro_ctxs: Vec::new(),
        vars: Vars::new(&options.profile.defines, options.profile.env.clone()),
        server_root,
        macros: HashMap::new(),
        macros_defined: false,
        cache: HashMap::new(),
        pending: HashMap::new(),
        last_include_line: 0,
        include_depth: 0,
        unwinding_recursion: false,
    };
    let root_path = options.root_file.clone();
    let mut command_line = Vec::new();
    command_line.extend(loader.command_line(&options.pre_directives));
    loader.prefetch(std::slice::from_ref(&root_path));
    let root = match loader.cache.get(&root_path).cloned() {
        Some(Ok(data)) => {
            let root = loader.add_file_node(None, &data, 0);
            loader.includes.push(IncludeRecord {
                path: root_path.clone(),
                depth: 0,
                line: None,
            });
            loader.process_file(&data, root);
            root
        }
        Some(Err(error)) => loader.root_unreadable(&root_path, error),
        None => loader.root_unreadable(&root_path, VfsError::NotFound),
    };
    command_line.extend(loader.command_line(&options.post_directives));
    let module_set = loader
        .modules
        .iter()
        .map(|m| m.identifier.clone())
        .collect();
    Config {
        module_set,
        sources: loader.sources,
        nodes: loader.nodes,
        root,
        findings: loader.findings,
        includes: loader.includes,
        modules: loader.modules,
        macro_ctxs: loader.macro_ctxs,
        vars: loader.vars,
        server_root: loader.server_root,
        root_path,
        command_line,
        enclosing_sections: std::sync::OnceLock::new(),
        effective_walk: std::sync::OnceLock::new(),
        effective_content: std::sync::OnceLock::new(),
    }
}

/// A file as read.
#[derive(Debug)]
struct FileData {
    id: FileId,
    text: Arc<[u8]>,
}

/// A classified line and facts about its raw form.
#[derive(Debug)]
struct PreLine {
    kind: LineKind,
    /// Longer than httpd's line limit.
    too_long: bool,
    raw_len: usize,
}

/// Splits and classifies a file (pure; run in parallel).
fn split(text: &[u8]) -> Vec<PreLine> {
    LogicalLines::new(text)
        .map(|l| PreLine {
            too_long: l.raw_len >= MAX_LINE_MAIN,
            raw_len: l.raw_len,
            kind: classify(&l),
        })
        .collect()
}

/// One line handed to the reader, with where it comes from.
#[derive(Debug)]
struct Item {
    line: PreLine,
    file: FileId,
    text: Arc<[u8]>,
    macro_ctx: Option<MacroCtxId>,
    /// The line number httpd reports (for macro lines: the line of the
    /// expansion).
    httpd_line: u32,
}

/// The line stream of one file, with macro expansions spliced in. Lines are
/// handed out by value: each is consumed once.
struct Reader {
    data: Arc<FileData>,
    lines: std::vec::IntoIter<PreLine>,
    /// Pending expansions, innermost last.
    injected: Vec<std::vec::IntoIter<Item>>,
}

impl Reader {
    fn next(&mut self) -> Option<Item> {
        while let Some(items) = self.injected.last_mut() {
            if let Some(item) = items.next() {
                return Some(item);
            }
            self.injected.pop();
        }
        let line = self.lines.next()?;
        let httpd_line = info_of(&line.kind).map_or(0, |i| i.last_line);
        Some(Item {
            line,
            file: self.data.id,
            text: self.data.text.clone(),
            macro_ctx: None,
            httpd_line,
        })
    }
}

/// How an open section closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Ordinary section in active content.
    Ordinary,
    /// A true conditional: only an exact `</Name>` line closes it, and
    /// closers inside cannot reach sections outside it.
    Barrier,
    /// Inside a false conditional: skipped by nesting count.
    Soak,
    /// A section httpd reads but whose content it never walks (a `<Macro>`
    /// while mod_macro is not loaded): ordinary closing, content inactive.
    Unwalked,
}

#[derive(Clone, Debug)]
struct Frame {
    node: NodeId,
    name: String,
    mode: Mode,
    /// The line of the false conditional that started skipping (httpd reports
    /// errors of a skipped body there).
    soak_origin: Option<(Span, u32)>,
}

struct Loader<'a> {
    vfs: &'a Vfs,
    profile: &'a Profile,
    sources: SourceSet,
    nodes: NodeArena,
    findings: Vec<Finding>,
    includes: Vec<IncludeRecord>,
    modules: Vec<LoadedModule>,
    macro_ctxs: Vec<MacroCtx>,
    vars: Vars,
    server_root: PathBuf,
    macros: HashMap<String, Arc<MacroDef>>,
    /// httpd answers "no macro defined before Use" until a first definition.
    macros_defined: bool,
    cache: HashMap<PathBuf, Result<Arc<FileData>, VfsError>>,
    /// Classified lines of prefetched files not processed yet.
    pending: HashMap<FileId, Vec<PreLine>>,
    /// httpd's `ap_include_lineno`: one global, set by each Include, printed
    /// by DUMP_INCLUDES for every file opened afterwards (so files after a
    /// nested Include show the nested Include's line).
    last_include_line: u32,
    include_depth: u32,
    /// An Include went past one of httpd's depth limits (128 nested
    /// includes, or 128 nested directories), where httpd stops reading
    /// altogether: no further Include is followed until the chain has
    /// unwound to the root file's Include. (Followed anyway, a cycle through
    /// two or more files would be explored path by path: 2^128 of them; a
    /// directory linking to itself multiplies every level of a cycle.)
    unwinding_recursion: bool,
}

impl<'a> Loader<'a> {
    // ----------------------------------------------------------------- files

    /// Reads and splits every not-yet-cached file in `paths`, in parallel.
    fn prefetch(&mut self, paths: &[PathBuf]) {
        let todo: Vec<&PathBuf> = paths
            .iter()
            .filter(|p| !self.cache.contains_key(*p))
            .collect();
        let vfs = self.vfs;
        type Read = Result<(Vec<u8>, Vec<PreLine>), VfsError>;
        let read: Vec<(PathBuf, Read)> = todo
            .par_iter()
            .map(|p| {
                let result = vfs.read(p).map(|bytes| {
                    let lines = split(&bytes);
                    (bytes, lines)
                });
                ((*p).clone(), result)
            })
            .collect();
        for (path, result) in read {
            let entry = result.map(|(bytes, lines)| {
                let text: Arc<[u8]> = bytes.into();
                let display = self.vfs.display_path(&path);
                let id = self
                    .sources
                    .add(SourceFile::new(display, text.clone()).with_config_path(path.clone()));
                self.pending.insert(id, lines);
                Arc::new(FileData { id, text })
            });
            self.cache.insert(path, entry);
        }
    }

    fn add_node(&mut self, parent: Option<NodeId>, node: Node) -> NodeId {
        let id = self.nodes.push(node);
        if let Some(p) = parent {
            self.nodes[p.0 as usize].children.push(id);
        }
        id
    }

    fn add_file_node(&mut self, parent: Option<NodeId>, data: &FileData, depth: u32) -> NodeId {
        let span = Span::new(data.id, TextRange::new(0, 0));
        let active = parent.is_none_or(|p| self.nodes[p.0 as usize].active);
        self.add_node(
            parent,
            Node {
                parent,
                children: Vec::new(),
                kind: NodeKind::File {
                    file: data.id,
                    depth,
                },
                name: "".into(),
                args: Vec::new(),
                raw_args: RawArgs::Owned("".into()),
                span,
                name_span: span,
                line: 0,
                active,
                macro_ctx: None,
            },
        )
    }

    /// Reads `-C`/`-c` directives as httpd does: a pseudo-file of their own,
    /// outside the root file's tree.
    fn command_line(&mut self, directives: &[String]) -> Option<NodeId> {
        if directives.is_empty() {
            return None;
        }
        let text: Arc<[u8]> = directives.join("\n").into_bytes().into();
        let id = self
            .sources
            .add(SourceFile::new(COMMAND_LINE_FILE, text.clone()));
        let data = Arc::new(FileData { id, text });
        let node = self.add_file_node(None, &data, 0);
        self.process_file(&data, node);
        Some(node)
    }

    /// The root file could not be read: a finding on an empty stand-in file.
    fn root_unreadable(&mut self, path: &Path, error: VfsError) -> NodeId {
        let id = self
            .sources
            .add(SourceFile::new(self.vfs.display_path(path), Vec::new()).with_config_path(path));
        let data = FileData {
            id,
            text: Arc::from(Vec::new()),
        };
        let root = self.add_file_node(None, &data, 0);
        let span = Span::new(id, TextRange::new(0, 0));
        let message = format!(
            "Could not open configuration file {}: {error}",
            path.display()
        );
        let rule = open_error_rule(&error);
        let finding = Finding::new(rule, span, message.clone())
            .httpd(HttpdEcho {
                message,
                file: path.display().to_string(),
                span,
                line: 0,
                phase: HttpdPhase::Read,
            })
            .stage(Stage::ConfigTest);
        self.findings.push(finding);
        root
    }

    /// Processes one file's lines under `file_node`.
    fn process_file(&mut self, data: &Arc<FileData>, file_node: NodeId) {
        let lines = self
            .pending
            .remove(&data.id)
            .unwrap_or_else(|| split(&data.text));
        let mut reader = Reader {
            data: data.clone(),
            lines: lines.into_iter(),
            injected: Vec::new(),
        };
        let mut stack: Vec<Frame> = Vec::new();
        while let Some(item) = reader.next() {
            self.item(item, &mut stack, &mut reader, file_node);
        }
        self.end_of_file(stack, file_node);
    }

    // ------------------------------------------------------------- findings

    /// The include/macro chain for a new node under `parent`.
    fn chain_for(&self, parent: NodeId, macro_ctx: Option<MacroCtxId>) -> Vec<ChainLink> {
        chain_of(&self.nodes, &self.macro_ctxs, parent, macro_ctx)
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        rule: &'static RuleMeta,
        span: Span,
        message: String,
        httpd: Option<(String, Span, u32)>,
        parent: NodeId,
        macro_ctx: Option<MacroCtxId>,
        severity: Option<Severity>,
    ) {
        let chain = self.chain_for(parent, macro_ctx);
        let mut f = Finding::new(rule, span, message).chain(chain);
        if let Some((text, at, line)) = httpd {
            let file = match macro_ctx {
                Some(ctx) => self.macro_ctxs[ctx.0 as usize].where_.clone(),
                None => self.sources.get(at.file).config_path.display().to_string(),
            };
            let phase = match rule.default_severity {
                Severity::Error if severity.is_none_or(|s| s == Severity::Error) => {
                    HttpdPhase::Read
                }
                _ if rule.code == "AL020" => HttpdPhase::Log {
                    prefix: Some("core:warn"),
                },
                _ => HttpdPhase::Log {
                    prefix: Some("macro:warn"),
                },
            };
            f = f.httpd(HttpdEcho {
                message: text,
                file,
                span: at,
                line,
                phase,
            });
            if phase == HttpdPhase::Read {
                f = f.stage(Stage::ConfigTest);
            }
        }
        if let Some(s) = severity {
            f = f.severity(s);
        }
        self.findings.push(f);
    }

    /// A pass-1 error httpd reports with its own message at the same place.
    fn httpd_error(
        &mut self,
        rule: &'static RuleMeta,
        span: Span,
        line: u32,
        message: String,
        parent: NodeId,
        ctx: Option<MacroCtxId>,
    ) {
        let line_span = span;
        self.report(
            rule,
            span,
            message.clone(),
            Some((message, line_span, line)),
            parent,
            ctx,
            None,
        );
    }

    // ---------------------------------------------------------------- lines

    fn parent_of(stack: &[Frame], file_node: NodeId) -> NodeId {
        stack.last().map_or(file_node, |f| f.node)
    }

    /// Whether content here is inactive (skipped or never walked).
    fn soaking(stack: &[Frame]) -> bool {
        stack
            .iter()
            .any(|f| matches!(f.mode, Mode::Soak | Mode::Unwalked))
    }

    fn item(
        &mut self,
        mut item: Item,
        stack: &mut Vec<Frame>,
        reader: &mut Reader,
        file_node: NodeId,
    ) {
        let parent = Self::parent_of(stack, file_node);
        let active = !Self::soaking(stack);
        let mut kind = std::mem::replace(&mut item.line.kind, LineKind::Blank);
        if let Some(info) = info_of(&kind)
            && item.line.too_long
        {
            let span = Span::new(item.file, info.range);
            self.httpd_error(
                &rs::LINE_TOO_LONG,
                span,
                item.httpd_line,
                format!(
                    "Error reading {} at line {}: Line too long",
                    self.sources.get(item.file).config_path.display(),
                    item.httpd_line
                ),
                parent,
                item.macro_ctx,
            );
        }
        if active
            && !matches!(
                kind,
                LineKind::Comment(_) | LineKind::Blank | LineKind::Empty(_)
            )
        {
            kind = self.substitute(kind, &item, parent);
        }
        match kind {
            LineKind::Blank | LineKind::Empty(_) | LineKind::Comment(_) | LineKind::Ignored(_) => {}
            LineKind::Directive(d) => {
                let node = self.add_line_node(parent, d, NodeKind::Directive, &item, active);
                if active {
                    self.exec_on_read(node, &item, reader);
                }
            }
            LineKind::Open(opener) => self.open(opener, item, stack, reader, parent, active),
            LineKind::Close(closer) => self.close(closer, &item, stack, parent),
        }
    }

    /// `${VAR}` substitution on an active line; re-classifies when it changed.
    fn substitute(&mut self, kind: LineKind, item: &Item, parent: NodeId) -> LineKind {
        let Some(info) = info_of(&kind) else {
            return kind;
        };
        let text = info.text(&item.text);
        if !text.windows(2).any(|w| w == b"${") {
            return kind;
        }
        let (new_text, uses) = self.vars.substitute(text);
        let map = info.offset_map().into_owned();
        for u in uses.iter().filter(|u| u.value.is_none()) {
            if u.name.contains(':') {
                continue;
            }
            let span = Span::new(item.file, map.range_to_file(u.at, u.at + u.len));
            let message = format!("AH00111: Config variable ${{{}}} is not defined", u.name);
            self.report(
                &rl::UNDEFINED_VARIABLE,
                span,
                format!(
                    "variable ${{{}}} is not defined here; httpd keeps the text literally",
                    u.name
                ),
                Some((message, span, item.httpd_line)),
                parent,
                item.macro_ctx,
                None,
            );
        }
        let Some(new_text) = new_text else {
            return kind;
        };
        // Rebuild the offset map: each substituted use is one atomic piece.
        let mut new_map = map;
        let mut shift: i64 = 0;
        for u in &uses {
            if let Some(v) = &u.value {
                let at = (u.at as i64 + shift) as usize;
                new_map = new_map.substituted(at, u.len, v.len());
                shift += v.len() as i64 - u.len as i64;
            }
        }
        let line = LogicalLine {
            text: std::borrow::Cow::Owned(new_text),
            map: new_map,
            first_line: info.first_line,
            last_line: info.last_line,
            raw_len: 0,
            nul_truncated: false,
            continuations: 0,
        };
        let mut reclassified = classify(&line);
        // Keep the original line's extent for reporting.
        set_line_range(&mut reclassified, info.range);
        reclassified
    }

    fn add_line_node(
        &mut self,
        parent: NodeId,
        d: Directive,
        kind: NodeKind,
        item: &Item,
        active: bool,
    ) -> NodeId {
        let name = match kind {
            NodeKind::Directive => d.name.value,
            _ => d
                .name
                .value
                .strip_prefix('<')
                .unwrap_or(&d.name.value)
                .into(),
        };
        let is_section = !matches!(kind, NodeKind::Directive);
        let raw_args = match &d.line.joined {
            // httpd gives an opener with no arguments the argument string ">".
            _ if is_section && d.line.range.start + d.args_offset >= d.line.range.end => {
                RawArgs::Owned(">".into())
            }
            None => RawArgs::Slice(TextRange::new(
                (d.line.range.start + d.args_offset) as usize,
                d.line.range.end as usize,
            )),
            Some(joined) => RawArgs::Owned(
                String::from_utf8_lossy(
                    &joined.text[(d.args_offset as usize).min(joined.text.len())..],
                )
                .into(),
            ),
        };
        self.add_node(
            Some(parent),
            Node {
                parent: Some(parent),
                children: Vec::new(),
                kind,
                name,
                args: d.args,
                raw_args,
                span: Span::new(item.file, d.line.range),
                name_span: Span::new(item.file, d.name.range),
                line: item.httpd_line,
                active,
                macro_ctx: item.macro_ctx,
            },
        )
    }

    // -------------------------------------------------------------- sections

    fn open(
        &mut self,
        opener: Opener,
        item: Item,
        stack: &mut Vec<Frame>,
        reader: &mut Reader,
        parent: NodeId,
        active: bool,
    ) {
        let name = opener.name().to_string();
        if !active {
            let kind = match opener.kind {
                SectionKind::Conditional => NodeKind::Conditional {
                    holds: None,
                    close: None,
                },
                _ => NodeKind::Section {
                    has_closing_angle: opener.has_closing_angle,
                    close: None,
                },
            };
            let node = self.add_line_node(parent, opener.directive, kind, &item, false);
            stack.push(Frame {
                node,
                name,
                mode: Mode::Soak,
                soak_origin: stack.last().and_then(|f| f.soak_origin),
            });
            return;
        }
        match opener.kind {
            SectionKind::Conditional => self.open_conditional(opener, item, stack, parent),
            SectionKind::Macro if self.has_module("macro_module") => {
                self.define_macro(opener, item, reader, parent)
            }
            SectionKind::Macro | SectionKind::Ordinary => {
                let node = self.add_line_node(
                    parent,
                    opener.directive,
                    NodeKind::Section {
                        has_closing_angle: opener.has_closing_angle,
                        close: None,
                    },
                    &item,
                    true,
                );
                // Without mod_macro loaded while reading, `<Macro` is an
                // unknown section: read as one, never walked.
                let mode = if opener.kind == SectionKind::Macro {
                    Mode::Unwalked
                } else {
                    Mode::Ordinary
                };
                stack.push(Frame {
                    node,
                    name,
                    mode,
                    soak_origin: None,
                });
            }
        }
    }

    fn open_conditional(
        &mut self,
        opener: Opener,
        item: Item,
        stack: &mut Vec<Frame>,
        parent: NodeId,
    ) {
        let name = opener.name().to_string();
        let raw_args = opener.directive.raw_args(&item.text).to_vec();
        let result = match CondKind::of(&name) {
            Some(CondKind::IfVersion) => {
                // mod_version must be loaded for <IfVersion> to exist at all.
                cond::eval_ifversion(&raw_args, self.profile.version)
            }
            Some(kind) => cond::parse_test(&raw_args).map(|test| {
                let holds = self.test_condition(kind, &test.subject);
                holds != test.negated
            }),
            None => Ok(false),
        };
        let span = Span::new(item.file, opener.directive.line.range);
        let holds = match result {
            Ok(h) => h,
            Err(e) => {
                let rule = match e {
                    CondError::Version(_) => &rl::IFVERSION_INVALID,
                    _ => &rl::CONDITIONAL_MALFORMED,
                };
                let message = e.message(&name);
                let at = Span::new(item.file, opener.directive.name.range);
                self.report(
                    rule,
                    at,
                    message.clone(),
                    Some((message, span, item.httpd_line)),
                    parent,
                    item.macro_ctx,
                    None,
                );
                false
            }
        };
        let node = self.add_line_node(
            parent,
            opener.directive,
            NodeKind::Conditional {
                holds: Some(holds),
                close: None,
            },
            &item,
            true,
        );
        stack.push(Frame {
            node,
            name,
            mode: if holds { Mode::Barrier } else { Mode::Soak },
            soak_origin: (!holds).then_some((span, item.httpd_line)),
        });
    }

    /// Evaluates one condition's subject against the state read so far.
    fn test_condition(&self, kind: CondKind, subject: &str) -> bool {
        match kind {
            CondKind::IfModule => self
                .modules
                .iter()
                .any(|m| m.identifier == subject || m.source.as_deref() == Some(subject)),
            CondKind::IfDefine => self.vars.is_defined(subject),
            CondKind::IfFile => {
                let path = self.server_relative(subject);
                self.vfs.stat(&path).is_ok()
            }
            CondKind::IfDirective => crate::model::registry::registered_by(
                subject,
                self.modules.iter().map(|m| m.identifier.as_str()),
            ),
            CondKind::IfSection => crate::model::registry::registered_by(
                &format!("<{subject}"),
                self.modules.iter().map(|m| m.identifier.as_str()),
            ),
            CondKind::IfVersion => false,
        }
    }

    fn close(&mut self, closer: Closer, item: &Item, stack: &mut Vec<Frame>, parent: NodeId) {
        let token = closer.token().to_string();
        let span = Span::new(item.file, closer.word.range);
        let line_span = Span::new(item.file, closer.line.range);
        let Some(top) = stack.last().cloned() else {
            self.httpd_error(
                &rs::UNMATCHED_CLOSE_TAG,
                span,
                item.httpd_line,
                unmatched_close_message(&token),
                parent,
                item.macro_ctx,
            );
            return;
        };
        let closed_name = closer.closed_name().to_string();
        let names_match = closed_name.eq_ignore_ascii_case(&top.name);
        match top.mode {
            Mode::Soak => {
                // ap_soak_end_container: cut the last byte, compare the rest.
                let mut cut = token.clone();
                cut.pop();
                let cut_name = &cut[2.min(cut.len())..];
                if !cut_name.eq_ignore_ascii_case(&top.name) {
                    let message = format!("Expected </{}> but saw {cut}>", top.name);
                    let (origin, origin_line) = top.soak_origin.unwrap_or((span, item.httpd_line));
                    self.report(
                        &rs::MISMATCHED_CLOSE_TAG,
                        span,
                        message.clone(),
                        Some((message, origin, origin_line)),
                        parent,
                        item.macro_ctx,
                        None,
                    );
                    // Recovery: close up to a skipped section this closer
                    // names, so one mistake is one error.
                    let floor = stack.iter().position(|f| f.mode == Mode::Soak).unwrap_or(0);
                    self.unwind_to(stack, floor, &closed_name);
                }
                self.pop(stack, Some(line_span));
            }
            Mode::Barrier => {
                if closer.is_exact_for(&top.name) {
                    self.pop(stack, Some(line_span));
                    return;
                }
                // httpd reads this line as an ordinary closer with no open
                // section: "without matching".
                let rule = if names_match {
                    &rl::CONDITIONAL_CLOSE_NOT_EXACT
                } else {
                    &rs::UNMATCHED_CLOSE_TAG
                };
                self.httpd_error(
                    rule,
                    span,
                    item.httpd_line,
                    unmatched_close_message(&token),
                    parent,
                    item.macro_ctx,
                );
                if names_match {
                    self.pop(stack, Some(line_span));
                }
            }
            Mode::Ordinary | Mode::Unwalked => {
                if !token.ends_with('>') {
                    self.httpd_error(
                        &rs::CLOSE_TAG_MISSING_ANGLE,
                        span,
                        item.httpd_line,
                        missing_angle_message(&token),
                        parent,
                        item.macro_ctx,
                    );
                    if names_match {
                        self.pop(stack, Some(line_span));
                    }
                    return;
                }
                if names_match {
                    self.pop(stack, Some(line_span));
                    return;
                }
                self.httpd_error(
                    &rs::MISMATCHED_CLOSE_TAG,
                    span,
                    item.httpd_line,
                    mismatch_message(&top.name, &closed_name),
                    parent,
                    item.macro_ctx,
                );
                // Recovery within the nearest barrier.
                let floor = stack
                    .iter()
                    .rposition(|f| f.mode != Mode::Ordinary)
                    .map_or(0, |i| i + 1);
                if self.unwind_to(stack, floor, &closed_name) {
                    self.pop(stack, Some(line_span));
                }
            }
        }
    }

    /// Recovery after a wrong closer: when a section at or above `floor`
    /// has the closed name, the sections opened inside it were left open by
    /// mistake — pop them silently (the error already covers them) so that
    /// section is on top. Returns whether one was found.
    fn unwind_to(&mut self, stack: &mut Vec<Frame>, floor: usize, closed_name: &str) -> bool {
        let Some(depth) = stack[floor.min(stack.len())..]
            .iter()
            .rposition(|f| f.name.eq_ignore_ascii_case(closed_name))
        else {
            return false;
        };
        while stack.len() > floor + depth + 1 {
            self.pop(stack, None);
        }
        true
    }

    fn pop(&mut self, stack: &mut Vec<Frame>, close: Option<Span>) {
        let Some(frame) = stack.pop() else { return };
        match &mut self.nodes[frame.node.0 as usize].kind {
            NodeKind::Section { close: c, .. } | NodeKind::Conditional { close: c, .. } => {
                *c = close
            }
            _ => {}
        }
    }

    fn end_of_file(&mut self, mut stack: Vec<Frame>, file_node: NodeId) {
        let mut reported_soak = false;
        while let Some(frame) = stack.last().cloned() {
            let node = self.nodes[frame.node.0 as usize].clone();
            let parent = node.parent.unwrap_or(file_node);
            match frame.mode {
                Mode::Ordinary | Mode::Unwalked => {
                    let message = unclosed_message(&frame.name);
                    self.httpd_error(
                        &rs::UNCLOSED_SECTION,
                        node.name_span,
                        node.line,
                        message,
                        parent,
                        node.macro_ctx,
                    );
                }
                Mode::Barrier => {
                    self.report(
                        &rl::CONDITIONAL_UNCLOSED,
                        node.name_span,
                        format!(
                            "<{}> is never closed: httpd accepts it and applies it to the rest of the file",
                            frame.name
                        ),
                        None,
                        parent,
                        node.macro_ctx,
                        Some(Severity::Warning),
                    );
                }
                Mode::Soak if !reported_soak => {
                    reported_soak = true;
                    let message = format!("Expected </{}> before end of configuration", frame.name);
                    let (origin, line) = frame.soak_origin.unwrap_or((node.span, node.line));
                    self.report(
                        &rl::CONDITIONAL_UNCLOSED,
                        node.name_span,
                        message.clone(),
                        Some((message, origin, line)),
                        parent,
                        node.macro_ctx,
                        None,
                    );
                }
                Mode::Soak => {}
            }
            self.pop(&mut stack, None);
        }
    }

    // ---------------------------------------------------------- exec on read

    /// Whether a module is loaded at this point of reading.
    fn has_module(&self, identifier: &str) -> bool {
        self.modules.iter().any(|m| m.identifier == identifier)
    }

    fn server_relative(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            normalize(p)
        } else {
            normalize(&self.server_root.join(p))
        }
    }

    fn exec_on_read(&mut self, node: NodeId, item: &Item, reader: &mut Reader) {
        let n = &self.nodes[node.0 as usize];
        let name = n.name.to_ascii_lowercase();
        let args: Vec<String> = n.args.iter().map(|a| a.value.to_string()).collect();
        let arg_span = n.arg_span(0);
        match name.as_str() {
            "include" | "includeoptional" if args.len() == 1 && !args[0].is_empty() => {
                self.include(node, &args[0], name == "includeoptional", item);
            }
            "define" | "undefine" if !args.is_empty() && !args[0].is_empty() => {
                if args[0].contains(':') {
                    let message = "Variable name must not contain ':'".to_string();
                    self.report(
                        &rl::DEFINE_INVALID_NAME,
                        arg_span,
                        message.clone(),
                        Some((message, n.span, n.line)),
                        node,
                        item.macro_ctx,
                        None,
                    );
                } else if name == "define" {
                    let value = args.get(1).filter(|v| !v.is_empty()).map(String::as_str);
                    if args.len() <= 2 {
                        self.vars.define(&args[0], value);
                    }
                } else {
                    self.vars.undefine(&args[0]);
                }
            }
            "serverroot" if args.len() == 1 => {
                let root = normalize(Path::new(&args[0]));
                match self.vfs.stat(&root) {
                    Ok(r) if r.meta.kind == provider::EntryKind::Dir => {}
                    Err(VfsError::Outside) => {}
                    _ => {
                        let message = "ServerRoot must be a valid directory".to_string();
                        self.report(
                            &rl::SERVER_ROOT_INVALID,
                            arg_span,
                            message.clone(),
                            Some((message, n.span, n.line)),
                            node,
                            item.macro_ctx,
                            None,
                        );
                    }
                }
                self.server_root = root;
            }
            "loadmodule"
                if args.len() == 2 && !self.modules.iter().any(|m| m.identifier == args[0]) =>
            {
                self.modules.push(LoadedModule {
                    identifier: args[0].clone(),
                    source: Some(profile::module_source_file(&args[0])),
                    node: Some(node),
                });
            }
            "use" if self.has_module("macro_module") => self.use_macro(node, item, reader),
            "undefmacro" if self.has_module("macro_module") => {
                let message = if !self.macros_defined {
                    Some("no macro defined before UndefMacro".to_string())
                } else if args.first().is_none_or(|a| a.is_empty()) {
                    Some("no macro name specified with UndefMacro".to_string())
                } else {
                    let key = args[0].to_lowercase();
                    match self.macros.remove(&key) {
                        Some(_) => None,
                        None => Some(format!("cannot remove undefined macro '{key}'")),
                    }
                };
                if let Some(message) = message {
                    self.report(
                        &rl::MACRO_USE_INVALID,
                        arg_span,
                        message.clone(),
                        Some((message, n.span, n.line)),
                        node,
                        item.macro_ctx,
                        None,
                    );
                }
            }
            _ => {}
        }
    }

    fn include(&mut self, node: NodeId, pattern: &str, optional: bool, item: &Item) {
        if self.unwinding_recursion {
            return;
        }
        let inc = self.nodes[node.0 as usize].clone();
        if self.include_depth + 1 > MAX_INCLUDE_DEPTH {
            self.unwinding_recursion = true;
            let message = format!(
                "Exceeded maximum include depth of {MAX_INCLUDE_DEPTH}, There appears to be a recursion."
            );
            self.report(
                &rl::INCLUDE_RECURSION,
                inc.arg_span(0),
                message.clone(),
                Some((message, inc.span, inc.line)),
                node,
                item.macro_ctx,
                None,
            );
            return;
        }
        let path = self.server_relative(pattern);
        self.last_include_line = inc.line;
        let mut expansion = include::expand(self.vfs, &path, optional);
        let mut batch: VecDeque<Expanded> = VecDeque::new();
        let mut batch_size = 1;
        while !self.unwinding_recursion {
            // Expand and read the next files a batch at a time: in parallel,
            // with memory bounded on trees of thousands of sites, and lazily
            // (the first batches are small) where the first file is all httpd
            // reads before an error stops it.
            if batch.is_empty() {
                batch.extend(expansion.by_ref().take(batch_size));
                batch_size = (batch_size * 2).min(PREFETCH_BATCH);
                let files: Vec<PathBuf> = batch
                    .iter()
                    .filter_map(|step| match step {
                        Expanded::File(file) => Some(file.clone()),
                        Expanded::Error(_) => None,
                    })
                    .collect();
                self.prefetch(&files);
            }
            let Some(step) = batch.pop_front() else {
                break;
            };
            match step {
                Expanded::File(file) => self.include_file(node, &inc, &file, optional, item),
                Expanded::Error(error) => {
                    if let IncludeError::TooDeep { .. } = error {
                        self.unwinding_recursion = true;
                    }
                    let (rule, severity) = match error {
                        IncludeError::Outside { .. } => (&rl::PATH_OUTSIDE_TREE, None),
                        IncludeError::TooDeep { .. } => (&rl::INCLUDE_RECURSION, None),
                        _ => (&rl::INCLUDE_NOT_FOUND, None),
                    };
                    let message = error.message();
                    let httpd = (!matches!(error, IncludeError::Outside { .. }))
                        .then(|| (message.clone(), inc.span, inc.line));
                    self.report(
                        rule,
                        inc.arg_span(0),
                        message,
                        httpd,
                        node,
                        item.macro_ctx,
                        severity,
                    );
                }
            }
        }
        if self.include_depth == 0 {
            self.unwinding_recursion = false;
        }
    }

    fn include_file(&mut self, node: NodeId, inc: &Node, file: &Path, optional: bool, item: &Item) {
        match self.cache.get(file).cloned() {
            Some(Ok(data)) => {
                self.include_depth += 1;
                let file_node = self.add_file_node(Some(node), &data, self.include_depth);
                self.includes.push(IncludeRecord {
                    path: file.to_path_buf(),
                    depth: self.include_depth,
                    line: Some(self.last_include_line),
                });
                self.process_file(&data, file_node);
                self.include_depth -= 1;
            }
            Some(Err(VfsError::NotFound)) | Some(Err(VfsError::Loop)) if optional => {}
            Some(Err(error)) => {
                let rule = open_error_rule(&error);
                let message = match error {
                    VfsError::NotRegular => format!(
                        "AH00554: Access to file {} denied by server: not a regular file",
                        file.display()
                    ),
                    VfsError::Outside => {
                        format!("{}: not verified: outside the checked tree", file.display())
                    }
                    _ => format!(
                        "Could not open configuration file {}: {error}",
                        file.display()
                    ),
                };
                let httpd =
                    (error != VfsError::Outside).then(|| (message.clone(), inc.span, inc.line));
                self.report(
                    rule,
                    inc.arg_span(0),
                    message,
                    httpd,
                    node,
                    item.macro_ctx,
                    None,
                );
            }
            None => {}
        }
    }

    // ---------------------------------------------------------------- macros

    /// `<Macro name params…>` as mod_macro's `macro_section` handles it:
    /// the checks and warnings in its order, then the raw body read from the
    /// stream (even after an error, so one mistake is one finding).
    fn define_macro(&mut self, opener: Opener, item: Item, reader: &mut Reader, parent: NodeId) {
        let has_closing_angle = opener.has_closing_angle;
        let raw = String::from_utf8_lossy(opener.directive.raw_args(&item.text)).into_owned();
        let node = self.add_line_node(parent, opener.directive, NodeKind::MacroDef, &item, true);
        let n = self.nodes[node.0 as usize].clone();
        let file_name = self.where_name(&item);
        let log = |loader: &mut Self, warning: String, at: Span| {
            loader.report(
                &rl::MACRO_DEFINITION_WARNING,
                at,
                warning.clone(),
                Some((warning, n.span, n.line)),
                parent,
                item.macro_ctx,
                None,
            );
        };
        let fail = |loader: &mut Self, message: String| {
            loader.report(
                &rl::MACRO_USE_INVALID,
                n.name_span,
                message.clone(),
                Some((message, n.span, n.line)),
                parent,
                item.macro_ctx,
                None,
            );
        };
        let name: String = n
            .args
            .first()
            .map(|a| a.value.to_lowercase().to_string())
            .unwrap_or_default();
        let location = format!("defined on line {} of \"{file_name}\"", item.httpd_line);
        let where_ = format!("macro '{name}' ({location})");
        // Checks made before the body is read; an error stops the definition.
        let mut error = None;
        if !has_closing_angle {
            error = Some("<Macro> directive missing closing '>'".to_string());
        } else if raw.trim_start().is_empty() || raw.trim_start().starts_with('>') {
            error = Some("<Macro macro definition: empty name".to_string());
        } else {
            if let Some(rest) = raw.rfind('>').map(|i| &raw[i + 1..])
                && non_blank(rest)
            {
                let w = format!(
                    "AH02989: AH02801: non blank chars found after <Macro closing '>' on line {} of {file_name}: {rest}",
                    item.httpd_line
                );
                log(self, w, n.span);
            }
            if name.is_empty() {
                error = Some("<Macro macro definition: name not found".to_string());
            }
        }
        let mut def = MacroDef {
            name: name.clone(),
            params: n.args.iter().skip(1).map(|a| a.value.to_string()).collect(),
            body: Vec::new(),
            span: n.span,
            line: n.line,
            location: location.clone(),
        };
        if error.is_none() {
            if let Some(previous) = self.macros.get(&name) {
                let w = format!(
                    "AH02802: macro '{name}' multiply defined: {}, redefined on line {} of \"{file_name}\"",
                    previous.location, item.httpd_line
                );
                log(self, w, n.name_span);
            }
            let (warnings, argument_error) = macros::check_arguments(&def);
            for w in warnings {
                log(self, w, n.name_span);
            }
            error = argument_error;
        }
        // mod_macro's get_lines_till_end_token.
        let opener_line = item.httpd_line;
        let mut macro_nesting = 1;
        let mut any_nesting: i32 = 1;
        let mut closed = false;
        let mut body_warnings = Vec::new();
        while let Some(next) = reader.next() {
            // A line longer than mod_macro's buffer (even a comment) ends the
            // body, reported as "expected token not found".
            if next.line.raw_len >= MAX_LINE_MACRO_BODY {
                break;
            }
            let kind = &next.line.kind;
            let Some(info) = info_of(kind) else { continue };
            if matches!(kind, LineKind::Comment(_)) {
                continue;
            }
            let first = first_word(kind).unwrap_or("");
            if first.starts_with("</") {
                any_nesting -= 1;
                if any_nesting < 0 {
                    body_warnings.push(format!(
                        "AH02793: bad (negative) nesting on line {} of {where_}",
                        next.httpd_line.saturating_sub(opener_line)
                    ));
                }
            } else if first.starts_with('<') {
                any_nesting += 1;
            }
            if first.eq_ignore_ascii_case("</Macro>") {
                let text = String::from_utf8_lossy(info.text(&next.text)).into_owned();
                if let Some(rest) = text.rfind('>').map(|i| &text[i + 1..])
                    && non_blank(rest)
                {
                    body_warnings.push(format!(
                        "AH02989: AH02794: non blank chars found after directive closing on line {} of {}: {rest}",
                        next.httpd_line,
                        self.where_name(&next)
                    ));
                }
                macro_nesting -= 1;
                if macro_nesting == 0 {
                    if any_nesting != 0 {
                        body_warnings.push(format!(
                            "AH02795: bad cumulated nesting ({any_nesting:+}) in {where_}"
                        ));
                    }
                    closed = true;
                    break;
                }
            } else if first.eq_ignore_ascii_case("<Macro") {
                macro_nesting += 1;
            }
            def.body.push(BodyLine {
                file: next.file,
                text: next.text.clone(),
                line: info.clone(),
            });
        }
        if let Some(message) = error {
            fail(self, message);
            return;
        }
        for w in body_warnings {
            log(self, w, n.name_span);
        }
        if !closed {
            let message = format!("{where_}\n\tcontents error: expected token not found: </Macro>");
            self.report(
                &rs::MACRO_UNCLOSED,
                n.name_span,
                message.clone(),
                Some((message, n.span, n.line)),
                parent,
                item.macro_ctx,
                None,
            );
            return;
        }
        for w in macros::content_warnings(&def) {
            log(self, w, n.name_span);
        }
        self.macros_defined = true;
        self.macros.insert(name, Arc::new(def));
    }

    /// httpd's name for the "file" an item is read from: the configuration
    /// path, or the pseudo-file name of a macro expansion.
    fn where_name(&self, item: &Item) -> String {
        match item.macro_ctx {
            Some(ctx) => self.macro_ctxs[ctx.0 as usize].where_.clone(),
            None => self
                .sources
                .get(item.file)
                .config_path
                .display()
                .to_string(),
        }
    }

    fn use_macro(&mut self, node: NodeId, item: &Item, reader: &mut Reader) {
        let n = self.nodes[node.0 as usize].clone();
        let fail = |loader: &mut Self, message: String| {
            loader.report(
                &rl::MACRO_USE_INVALID,
                n.arg_span(0),
                message.clone(),
                Some((message, n.span, n.line)),
                node,
                item.macro_ctx,
                None,
            );
        };
        if !self.macros_defined {
            fail(self, "no macro defined before Use".into());
            return;
        }
        let name = n.arg(0).unwrap_or("").to_lowercase();
        if name.is_empty() {
            fail(self, "no macro name specified with Use".into());
            return;
        }
        let Some(def) = self.macros.get(&name).cloned() else {
            fail(self, format!("macro '{name}' undefined"));
            return;
        };
        let mut ctx = item.macro_ctx;
        while let Some(c) = ctx {
            if self.macro_ctxs[c.0 as usize].macro_name == name {
                fail(self, format!("recursive use of macro '{name}' is invalid"));
                return;
            }
            ctx = self.macro_ctxs[c.0 as usize].parent;
        }
        let values: Vec<String> = n.args[1..].iter().map(|a| a.value.to_string()).collect();
        if values.len() != def.params.len() {
            fail(
                self,
                format!(
                    "macro '{name}' ({}) used with {} arguments instead of {}",
                    def.location,
                    values.len(),
                    def.params.len()
                ),
            );
            return;
        }
        let where_ = format!(
            "macro '{name}' ({}) used on line {} of \"{}\"",
            def.location,
            item.httpd_line,
            self.where_name(item)
        );
        for (i, v) in values.iter().enumerate() {
            if v.is_empty() {
                let message = format!("AH02798: {where_}: empty argument #{}", i + 1);
                self.report(
                    &rl::MACRO_DEFINITION_WARNING,
                    n.arg_span(i + 1),
                    message.clone(),
                    Some((message, n.span, n.line)),
                    node,
                    item.macro_ctx,
                    None,
                );
            }
        }
        let expanded: Vec<LogicalLine<'static>> = def
            .body
            .iter()
            .map(|body| macros::expand_line(&def, body, &values))
            .collect();
        if let Some(i) = expanded
            .iter()
            .position(|l| l.text.len() >= MAX_LINE_MACRO_BODY)
        {
            fail(
                self,
                format!(
                    "{where_} error while substituting: while processing line {} of macro '{name}' ({}) cannot substitute, buffer size too small",
                    i + 1,
                    def.location
                ),
            );
            return;
        }
        let ctx_id = MacroCtxId(self.macro_ctxs.len() as u32);
        self.macro_ctxs.push(MacroCtx {
            macro_name: name,
            use_span: n.span,
            use_line: n.line,
            def_span: def.span,
            def_line: def.line,
            where_,
            parent: item.macro_ctx,
        });
        let items: Vec<Item> = expanded
            .into_iter()
            .zip(def.body.iter())
            .enumerate()
            .map(|(i, (line, body))| {
                let too_long = line.text.len() >= MAX_LINE_MACRO_BODY;
                let raw_len = line.text.len();
                Item {
                    line: PreLine {
                        kind: classify(&line),
                        too_long,
                        raw_len,
                    },
                    file: body.file,
                    text: body.text.clone(),
                    macro_ctx: Some(ctx_id),
                    httpd_line: i as u32 + 1,
                }
            })
            .collect();
        reader.injected.push(items.into_iter());
    }
}

/// The rule for a file that could not be opened.
fn open_error_rule(error: &VfsError) -> &'static RuleMeta {
    match error {
        VfsError::NotFound | VfsError::Loop | VfsError::NotADirectory => &rl::INCLUDE_NOT_FOUND,
        VfsError::NotRegular => &rl::INCLUDE_NOT_REGULAR_FILE,
        VfsError::Outside => &rl::PATH_OUTSIDE_TREE,
        VfsError::Io(_) => &rl::FILE_UNREADABLE,
    }
}

/// mod_macro's `warn_if_non_blank`: anything but blanks before a `#`.
fn non_blank(text: &str) -> bool {
    let before_comment = text.split('#').next().unwrap_or("");
    before_comment.chars().any(|c| c != ' ' && c != '\t')
}

/// Lexical normalisation of an absolute path (`.` and `..` removed), as
/// `apr_filepath_merge` does for ServerRoot-relative names.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(n) => out.push(n),
            _ => {}
        }
    }
    out
}

/// After substitution, a line's spans keep the original line's extent.
fn set_line_range(kind: &mut LineKind, range: TextRange) {
    let info: Option<&mut LineInfo> = match kind {
        LineKind::Blank => None,
        LineKind::Empty(i) => Some(i),
        LineKind::Comment(c) => Some(&mut c.line),
        LineKind::Ignored(i) => Some(i),
        LineKind::Directive(d) => Some(&mut d.line),
        LineKind::Open(o) => Some(&mut o.directive.line),
        LineKind::Close(c) => Some(&mut c.line),
    };
    if let Some(info) = info {
        info.range = range;
    }
}

#[cfg(test)]
mod tests;
