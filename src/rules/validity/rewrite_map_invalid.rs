//! `AL143` rewrite-map-invalid.

use crate::rules::context::{Context, Rule};

use super::handler_input::{Refusal, arity_accepted, handled_nodes};
use super::rewrite_map_syntax::read_map_source;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `RewriteMap` source httpd refuses: a malformed `dbm` source (`dbm=sdbm` without
    /// `:path`, `dbmx:`), a DBM type Debian's APR-util lacks (`ndbm`, `lmdb`: only `sdbm`, `db`,
    /// `gdbm` and the default exist), an `int:` map mod_rewrite does not provide (only
    /// `tolower`, `toupper`, `escape`, `unescape`, case-sensitive), and `dbd:`/`fastdbd:` maps
    /// without mod_dbd.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`RewriteMap: internal map not found:upper`,
    /// `RewriteMap: dbm type ndbm is invalid`,
    /// `RewriteMap types dbd and fastdbd require mod_dbd!`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// RewriteMap lc int:lowercase
    /// ```
    ///
    /// ```apache
    /// # after
    /// RewriteMap lc int:tolower
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewritemap>
    /// - <https://httpd.apache.org/docs/2.4/rewrite/rewritemap.html>
    pub REWRITE_MAP_INVALID = {
        code: "AL143",
        name: "rewrite-map-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct RewriteMapInvalid;

impl Rule for RewriteMapInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REWRITE_MAP_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let dbd_loaded = ctx.has_module("dbd_module");
        for id in handled_nodes(ctx, "RewriteMap") {
            if !arity_accepted(ctx, id) {
                continue;
            }
            let node = ctx.node(id);
            let source = node.arg(1).unwrap_or("");
            let Err(message) = read_map_source(source, &ctx.config.server_root, dbd_loaded) else {
                continue;
            };
            let help = if message.contains("mod_dbd") {
                "load mod_dbd (`a2enmod dbd`) and configure its connection with DBDriver/DBDParams"
            } else {
                "map sources: txt:, rnd:, dbm[=type]:, prg:, int:tolower|toupper|escape|unescape, dbd:, fastdbd:"
            };
            Refusal::new(node.arg_span(1), message)
                .help(help)
                .report(ctx, id);
        }
    }
}
