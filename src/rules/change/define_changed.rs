//! `AL229` define-changed.

use crate::finding::Severity;
use crate::load::tree::{Config, NodeId};
use crate::rules::context::{Context, Rule, TargetFacts};

use super::modules::last_define;
use super::perdir::{listing, normalize_path};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Define` whose value differs from the known-good configuration's (or that is
    /// gone) and lists every directive whose value changes through `${NAME}`. Informational,
    /// unless the new value makes a `DocumentRoot` or `Alias` point at a directory, or an
    /// `ErrorLog`/`CustomLog` into a directory, that does not exist in the checked tree: then
    /// an error.
    ///
    /// ## Why is this risky?
    /// One `Define` line changes directives in files the diff does not show. A path switched to
    /// a release layout that the deploy tool creates only later makes httpd warn (AH00112) and
    /// start anyway — and the site answers 404; a log directory that does not exist stops the
    /// server from starting.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Define SHOP_ROOT /var/www/shop.example/current/public
    /// DocumentRoot ${SHOP_ROOT}
    /// ```
    ///
    /// ```apache
    /// # after
    /// Define SHOP_ROOT /var/www/shop.example/public
    /// DocumentRoot ${SHOP_ROOT}
    /// # (switch the Define once the directory exists)
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#define>
    pub DEFINE_CHANGED = {
        code: "AL229",
        name: "define-changed",
        family: Change,
        severity: Info,
        blocks_check: false,
    }
}

pub struct DefineChanged;

/// Whether a node's source line uses `${name}`.
fn uses(config: &Config, id: NodeId, name: &str) -> bool {
    let n = config.node(id);
    let text = config
        .sources
        .get(n.span.file)
        .snippet(n.span.range)
        .to_ascii_lowercase();
    text.contains(&format!("${{{}}}", name.to_ascii_lowercase()))
}

/// A path the directive needs that is missing from the checked tree.
fn missing_path(config: &Config, facts: &dyn TargetFacts, id: NodeId) -> Option<String> {
    let n = config.node(id);
    let (path, needs_dir) = if n.is("DocumentRoot") {
        (n.arg(0)?, true)
    } else if n.is("Alias") || n.is("ScriptAlias") {
        (n.arg(1)?, true)
    } else if n.is("ErrorLog") || n.is("CustomLog") || n.is("TransferLog") {
        (
            n.arg(0)
                .filter(|p| !p.starts_with('|') && !p.starts_with("syslog"))?,
            false,
        )
    } else {
        return None;
    };
    let path = normalize_path(config, path);
    let dir = if needs_dir {
        path.clone()
    } else {
        path.rsplit_once('/').map(|(d, _)| d.to_string())?
    };
    (facts.is_dir(&dir) == Ok(false)).then(|| format!("{} {path}", n.name))
}

impl Rule for DefineChanged {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &DEFINE_CHANGED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        for (name, old_value) in base.config.vars.values() {
            let new_value = ctx
                .config
                .vars
                .values()
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone());
            if new_value.as_deref() == Some(old_value.as_str()) {
                continue;
            }
            let users: Vec<NodeId> = ctx
                .all_nodes()
                .filter(|&id| {
                    let n = ctx.node(id);
                    n.active && !n.is("Define") && uses(ctx.config, id, name)
                })
                .collect();
            let missing: Vec<String> = users
                .iter()
                .filter_map(|&id| missing_path(ctx.config, ctx.facts, id))
                .collect();
            let used: Vec<String> = users
                .iter()
                .map(|&id| {
                    let n = ctx.node(id);
                    let file = ctx.config.sources.get(n.span.file).display_path();
                    let shown = if n.is_section() {
                        format!("<{}>", n.name)
                    } else {
                        n.name.to_string()
                    };
                    format!("{shown} ({file}:{})", n.line)
                })
                .collect();
            let change = match &new_value {
                Some(v) => format!("`{name}` is now {v} (was {old_value})"),
                None => format!("`{name}` is no longer defined (was {old_value})"),
            };
            let effect = if used.is_empty() {
                "no directive uses it".to_string()
            } else {
                format!("this changes {}", listing(&used, 4))
            };
            let message = if missing.is_empty() {
                format!("{change}: {effect}")
            } else {
                format!(
                    "{change}: {effect}, and {} does not exist",
                    listing(&missing, 2)
                )
            };
            let new_side = last_define(ctx.config, ctx.named("Define"), name)
                .map(|id| (id, ctx.node(id).span));
            let old_side = last_define(base.config, base.index.get("Define"), name)
                .map(|id| (id, base.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, message);
            if !missing.is_empty() {
                f.severity = Severity::Error;
                f.help = Some("create the paths before switching the Define, or keep the old value until they exist".to_string());
            } else {
                f.help = Some(
                    "check each directive listed: they all change with the Define".to_string(),
                );
            }
        }
    }
}
