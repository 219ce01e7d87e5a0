//! Reverse-proxy routing of one server as mod_proxy decides it
//! (`proxy_trans`): the `ProxyPass` of the last matching `<Location>` that
//! has one wins; otherwise the server's `ProxyPass` list — the main
//! server's entries, then the vhost's — is searched and the first match
//! wins. Paths match segment-wise (`perdir::alias_prefix`): repeated
//! slashes are one, and a path without a trailing slash matches only whole
//! segments.
//!
//! Approximations: `ProxyPassMatch`, `<LocationMatch>` and wildcard
//! `<Location>` paths are left out (regular expressions are not compared).

use crate::load::tree::{Config, NodeId};

use super::perdir::{Side, alias_prefix, collapse_slashes, named_in};

/// One `ProxyPass`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProxyRoute {
    pub node: NodeId,
    /// The URL path it maps (the `<Location>`'s for the one-argument form).
    pub path: String,
    /// The backend URL; `None` for `!` (not proxied).
    pub url: Option<String>,
    /// Written inside a `<Location>`.
    pub in_location: bool,
}

impl ProxyRoute {
    /// `ProxyPass /api/ http://127.0.0.1:8081/` as a reader recognises it.
    pub fn describe(&self) -> String {
        let url = self.url.as_deref().unwrap_or("!");
        if self.in_location {
            format!("<Location {}> ProxyPass {url}", self.path)
        } else {
            format!("ProxyPass {} {url}", self.path)
        }
    }

    /// A URL path only this route should answer: its path and one more
    /// segment.
    pub fn probe(&self) -> String {
        if self.path.ends_with('/') {
            format!("{}x", self.path)
        } else {
            format!("{}/x", self.path)
        }
    }

    /// Same path, same target and same kind.
    pub fn same_as(&self, other: &ProxyRoute) -> bool {
        self.path == other.path && self.url == other.url && self.in_location == other.in_location
    }
}

/// A server's reverse-proxy routes.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProxyTable {
    /// `<Location>` routes in configuration order (the main server's, then
    /// the vhost's): the last match wins.
    location: Vec<ProxyRoute>,
    /// Server-level routes (the main server's, then the vhost's): the first
    /// match wins.
    server: Vec<ProxyRoute>,
}

/// The path and backend of a `ProxyPass`/`ProxyPassReverse` node: the
/// two-argument form, or the one-argument form inside a `<Location>`.
pub(crate) fn route_of(config: &Config, id: NodeId) -> Option<ProxyRoute> {
    let node = config.node(id);
    let location = config
        .enclosing_section(id)
        .filter(|&s| config.node(s).is("Location"));
    let (path, url) = match location {
        Some(s) => (config.node(s).arg(0)?, node.arg(0)?),
        None => (node.arg(0)?, node.arg(1)?),
    };
    if path.starts_with('~') || path.contains(['*', '?', '[']) {
        return None;
    }
    Some(ProxyRoute {
        node: id,
        path: path.to_string(),
        url: (url != "!").then(|| url.to_string()),
        in_location: location.is_some(),
    })
}

impl ProxyTable {
    /// The routes of a server (`vhost`: its `<VirtualHost>` node; `None`:
    /// the main server) for `name` (`ProxyPass` or `ProxyPassReverse`).
    pub fn of(side: &Side<'_>, vhost: Option<NodeId>, name: &str) -> ProxyTable {
        let config = side.config;
        let containers: Vec<NodeId> = std::iter::once(config.root).chain(vhost).collect();
        let mut table = ProxyTable::default();
        for &container in &containers {
            for id in named_in(side, container, &[name]) {
                table.server.extend(route_of(config, id));
            }
            for section in named_in(side, container, &["<Location"]) {
                // The last one inside a section wins.
                let last = named_in(side, section, &[name]).pop();
                table
                    .location
                    .extend(last.and_then(|id| route_of(config, id)));
            }
        }
        table
    }

    /// Every route, `<Location>` ones first.
    pub fn routes(&self) -> impl Iterator<Item = &ProxyRoute> {
        self.location.iter().chain(self.server.iter())
    }

    /// The route that answers a URL path, if any.
    pub fn route(&self, uri: &str) -> Option<&ProxyRoute> {
        let uri = collapse_slashes(uri);
        let matches = |r: &&ProxyRoute| alias_prefix(&uri, &r.path).is_some();
        self.location
            .iter()
            .rev()
            .find(matches)
            .or_else(|| self.server.iter().find(matches))
    }
}

/// Where a backend URL connects: `http://127.0.0.1:8081` (scheme, host and
/// port, the default port made explicit); a Unix socket keeps its path.
pub(crate) fn backend(url: &str) -> String {
    if let Some((socket, rest)) = url.split_once('|') {
        return format!("{socket}|{}", backend(rest));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split('/').next().unwrap_or(rest).to_ascii_lowercase();
    let has_port = authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let default_port = match scheme.as_str() {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ajp" => Some(8009),
        _ => None,
    };
    match default_port {
        Some(port) if !has_port => format!("{scheme}://{authority}:{port}"),
        _ => format!("{scheme}://{authority}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_compare_by_scheme_host_and_port() {
        assert_eq!(backend("http://127.0.0.1:8081/"), "http://127.0.0.1:8081");
        assert_eq!(backend("http://App/v2/"), "http://app:80");
        assert_eq!(backend("balancer://shop/"), "balancer://shop");
        assert_eq!(
            backend("unix:/run/app.sock|http://localhost/"),
            "unix:/run/app.sock|http://localhost:80"
        );
    }
}
