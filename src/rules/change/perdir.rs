//! What httpd applies to one request of one site — the per-directory merge
//! that the change rules evaluate on both sides of a change and compare.
//!
//! - **Sites** are the vhosts present on both sides (matched by address set
//!   and ServerName, or file and place for a vhost without one), plus the
//!   main server when some listened address has no vhost.
//! - **Probes** are the URL paths worth asking about: `/`, every
//!   `<Location>` and `Alias` path, and every `<Directory>` below a
//!   document root or alias target, of either side.
//! - **Mapping**, as httpd does it: a `ProxyPass` path (main-server entries,
//!   then the vhost's) makes the request proxied — no directory applies;
//!   else `Alias`/`ScriptAlias`/`AliasMatch` (the vhost's entries, then the
//!   main server's; the first match wins); else the `DocumentRoot` (the
//!   vhost's, the main server's, or the compiled-in `/var/www/html`).
//! - **Layers**, in merge order: the main server's top-level settings, the
//!   vhost's, the `<Directory>` sections by number of path components (the
//!   main server's before the vhost's for equal counts) with each
//!   directory's `.htaccess` after the sections of its depth (when the
//!   `AllowOverride` in force lets httpd read it), `<DirectoryMatch>`,
//!   `<Files>`, `<Location>` in configuration order, and last `<If>` (marked
//!   conditional).
//! - A probe is **compared** only where both sides map it to the same place
//!   (a moved DocumentRoot or a new Alias is documentroot-changed's
//!   business) and no `.htaccess` on the way makes it fail with 500
//!   (allowoverride-breaks-htaccess's).
//!
//! Approximations: a request is a `GET` (`<Limit GET>` applies,
//! `<LimitExcept GET>` does not); `<If>` conditions are not evaluated;
//! `Redirect` is not followed; the `.htaccess` files are those of the checked
//! tree, read on each side with that side's modules, defines and overrides;
//! a regular expression that does not compile never matches.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::OnceLock;

use crate::diff::{Change, Scope, vhost_scope};
use crate::load::cond::CondKind;
use crate::load::include::fnmatch;
use crate::load::tree::{Config, NodeId};
use crate::model::overrides::{Overrides, overrides_for};
use crate::model::vhosts::VhostMap;
use crate::rules::context::{Context, HtaccessFile};
use crate::source::Span;
use crate::syntax;

/// The document root httpd uses when none is configured (Debian's and
/// RHEL's builds).
const COMPILED_DOCUMENT_ROOT: &str = "/var/www/html";

/// One side of a change check, with what every request asks again computed
/// once: the main server's top level, each site's mapping data and the
/// overrides per directory.
pub(crate) struct Side<'a> {
    pub config: &'a Config,
    pub vhosts: &'a VhostMap,
    pub htaccess: &'a [HtaccessFile],
    /// The main server's own top-level content (`<VirtualHost>` sections
    /// left out).
    root: Vec<NodeId>,
    /// The same by lowercased name (sections as `<name`), in order: a
    /// main-server setting looked up for every vhost stays cheap.
    root_by_name: HashMap<String, Vec<NodeId>>,
    overrides: RefCell<HashMap<String, Overrides>>,
    sites: RefCell<HashMap<Option<usize>, Rc<SiteData>>>,
    /// What changed between the two sides.
    changes: &'a [Change],
    /// On the candidate side: the sites of the pair, shared by every rule.
    memo: Option<&'a SiteMemo>,
    /// Each vhost's redirect of every path, once asked for (redirect chains
    /// pass through the same vhosts many times).
    blanket_redirects: RefCell<HashMap<NodeId, Option<super::rewrite::Redirect>>>,
    /// Whether each vhost (by index) serves TLS, once asked for.
    tls_enabled: RefCell<HashMap<usize, bool>>,
}

/// The sites of the (known-good, candidate) pair of one check, computed by
/// the first change rule that asks and shared by the others (matching 10,000
/// vhosts by identity is not free, and a dozen rules ask).
#[derive(Debug, Default)]
pub(crate) struct SiteMemo {
    all: OnceLock<Vec<Site>>,
    changed: OnceLock<Vec<Site>>,
}

/// What a site's requests are mapped and merged with.
struct SiteData {
    document_root: (String, Option<NodeId>),
    /// `Alias`-like lines in mod_alias order (the vhost's, then the main
    /// server's).
    aliases: Vec<NodeId>,
    /// `ProxyPass`/`ProxyPassMatch` lines in mod_proxy order (the main
    /// server's, then the vhost's).
    proxies: Vec<NodeId>,
    /// Per-directory sections (the main server's, then the vhost's).
    sections: Vec<NodeId>,
}

