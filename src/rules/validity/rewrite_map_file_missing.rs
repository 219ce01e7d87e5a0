//! `AL144` rewrite-map-file-missing.

use crate::rules::context::{Context, Rule};

use super::handler_input::{Refusal, arity_accepted, handled_nodes};
use super::rewrite_map_syntax::{MapSource, read_map_source};
use super::target_paths::{holder_is_seen, literal_variable};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `RewriteMap` whose file does not exist on the target: the map file of a `txt:`,
    /// `rnd:` or `dbm` map (for `sdbm`, its `.dir` file), or the program of a `prg:` map.
    /// Relative paths are taken from `ServerRoot`. When apachelint cannot know the target's
    /// files (a path outside the checked tree, or a checkout without the directory that should
    /// hold the map), it says nothing.
    ///
    /// ## Why is this risky?
    /// httpd checks the file while reading the configuration and refuses to start
    /// (`RewriteMap: file for map m not found:/etc/apache2/maps/redirects.txt`). A map file
    /// deployed separately from the configuration, or renamed, takes the server down.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// RewriteMap legacy txt:maps/legacy.txt
    /// ```
    ///
    /// ```apache
    /// # after
    /// # deploy /etc/apache2/maps/legacy.txt with the configuration
    /// RewriteMap legacy txt:maps/legacy.txt
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewritemap>
    pub REWRITE_MAP_FILE_MISSING = {
        code: "AL144",
        name: "rewrite-map-file-missing",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RewriteMapFileMissing;

impl Rule for RewriteMapFileMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITE_MAP_FILE_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let dbd_loaded = ctx.has_module("dbd_module");
        for id in handled_nodes(ctx, "RewriteMap") {
            if !arity_accepted(ctx, id) {
                continue;
            }
            let node = ctx.node(id);
            let source = node.arg(1).unwrap_or("");
            let Ok(MapSource::File(path)) =
                read_map_source(source, &ctx.config.server_root, dbd_loaded)
            else {
                continue;
            };
            if !is_missing(ctx, &path) {
                continue;
            }
            let map = node.arg(0).unwrap_or("");
            Refusal::new(
                node.arg_span(1),
                format!("RewriteMap: file for map {map} not found:{path}"),
            )
            .label("no such file on the target")
            .help("deploy the map file with the configuration, or fix the path")
            .report(ctx, id);
        }
    }
}

/// Whether the map file is known to be missing on the target (`apr_stat`
/// fails): a path with a literal `${NAME}`, or a path that is neither a file
/// nor a directory where the directory that should hold it is known.
fn is_missing(ctx: &Context<'_>, path: &str) -> bool {
    if literal_variable(path).is_some() {
        return true;
    }
    match (ctx.facts.file_size(path), ctx.facts.is_dir(path)) {
        (Ok(None), Ok(false)) => holder_is_seen(ctx, path),
        _ => false,
    }
}
