//! What httpd's `LoadModule` handler (`modules/core/mod_so.c load_module`)
//! does with each line, in the order it decides: a name already loaded is
//! skipped with a warning, a module compiled into the binary is refused,
//! and only then is the shared object opened and the module symbol looked
//! up. The `LoadModule` rules (`AL120`–`AL123`) each report one outcome.
//! `LoadFile` opens its libraries the same way (`dso_load`), one after the
//! other.

use std::collections::HashMap;

use crate::load::tree::NodeId;
use crate::rules::context::Context;

use super::checked_nodes::iterated_words;
use super::has_unsubstituted;
use super::target_paths::{server_root_relative, server_root_when_read};

/// One `LoadModule` line and what httpd does with it.
pub(crate) struct ModuleLoad {
    pub node: NodeId,
    pub identifier: String,
    /// The file as written.
    pub file: String,
    pub outcome: LoadOutcome,
}

pub(crate) enum LoadOutcome {
    /// An earlier active line loaded this name: `AH01574 … skipping`.
    AlreadyLoaded { first: NodeId },
    /// The name is a module compiled into the binary.
    BuiltIn,
    /// httpd opens the shared object; `path` is the absolute path it tries,
    /// `None` when unknown (a bare file name goes through the dynamic
    /// linker's search path, or ServerRoot at that point is unknown).
    Opens { path: Option<String> },
}

/// Every `LoadModule` line with two words, in reading order. Inactive lines
/// are never "already loaded" (whether they would be depends on what makes
/// their branch true).
pub(crate) fn module_loads(ctx: &Context<'_>) -> Vec<ModuleLoad> {
    let built_in: Vec<String> = ctx
        .config
        .modules
        .iter()
        .filter(|m| m.node.is_none())
        .filter_map(|m| loadable_name_of_built_in(m.source.as_deref()?))
        .collect();
    let mut first_load: HashMap<String, NodeId> = HashMap::new();
    let mut out = Vec::new();
    for &id in ctx.named("LoadModule") {
        let node = ctx.node(id);
        if !node.is_directive() || node.args.len() != 2 || (!node.active && has_unsubstituted(node))
        {
            continue;
        }
        let identifier = node.arg(0).unwrap_or("").to_string();
        let file = node.arg(1).unwrap_or("").to_string();
        let already = node
            .active
            .then(|| first_load.get(&identifier).copied())
            .flatten();
        let outcome = if let Some(first) = already {
            LoadOutcome::AlreadyLoaded { first }
        } else if built_in.contains(&identifier) {
            LoadOutcome::BuiltIn
        } else {
            if node.active {
                first_load.insert(identifier.clone(), id);
            }
            LoadOutcome::Opens {
                path: shared_object_path(ctx, id, &file),
            }
        };
        out.push(ModuleLoad {
            node: id,
            identifier,
            file,
            outcome,
        });
    }
    out
}

/// One library of a `LoadFile` line that httpd opens at a known path.
pub(crate) struct LibraryLoad {
    pub node: NodeId,
    /// Which word of the line names it.
    pub index: usize,
    /// The library as written.
    pub file: String,
    /// The absolute path httpd opens.
    pub path: String,
}

/// The libraries of every `LoadFile` line, in reading order, as its
/// ITERATE handler takes them: word by word up to the first empty one.
/// Bare names (and paths under an unknown ServerRoot) are left out.
pub(crate) fn library_loads(ctx: &Context<'_>) -> Vec<LibraryLoad> {
    let mut out = Vec::new();
    for &id in ctx.named("LoadFile") {
        let node = ctx.node(id);
        if !node.is_directive() || (!node.active && has_unsubstituted(node)) {
            continue;
        }
        for (index, file) in iterated_words(node.arg_values()) {
            if let Some(path) = shared_object_path(ctx, id, file) {
                out.push(LibraryLoad {
                    node: id,
                    index,
                    file: file.to_string(),
                    path,
                });
            }
        }
    }
    out
}

/// The absolute path `dso_load` opens for `file` written at `id`: relative
/// to the ServerRoot in force when the line is read. `None` for a bare file
/// name — when that path fails httpd asks the dynamic linker, whose search
/// path apachelint does not know — or when that ServerRoot is unknown.
fn shared_object_path(ctx: &Context<'_>, id: NodeId, file: &str) -> Option<String> {
    if !file.contains('/') {
        return None;
    }
    let root = server_root_when_read(ctx, id)?;
    Some(server_root_relative(&root, file))
}

/// The `LoadModule` name httpd refuses for a built-in module: only modules
/// named `mod_X.c` are compared, as `X_module` (`core.c` and `http_core.c`
/// are not, so `LoadModule core_module …` goes on to open the file).
fn loadable_name_of_built_in(source: &str) -> Option<String> {
    let stem = source.strip_prefix("mod_")?.strip_suffix(".c")?;
    Some(format!("{stem}_module"))
}
