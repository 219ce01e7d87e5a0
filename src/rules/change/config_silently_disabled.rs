//! `AL212` config-silently-disabled.

use std::collections::BTreeMap;

use crate::diff::ChangeKind;
use crate::load::cond::CondKind;
use crate::load::tree::{Config, NodeId, NodeKind};
use crate::rules::context::{Context, HtaccessFile, Rule};
use crate::source::Span;
use crate::syntax;

use super::modules::{last_define, module_name, restore_hint};
use super::perdir::{htaccess_condition_holds, is_served, listing, sides, walk_htaccess};

crate::declare_rule! {
    /// ## What it does
    /// Reports configuration that was in force in the known-good version and is now inside an
    /// `<IfModule>`/`<IfDefine>` (or other conditional) that no longer holds — typically
    /// because the module was disabled (`a2dismod ssl` while `Listen 443` and the TLS vhost
    /// sit in `<IfModule mod_ssl.c>`), or a `Define` was removed. It also reads the
    /// `.htaccess` files of the served trees: an application's routing wrapped in
    /// `<IfModule mod_rewrite.c>` stops as silently.
    ///
    /// ## Why is this risky?
    /// Guards exist so that the configuration *loads* without the module — so `apache2 -t`
    /// passes, the server restarts, and the feature is simply gone: HTTPS refuses
    /// connections, every pretty URL answers 404, redirects stop. Nothing is logged.
    ///
    /// ## Example
    /// ```apache
    /// # before (mods-enabled/rewrite.load removed)
    /// <IfModule mod_rewrite.c>
    ///     RewriteEngine On
    ///     RewriteRule ^ index.php [L]
    /// </IfModule>
    /// ```
    ///
    /// ```apache
    /// # after (keep the module enabled, or drop the guard so a missing module fails loudly)
    /// RewriteEngine On
    /// RewriteRule ^ index.php [L]
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#ifmodule>
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#ifdefine>
    pub CONFIG_SILENTLY_DISABLED = {
        code: "AL212",
        name: "config-silently-disabled",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ConfigSilentlyDisabled;

/// Why a conditional is false now, and the known-good line that made it
/// hold (the removed `LoadModule` or `Define`).
fn reason(ctx: &Context<'_>, kind: Option<CondKind>, word: &str) -> (String, Option<NodeId>) {
    let (negated, subject) = match word.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, word),
    };
    let Some(base) = ctx.baseline else {
        return (String::new(), None);
    };
    match kind {
        Some(CondKind::IfModule) => {
            let module = base
                .config
                .modules
                .iter()
                .find(|m| m.identifier == subject || m.source.as_deref() == Some(subject));
            match (module, negated) {
                (Some(m), false) => (
                    format!("{} is no longer loaded", module_name(&m.identifier)),
                    m.node,
                ),
                _ => (format!("`{word}` does not hold any more"), None),
            }
        }
        Some(CondKind::IfDefine) if !negated => {
            let define = last_define(base.config, base.index.get("Define"), subject);
            (format!("{subject} is no longer defined"), define)
        }
        _ => ("its condition does not hold any more".to_string(), None),
    }
}

/// The innermost conditional that is evaluated and false above a node.
fn false_conditional(config: &Config, id: NodeId) -> Option<NodeId> {
    let mut cur = config.node(id).parent;
    while let Some(c) = cur {
        if let NodeKind::Conditional {
            holds: Some(false), ..
        } = config.node(c).kind
        {
            return Some(c);
        }
        cur = config.node(c).parent;
    }
    None
}

/// Whether the known-good node stood inside a conditional with the same
/// test as the candidate's false one (which then held, the node being
/// active).
fn held_before(ctx: &Context<'_>, old: NodeId, cond: NodeId) -> bool {
    let Some(base) = ctx.baseline else {
        return false;
    };
    let c = ctx.node(cond);
    let mut cur = base.config.node(old).parent;
    while let Some(p) = cur {
        let n = base.config.node(p);
        if matches!(n.kind, NodeKind::Conditional { .. })
            && n.name.eq_ignore_ascii_case(&c.name)
            && n.arg_values().eq(c.arg_values())
        {
            return true;
        }
        cur = n.parent;
    }
    false
}

