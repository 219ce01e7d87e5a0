//! mod_rewrite and mod_alias as the change rules need them: the rewrite
//! rules in force for a vhost (with mod_rewrite's inheritance from the main
//! server), per-directory rules, and the redirects a vhost answers with —
//! in particular one that catches every path (a blanket redirect).
//!
//! Approximations: a rule with `RewriteCond`s is conditional and never
//! counted as catching every path; variables other than the request's host
//! and the ServerName are not expanded.

use crate::load::tree::{Config, NodeId};
use crate::model::vhosts::VhostMap;
use crate::rules::validity::parse_arg_line;

use super::perdir::{Side, named_in};
use super::servers::setting;

/// One `RewriteRule` with the number of `RewriteCond`s before it.
#[derive(Clone, Debug)]
pub(crate) struct RewriteRule {
    pub node: NodeId,
    pub pattern: String,
    pub negated: bool,
    pub substitution: String,
    /// Flags, lowercased, with their values: `("r", Some("301"))`.
    pub flags: Vec<(String, Option<String>)>,
    pub conditions: usize,
}

impl RewriteRule {
    /// Reads a `RewriteRule` with mod_rewrite's own argument splitter.
    fn parse(config: &Config, id: NodeId, conditions: usize) -> Option<RewriteRule> {
        let line = parse_arg_line(&config.raw_args(id))?;
        let (negated, pattern) = match line.first.text.strip_prefix('!') {
            Some(p) => (true, p.to_string()),
            None => (false, line.first.text.clone()),
        };
        let flags = line
            .flags
            .map(|f| {
                f.text
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(|f| match f.split_once('=') {
                        Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.to_string())),
                        None => (f.to_ascii_lowercase(), None),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(RewriteRule {
            node: id,
            pattern,
            negated,
            substitution: line.second.text,
            flags,
            conditions,
        })
    }

    /// Whether one of the flag spellings is set (`["r", "redirect"]`).
    pub fn has_flag(&self, names: &[&str]) -> bool {
        self.flags.iter().any(|(k, _)| names.contains(&k.as_str()))
    }

    /// The compiled pattern (`NC` makes it caseless); `None` when it does
    /// not compile.
    pub fn regex(&self) -> Option<pcre2::bytes::Regex> {
        pcre2::bytes::RegexBuilder::new()
            .caseless(self.has_flag(&["nc", "nocase"]))
            .build(&self.pattern)
            .ok()
    }

    /// Whether the rule answers with an external redirect.
    pub fn redirects(&self) -> bool {
        self.has_flag(&["r", "redirect"]) || self.substitution.contains("://")
    }

    /// Text that identifies the rule across configurations.
    pub fn text(&self, config: &Config) -> String {
        config
            .raw_args(self.node)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The rewrite rules written directly in a container (the root, a vhost, a
/// `<Directory>`), each with the conditions before it.
pub(crate) fn rules_in(side: &Side<'_>, container: NodeId) -> Vec<RewriteRule> {
    let config = side.config;
    let mut out = Vec::new();
    let mut conditions = 0;
    for id in named_in(side, container, &["RewriteCond", "RewriteRule"]) {
        if config.node(id).is("RewriteCond") {
            conditions += 1;
            continue;
        }
        out.extend(RewriteRule::parse(config, id, conditions));
        conditions = 0;
    }
    out
}

/// `RewriteOptions` words in force for a server (the vhost's own, else the
/// main server's — mod_rewrite merges the option set as a whole).
fn options(side: &Side<'_>, vhost: NodeId) -> (Vec<String>, Option<NodeId>) {
    let words = |container: NodeId| {
        let ids = named_in(side, container, &["RewriteOptions"]);
        let words: Vec<String> = ids
            .iter()
            .flat_map(|&id| {
                side.config
                    .node(id)
                    .arg_values()
                    .map(str::to_ascii_lowercase)
            })
            .collect();
        (words, ids.last().copied())
    };
    let own = words(vhost);
    if own.1.is_some() {
        own
    } else {
        words(side.config.root)
    }
}

/// The server-level rewrite setup of a vhost.
pub(crate) struct ServerRewrite {
    /// `RewriteEngine on` in force (the vhost's own, else the main server's).
    pub engine: bool,
    /// The `RewriteEngine` that decides it.
    pub engine_node: Option<NodeId>,
    /// Whether the main server's rules are inherited, and the
    /// `RewriteOptions` that decides it.
    pub inherits: bool,
    pub options_node: Option<NodeId>,
    /// The rules that run, in order (the main server's before or after the
    /// vhost's own when inherited; none when the engine is off).
    pub rules: Vec<RewriteRule>,
}

/// How mod_rewrite's `config_server_merge` sets up a vhost.
pub(crate) fn server_rewrite(side: &Side<'_>, vhost: NodeId) -> ServerRewrite {
    let engine_node = setting(side, Some(vhost), &["RewriteEngine"]);
    let engine = engine_node
        .and_then(|id| side.config.node(id).arg(0))
        .is_some_and(|v| v.eq_ignore_ascii_case("on"));
    let (opts, options_node) = options(side, vhost);
    let (main_opts, _) = options(side, side.config.root);
    let has = |set: &[String], w: &str| set.iter().any(|o| o == w);
    let ignore = has(&opts, "ignoreinherit");
    let after = has(&opts, "inherit") || (has(&main_opts, "inheritdown") && !ignore);
    let before = has(&opts, "inheritbefore") || (has(&main_opts, "inheritdownbefore") && !ignore);
    let own = rules_in(side, vhost);
    let main = rules_in(side, side.config.root);
    let rules = match (engine, after, before) {
        (false, _, _) => Vec::new(),
        (true, true, _) => own.into_iter().chain(main).collect(),
        (true, false, true) => main.into_iter().chain(own).collect(),
        _ => own,
    };
    ServerRewrite {
        engine,
        engine_node,
        inherits: after || before,
        options_node,
        rules,
    }
}

/// The host a redirect sends the browser to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TargetHost {
    Literal(String),
    /// `%{HTTP_HOST}`, or a URL-path target: the name the request used.
    RequestHost,
    /// `%{SERVER_NAME}`.
    ServerName,
}

/// Where a redirect points: scheme (`None`: the request's), host and port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub scheme: Option<String>,
    pub host: TargetHost,
    pub port: Option<u16>,
}

impl Target {
    /// The host a request for `name` is sent to (`None` when unknown).
    pub fn host_for(&self, name: &str, server_name: Option<&str>) -> Option<String> {
        match &self.host {
            TargetHost::Literal(h) => Some(h.to_ascii_lowercase()),
            TargetHost::RequestHost => Some(name.to_ascii_lowercase()),
            TargetHost::ServerName => server_name.map(str::to_ascii_lowercase),
        }
    }
}

/// Parses a redirect target: `https://%{HTTP_HOST}%{REQUEST_URI}`,
/// `http://www.shop.example/`, `/new/path`; `None` when the host part uses
/// something else.
pub(crate) fn parse_target(url: &str) -> Option<Target> {
    if url.starts_with('/') {
        return Some(Target {
            scheme: None,
            host: TargetHost::RequestHost,
            port: None,
        });
    }
    let (scheme, rest) = url.split_once("://")?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let (host, after) = if let Some(h) = authority.strip_prefix("%{HTTP_HOST}") {
        (TargetHost::RequestHost, h)
    } else if let Some(h) = authority.strip_prefix("%{SERVER_NAME}") {
        (TargetHost::ServerName, h)
    } else if authority.contains(['%', '$', '{']) {
        return None;
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => {
                (TargetHost::Literal(h.to_string()), &authority[h.len()..])
            }
            _ => (TargetHost::Literal(authority.to_string()), ""),
        }
    };
    // A port after the host; what follows a variable host is the path.
    let port = after.strip_prefix(':').and_then(|p| {
        let digits = p.find(|c: char| !c.is_ascii_digit()).unwrap_or(p.len());
        p[..digits].parse().ok()
    });
    Some(Target {
        scheme: Some(scheme.to_ascii_lowercase()),
        host,
        port,
    })
}

/// One redirect a vhost answers with.
#[derive(Clone, Debug)]
pub(crate) struct Redirect {
    pub node: NodeId,
    /// The target URL as written.
    pub url: String,
    /// Catches every path of the site.
    pub blanket: bool,
    /// For mod_alias: the URL path it matches, and whether it is a regular
    /// expression (`RedirectMatch`).
    pub from: Option<(String, bool)>,
}

/// Whether a pattern matches every URL path (tried on a few).
fn matches_every_path(regex: &pcre2::bytes::Regex, negated: bool) -> bool {
    ["/", "/index.html", "/a/b/c.php"]
        .iter()
        .all(|p| regex.is_match(p.as_bytes()).unwrap_or(false) != negated)
}

/// The `Redirect*` directives of a container, with their target URL and
/// whether they catch every path.
pub(crate) fn alias_redirects(side: &Side<'_>, container: NodeId) -> Vec<Redirect> {
    const NAMES: [&str; 4] = [
        "Redirect",
        "RedirectMatch",
        "RedirectPermanent",
        "RedirectTemp",
    ];
    let status_word = |w: &str| {
        ["permanent", "temp", "seeother", "gone"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(w))
            || w.bytes().all(|b| b.is_ascii_digit())
    };
    let mut out = Vec::new();
    for id in named_in(side, container, &NAMES) {
        let node = side.config.node(id);
        let mut args: Vec<&str> = node.arg_values().collect();
        if (node.is("Redirect") || node.is("RedirectMatch"))
            && args.first().is_some_and(|w| status_word(w))
        {
            args.remove(0);
        }
        let [from, url] = args[..] else { continue };
        let blanket = if node.is("RedirectMatch") {
            pcre2::bytes::Regex::new(from).is_ok_and(|re| matches_every_path(&re, false))
        } else {
            from.trim_end_matches('/').is_empty()
        };
        out.push(Redirect {
            node: id,
            url: url.to_string(),
            blanket,
            from: Some((from.to_string(), node.is("RedirectMatch"))),
        });
    }
    out
}

/// Every redirect a vhost answers with: its server-level rewrite rules
/// with `R` (or an absolute URL) when the engine is on, then its own
/// `Redirect*` directives and the main server's (mod_alias's merge order).
pub(crate) fn redirects(side: &Side<'_>, vhost: NodeId) -> Vec<Redirect> {
    let mut out: Vec<Redirect> = server_rewrite(side, vhost)
        .rules
        .iter()
        .filter(|r| r.redirects() && r.substitution != "-")
        .map(|r| Redirect {
            node: r.node,
            url: r.substitution.clone(),
            blanket: r.conditions == 0
                && r.regex()
                    .is_some_and(|re| matches_every_path(&re, r.negated)),
            from: None,
        })
        .collect();
    out.extend(alias_redirects(side, vhost));
    out.extend(alias_redirects(side, side.config.root));
    out
}

/// The first redirect of a vhost that catches every path (remembered by
/// the side).
pub(crate) fn blanket_redirect(side: &Side<'_>, vhost: NodeId) -> Option<Redirect> {
    side.blanket_redirect(vhost, || {
        redirects(side, vhost).into_iter().find(|r| r.blanket)
    })
}

/// The host names a vhost answers by name (ServerName and plain aliases).
pub(crate) fn names(map: &VhostMap, vhost: usize) -> Vec<String> {
    let v = &map.vhosts[vhost];
    v.server_name
        .iter()
        .chain(v.aliases.iter())
        .map(|n| n.name.to_ascii_lowercase())
        .filter(|n| !crate::model::vhosts::Vhost::is_wild_alias(n))
        .collect()
}

/// A request as a redirect chain sees it: scheme, host and port.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Request {
    pub scheme: String,
    pub host: String,
    pub port: u16,
}

impl Request {
    /// `https://shop.example/`, `http://shop.example:8080/`.
    pub fn url(&self) -> String {
        let default = if self.scheme == "https" { 443 } else { 80 };
        if self.port == default {
            format!("{}://{}/", self.scheme, self.host)
        } else {
            format!("{}://{}:{}/", self.scheme, self.host, self.port)
        }
    }
}

/// One step of a redirect chain: the vhost that answers a request, its
/// redirect of every path, and the request the browser makes next.
#[derive(Clone, Debug)]
pub(crate) struct Hop {
    pub vhost: usize,
    pub redirect: Redirect,
    pub next: Request,
}

/// Where a request is redirected when the vhost answering it redirects
/// every path (`None`: it is served, fails, or the target is unknown).
pub(crate) fn hop(side: &Side<'_>, request: &Request) -> Option<Hop> {
    let map = side.vhosts;
    let vhost = map.route(None, request.port, Some(&request.host))?;
    if super::tls::tls_enabled(side, vhost) != (request.scheme == "https") {
        return None;
    }
    let redirect = blanket_redirect(side, map.vhosts[vhost].node)?;
    let target = parse_target(&redirect.url)?;
    let server_name = map.vhosts[vhost]
        .server_name
        .as_ref()
        .map(|n| n.name.as_str());
    let scheme = target
        .scheme
        .clone()
        .unwrap_or_else(|| request.scheme.clone());
    let next = Request {
        host: target.host_for(&request.host, server_name)?,
        port: target
            .port
            .unwrap_or(if scheme == "https" { 443 } else { 80 }),
        scheme,
    };
    Some(Hop {
        vhost,
        redirect,
        next,
    })
}

/// The requests that reach a vhost by name: each of its names on its
/// scheme and port.
pub(crate) fn entry_requests(side: &Side<'_>, vhost: usize) -> Vec<Request> {
    let map = side.vhosts;
    let scheme = if super::tls::tls_enabled(side, vhost) {
        "https"
    } else {
        "http"
    };
    let Some(port) = map.vhosts[vhost].addrs.iter().find_map(|a| a.port) else {
        return Vec::new();
    };
    names(map, vhost)
        .into_iter()
        .map(|host| Request {
            scheme: scheme.to_string(),
            host,
            port,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = parse_target("https://%{HTTP_HOST}%{REQUEST_URI}").expect("target");
        assert_eq!(t.host, TargetHost::RequestHost);
        assert_eq!(t.scheme.as_deref(), Some("https"));
        let t = parse_target("http://www.shop.example:8080/x").expect("target");
        assert_eq!(t.host, TargetHost::Literal("www.shop.example".into()));
        assert_eq!(t.port, Some(8080));
        assert_eq!(parse_target("/new/").expect("path").scheme, None);
        assert_eq!(parse_target("https://%{ENV:HOST}/"), None);
        assert_eq!(parse_target("index.php"), None);
    }
}
