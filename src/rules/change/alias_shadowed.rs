//! `AL237` alias-shadowed.

use std::collections::HashSet;

use crate::finding::{Label, Stage};
use crate::load::tree::{Config, NodeId};
use crate::rules::context::{Context, Rule};

use super::perdir::{
    Side, alias_prefix, aliases, collapse_slashes, regex_matches, sides, site_url,
};
use super::rewrite::alias_redirects;
use super::servers::{counterparts, servers};

crate::declare_rule! {
    /// ## What it does
    /// For every site of the candidate, asks mod_alias's mapping which entry answers the paths
    /// of each `Alias`, `ScriptAlias` and `Redirect`: all redirects are tried before all aliases,
    /// each list has the vhost's entries before the main server's, and the first match wins. It
    /// reports an entry that another one now takes over — a more general path listed earlier, or
    /// a `Redirect` that catches the alias's paths — when the known-good configuration reached it.
    ///
    /// ## Why is this risky?
    /// Moving or adding one line changes which directory or redirect answers a whole subtree:
    /// `Alias /media /srv/media` above `Alias /media/exports /srv/exports` sends the exports to
    /// the wrong directory (404s), and a `Redirect /docs …` silently wins over any `Alias
    /// /docs/…`, wherever the lines are. `apache2 -t` sees nothing wrong.
    ///
    /// An entry of the same kind for the same path (a vhost's own `Alias /media` over the main
    /// server's) is an override, and a redirect of every path is `blanket-redirect-added`'s
    /// finding: neither is reported here. Approximation: a regular expression
    /// (`AliasMatch`, `RedirectMatch`) can shadow, but is not itself checked for being shadowed.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Alias /media /srv/media
    /// Alias /media/exports /srv/exports
    /// ```
    ///
    /// ```apache
    /// # after
    /// # the more specific path first: the first match wins
    /// Alias /media/exports /srv/exports
    /// Alias /media /srv/media
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_alias.html> ("Order of Processing")
    pub ALIAS_SHADOWED = {
        code: "AL237",
        name: "alias-shadowed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct AliasShadowed;

/// One mod_alias entry of a site, in the order they are tried.
#[derive(Clone, Debug)]
struct Entry {
    node: NodeId,
    /// The URL path, or the regular expression of a `*Match` form.
    path: String,
    regex: bool,
    redirect: bool,
    /// A redirect of every path (`blanket-redirect-added`'s concern).
    blanket: bool,
}

impl Entry {
    fn matches(&self, uri: &str) -> bool {
        if self.regex {
            regex_matches(&self.path, uri)
        } else {
            alias_prefix(&collapse_slashes(uri), &self.path).is_some()
        }
    }

    /// A URL path only this entry should answer.
    fn probe(&self) -> String {
        if self.path.ends_with('/') {
            format!("{}x", self.path)
        } else {
            format!("{}/x", self.path)
        }
    }

    /// The directive as written, to compare across configurations.
    fn text(&self, config: &Config) -> String {
        let n = config.node(self.node);
        format!(
            "{} {}",
            n.name.to_ascii_lowercase(),
            config.raw_args(self.node).trim()
        )
    }

    fn describe(&self, config: &Config) -> String {
        let n = config.node(self.node);
        format!("{} {}", n.name, config.raw_args(self.node).trim())
    }
}

/// A site's entries as mod_alias tries them: redirects (the vhost's, then
/// the main server's), then aliases (likewise).
fn entries(side: &Side<'_>, vhost: Option<usize>) -> Vec<Entry> {
    let config = side.config;
    let containers: Vec<NodeId> = vhost
        .map(|i| side.vhosts.vhosts[i].node)
        .into_iter()
        .chain(std::iter::once(config.root))
        .collect();
    let mut out: Vec<Entry> = containers
        .iter()
        .flat_map(|&c| alias_redirects(side, c))
        .filter_map(|r| {
            let (path, regex) = r.from?;
            Some(Entry {
                node: r.node,
                path,
                regex,
                redirect: true,
                blanket: r.blanket,
            })
        })
        .collect();
    out.extend(aliases(side, vhost).into_iter().filter_map(|id| {
        let n = config.node(id);
        Some(Entry {
            node: id,
            path: n.arg(0)?.to_string(),
            regex: n.is("AliasMatch") || n.is("ScriptAliasMatch"),
            redirect: false,
            blanket: false,
        })
    }));
    out
}

/// The entry that answers `uri`.
fn winner<'e>(entries: &'e [Entry], uri: &str) -> Option<&'e Entry> {
    entries.iter().find(|e| e.matches(uri))
}

impl Rule for AliasShadowed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ALIAS_SHADOWED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(base) = ctx.baseline else { return };
        let Some((old_side, new_side)) = sides(ctx) else {
            return;
        };
        let known = counterparts(&old_side, &new_side);
        let mut seen = HashSet::new();
        for server in servers(&new_side) {
            let list = entries(&new_side, server);
            let old_list = known.get(&server).map(|site| entries(&old_side, site.old));
            for entry in list.iter().filter(|e| !e.regex) {
                let probe = entry.probe();
                let Some(by) = winner(&list, &probe) else {
                    continue;
                };
                let text = entry.text(ctx.config);
                // The same path of the same kind is an override (a vhost's
                // own `Alias /media` over the main server's), not shadowing.
                let same_path = !by.regex
                    && by.redirect == entry.redirect
                    && by.path.trim_end_matches('/') == entry.path.trim_end_matches('/');
                if by.node == entry.node || by.text(ctx.config) == text || same_path || by.blanket {
                    continue;
                }
                // Known-good: the same entry answered its paths.
                let old = old_list
                    .as_ref()
                    .and_then(|l| l.iter().find(|e| e.text(base.config) == text));
                if let (Some(l), Some(o)) = (&old_list, old)
                    && winner(l, &probe).is_none_or(|w| w.node != o.node)
                {
                    continue;
                }
                if !seen.insert((entry.node, by.node)) {
                    continue;
                }
                let why = if by.redirect && !entry.redirect {
                    "redirects are tried before aliases"
                } else {
                    "it comes first and matches them"
                };
                let message = format!(
                    "requests for {} are now answered by `{}` ({why}), so `{}` never applies",
                    site_url(&new_side, server, &entry.path),
                    by.describe(ctx.config),
                    entry.describe(ctx.config)
                );
                let here = Some((entry.node, ctx.node(entry.node).span));
                let was = old.map(|o| (o.node, base.config.node(o.node).span));
                let by_span = ctx.node(by.node).span;
                let f = ctx.report_change(here, was, message);
                f.stage = Stage::Request;
                f.labels.push(Label {
                    span: by_span,
                    message: "this entry takes those requests".to_string(),
                });
                f.help = Some(
                    "list the more specific path first (the first match wins; a vhost's entries come before the main server's), or narrow the redirect"
                        .to_string(),
                );
            }
        }
    }
}