impl<'a> Side<'a> {
    fn new(
        config: &'a Config,
        vhosts: &'a VhostMap,
        htaccess: &'a [HtaccessFile],
        changes: &'a [Change],
    ) -> Self {
        let root: Vec<NodeId> = config
            .effective(config.root)
            .iter()
            .copied()
            .filter(|&id| !config.node(id).is("VirtualHost"))
            .collect();
        let mut root_by_name: HashMap<String, Vec<NodeId>> = HashMap::new();
        for &id in &root {
            let n = config.node(id);
            let name = n.name.to_ascii_lowercase();
            let key = if n.is_section() {
                format!("<{name}")
            } else {
                name.to_string()
            };
            root_by_name.entry(key).or_default().push(id);
        }
        Side {
            config,
            vhosts,
            htaccess,
            root,
            root_by_name,
            memo: None,
            blanket_redirects: RefCell::new(HashMap::new()),
            tls_enabled: RefCell::new(HashMap::new()),
            overrides: RefCell::new(HashMap::new()),
            sites: RefCell::new(HashMap::new()),
            changes,
        }
    }

    /// The containers of a site's settings: the root, then the vhost.
    fn containers(&self, vhost: Option<usize>) -> Vec<NodeId> {
        let mut out = vec![self.config.root];
        out.extend(vhost.map(|i| self.vhosts.vhosts[i].node));
        out
    }

    /// A site's mapping data (cached).
    fn site(&self, vhost: Option<usize>) -> Rc<SiteData> {
        if let Some(data) = self.sites.borrow().get(&vhost) {
            return Rc::clone(data);
        }
        let config = self.config;
        let container = vhost.map_or(config.root, |i| self.vhosts.vhosts[i].node);
        let lines = direct_directives(self, container);
        let named = |names: &[&str]| -> Vec<NodeId> {
            lines
                .iter()
                .copied()
                .filter(|&id| {
                    let n = config.node(id);
                    n.args.len() >= 2 && names.iter().any(|name| n.is(name))
                })
                .collect()
        };
        let mut own = SiteData {
            document_root: (COMPILED_DOCUMENT_ROOT.to_string(), None),
            aliases: named(&["Alias", "ScriptAlias", "AliasMatch", "ScriptAliasMatch"]),
            proxies: named(&["ProxyPass", "ProxyPassMatch"]),
            sections: scope_sections(self, container),
        };
        let root = last_directive(self, container, "DocumentRoot");
        if let Some(path) = root.and_then(|id| config.node(id).arg(0)) {
            own.document_root = (normalize_path(config, path), root);
        }
        // A vhost merges with the main server: mod_alias tries the vhost's
        // entries first, mod_proxy the main server's; sections and the
        // DocumentRoot as httpd merges them.
        let data = match vhost {
            None => Rc::new(own),
            Some(_) => {
                let main = self.site(None);
                Rc::new(SiteData {
                    document_root: if own.document_root.1.is_some() {
                        own.document_root
                    } else {
                        main.document_root.clone()
                    },
                    aliases: [own.aliases, main.aliases.clone()].concat(),
                    proxies: [main.proxies.clone(), own.proxies].concat(),
                    sections: [main.sections.clone(), own.sections].concat(),
                })
            }
        };
        self.sites.borrow_mut().insert(vhost, Rc::clone(&data));
        data
    }

    /// Active content directly in a container, as [`Config::effective`]
    /// (for the root: without the `<VirtualHost>` sections).
    pub fn content(&self, container: NodeId) -> Cow<'_, [NodeId]> {
        if container == self.config.root {
            Cow::Borrowed(&self.root)
        } else {
            self.config.effective(container)
        }
    }

    /// `vhost`'s redirect of every path, computed by `compute` the first
    /// time it is asked for.
    pub(crate) fn blanket_redirect(
        &self,
        vhost: NodeId,
        compute: impl FnOnce() -> Option<super::rewrite::Redirect>,
    ) -> Option<super::rewrite::Redirect> {
        if let Some(known) = self.blanket_redirects.borrow().get(&vhost) {
            return known.clone();
        }
        let redirect = compute();
        self.blanket_redirects
            .borrow_mut()
            .insert(vhost, redirect.clone());
        redirect
    }

    /// Whether vhost number `vhost` serves TLS, computed by `compute` the
    /// first time it is asked for.
    pub(crate) fn tls_enabled(&self, vhost: usize, compute: impl FnOnce() -> bool) -> bool {
        if let Some(&known) = self.tls_enabled.borrow().get(&vhost) {
            return known;
        }
        let enabled = compute();
        self.tls_enabled.borrow_mut().insert(vhost, enabled);
        enabled
    }

    /// The overrides in force for a directory.
    pub fn overrides(&self, dir: &str) -> Overrides {
        self.overrides
            .borrow_mut()
            .entry(dir.to_string())
            .or_insert_with(|| overrides_for(self.config, dir))
            .clone()
    }
}

