//! Text renderings of a loaded [`Config`] in httpd's own formats, so they can
//! be compared line for line with the real server:
//! - [`includes`] = `apache2 -t -D DUMP_INCLUDES`;
//! - [`dump_config`] = `apache2 -t -D DUMP_CONFIG` with mod_info loaded
//!   (the effective tree after pass 1: conditionals flattened, skipped bodies
//!   removed, `${}` substituted, EXEC_ON_READ directives omitted).
//!
//! And [`loaded_json`], the documented JSON form of `apachelint dump`.
//!
//! # `apachelint dump PATH --format json` (version 1)
//!
//! ```json
//! {"version": 1, "status": "ok",
//!  "root": "/etc/apache2/apache2.conf", "server_root": "/etc/apache2",
//!  "modules": [{"identifier": "core_module", "source": "core.c", "builtin": true}, …],
//!  "defines": ["ROOT"],
//!  "tree": {"kind": "file", "file": "apache2.conf", "config_path": "/etc/apache2/apache2.conf",
//!           "children": [
//!    {"kind": "directive", "name": "Define", "args": ["ROOT", "/srv"],
//!     "file": "apache2.conf", "line": 1, "column": 1, "span": [0, 16], "active": true},
//!    {"kind": "section", "name": "VirtualHost", "args": ["*:80"], …, "children": [
//!      {"kind": "directive", "name": "DocumentRoot", "args": ["/srv/a"], "line": 3, …}]},
//!    {"kind": "directive", "name": "Include", "args": ["sites/*.conf"], …, "children": [
//!      {"kind": "file", "file": "sites/a.conf", …, "children": […]}]}]}}
//! ```
//!
//! - `kind`: `file`, `directive`, `section`, `conditional` (with `holds`:
//!   `true`/`false`, or `null` inside an inactive branch) or `macro` (a
//!   definition).
//! - Arguments are shown after `${VAR}` substitution; `active` is `false`
//!   for content of a false conditional (kept so it can be checked as latent).
//! - Nodes from an included file carry `included_from`: the chain of
//!   `{"file", "line", "kind": "include"|"macro"}`, outermost first.
//! - `status` is `failed` when a file could not be read or parsed.

use std::fmt::Write;

use serde_json::{Value, json};

use super::tree::{Config, NodeId, NodeKind};

/// `-t -D DUMP_INCLUDES`.
pub fn includes(config: &Config) -> String {
    let mut out = String::from("Included configuration files:\n");
    for rec in &config.includes {
        let indent = "  ".repeat(rec.depth as usize + 1);
        match rec.line {
            Some(line) => {
                let _ = writeln!(out, "{indent}({line}) {}", rec.path.display());
            }
            None => {
                let _ = writeln!(out, "{indent}(*) {}", rec.path.display());
            }
        }
    }
    out
}

/// Directives httpd runs while reading and does not keep in its tree.
pub fn is_exec_on_read(name: &str) -> bool {
    const NAMES: [&str; 13] = [
        "Include",
        "IncludeOptional",
        "Define",
        "UnDefine",
        "ServerRoot",
        "DefaultRuntimeDir",
        "LoadModule",
        "LoadFile",
        "Use",
        "UndefMacro",
        "RemoteIPTrustedProxyList",
        "RemoteIPInternalProxyList",
        "Macro",
    ];
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// httpd's name for the file a node was read from (the configuration path,
/// or a macro expansion's pseudo-file name).
pub fn httpd_file_name(config: &Config, id: NodeId) -> String {
    let node = config.node(id);
    match node.macro_ctx {
        Some(ctx) => config.macro_ctxs[ctx.0 as usize].where_.clone(),
        None => config.config_path(node.span.file).display().to_string(),
    }
}

struct DumpConfig<'c> {
    config: &'c Config,
    canonical: &'c dyn Fn(&str) -> String,
    out: String,
    current_file: Option<String>,
}

