//! `AL207` documentroot-changed.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::load::tree::{Config, NodeId};
use crate::rules::context::{Context, Rule};

use super::perdir::{changed_sites, 
    Side, aliases, document_root, is_within, listing, normalize_path, plain_alias, sides, site_url,
    sites,
};

crate::declare_rule! {
    /// ## What it does
    /// Reports a site that serves another directory than in the known-good configuration:
    /// its effective `DocumentRoot` (its own, the main server's, or the compiled-in default)
    /// or the target of an `Alias` it had before.
    ///
    /// An error when the new directory does not exist in the checked tree, or when a
    /// `DocumentRoot` now points into another site's tree; a warning otherwise (a move is often
    /// intended, but it changes what every URL of the site returns).
    ///
    /// ## Why is this risky?
    /// httpd only warns about a missing `DocumentRoot` (AH00112) and starts anyway: every
    /// request answers 404. A line copy-pasted from another site's file serves that site's
    /// content under the wrong name — without its `.htaccess` overrides and access rules, which
    /// are tied to its `<Directory>` blocks. A `Define` used in the path changes the root
    /// without touching the line.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     ServerName sale.shop.example
    ///     DocumentRoot /var/www/shop.example/public
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName sale.shop.example
    ///     DocumentRoot /var/www/sale.shop.example
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#documentroot>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_alias.html#alias>
    pub DOCUMENTROOT_CHANGED = {
        code: "AL207",
        name: "documentroot-changed",
        family: Change,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct DocumentrootChanged;

/// How bad a new directory is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    /// Absent from the checked tree: every request answers 404.
    Missing,
    /// Another site's tree.
    OtherSite,
    Moved,
}

/// One changed directory of one site.
struct Moved {
    url: String,
    old_dir: String,
    new_dir: String,
    other: Option<String>,
}

/// `(via ${NAME})` when the directive's path comes from a variable.
fn via_variable(config: &Config, id: NodeId, arg: usize) -> String {
    let n = config.node(id);
    let Some(word) = n.args.get(arg) else {
        return String::new();
    };
    let text = config.sources.get(n.span.file).snippet(word.range);
    match text.find("${") {
        Some(start) => {
            let end = text[start..]
                .find('}')
                .map_or(text.len(), |e| start + e + 1);
            format!(" (through `{}`)", &text[start..end])
        }
        None => String::new(),
    }
}

/// Plain aliases of a site: URL path → (target, node).
fn plain_aliases(side: &Side<'_>, vhost: Option<usize>) -> BTreeMap<String, (String, NodeId)> {
    let mut out = BTreeMap::new();
    for id in aliases(side, vhost) {
        if let Some((fake, real)) = plain_alias(side.config, id) {
            out.entry(fake.trim_end_matches('/').to_string())
                .or_insert((normalize_path(side.config, real), id));
        }
    }
    out
}

impl Rule for DocumentrootChanged {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &DOCUMENTROOT_CHANGED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((old, new)) = sides(ctx) else { return };
        let all_sites = sites(&old, &new);
        type Key = (Verdict, Option<NodeId>, Option<NodeId>);
        let mut groups: BTreeMap<Key, Vec<Moved>> = BTreeMap::new();
        for site in &changed_sites(&old, &new) {
            let (old_root, old_node) = document_root(&old, site.old);
            let (new_root, new_node) = document_root(&new, site.new);
            let mut changes = Vec::new();
            if old_root != new_root {
                // Another site's tree: the root of another site of the known-good
                // configuration contains it or lies within it.
                let other = all_sites
                    .iter()
                    .filter(|s| s.old != site.old)
                    .map(|s| (s, document_root(&old, s.old).0))
                    .find(|(_, root)| {
                        *root != old_root
                            && (is_within(&new_root, root) || is_within(root, &new_root))
                    })
                    .map(|(s, root)| format!("{}'s tree ({root})", site_url(&old, s.old, "")));
                changes.push((
                    "/".to_string(),
                    old_root,
                    new_root,
                    old_node,
                    new_node,
                    other,
                ));
            }
            let before = plain_aliases(&old, site.old);
            for (fake, (new_dir, new_id)) in plain_aliases(&new, site.new) {
                if let Some((old_dir, old_id)) = before.get(&fake)
                    && *old_dir != new_dir
                {
                    changes.push((
                        format!("{fake}/"),
                        old_dir.clone(),
                        new_dir,
                        Some(*old_id),
                        Some(new_id),
                        None,
                    ));
                }
            }
            for (url, old_dir, new_dir, old_id, new_id, other) in changes {
                let verdict = if ctx.facts.is_dir(&new_dir) == Ok(false) {
                    Verdict::Missing
                } else if other.is_some() {
                    Verdict::OtherSite
                } else {
                    Verdict::Moved
                };
                groups
                    .entry((verdict, new_id, old_id))
                    .or_default()
                    .push(Moved {
                        url: site_url(&new, site.new, &url),
                        old_dir,
                        new_dir,
                        other,
                    });
            }
        }
        for ((verdict, new_id, old_id), moved) in groups {
            let urls: Vec<String> = moved.iter().map(|m| m.url.clone()).collect();
            let first = &moved[0];
            let via = new_id.map_or_else(String::new, |id| {
                let path_arg = if ctx.node(id).is("DocumentRoot") {
                    0
                } else {
                    1
                };
                via_variable(ctx.config, id, path_arg)
            });
            let message = match verdict {
                Verdict::Missing => format!(
                    "{} will answer 404: {}{via} does not exist (was {})",
                    listing(&urls, 3),
                    first.new_dir,
                    first.old_dir
                ),
                Verdict::OtherSite => format!(
                    "{} now serves {}{via} instead of {}",
                    listing(&urls, 3),
                    first.other.clone().unwrap_or_default(),
                    first.old_dir
                ),
                Verdict::Moved => format!(
                    "{} now serves {}{via} instead of {}",
                    listing(&urls, 3),
                    first.new_dir,
                    first.old_dir
                ),
            };
            let new_side = new_id.map(|id| (id, ctx.node(id).span));
            let old_side = old_id.map(|id| (id, old.config.node(id).span));
            let f = ctx.report_change(new_side, old_side, message);
            f.severity = match verdict {
                Verdict::Missing | Verdict::OtherSite => Severity::Error,
                Verdict::Moved => Severity::Warning,
            };
            f.help = Some(match verdict {
                Verdict::Missing => "create the directory before deploying this configuration, or keep the old path until it exists".to_string(),
                Verdict::OtherSite => "each site needs its own tree: check the path (copy-pasted from another site's file?)".to_string(),
                Verdict::Moved => "make sure the new directory holds the site's content and its <Directory> rules follow it".to_string(),
            });
        }
    }
}
