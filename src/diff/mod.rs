//! The semantic diff: what changed between a known-good configuration and a
//! candidate, by identity — never by line.
//!
//! - **Scopes** are identified, not positioned: the main server; a
//!   `<VirtualHost>` by its address set and ServerName; any other section by
//!   its kind and arguments inside its parent scope. Conditionals, includes
//!   and macro expansions are flattened first (only active content counts),
//!   so reindenting, comments, reordering independent directives and moving a
//!   block into an included file are no change.
//! - **Directives** within a scope are compared by name: single-valued ones
//!   (last one wins in httpd) by their effective value; accumulating ones as
//!   a multiset of values; order-sensitive ones (RewriteRule/RewriteCond,
//!   ProxyPass, Alias, Redirect …, where the first match wins) as a sequence.
//!
//! Pure: two loaded configurations in, a list of [`Change`]s out.

pub mod hunk;
pub mod routing;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use compact_str::CompactString;

use crate::load::render::is_exec_on_read;
use crate::load::tree::{Config, NodeId};
use crate::model::registry::{self, Arity};
use crate::model::vhosts::{parse_addr, server_hostname};

/// Identity of a scope.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Main,
    /// A `<VirtualHost>`: sorted addresses and ServerName (or `(no name)`).
    Vhost {
        addrs: String,
        name: String,
    },
    /// Another section inside `parent`: `Directory /var/www/shop`.
    Section {
        parent: Box<Scope>,
        key: String,
    },
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Main => f.write_str("main server"),
            Scope::Vhost { addrs, name } => write!(f, "vhost {name} ({addrs})"),
            Scope::Section { parent, key } => match **parent {
                Scope::Main => write!(f, "<{key}>"),
                _ => write!(f, "{parent} <{key}>"),
            },
        }
    }
}

impl Scope {
    /// The vhost this scope is in, if any.
    pub fn vhost(&self) -> Option<&Scope> {
        match self {
            Scope::Main => None,
            Scope::Vhost { .. } => Some(self),
            Scope::Section { parent, .. } => parent.vhost(),
        }
    }
}

/// What happened to a directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    Added,
    Removed,
    /// A single-valued directive got another value.
    Modified,
    /// An order-sensitive sequence keeps its entries in another order.
    Reordered,
    /// A whole scope (vhost or section) appeared.
    ScopeAdded,
    /// A whole scope disappeared.
    ScopeRemoved,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub scope: Scope,
    pub kind: ChangeKind,
    /// Lowercased directive name (for scope changes: the section kind).
    pub name: String,
    /// The node on the known-good side.
    pub old: Option<NodeId>,
    /// The node on the candidate side.
    pub new: Option<NodeId>,
}

/// One directive occurrence in a scope: its arguments with whitespace runs
/// collapsed (borrowed from the source when already so).
#[derive(Clone, Debug)]
struct Entry<'c> {
    value: Cow<'c, str>,
    node: NodeId,
}

/// The content of one scope: its directives by lowercased name, in order,
/// and the node that opened it.
#[derive(Clone, Debug, Default)]
struct ScopeContent<'c> {
    header: Option<NodeId>,
    directives: BTreeMap<CompactString, Vec<Entry<'c>>>,
}

/// Directives where the first match wins and order matters.
const ORDERED: [&str; 14] = [
    "rewriterule",
    "rewritecond",
    "proxypass",
    "proxypassmatch",
    "proxypassreverse",
    "alias",
    "aliasmatch",
    "scriptalias",
    "scriptaliasmatch",
    "redirect",
    "redirectmatch",
    "redirectpermanent",
    "redirecttemp",
    "errordocument",
];

/// Directives that accumulate although their class would suggest one value.
const ACCUMULATING: [&str; 12] = [
    "serveralias",
    "listen",
    "header",
    "requestheader",
    "setenv",
    "setenvif",
    "addtype",
    "addhandler",
    "customlog",
    "require",
    "loadmodule",
    "sslcertificatefile",
];