impl DumpConfig<'_> {
    fn indent(&mut self, id: NodeId, nest: usize, line: u32) {
        let file = httpd_file_name(self.config, id);
        if self.current_file.as_deref() != Some(file.as_str()) {
            let _ = writeln!(self.out, "# In file: {file}");
            self.current_file = Some(file);
        }
        if line > 0 {
            let _ = writeln!(self.out, "{}#{line:>4}:", "  ".repeat(nest));
        }
        self.out.push_str(&"  ".repeat(nest));
    }

    fn shown_children(&self, id: NodeId) -> Vec<NodeId> {
        self.config
            .effective(id)
            .into_iter()
            .filter(|&c| {
                let n = self.config.node(c);
                !(n.is_directive() && is_exec_on_read(&n.name))
            })
            .collect()
    }

    fn node(&mut self, id: NodeId, nest: usize) {
        let node = self.config.node(id);
        let children = if node.is_section() {
            self.shown_children(id)
        } else {
            Vec::new()
        };
        let (name, args) = match node.kind {
            NodeKind::Section { .. } => (
                format!(
                    "<{}",
                    (self.canonical)(&format!("<{}", node.name)).trim_start_matches('<')
                ),
                self.config.raw_args(id).into_owned(),
            ),
            _ => (
                (self.canonical)(&node.name),
                self.config.raw_args(id).into_owned(),
            ),
        };
        self.indent(id, nest, node.line);
        let _ = writeln!(self.out, "{name} {args}");
        if !children.is_empty() {
            for c in children {
                self.node(c, nest + 1);
            }
            self.indent(id, nest, 0);
            let _ = writeln!(self.out, "</{}>", &name[1..]);
        }
    }
}

/// `-t -D DUMP_CONFIG`. `canonical` maps a directive name to the spelling the
/// server registers (httpd prints that); pass the identity when unknown.
pub fn dump_config(config: &Config, canonical: &dyn Fn(&str) -> String) -> String {
    let mut dump = DumpConfig {
        config,
        canonical,
        out: String::new(),
        current_file: None,
    };
    let top: Vec<NodeId> = dump.shown_children(config.root);
    for id in top {
        dump.node(id, 0);
    }
    dump.out
}

/// The JSON of one loaded node (recursive over its children).
fn node_json(config: &Config, id: NodeId) -> Value {
    let node = config.node(id);
    let file = config.sources.get(node.span.file);
    let start = file.line_col(node.span.range.start());
    let mut m = serde_json::Map::new();
    let kind = match &node.kind {
        NodeKind::File { .. } => "file",
        NodeKind::Directive => "directive",
        NodeKind::Section { .. } => "section",
        NodeKind::Conditional { .. } => "conditional",
        NodeKind::MacroDef => "macro",
    };
    m.insert("kind".into(), json!(kind));
    if let NodeKind::File { .. } = node.kind {
        m.insert("file".into(), json!(file.display_path()));
        m.insert(
            "config_path".into(),
            json!(file.config_path.display().to_string()),
        );
    } else {
        m.insert("name".into(), json!(&*node.name));
        m.insert(
            "args".into(),
            Value::Array(node.args.iter().map(|a| json!(&*a.value)).collect()),
        );
        m.insert("file".into(), json!(file.display_path()));
        m.insert("line".into(), json!(start.line));
        m.insert("column".into(), json!(start.column));
        m.insert(
            "span".into(),
            json!([node.span.range.start, node.span.range.end]),
        );
        m.insert("active".into(), json!(node.active));
    }
    if let NodeKind::Conditional { holds, .. } = node.kind {
        m.insert("holds".into(), json!(holds));
    }
    let chain = config.chain(id);
    if !chain.is_empty() && !matches!(node.kind, NodeKind::File { .. }) {
        m.insert(
            "included_from".into(),
            Value::Array(
                chain
                    .iter()
                    .map(|l| {
                        let f = config.sources.get(l.span.file);
                        json!({"file": f.display_path(), "line": l.line, "kind": l.kind})
                    })
                    .collect(),
            ),
        );
    }
    if !node.children.is_empty() {
        m.insert(
            "children".into(),
            Value::Array(
                node.children
                    .iter()
                    .map(|&c| node_json(config, c))
                    .collect(),
            ),
        );
    }
    Value::Object(m)
}

/// The loaded tree as JSON (see the module documentation).
pub fn loaded_json(config: &Config) -> Value {
    json!({
        "version": 1,
        "status": if config.is_complete() { "ok" } else { "failed" },
        "root": config.root_path.display().to_string(),
        "server_root": config.server_root.display().to_string(),
        "modules": config.modules.iter().map(|m| json!({
            "identifier": m.identifier,
            "source": m.source,
            "builtin": m.node.is_none(),
        })).collect::<Vec<_>>(),
        "defines": config.vars.names(),
        "tree": node_json(config, config.root),
    })
}