/// The candidate alone as a side, for rules that judge one configuration
/// with the request model the change rules use.
pub(crate) fn candidate_side<'a>(ctx: &Context<'a>) -> Side<'a> {
    Side::new(ctx.config, ctx.vhosts, ctx.htaccess, ctx.changes)
}

/// The known-good side and the candidate side, when checking a change.
pub(crate) fn sides<'a>(ctx: &Context<'a>) -> Option<(Side<'a>, Side<'a>)> {
    let base = ctx.baseline?;
    let mut new = Side::new(ctx.config, ctx.vhosts, ctx.htaccess, ctx.changes);
    new.memo = Some(&base.site_memo);
    Some((
        Side::new(base.config, base.vhosts, ctx.htaccess, ctx.changes),
        new,
    ))
}

/// A site present on both sides: a vhost (its index in each side's map) or
/// the main server (`None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Site {
    pub old: Option<usize>,
    pub new: Option<usize>,
}

/// A vhost's identity across the two sides: its addresses and its name (or
/// file and place).
fn vhost_key(side: &Side<'_>, index: usize) -> String {
    let v = &side.vhosts.vhosts[index];
    let mut addrs: Vec<String> = v.addrs.iter().map(|a| a.display()).collect();
    addrs.sort();
    format!(
        "{} {}",
        addrs.join(" "),
        crate::diff::routing::identity(side.config, side.vhosts, index)
    )
}

/// Whether the main server answers some listened address (no vhost there).
pub(crate) fn main_serves(side: &Side<'_>) -> bool {
    side.vhosts
        .listens
        .iter()
        .any(|l| side.vhosts.route(l.ip, l.port, None).is_none())
}

/// The sites present on both sides.
pub(crate) fn sites(old: &Side<'_>, new: &Side<'_>) -> Vec<Site> {
    match new.memo {
        Some(memo) => memo.all.get_or_init(|| match_sites(old, new)).clone(),
        None => match_sites(old, new),
    }
}

fn match_sites(old: &Side<'_>, new: &Side<'_>) -> Vec<Site> {
    let mut out = Vec::new();
    if main_serves(old) && main_serves(new) {
        out.push(Site {
            old: None,
            new: None,
        });
    }
    // Keys claimed by one vhost on each side (two vhosts with the same
    // name and addresses cannot be told apart).
    let unique = |side: &Side<'_>| {
        let mut keys: BTreeMap<String, Option<usize>> = BTreeMap::new();
        for i in 0..side.vhosts.vhosts.len() {
            keys.entry(vhost_key(side, i))
                .and_modify(|e| *e = None)
                .or_insert(Some(i));
        }
        keys
    };
    let old_keys = unique(old);
    for (key, n) in unique(new) {
        if let (Some(n), Some(Some(o))) = (n, old_keys.get(&key)) {
            out.push(Site {
                old: Some(*o),
                new: Some(n),
            });
        }
    }
    out.sort_by_key(|s| s.new);
    out
}

/// The sites present on both sides that the change can have touched: all of
/// them when the main server changed (every vhost inherits its settings and
/// its `<Directory>` sections), else those whose own `<VirtualHost>` scope
/// changed. A site nothing changed for merges the same settings on both
/// sides (`.htaccess` files and the target's files are read once, for
/// both), so rules comparing a site's before and after skip it — one edited
/// vhost among 10,000 is compared once, not 10,000 times.
pub(crate) fn changed_sites(old: &Side<'_>, new: &Side<'_>) -> Vec<Site> {
    match new.memo {
        Some(memo) => memo.changed.get_or_init(|| touched_sites(old, new)).clone(),
        None => touched_sites(old, new),
    }
}

fn touched_sites(old: &Side<'_>, new: &Side<'_>) -> Vec<Site> {
    let mut touched: BTreeSet<&Scope> = BTreeSet::new();
    for change in new.changes {
        match change.scope.vhost() {
            None => return sites(old, new),
            Some(vhost) => {
                touched.insert(vhost);
            }
        }
    }
    if touched.is_empty() {
        return Vec::new();
    }
    let is_touched = |side: &Side<'_>, vhost: Option<usize>| {
        vhost.is_some_and(|i| {
            touched.contains(&vhost_scope(side.config, side.vhosts.vhosts[i].node))
        })
    };
    sites(old, new)
        .into_iter()
        .filter(|site| is_touched(old, site.old) || is_touched(new, site.new))
        .collect()
}

