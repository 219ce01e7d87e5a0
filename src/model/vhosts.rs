//! The static virtual-host map: which `<VirtualHost>` answers which address,
//! port and host name — what `apache2 -S` prints, computed without the
//! server (`server/vhost.c`: `get_addresses`, `ap_fini_vhost_config`,
//! `add_name_vhost_config`, `dump_a_vhost`).
//!
//! - Each `<VirtualHost>` address is `*`/`_default_`/`0.0.0.0` (wildcard) or
//!   an IP, with a port or `*` (no port = any port). Host names are resolved
//!   by httpd via DNS at start-up; apachelint does not resolve them (only
//!   `localhost`), and reports such vhosts as unresolved.
//! - Vhosts sharing an address *and* port form a set; the first in
//!   configuration order is its default server; two or more make it
//!   name-based. An exact-IP set is searched before the wildcard sets.
//! - ServerName: last one wins; without one, a wildcard vhost takes the main
//!   server's name. ServerAlias accumulates; names with `*`/`?` are wild.

use std::fmt::Write;
use std::net::IpAddr;

use crate::load::render::httpd_file_name;
use crate::load::tree::{Config, NodeId};
use crate::source::Span;

/// The IP part of a vhost address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Host {
    /// `*`, `_default_`, `0.0.0.0`, `[::]`.
    Any,
    Ip(IpAddr),
    /// A host name httpd would resolve by DNS at start-up.
    Name(String),
}

/// One address of a `<VirtualHost>` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VhostAddr {
    pub host: Host,
    /// `None`: any port (`:*` or no port).
    pub port: Option<u16>,
    pub span: Span,
}

impl VhostAddr {
    /// `*:80`, `127.0.0.1:*`, `[::1]:443` — as `apache2 -S` prints it.
    pub fn display(&self) -> String {
        let port = self.port.map_or("*".to_string(), |p| p.to_string());
        match &self.host {
            Host::Any => format!("*:{port}"),
            Host::Ip(IpAddr::V4(ip)) => format!("{ip}:{port}"),
            Host::Ip(IpAddr::V6(ip)) => format!("[{ip}]:{port}"),
            Host::Name(n) => format!("{n}:{port}"),
        }
    }
}

/// A name with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub span: Span,
}

/// One `<VirtualHost>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vhost {
    pub node: NodeId,
    pub addrs: Vec<VhostAddr>,
    /// The effective ServerName (port and scheme stripped), if the vhost sets one.
    pub server_name: Option<Named>,
    pub aliases: Vec<Named>,
    /// httpd's `defn_name`: the file of the `<VirtualHost>` line.
    pub file: String,
    pub line: u32,
}

impl Vhost {
    /// Does this vhost answer `host` (case-insensitive; wild aliases match
    /// with `*` and `?`)?
    pub fn matches_name(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.server_name
            .iter()
            .chain(self.aliases.iter())
            .any(|n| wildcard_match(&n.name.to_ascii_lowercase(), &host))
    }

    pub fn is_wild_alias(name: &str) -> bool {
        name.contains(['*', '?'])
    }
}

/// `ap_strcasecmp_match`-style matching of `*` and `?`.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi + 1, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Vhosts sharing one address and port, in configuration order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddrSet {
    pub host: Host,
    pub port: Option<u16>,
    /// Indexes into [`VhostMap::vhosts`]; the first is the default server.
    pub vhosts: Vec<usize>,
    /// Lowercased exact names → the first vhost (in set order) with it.
    exact: std::collections::HashMap<String, usize>,
    /// Wild aliases with the position in `vhosts` of the vhost naming them.
    wild: Vec<(usize, String)>,
}

impl AddrSet {
    fn new(host: Host, port: Option<u16>) -> AddrSet {
        AddrSet {
            host,
            port,
            vhosts: Vec::new(),
            exact: Default::default(),
            wild: Vec::new(),
        }
    }

    /// Indexes the names of the set's vhosts for [`AddrSet::by_name`].
    fn index_names(&mut self, vhosts: &[Vhost]) {
        for (position, &i) in self.vhosts.iter().enumerate() {
            for n in vhosts[i].server_name.iter().chain(vhosts[i].aliases.iter()) {
                let name = n.name.to_ascii_lowercase();
                if Vhost::is_wild_alias(&name) {
                    self.wild.push((position, name));
                } else {
                    self.exact.entry(name).or_insert(position);
                }
            }
        }
    }

