//! The routing diff: for every address, port and host name the known-good
//! configuration served, which virtual host answers it now — computed on the
//! two static vhost maps with httpd's selection rules (exact IP before
//! wildcard, ServerName/ServerAlias match in configuration order, the first
//! vhost of a set as the default).
//!
//! Vhosts are matched across the two configurations by identity: their
//! ServerName, or — for a vhost without one — its file and its place in it.

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::load::tree::Config;
use crate::model::vhosts::{Host, VhostMap};

/// A request: the local address it arrives on, and its Host header.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Probe {
    /// `None`: an address no vhost names exactly.
    pub ip: Option<IpAddr>,
    pub port: u16,
    /// `None`: no Host header, a bare IP, or an unknown name.
    pub host: Option<String>,
}

impl Probe {
    /// `shop.example:80`, `*:80 (unknown Host)`, `127.0.0.1:80 (unknown Host)`.
    pub fn describe(&self) -> String {
        let addr = match self.ip {
            Some(ip) => format!("{ip}:{}", self.port),
            None => format!("port {}", self.port),
        };
        match &self.host {
            Some(h) => format!("{h} on {addr}"),
            None => format!("requests by IP or for unknown names on {addr}"),
        }
    }
}

/// A request that reaches another vhost than it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reroute {
    pub probe: Probe,
    /// The vhost (index in the known-good map) that answered it.
    pub old: usize,
    /// The vhost (index in the candidate map) that answers it now; `None`:
    /// the main server.
    pub new: Option<usize>,
}

/// A vhost's identity across configurations.
pub fn identity(config: &Config, map: &VhostMap, index: usize) -> String {
    let v = &map.vhosts[index];
    if let Some(n) = &v.server_name {
        return n.name.to_ascii_lowercase();
    }
    let file = config.relative_config_path(config.node(v.node).span.file);
    let ordinal = map.vhosts[..index]
        .iter()
        .filter(|o| config.relative_config_path(config.node(o.node).span.file) == file)
        .count();
    format!("{}#{ordinal}", file.display())
}

/// Whether `map`'s configuration listens on `ip:port` (`ip` `None`: any
/// address, which only a Listen without an address covers).
pub fn listens(map: &VhostMap, ip: Option<IpAddr>, port: u16) -> bool {
    map.listens
        .iter()
        .any(|l| l.port == port && (l.ip.is_none() || l.ip == ip))
}

/// Every request the known-good configuration answered with a vhost that
/// the candidate answers with another one (on addresses the candidate still
/// listens on).
pub fn reroutes(
    old_cfg: &Config,
    old: &VhostMap,
    new_cfg: &Config,
    new: &VhostMap,
) -> Vec<Reroute> {
    let mut ips: BTreeSet<Option<IpAddr>> = BTreeSet::new();
    ips.insert(None);
    for set in old.sets.iter().chain(new.sets.iter()) {
        if let Host::Ip(ip) = set.host {
            ips.insert(Some(ip));
        }
    }
    let ports: BTreeSet<u16> = old.listens.iter().map(|l| l.port).collect();
    let mut out = Vec::new();
    for &port in &ports {
        for &ip in &ips {
            if !listens(old, ip, port) || !listens(new, ip, port) {
                continue;
            }
            let Some(default) = old.route(ip, port, None) else {
                continue;
            };
            let mut hosts: Vec<Option<String>> = vec![None];
            // Names served on this address: those of the vhosts in its set.
            for v in &old.vhosts {
                for n in v.server_name.iter().chain(v.aliases.iter()) {
                    if !crate::model::vhosts::Vhost::is_wild_alias(&n.name) {
                        hosts.push(Some(n.name.to_ascii_lowercase()));
                    }
                }
            }
            hosts.sort();
            hosts.dedup();
            for host in hosts {
                let Some(before) = old.route(ip, port, host.as_deref()) else {
                    continue;
                };
                // A name only counts where its own vhost answered it.
                if host.is_some() && !old.vhosts[before].matches_name(host.as_deref().unwrap_or(""))
                {
                    continue;
                }
                if host.is_none() && before != default {
                    continue;
                }
                let after = new.route(ip, port, host.as_deref());
                let same = after
                    .is_some_and(|a| identity(new_cfg, new, a) == identity(old_cfg, old, before));
                if !same {
                    out.push(Reroute {
                        probe: Probe { ip, port, host },
                        old: before,
                        new: after,
                    });
                }
            }
        }
    }
    out
}