/// The directories a side serves content from: every site's DocumentRoot
/// and the targets of plain aliases.
fn served_roots(side: &Side<'_>) -> Vec<String> {
    let mut vhosts: Vec<Option<usize>> = (0..side.vhosts.vhosts.len()).map(Some).collect();
    if main_serves(side) {
        vhosts.push(None);
    }
    let mut roots = Vec::new();
    for vhost in vhosts {
        roots.push(document_root(side, vhost).0);
        for id in aliases(side, vhost) {
            if let Some((_, real)) = plain_alias(side.config, id) {
                roots.push(normalize_path(side.config, real));
            }
        }
    }
    roots
}

/// Whether some site of the side serves `dir`.
pub(crate) fn is_served(side: &Side<'_>, dir: &str) -> bool {
    served_roots(side).iter().any(|root| is_within(dir, root))
}

/// How a reader names a URL of a site: `sale.shop.example/`,
/// `https://shop.example/admin`, `/ of the *:80 vhost in
/// sites-enabled/000-default.conf`.
pub(crate) fn site_url(side: &Side<'_>, vhost: Option<usize>, path: &str) -> String {
    let Some(i) = vhost else {
        return if path.is_empty() {
            "the main server".to_string()
        } else {
            format!("{path} of the main server")
        };
    };
    let v = &side.vhosts.vhosts[i];
    match &v.server_name {
        Some(name) => {
            let ports: Vec<Option<u16>> = v.addrs.iter().map(|a| a.port).collect();
            if !ports.is_empty() && ports.iter().all(|p| *p == Some(443)) {
                format!("https://{}{path}", name.name)
            } else if let [Some(p)] = ports.as_slice()
                && *p != 80
            {
                format!("{}:{p}{path}", name.name)
            } else {
                format!("{}{path}", name.name)
            }
        }
        None => {
            let addrs: Vec<String> = v.addrs.iter().map(|a| a.display()).collect();
            let file = side
                .config
                .sources
                .get(side.config.node(v.node).span.file)
                .display_path();
            let vhost = format!("the {} vhost in {file}", addrs.join(" "));
            if path.is_empty() {
                vhost
            } else {
                format!("{path} of {vhost}")
            }
        }
    }
}