    /// The first vhost of the set (in configuration order) answering `host`.
    pub fn by_name(&self, host: &str) -> Option<usize> {
        let host = host.to_ascii_lowercase();
        let exact = self.exact.get(&host).copied();
        let wild = self
            .wild
            .iter()
            .filter(|(position, _)| exact.is_none_or(|e| *position < e))
            .find(|(_, pattern)| wildcard_match(pattern, &host))
            .map(|(position, _)| *position);
        let position = match (exact, wild) {
            (Some(e), Some(w)) => e.min(w),
            (e, w) => e.or(w)?,
        };
        self.vhosts.get(position).copied()
    }

    pub fn display(&self) -> String {
        VhostAddr {
            host: self.host.clone(),
            port: self.port,
            span: Span::new(crate::source::FileId(0), Default::default()),
        }
        .display()
    }

    pub fn is_name_based(&self) -> bool {
        self.vhosts.len() > 1
    }
}

/// A `Listen` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listen {
    /// `None` for all addresses.
    pub ip: Option<IpAddr>,
    pub port: u16,
    pub protocol: Option<String>,
    pub node: NodeId,
}

/// The whole map.
#[derive(Clone, Debug, Default)]
pub struct VhostMap {
    pub vhosts: Vec<Vhost>,
    /// Address sets in `apache2 -S` order: exact IPs first, then wildcards.
    pub sets: Vec<AddrSet>,
    /// The main server's ServerName, when set.
    pub main_server_name: Option<Named>,
    pub listens: Vec<Listen>,
}

/// Parses one `<VirtualHost>` address word.
pub fn parse_addr(word: &str, span: Span) -> Result<VhostAddr, String> {
    let mut w = word;
    let mut wild_port = false;
    if w == "*" {
        return Ok(VhostAddr {
            host: Host::Any,
            port: None,
            span,
        });
    }
    if let Some(stripped) = w.strip_suffix(":*") {
        w = stripped;
        wild_port = true;
    }
    let (host, port) = if let Some(rest) = w.strip_prefix('[') {
        let end = rest.find(']').ok_or("The address or port is invalid")?;
        let host = &rest[..end];
        let after = &rest[end + 1..];
        match after.strip_prefix(':') {
            Some(p) => (host, Some(p)),
            None if after.is_empty() => (host, None),
            None => return Err("The address or port is invalid".into()),
        }
    } else {
        match w.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, Some(p)),
            Some(_) => (w, None),
            None => (w, None),
        }
    };
    let port = match port {
        Some(p) => {
            let n: u32 = p
                .parse()
                .map_err(|_| "The address or port is invalid".to_string())?;
            if n == 0 || n > 65535 {
                return Err("The address or port is invalid".into());
            }
            Some(n as u16)
        }
        None if wild_port => None,
        None => None,
    };
    if host.is_empty() || host.chars().all(|c| c.is_ascii_digit()) && port.is_none() {
        return Err("Missing address for VirtualHost".into());
    }
    let host = if host == "*" || host.eq_ignore_ascii_case("_default_") {
        Host::Any
    } else if let Ok(ip) = host.parse::<IpAddr>() {
        if ip.is_unspecified() {
            Host::Any
        } else {
            Host::Ip(ip)
        }
    } else if host.eq_ignore_ascii_case("localhost") {
        Host::Ip(IpAddr::from([127, 0, 0, 1]))
    } else {
        Host::Name(host.to_string())
    };
    Ok(VhostAddr { host, port, span })
}

/// `ServerName [scheme://]name[:port]` → the name httpd keeps.
pub fn server_hostname(value: &str) -> &str {
    let v = value.split_once("://").map_or(value, |(_, rest)| rest);
    if v.starts_with('[') {
        return v.find(']').map_or(v, |i| &v[..=i]);
    }
    match v.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => v,
    }
}

/// Parses `Listen [addr:]port [protocol]`.
pub fn parse_listen(args: &[&str]) -> Option<(Option<IpAddr>, u16, Option<String>)> {
    let first = *args.first()?;
    let (ip, port) = if let Some(rest) = first.strip_prefix('[') {
        let end = rest.find(']')?;
        (
            Some(rest[..end].parse().ok()?),
            rest[end + 1..].strip_prefix(':')?,
        )
    } else {
        match first.rsplit_once(':') {
            Some((h, p)) => (h.parse().ok(), p),
            None => (None, first),
        }
    };
    let port: u16 = port.parse().ok().filter(|&p| p != 0)?;
    Some((ip, port, args.get(1).map(|s| s.to_string())))
}