/// Whether httpd keeps only the last occurrence in one scope.
fn is_single_valued(name: &str) -> bool {
    if ACCUMULATING.contains(&name) || ORDERED.contains(&name) {
        return false;
    }
    registry::lookup(name)
        .first()
        .is_some_and(|spec| matches!(spec.arity, Arity::Take1 | Arity::Flag | Arity::Take12))
        || matches!(
            name,
            "options" | "allowoverride" | "directoryindex" | "sslprotocol" | "sslciphersuite"
        )
}

/// A section's identity within its parent: `Directory /var/www/shop`.
fn section_key(config: &Config, id: NodeId) -> String {
    let node = config.node(id);
    let args: Vec<String> = node
        .arg_values()
        .map(|a| {
            let trimmed = a.trim_end_matches('/');
            if trimmed.is_empty() {
                a.to_string()
            } else {
                trimmed.to_string()
            }
        })
        .collect();
    format!(
        "{} {}",
        config
            .canonical_name(&format!("<{}", node.name))
            .trim_start_matches('<'),
        args.join(" ")
    )
}

/// A vhost's identity: its sorted addresses and ServerName.
pub fn vhost_scope(config: &Config, id: NodeId) -> Scope {
    let node = config.node(id);
    let mut addrs: Vec<String> = node
        .args
        .iter()
        .enumerate()
        .map(|(i, w)| {
            parse_addr(&w.value, node.arg_span(i))
                .map(|a| a.display())
                .unwrap_or_else(|_| w.value.to_string())
        })
        .collect();
    addrs.sort();
    let mut name = String::from("(no ServerName)");
    for &child in config.effective(id).iter() {
        let c = config.node(child);
        if c.is_directive()
            && c.is("ServerName")
            && let Some(v) = c.arg(0)
        {
            name = server_hostname(v).to_ascii_lowercase();
        }
    }
    Scope::Vhost {
        addrs: addrs.join(" "),
        name,
    }
}

/// Collects every scope of a configuration.
fn scopes(config: &Config) -> BTreeMap<Scope, ScopeContent<'_>> {
    let mut out = BTreeMap::new();
    collect(config, config.root, Scope::Main, None, &mut out);
    out
}

/// Collects the scope `scope` opened at `at` and every scope inside it. The
/// scope's own directives are gathered locally and merged once (two
/// sections with the same identity in one parent are one scope, the later
/// header naming it): keys are cloned per scope, not per directive.
fn collect<'c>(
    config: &'c Config,
    at: NodeId,
    scope: Scope,
    header: Option<NodeId>,
    out: &mut BTreeMap<Scope, ScopeContent<'c>>,
) {
    let mut directives: BTreeMap<CompactString, Vec<Entry<'c>>> = BTreeMap::new();
    for &id in config.effective(at).iter() {
        let node = config.node(id);
        if node.is_section() {
            let child = if node.is("VirtualHost") {
                vhost_scope(config, id)
            } else {
                Scope::Section {
                    parent: Box::new(scope.clone()),
                    key: section_key(config, id),
                }
            };
            collect(config, id, child, Some(id), out);
        } else if node.is_directive() && !is_exec_on_read(&node.name) {
            let value = collapse_whitespace(config.raw_args(id));
            directives
                .entry(node.name.to_ascii_lowercase())
                .or_default()
                .push(Entry { value, node: id });
        }
    }
    let content = out.entry(scope).or_default();
    content.header = header;
    for (name, entries) in directives {
        content.directives.entry(name).or_default().extend(entries);
    }
}