/// Lists at most `max` items, then how many more.
pub(crate) fn listing(items: &[String], max: usize) -> String {
    let mut shown: Vec<String> = items.iter().take(max).cloned().collect();
    if items.len() > max {
        shown.push(format!("{} more", items.len() - max));
    }
    match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Directives directly in a container (the root's top level, a vhost's, a
/// section's), in order, sections skipped.
pub(crate) fn direct_directives(side: &Side<'_>, container: NodeId) -> Vec<NodeId> {
    side.content(container)
        .iter()
        .copied()
        .filter(|&id| side.config.node(id).is_directive())
        .collect()
}

/// The last value of a single-valued directive directly in a container.
pub(crate) fn last_directive(side: &Side<'_>, container: NodeId, name: &str) -> Option<NodeId> {
    named_in(side, container, &[name]).pop()
}

/// Directives named one of `names` (sections: `<Location`) directly in a
/// container, in order.
pub(crate) fn named_in(side: &Side<'_>, container: NodeId, names: &[&str]) -> Vec<NodeId> {
    if container == side.config.root {
        let mut out: Vec<NodeId> = names
            .iter()
            .filter_map(|name| side.root_by_name.get(&name.to_ascii_lowercase()))
            .flatten()
            .copied()
            .collect();
        out.sort();
        return out;
    }
    let config = side.config;
    side.content(container)
        .iter()
        .copied()
        .filter(|&id| {
            let n = config.node(id);
            names.iter().any(|name| match name.strip_prefix('<') {
                Some(section) => n.is_section() && n.is(section),
                None => n.is_directive() && n.is(name),
            })
        })
        .collect()
}

/// Sections directly in a container (for the root, the main server's own).
fn scope_sections(side: &Side<'_>, container: NodeId) -> Vec<NodeId> {
    side.content(container)
        .iter()
        .copied()
        .filter(|&id| side.config.node(id).is_section())
        .collect()
}

/// A path made absolute against ServerRoot, `//` collapsed, without a
/// trailing `/` (except for `/` itself).
pub(crate) fn normalize_path(config: &Config, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", config.server_root.display())
    };
    let parts: Vec<&str> = joined
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

/// The path components of an absolute path.
fn components(path: &str) -> Vec<&str> {
    path.split('/').filter(|c| !c.is_empty()).collect()
}

/// `path` equals `root` or lies below it.
pub(crate) fn is_within(path: &str, root: &str) -> bool {
    path == root || root == "/" || path.starts_with(&format!("{root}/"))
}

/// The site's DocumentRoot and the directive that set it (`None`: the
/// compiled-in default).
pub(crate) fn document_root(side: &Side<'_>, vhost: Option<usize>) -> (String, Option<NodeId>) {
    side.site(vhost).document_root.clone()
}

/// `Alias`-like directives of a site in mod_alias order (the vhost's, then
/// the main server's).
pub(crate) fn aliases(side: &Side<'_>, vhost: Option<usize>) -> Vec<NodeId> {
    side.site(vhost).aliases.clone()
}

/// The URL path and target of an `Alias`/`ScriptAlias` (not the regular
/// expression kinds).
pub(crate) fn plain_alias(config: &Config, id: NodeId) -> Option<(&str, &str)> {
    let n = config.node(id);
    if n.is("AliasMatch") || n.is("ScriptAliasMatch") {
        return None;
    }
    Some((n.arg(0)?, n.arg(1)?))
}

/// Collapses repeated slashes.
pub(crate) fn collapse_slashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    out
}

/// mod_alias's prefix match: the length of `url` an alias path matches.
pub(crate) fn alias_prefix(url: &str, fake: &str) -> Option<usize> {
    let fake = collapse_slashes(fake);
    if fake.ends_with('/') {
        url.starts_with(&fake).then_some(fake.len())
    } else if url == fake || url.starts_with(&format!("{fake}/")) {
        Some(fake.len())
    } else {
        None
    }
}

/// A regular expression as httpd compiles it (PCRE); `None` if it does not
/// compile.
fn regex(pattern: &str) -> Option<pcre2::bytes::Regex> {
    pcre2::bytes::RegexBuilder::new().build(pattern).ok()
}

pub(crate) fn regex_matches(pattern: &str, text: &str) -> bool {
    regex(pattern).is_some_and(|re| re.is_match(text.as_bytes()).unwrap_or(false))
}

/// `AliasMatch`'s substitution of `$0`…`$9`.
fn substitute(re: &pcre2::bytes::Regex, url: &str, target: &str) -> Option<String> {
    let caps = re.captures(url.as_bytes()).ok()??;
    let mut out = String::new();
    let mut chars = target.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().and_then(|d| d.to_digit(10))) {
            ('$', Some(n)) => {
                chars.next();
                if let Some(m) = caps.get(n as usize) {
                    out.push_str(&String::from_utf8_lossy(m.as_bytes()));
                }
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// Where a request ends up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// Passed to a backend: no directory applies.
    Proxied,
    /// Served from a directory (`file`: the last path segment, for a URL
    /// not ending in `/`).
    Dir { dir: String, file: Option<String> },
}

/// Whether a `ProxyPass` of the site catches `url` (main-server entries
/// first, then the vhost's; `ProxyPass path !` excludes).
fn proxied(side: &Side<'_>, vhost: Option<usize>, url: &str) -> bool {
    for &id in &side.site(vhost).proxies {
        let n = side.config.node(id);
        let (Some(path), Some(to)) = (n.arg(0), n.arg(1)) else {
            continue;
        };
        let hit = if n.is("ProxyPass") {
            alias_prefix(url, path).is_some()
        } else {
            regex_matches(path, url)
        };
        if hit {
            return to != "!";
        }
    }
    false
}

/// Maps a URL path of a site to where httpd serves it from.
fn map_url(side: &Side<'_>, vhost: Option<usize>, url: &str) -> Target {
    let config = side.config;
    let url = collapse_slashes(url);
    if proxied(side, vhost, &url) {
        return Target::Proxied;
    }
    let mut fs = None;
    for id in aliases(side, vhost) {
        let n = config.node(id);
        let (Some(fake), Some(real)) = (n.arg(0), n.arg(1)) else {
            continue;
        };
        if n.is("AliasMatch") || n.is("ScriptAliasMatch") {
            if let Some(path) = regex(fake).and_then(|re| substitute(&re, &url, real)) {
                fs = Some(path);
                break;
            }
        } else if let Some(len) = alias_prefix(&url, fake) {
            fs = Some(format!("{real}/{}", url.get(len..).unwrap_or("")));
            break;
        }
    }
    let fs = fs.unwrap_or_else(|| format!("{}/{url}", document_root(side, vhost).0));
    let path = normalize_path(config, &fs);
    if url.ends_with('/') {
        Target::Dir {
            dir: path,
            file: None,
        }
    } else {
        match path.rsplit_once('/') {
            Some((dir, file)) => Target::Dir {
                dir: if dir.is_empty() {
                    "/".to_string()
                } else {
                    dir.to_string()
                },
                file: Some(file.to_string()),
            },
            None => Target::Dir {
                dir: path,
                file: None,
            },
        }
    }
}

/// The URL paths worth probing on a site, from both sides.
fn probes(old: &Side<'_>, new: &Side<'_>, site: &Site) -> Vec<String> {
    let mut urls = vec!["/".to_string()];
    for (side, vhost) in [(old, site.old), (new, site.new)] {
        let config = side.config;
        // Where directories are served from: the document root and the
        // targets of plain aliases, with their URL prefix.
        let mut roots: Vec<(String, String)> =
            vec![(document_root(side, vhost).0, "/".to_string())];
        for id in aliases(side, vhost) {
            if let Some((fake, real)) = plain_alias(config, id) {
                let fake = if fake.ends_with('/') {
                    fake.to_string()
                } else {
                    format!("{fake}/")
                };
                urls.push(fake.clone());
                roots.push((normalize_path(config, real), fake));
            }
        }
        for &s in &side.site(vhost).sections {
            let n = config.node(s);
            let Some(arg) = n.arg(0).filter(|_| n.args.len() == 1) else {
                continue;
            };
            if n.is("Location") {
                urls.push(collapse_slashes(arg));
            } else if n.is("Directory") && !arg.contains(['*', '?', '[']) {
                let dir = normalize_path(config, arg);
                for (root, prefix) in &roots {
                    if is_within(&dir, root) {
                        let rest = dir.get(root.len()..).unwrap_or("").trim_start_matches('/');
                        let url = if rest.is_empty() {
                            prefix.clone()
                        } else {
                            format!("{prefix}{rest}/")
                        };
                        urls.push(url);
                    }
                }
            }
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

/// Where a layer's settings come from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Source<'a> {
    /// The root (main server's top level), a vhost's top level, or a section.
    Config(NodeId),
    /// A `.htaccess` file httpd reads for the request.
    Htaccess(&'a HtaccessFile),
}

/// One step of the per-directory merge.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layer<'a> {
    pub source: Source<'a>,
    /// Inside `<If>`: applies only when its condition holds.
    pub conditional: bool,
}

/// What applies to one request.
#[derive(Debug)]
pub(crate) struct Applied<'a> {
    pub target: Target,
    pub layers: Vec<Layer<'a>>,
    /// A `.htaccess` on the way uses a directive httpd refuses there: every
    /// request answers 500 (what allowoverride-breaks-htaccess reports).
    pub fails: bool,
}

/// Whether a section's path argument applies to `dir`.
fn directory_matches(config: &Config, pattern: &str, dir_comps: &[&str]) -> Option<usize> {
    let path = normalize_path(config, pattern);
    let comps = components(&path);
    if comps.len() > dir_comps.len() {
        return None;
    }
    comps
        .iter()
        .zip(dir_comps)
        .all(|(p, d)| fnmatch(p.as_bytes(), d.as_bytes()))
        .then_some(comps.len())
}

/// The regular expression of a `<DirectoryMatch re>`/`<Directory ~ re>`
/// style section, if it is one.
fn section_regex<'n>(node: &'n crate::load::tree::Node, matcher: &str) -> Option<&'n str> {
    if node.is(matcher) {
        node.arg(0)
    } else if node.arg(0) == Some("~") {
        node.arg(1)
    } else {
        None
    }
}

/// Computes the layers httpd merges for `url` on a site.
fn apply<'a>(side: &Side<'a>, vhost: Option<usize>, url: &str) -> Applied<'a> {
    let config = side.config;
    let target = map_url(side, vhost, url);
    let mut layers: Vec<Layer<'a>> = side
        .containers(vhost)
        .into_iter()
        .map(|c| Layer {
            source: Source::Config(c),
            conditional: false,
        })
        .collect();
    let site = side.site(vhost);
    let sections = &site.sections;
    let (mut dirs, mut dir_regex, mut files, mut locations, mut ifs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for &s in sections {
        let n = config.node(s);
        if n.is("Directory") || n.is("DirectoryMatch") {
            if section_regex(n, "DirectoryMatch").is_some() {
                dir_regex.push(s);
            } else {
                dirs.push(s);
            }
        } else if n.is("Files") || n.is("FilesMatch") {
            files.push(s);
        } else if n.is("Location") || n.is("LocationMatch") {
            locations.push(s);
        } else if n.is("If") || n.is("ElseIf") || n.is("Else") {
            ifs.push(s);
        }
    }
    let mut fails = false;
    let mut nested = Vec::new();
    if let Target::Dir { dir, file } = &target {
        let dir_comps = components(dir);
        // Non-regex <Directory> by depth, .htaccess after each depth.
        let mut by_depth: Vec<(usize, usize, NodeId)> = dirs
            .iter()
            .enumerate()
            .filter_map(|(order, &s)| {
                let pattern = config.node(s).arg(0)?;
                directory_matches(config, pattern, &dir_comps).map(|depth| (depth, order, s))
            })
            .collect();
        by_depth.sort();
        for depth in 0..=dir_comps.len() {
            for &(_, _, s) in by_depth.iter().filter(|(d, _, _)| *d == depth) {
                layers.push(Layer {
                    source: Source::Config(s),
                    conditional: false,
                });
                nested.push(s);
            }
            let here = format!("/{}", dir_comps[..depth].join("/"));
            if let Some(h) = side.htaccess.iter().find(|h| h.dir == here) {
                let overrides = side.overrides(&here);
                if overrides.reads_htaccess() {
                    fails |= !htaccess_directives(config, h, &overrides)
                        .refused
                        .is_empty();
                    layers.push(Layer {
                        source: Source::Htaccess(h),
                        conditional: false,
                    });
                }
            }
        }
        for &s in &dir_regex {
            let n = config.node(s);
            if section_regex(n, "DirectoryMatch")
                .is_some_and(|re| regex_matches(re, dir) || regex_matches(re, &format!("{dir}/")))
            {
                layers.push(Layer {
                    source: Source::Config(s),
                    conditional: false,
                });
                nested.push(s);
            }
        }
        if let Some(file) = file {
            let nested_files: Vec<NodeId> = nested
                .iter()
                .flat_map(|&s| scope_sections(side, s))
                .filter(|&s| config.node(s).is("Files") || config.node(s).is("FilesMatch"))
                .collect();
            for s in files.iter().chain(nested_files.iter()).copied() {
                let n = config.node(s);
                let hit = match section_regex(n, "FilesMatch") {
                    Some(re) => regex_matches(re, file),
                    None => n
                        .arg(0)
                        .is_some_and(|p| fnmatch(p.as_bytes(), file.as_bytes())),
                };
                if hit {
                    layers.push(Layer {
                        source: Source::Config(s),
                        conditional: false,
                    });
                }
            }
        }
    }
    let url = collapse_slashes(url);
    for &s in &locations {
        let n = config.node(s);
        let hit = match section_regex(n, "LocationMatch") {
            Some(re) => regex_matches(re, &url),
            None => n.arg(0).is_some_and(|p| alias_prefix(&url, p).is_some()),
        };
        if hit {
            layers.push(Layer {
                source: Source::Config(s),
                conditional: false,
            });
            nested.push(s);
        }
    }
    let nested_ifs: Vec<NodeId> = nested
        .iter()
        .flat_map(|&s| scope_sections(side, s))
        .filter(|&s| {
            let n = config.node(s);
            n.is("If") || n.is("ElseIf") || n.is("Else")
        })
        .collect();
    for s in ifs.into_iter().chain(nested_ifs) {
        layers.push(Layer {
            source: Source::Config(s),
            conditional: true,
        });
    }
    Applied {
        target,
        layers,
        fails,
    }
}