impl VhostMap {
    /// Builds the map from the active configuration.
    pub fn build(config: &Config) -> VhostMap {
        let mut map = VhostMap::default();
        for &id in config.walk_effective() {
            let node = config.node(id);
            if node.is_section() && node.is("VirtualHost") {
                map.vhosts.push(vhost_of(config, id));
            } else if node.is_directive() {
                if config.enclosing_vhost(id).is_some() {
                    continue;
                }
                if node.is("ServerName") {
                    if let Some(v) = node.arg(0) {
                        map.main_server_name = Some(Named {
                            name: server_hostname(v).to_string(),
                            span: node.arg_span(0),
                        });
                    }
                } else if node.is("Listen") {
                    let args: Vec<&str> = node.arg_values().collect();
                    if let Some((ip, port, protocol)) = parse_listen(&args) {
                        map.listens.push(Listen {
                            ip,
                            port,
                            protocol,
                            node: id,
                        });
                    }
                }
            }
        }
        map.sets = group(&map.vhosts);
        map
    }

    /// The vhost httpd would pick for a request to `ip:port` with `Host: host`
    /// (`None` when the main server answers).
    pub fn route(&self, ip: Option<IpAddr>, port: u16, host: Option<&str>) -> Option<usize> {
        let port_ok = |p: Option<u16>| p.is_none_or(|p| p == port);
        let exact = ip.and_then(|ip| {
            // An exact port beats a wildcard port (find_ipaddr).
            self.sets
                .iter()
                .filter(|s| s.host == Host::Ip(ip) && port_ok(s.port))
                .min_by_key(|s| s.port.is_none())
        });
        let set = exact.or_else(|| {
            self.sets
                .iter()
                .filter(|s| s.host == Host::Any && port_ok(s.port))
                .min_by_key(|s| s.port.is_none())
        })?;
        if let Some(i) = host.and_then(|h| set.by_name(h)) {
            return Some(i);
        }
        set.vhosts.first().copied()
    }

    /// The name a vhost shows in `-S`.
    pub fn display_name(&self, vhost: &Vhost) -> String {
        match (&vhost.server_name, &self.main_server_name) {
            (Some(n), _) => n.name.clone(),
            (None, Some(main)) if vhost.addrs.iter().any(|a| a.host == Host::Any) => {
                main.name.clone()
            }
            _ => "<FQDN>".to_string(),
        }
    }

    /// The `VirtualHost configuration:` block of `apache2 -S`.
    pub fn render(&self) -> String {
        let mut out = String::from("VirtualHost configuration:\n");
        for set in &self.sets {
            let addr = set.display();
            let first = &self.vhosts[set.vhosts[0]];
            if !set.is_name_based() {
                let _ = writeln!(
                    out,
                    "{addr:<22} {} ({}:{})",
                    self.display_name(first),
                    first.file,
                    first.line
                );
                continue;
            }
            let _ = writeln!(out, "{addr:<22} is a NameVirtualHost");
            let _ = writeln!(
                out,
                "{:8} default server {} ({}:{})",
                "",
                self.display_name(first),
                first.file,
                first.line
            );
            for &i in &set.vhosts {
                let v = &self.vhosts[i];
                let port = set.port.map_or("*".to_string(), |p| p.to_string());
                let _ = writeln!(
                    out,
                    "{:8} port {port} namevhost {} ({}:{})",
                    "",
                    self.display_name(v),
                    v.file,
                    v.line
                );
                for a in v.aliases.iter().filter(|a| !Vhost::is_wild_alias(&a.name)) {
                    let _ = writeln!(out, "{:16} alias {}", "", a.name);
                }
                for a in v.aliases.iter().filter(|a| Vhost::is_wild_alias(&a.name)) {
                    let _ = writeln!(out, "{:16} wild alias {}", "", a.name);
                }
            }
        }
        out
    }
}