/// `text` with leading and trailing whitespace dropped and every inner run
/// of it one space; borrowed when it already is.
fn collapse_whitespace(text: Cow<'_, str>) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let tidy = bytes.first().is_none_or(|b| !b.is_ascii_whitespace())
        && bytes.last().is_none_or(|b| !b.is_ascii_whitespace())
        && !bytes
            .windows(2)
            .any(|w| w[0].is_ascii_whitespace() && (w[1].is_ascii_whitespace() || w[0] != b' '))
        && !text
            .chars()
            .any(|c| c.is_whitespace() && !c.is_ascii_whitespace());
    if tidy {
        return text;
    }
    Cow::Owned(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Compares two configurations.
pub fn diff(old: &Config, new: &Config) -> Vec<Change> {
    let (old_scopes, new_scopes) = rayon::join(|| scopes(old), || scopes(new));
    let mut changes = Vec::new();
    for (scope, content) in &old_scopes {
        if !new_scopes.contains_key(scope) {
            changes.push(Change {
                scope: scope.clone(),
                kind: ChangeKind::ScopeRemoved,
                name: String::new(),
                old: content.header,
                new: None,
            });
        }
    }
    for (scope, content) in &new_scopes {
        match old_scopes.get(scope) {
            None => changes.push(Change {
                scope: scope.clone(),
                kind: ChangeKind::ScopeAdded,
                name: String::new(),
                old: None,
                new: content.header,
            }),
            Some(before) => compare_scope(scope, before, content, &mut changes),
        }
    }
    // Directives of removed scopes count as removed; of added scopes as added.
    for (scope, content) in &old_scopes {
        if !new_scopes.contains_key(scope) {
            for (name, entries) in &content.directives {
                for e in entries {
                    changes.push(Change {
                        scope: scope.clone(),
                        kind: ChangeKind::Removed,
                        name: name.to_string(),
                        old: Some(e.node),
                        new: None,
                    });
                }
            }
        }
    }
    for (scope, content) in &new_scopes {
        if !old_scopes.contains_key(scope) {
            for (name, entries) in &content.directives {
                for e in entries {
                    changes.push(Change {
                        scope: scope.clone(),
                        kind: ChangeKind::Added,
                        name: name.to_string(),
                        old: None,
                        new: Some(e.node),
                    });
                }
            }
        }
    }
    changes
}

fn compare_scope(
    scope: &Scope,
    before: &ScopeContent<'_>,
    after: &ScopeContent<'_>,
    out: &mut Vec<Change>,
) {
    let names: std::collections::BTreeSet<&CompactString> = before
        .directives
        .keys()
        .chain(after.directives.keys())
        .collect();
    let empty = Vec::new();
    for name in names {
        let old = before.directives.get(name).unwrap_or(&empty);
        let new = after.directives.get(name).unwrap_or(&empty);
        let push = |out: &mut Vec<Change>, kind, o: Option<&Entry<'_>>, n: Option<&Entry<'_>>| {
            out.push(Change {
                scope: scope.clone(),
                kind,
                name: name.to_string(),
                old: o.map(|e| e.node),
                new: n.map(|e| e.node),
            })
        };
        if is_single_valued(name) {
            match (old.last(), new.last()) {
                (Some(o), Some(n)) if !o.value.eq_ignore_ascii_case(&n.value) => {
                    push(out, ChangeKind::Modified, Some(o), Some(n))
                }
                (Some(o), None) => push(out, ChangeKind::Removed, Some(o), None),
                (None, Some(n)) => push(out, ChangeKind::Added, None, Some(n)),
                _ => {}
            }
            continue;
        }
        // Multiset difference (both kinds), then order for ordered ones.
        let mut unmatched_new: Vec<&Entry<'_>> = new.iter().collect();
        let mut removed = Vec::new();
        for o in old {
            match unmatched_new.iter().position(|n| n.value == o.value) {
                Some(i) => {
                    unmatched_new.remove(i);
                }
                None => removed.push(o),
            }
        }
        for o in &removed {
            push(out, ChangeKind::Removed, Some(o), None);
        }
        for n in &unmatched_new {
            push(out, ChangeKind::Added, None, Some(n));
        }
        if ORDERED.contains(&name.as_str()) && removed.is_empty() && unmatched_new.is_empty() {
            let order_old: Vec<&str> = old.iter().map(|e| e.value.as_ref()).collect();
            let order_new: Vec<&str> = new.iter().map(|e| e.value.as_ref()).collect();
            if order_old != order_new {
                push(out, ChangeKind::Reordered, old.first(), new.first());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::load::provider::MemBackend;
    use crate::load::vfs::Vfs;
    use crate::load::{LoadOptions, load};

    fn config(files: &[(&str, &str)]) -> Config {
        let mut mem = MemBackend::new();
        for (p, t) in files {
            mem = mem.file(*p, *t);
        }
        load(
            &Vfs::direct(Arc::new(mem)),
            &LoadOptions::debian("/etc/apache2/apache2.conf"),
        )
    }

    fn summary(changes: &[Change]) -> Vec<String> {
        let mut v: Vec<String> = changes
            .iter()
            .map(|c| format!("{:?} {} {}", c.kind, c.scope, c.name))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn whitespace_is_collapsed_and_tidy_text_borrowed() {
        for (raw, tidy, borrowed) in [
            ("a b", "a b", true),
            ("", "", true),
            ("a  b", "a b", false),
            ("a\tb", "a b", false),
            (" a", "a", false),
            ("a ", "a", false),
            ("a \\\n b", "a \\ b", false),
        ] {
            let out = collapse_whitespace(Cow::Borrowed(raw));
            assert_eq!(out, tidy, "{raw:?}");
            assert_eq!(matches!(out, Cow::Borrowed(_)), borrowed, "{raw:?}");
        }
    }

    #[test]
    fn formatting_order_and_includes_are_no_change() {
        let old = config(&[(
            "/etc/apache2/apache2.conf",
            "<VirtualHost *:80>\nServerName a\nDocumentRoot /srv/a\nServerAlias x y\n</VirtualHost>\n",
        )]);
        let new = config(&[
            (
                "/etc/apache2/apache2.conf",
                "# moved into an include\n<VirtualHost *:80>\n  Include a.conf\n</VirtualHost>\n",
            ),
            (
                "/etc/apache2/a.conf",
                "  ServerAlias x   y\n  DocumentRoot /srv/a\n  ServerName a\n",
            ),
        ]);
        assert_eq!(summary(&diff(&old, &new)), Vec::<String>::new());
    }

    #[test]
    fn value_changes_and_sequences() {
        let old = config(&[(
            "/etc/apache2/apache2.conf",
            "Timeout 300\nListen 80\nListen 443\n<VirtualHost *:80>\nServerName a\nProxyPass /a http://x/\nProxyPass / http://y/\n</VirtualHost>\n",
        )]);
        let new = config(&[(
            "/etc/apache2/apache2.conf",
            "Timeout 30\nListen 80\n<VirtualHost *:80>\nServerName a\nProxyPass / http://y/\nProxyPass /a http://x/\n</VirtualHost>\n",
        )]);
        assert_eq!(
            summary(&diff(&old, &new)),
            [
                "Modified main server timeout",
                "Removed main server listen",
                "Reordered vhost a (*:80) proxypass",
            ]
        );
    }

    #[test]
    fn renamed_vhost_is_removed_and_added() {
        let old = config(&[(
            "/etc/apache2/apache2.conf",
            "<VirtualHost *:80>\nServerName a\n</VirtualHost>\n",
        )]);
        let new = config(&[(
            "/etc/apache2/apache2.conf",
            "<VirtualHost *:80>\nServerName b\n</VirtualHost>\n",
        )]);
        let s = summary(&diff(&old, &new));
        assert!(
            s.contains(&"ScopeRemoved vhost a (*:80) ".to_string()),
            "{s:?}"
        );
        assert!(
            s.contains(&"ScopeAdded vhost b (*:80) ".to_string()),
            "{s:?}"
        );
    }
}