/// The candidate's inactive twin of a known-good node: same file, name and
/// arguments.
fn inactive_twin(ctx: &Context<'_>, old: NodeId) -> Option<NodeId> {
    let base = ctx.baseline?;
    let o = base.config.node(old);
    let key = if o.is_section() {
        format!("<{}", o.name)
    } else {
        o.name.to_string()
    };
    let path = base.config.config_path(o.span.file);
    let args = normalized_args(base.config, old);
    ctx.named(&key).iter().copied().find(|&id| {
        let n = ctx.node(id);
        !n.active
            && ctx.config.config_path(n.span.file) == path
            && normalized_args(ctx.config, id) == args
    })
}

fn normalized_args(config: &Config, id: NodeId) -> String {
    config
        .raw_args(id)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a disabled item reads: `Listen 443`, `<VirtualHost *:443> (shop.example)`.
fn item_text(ctx: &Context<'_>, id: NodeId) -> String {
    let n = ctx.node(id);
    let args = if n.is_section() {
        n.arg_values().collect::<Vec<_>>().join(" ")
    } else {
        normalized_args(ctx.config, id)
    };
    if n.is("VirtualHost") {
        let name = n
            .children
            .iter()
            .filter_map(|&c| {
                let child = ctx.node(c);
                (child.is_directive() && child.is("ServerName"))
                    .then(|| child.arg(0).unwrap_or("").to_string())
            })
            .next_back();
        match name {
            Some(name) => format!("<VirtualHost {args}> ({name})"),
            None => format!("<VirtualHost {args}>"),
        }
    } else if n.is_section() {
        format!("<{} {args}>", n.name)
    } else {
        format!("{} {args}", n.name).trim_end().to_string()
    }
}

/// A conditional of a `.htaccess` file that held in the known-good
/// configuration and does not now.
struct HtaccessSwitch<'f> {
    file: &'f HtaccessFile,
    section: &'f syntax::Section,
    names: Vec<String>,
}

/// Finds the switched-off conditionals of a `.htaccess` file (the outermost
/// ones; conditionals holding on both sides are entered).
fn switched<'f>(
    old: &Config,
    new: &Config,
    file: &'f HtaccessFile,
    nodes: &'f [syntax::Node],
    out: &mut Vec<HtaccessSwitch<'f>>,
) {
    for node in nodes {
        let syntax::Node::Section(section) = node else {
            continue;
        };
        if section.kind != syntax::SectionKind::Conditional {
            continue;
        }
        match (
            htaccess_condition_holds(old, section),
            htaccess_condition_holds(new, section),
        ) {
            (true, true) => switched(old, new, file, section.children(), out),
            (true, false) => {
                // What the known-good configuration acted on inside it.
                let mut names: Vec<String> = Vec::new();
                walk_htaccess(old, section.children(), &mut |d| {
                    if !names
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(d.name.as_str()))
                    {
                        names.push(d.name.value.to_string());
                    }
                });
                if !names.is_empty() {
                    out.push(HtaccessSwitch {
                        file,
                        section,
                        names,
                    });
                }
            }
            _ => {}
        }
    }
}