fn vhost_of(config: &Config, id: NodeId) -> Vhost {
    let node = config.node(id);
    let addrs = node
        .args
        .iter()
        .enumerate()
        .filter_map(|(i, w)| parse_addr(&w.value, node.arg_span(i)).ok())
        .collect();
    let mut server_name = None;
    let mut aliases = Vec::new();
    for &child in config.effective(id).iter() {
        let c = config.node(child);
        if !c.is_directive() {
            continue;
        }
        if c.is("ServerName") {
            if let Some(v) = c.arg(0) {
                server_name = Some(Named {
                    name: server_hostname(v).to_string(),
                    span: c.arg_span(0),
                });
            }
        } else if c.is("ServerAlias") {
            for (i, w) in c.args.iter().enumerate() {
                if !w.value.is_empty() {
                    aliases.push(Named {
                        name: w.value.to_string(),
                        span: c.arg_span(i),
                    });
                }
            }
        }
    }
    Vhost {
        node: id,
        addrs,
        server_name,
        aliases,
        file: httpd_file_name(config, id),
        line: node.line,
    }
}

/// httpd's `hash_addr` bucket, to list exact-IP sets in its order.
fn ip_bucket(ip: &IpAddr) -> u32 {
    let last4: [u8; 4] = match ip {
        IpAddr::V4(v4) => v4.octets(),
        IpAddr::V6(v6) => {
            let o = v6.octets();
            [o[12], o[13], o[14], o[15]]
        }
    };
    // The key is read as a native (little-endian) unsigned int.
    let mut key = u32::from_le_bytes(last4);
    key ^= key >> 16;
    ((key >> 8) ^ key) % 256
}

/// Groups vhosts into address sets in `ap_fini_vhost_config`'s order.
fn group(vhosts: &[Vhost]) -> Vec<AddrSet> {
    // httpd walks the vhosts backwards; a set's position is decided by the
    // last vhost that joins it.
    let mut wild: Vec<(usize, AddrSet)> = Vec::new();
    let mut exact: Vec<(usize, AddrSet)> = Vec::new();
    for (i, v) in vhosts.iter().enumerate() {
        let mut seen_any_port: Vec<Option<u16>> = Vec::new();
        for a in &v.addrs {
            let list = match a.host {
                Host::Any => {
                    if seen_any_port.contains(&a.port) {
                        continue;
                    }
                    seen_any_port.push(a.port);
                    &mut wild
                }
                Host::Ip(_) => &mut exact,
                Host::Name(_) => continue,
            };
            match list
                .iter_mut()
                .find(|(_, s)| s.host == a.host && s.port == a.port)
            {
                Some((last, set)) => {
                    // Vhosts are walked in order: a repeat can only be the last.
                    if set.vhosts.last() != Some(&i) {
                        set.vhosts.push(i);
                    }
                    *last = i;
                }
                None => {
                    let mut set = AddrSet::new(a.host.clone(), a.port);
                    set.vhosts.push(i);
                    list.push((i, set));
                }
            }
        }
    }
    // Exact sets: by hash bucket, and within a bucket by last member (httpd
    // inserts each new chain at the bucket's head while walking backwards).
    exact.sort_by_key(|(last, s)| {
        let bucket = match &s.host {
            Host::Ip(ip) => ip_bucket(ip),
            _ => 0,
        };
        (bucket, *last)
    });
    wild.sort_by_key(|(last, _)| *last);
    exact
        .into_iter()
        .chain(wild)
        .map(|(_, mut s)| {
            s.index_names(vhosts);
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span() -> Span {
        Span::new(FileId(0), Default::default())
    }

    #[test]
    fn addresses_parse_like_get_addresses() {
        let a = |w: &str| parse_addr(w, span()).map(|a| a.display());
        assert_eq!(a("*:80").unwrap(), "*:80");
        assert_eq!(a("*").unwrap(), "*:*");
        assert_eq!(a("_default_:443").unwrap(), "*:443");
        assert_eq!(a("127.0.0.1").unwrap(), "127.0.0.1:*");
        assert_eq!(a("[::1]:8080").unwrap(), "[::1]:8080");
        assert_eq!(a("0.0.0.0:80").unwrap(), "*:80");
        assert!(a("80").is_err());
        assert_eq!(a("www.example:80").unwrap(), "www.example:80");
    }

    #[test]
    fn server_names_lose_scheme_and_port() {
        assert_eq!(
            server_hostname("https://www.example.com:443"),
            "www.example.com"
        );
        assert_eq!(server_hostname("example.com"), "example.com");
    }

    #[test]
    fn wild_aliases() {
        assert!(wildcard_match("*.example.com", "www.example.com"));
        assert!(!wildcard_match("*.example.com", "example.com"));
        assert!(wildcard_match("www?.example", "www1.example"));
    }
}