/// Where a setting is written.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Origin<'a> {
    Node(NodeId),
    /// A line of a `.htaccess` file (the span is in the report's sources).
    Htaccess(&'a HtaccessFile, Span),
}

/// One directive as the merge sees it.
#[derive(Clone, Debug)]
pub(crate) struct Setting<'a> {
    pub name: &'a str,
    pub args: Vec<&'a str>,
    pub origin: Origin<'a>,
    pub conditional: bool,
    /// The index of its layer in [`Applied::layers`] (settings of one layer
    /// sometimes accumulate where layers replace each other).
    pub layer: usize,
}

impl Setting<'_> {
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// `Name args` as written (arguments as values).
    pub fn text(&self) -> String {
        if self.args.is_empty() {
            self.name.to_string()
        } else {
            format!("{} {}", self.name, self.args.join(" "))
        }
    }
}

/// Whether `<Limit>`/`<LimitExcept>` content applies to a GET request.
pub(crate) fn limit_applies_to_get<'m>(
    section: &str,
    mut methods: impl Iterator<Item = &'m str>,
) -> bool {
    let lists_get = methods.any(|m| m.eq_ignore_ascii_case("GET"));
    if section.eq_ignore_ascii_case("Limit") {
        lists_get
    } else {
        section.eq_ignore_ascii_case("LimitExcept") && !lists_get
    }
}

