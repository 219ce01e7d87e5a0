//! `AL228` include-set-changed.

use std::collections::BTreeSet;

use crate::load::tree::{Config, NodeId, NodeKind};
use crate::rules::context::{Context, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Lists, for every `Include`/`IncludeOptional` present on both sides of the change, the
    /// files it now reads that it did not read before and the files it no longer reads — a
    /// site enabled or disabled, a module switched, a file renamed out of (or into) the glob.
    /// Informational: the consequences (a vhost gone, a module missing) have rules of their
    /// own; this finding shows where they come from.
    ///
    /// ## Why is this risky?
    /// `sites-enabled/*.conf` and `mods-enabled/*.load` make the configuration depend on which
    /// symlinks exist: renaming `sale.shop.example` to `sale.shop.example.conf.bak`, or an
    /// `a2dismod`, changes what httpd runs without any line of configuration changing.
    ///
    /// ## Example
    /// ```apache
    /// # before: sites-enabled/sale.shop.example.conf.disabled
    /// IncludeOptional sites-enabled/*.conf
    /// ```
    ///
    /// ```apache
    /// # after: sites-enabled/sale.shop.example.conf
    /// IncludeOptional sites-enabled/*.conf
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#include>
    pub INCLUDE_SET_CHANGED = {
        code: "AL228",
        name: "include-set-changed",
        family: Change,
        severity: Info,
        blocks_check: false,
    }
}

pub struct IncludeSetChanged;

/// The active `Include`/`IncludeOptional` lines of a configuration with
/// their identity: the file they stand in and their argument.
fn includes(config: &Config) -> Vec<(String, NodeId)> {
    config
        .walk_effective()
        .iter()
        .copied()
        .filter(|&id| {
            let n = config.node(id);
            n.is_directive() && (n.is("Include") || n.is("IncludeOptional"))
        })
        .map(|id| {
            let n = config.node(id);
            let key = format!(
                "{} {} {}",
                config.config_path(n.span.file).display(),
                n.name.to_ascii_lowercase(),
                config.raw_args(id).trim()
            );
            (key, id)
        })
        .collect()
}

/// The files an include read, as paths relative to ServerRoot when below it.
fn files_read(config: &Config, include: NodeId) -> BTreeSet<String> {
    let root = config.server_root.display().to_string();
    config
        .children(include)
        .filter(|&c| matches!(config.node(c).kind, NodeKind::File { .. }))
        .map(|c| {
            let path = config
                .config_path(config.node(c).span.file)
                .display()
                .to_string();
            match path.strip_prefix(&format!("{root}/")) {
                Some(rel) => rel.to_string(),
                None => path,
            }
        })
        .collect()
}

impl Rule for IncludeSetChanged {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &INCLUDE_SET_CHANGED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let mut old_includes = includes(base.config);
        for (key, new_id) in includes(ctx.config) {
            let Some(position) = old_includes.iter().position(|(k, _)| *k == key) else {
                continue;
            };
            let (_, old_id) = old_includes.remove(position);
            let before = files_read(base.config, old_id);
            let after = files_read(ctx.config, new_id);
            let added: Vec<&String> = after.difference(&before).collect();
            let removed: Vec<&String> = before.difference(&after).collect();
            if added.is_empty() && removed.is_empty() {
                continue;
            }
            let join = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            let what = match (added.is_empty(), removed.is_empty()) {
                (false, false) => format!(
                    "now reads {} and no longer reads {}",
                    join(&added),
                    join(&removed)
                ),
                (false, true) => format!("now also reads {}", join(&added)),
                _ => format!("no longer reads {}", join(&removed)),
            };
            let text = format!(
                "{} {}",
                ctx.node(new_id).name,
                ctx.config.raw_args(new_id).trim()
            );
            let span = ctx.node(new_id).span;
            let old_span = base.config.node(old_id).span;
            let f = ctx.report_change(
                Some((new_id, span)),
                Some((old_id, old_span)),
                format!("`{text}` {what}"),
            );
            f.primary_label = Some("reads another set of files".to_string());
            f.help = Some("check that the sites and modules enabled are the ones meant (`apache2ctl -t -D DUMP_INCLUDES`)".to_string());
        }
    }
}