impl ConfigSilentlyDisabled {
    /// Configuration lines now inside a false conditional.
    fn in_configuration(ctx: &mut Context<'_>) {
        // Conditional → the known-good nodes it switched off, sections first.
        let mut groups: BTreeMap<NodeId, Vec<NodeId>> = BTreeMap::new();
        let removed: Vec<NodeId> = ctx
            .changes
            .iter()
            .filter(|c| matches!(c.kind, ChangeKind::Removed | ChangeKind::ScopeRemoved))
            .filter_map(|c| c.old)
            .collect();
        for old in removed {
            let Some(twin) = inactive_twin(ctx, old) else {
                continue;
            };
            let Some(cond) = false_conditional(ctx.config, twin) else {
                continue;
            };
            if !held_before(ctx, old, cond) {
                continue;
            }
            // Lines inside a switched-off section are counted with it.
            let within_listed = groups.get(&cond).is_some_and(|items| {
                let mut cur = ctx.config.enclosing_section(twin);
                while let Some(s) = cur {
                    if items.contains(&s) {
                        return true;
                    }
                    cur = ctx.config.enclosing_section(s);
                }
                false
            });
            if !within_listed {
                groups.entry(cond).or_default().push(twin);
            }
        }
        for (cond, mut items) in groups {
            items.sort_by_key(|&id| (!ctx.node(id).is_section(), id));
            let c = ctx.node(cond);
            let word = c.arg(0).unwrap_or("").to_string();
            let (why, old_node) = reason(ctx, CondKind::of(&c.name), &word);
            let texts: Vec<String> = items.iter().map(|&id| item_text(ctx, id)).collect();
            let message = format!(
                "{} silently disappear{}: `<{} {word}>` is false now ({why})",
                listing(&texts, 3),
                if texts.len() == 1 { "s" } else { "" },
                c.name
            );
            let Some(base) = ctx.baseline else { return };
            let old_side = old_node.map(|id| (id, base.config.node(id).span));
            let span = ctx.node(cond).span;
            let help = match (CondKind::of(&c.name), old_node) {
                (Some(CondKind::IfModule), Some(id)) => format!(
                    "{}, or move what must keep working out of the guard so that a missing module fails loudly",
                    restore_hint(base.config.node(id).arg(0).unwrap_or(""))
                ),
                _ => "make the condition hold again, or move what must keep working out of it"
                    .to_string(),
            };
            let f = ctx.report_change(Some((cond, span)), old_side, message);
            f.primary_label = Some("this condition no longer holds".to_string());
            f.help = Some(help);
        }
    }

    /// `.htaccess` content now inside a false conditional.
    fn in_htaccess(ctx: &mut Context<'_>) {
        let Some((old, new)) = sides(ctx) else { return };
        let mut found = Vec::new();
        for file in ctx.htaccess {
            let read_before = old.overrides(&file.dir).reads_htaccess();
            let read_now = new.overrides(&file.dir).reads_htaccess();
            if read_before && read_now && is_served(&old, &file.dir) && is_served(&new, &file.dir) {
                switched(old.config, new.config, file, &file.parsed.nodes, &mut found);
            }
        }
        for switch in found {
            let word = switch
                .section
                .open
                .args
                .first()
                .map_or("", |w| w.as_str())
                .to_string();
            let (why, old_node) = reason(ctx, CondKind::of(switch.section.name()), &word);
            let Some(base) = ctx.baseline else { return };
            let old_side = old_node.map(|id| (id, base.config.node(id).span));
            let name = switch.file.path.rsplit('/').next().unwrap_or(".htaccess");
            let message = format!(
                "requests below {} silently lose {}: `<{} {word}>` in its {name} is false now ({why})",
                switch.file.dir,
                switch.names.join(", "),
                switch.section.name()
            );
            let help = match old_node.and_then(|id| base.config.node(id).arg(0)) {
                Some(module) if !word.starts_with('!') => {
                    format!(
                        "{} — the application's {name} relies on it",
                        restore_hint(module)
                    )
                }
                _ => "make the condition hold again".to_string(),
            };
            let f = ctx.report_change(None, old_side, message);
            f.primary = Span::new(switch.file.file, switch.section.open.line.range);
            f.primary_label = Some("this condition no longer holds".to_string());
            f.help = Some(help);
        }
    }
}

impl Rule for ConfigSilentlyDisabled {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &CONFIG_SILENTLY_DISABLED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        if ctx.baseline.is_none() {
            return;
        }
        Self::in_configuration(ctx);
        Self::in_htaccess(ctx);
    }
}