/// The directives named `names` of a configuration container, `<Limit>`
/// bodies that apply to GET included.
fn container_settings<'a>(
    side: &Side<'a>,
    id: NodeId,
    layer: (usize, bool),
    names: &[&str],
    out: &mut Vec<Setting<'a>>,
) {
    let config = side.config;
    for &child in side.content(id).iter() {
        let n = config.node(child);
        if n.is_directive() {
            if names.iter().any(|name| n.is(name)) {
                out.push(Setting {
                    name: &n.name,
                    args: n.arg_values().collect(),
                    origin: Origin::Node(child),
                    conditional: layer.1,
                    layer: layer.0,
                });
            }
        } else if n.is_section() && limit_applies_to_get(&n.name, n.arg_values()) {
            container_settings(side, child, layer, names, out);
        }
    }
}

/// Every setting named `names` of the applied layers, in merge order.
pub(crate) fn merged<'a>(
    side: &Side<'a>,
    applied: &Applied<'a>,
    names: &[&str],
) -> Vec<Setting<'a>> {
    let mut out = Vec::new();
    for (index, layer) in applied.layers.iter().enumerate() {
        match layer.source {
            Source::Config(id) => {
                container_settings(side, id, (index, layer.conditional), names, &mut out)
            }
            Source::Htaccess(h) => {
                let overrides = side.overrides(&h.dir);
                out.extend(
                    htaccess_directives(side.config, h, &overrides)
                        .applied
                        .into_iter()
                        .filter(|s| names.iter().any(|name| s.is(name)))
                        .map(|s| Setting { layer: index, ..s }),
                );
            }
        }
    }
    out
}

/// Whether a conditional section of a `.htaccess` file holds with the
/// configuration's modules and defines (`<IfModule>`, `<IfDefine>`; the
/// other kinds are taken as holding).
pub(crate) fn htaccess_condition_holds(config: &Config, section: &syntax::Section) -> bool {
    let Some(word) = section.open.args.first().map(|w| w.as_str()) else {
        return false;
    };
    let (negated, subject) = match word.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, word),
    };
    match CondKind::of(section.name()) {
        Some(CondKind::IfModule) => loads(config, subject) != negated,
        Some(CondKind::IfDefine) => config.vars.is_defined(subject) != negated,
        _ => true,
    }
}

/// Whether the configuration loads the module `<IfModule subject>` names
/// (identifier or source file).
pub(crate) fn loads(config: &Config, subject: &str) -> bool {
    config
        .modules
        .iter()
        .any(|m| m.identifier == subject || m.source.as_deref() == Some(subject))
}

/// Visits the directives of a `.htaccess` file httpd acts on with
/// `config`'s modules and defines (conditionals evaluated; `<Limit>` bodies
/// that apply to GET; other sections skipped).
pub(crate) fn walk_htaccess<'f>(
    config: &Config,
    nodes: &'f [syntax::Node],
    visit: &mut dyn FnMut(&'f syntax::Directive),
) {
    for node in nodes {
        match node {
            syntax::Node::Comment(_) => {}
            syntax::Node::Directive(d) => visit(d),
            syntax::Node::Section(section) => {
                let enter = match section.kind {
                    syntax::SectionKind::Conditional => htaccess_condition_holds(config, section),
                    _ => limit_applies_to_get(section.name(), section.open.arg_values()),
                };
                if enter {
                    walk_htaccess(config, section.children(), visit);
                }
            }
        }
    }
}

/// A `.htaccess` file as one side reads it.
pub(crate) struct HtaccessRead<'a> {
    /// The directives httpd applies.
    pub applied: Vec<Setting<'a>>,
    /// The names of directives httpd refuses (500 for every request).
    pub refused: Vec<&'a str>,
}

/// Reads a `.htaccess` file with a side's modules, defines and overrides.
pub(crate) fn htaccess_directives<'a>(
    config: &Config,
    file: &'a HtaccessFile,
    overrides: &Overrides,
) -> HtaccessRead<'a> {
    let mut read = HtaccessRead {
        applied: Vec::new(),
        refused: Vec::new(),
    };
    walk_htaccess(config, &file.parsed.nodes, &mut |d| {
        let name = d.name.as_str();
        let specs: Vec<_> = crate::model::registry::lookup(name)
            .iter()
            .filter(|s| config.has_module(s.module_id))
            .collect();
        match specs.first() {
            None if !overrides.nonfatal_unknown => read.refused.push(name),
            None => {}
            Some(spec) if overrides.allows(name, spec.req_override.0) => {
                read.applied.push(Setting {
                    name,
                    args: d.arg_values().collect(),
                    origin: Origin::Htaccess(file, Span::new(file.file, d.line.range)),
                    conditional: false,
                    layer: 0,
                })
            }
            Some(_) if !overrides.nonfatal_override => read.refused.push(name),
            Some(_) => {}
        }
    });
    read
}

/// A request of a site evaluated on both sides, where both map it to the
/// same place and neither fails outright.
pub(crate) struct Probe<'a> {
    pub site: Site,
    pub url: String,
    pub old: Applied<'a>,
    pub new: Applied<'a>,
}

/// Every comparable probe of every site.
pub(crate) fn comparable<'a>(old: &Side<'a>, new: &Side<'a>) -> Vec<Probe<'a>> {
    let mut out = Vec::new();
    for site in changed_sites(old, new) {
        for url in probes(old, new, &site) {
            let a = apply(old, site.old, &url);
            let b = apply(new, site.new, &url);
            if a.target == b.target && !a.fails && !b.fails {
                out.push(Probe {
                    site,
                    url,
                    old: a,
                    new: b,
                });
            }
        }
    }
    out
}
