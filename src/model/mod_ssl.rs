//! What mod_ssl (2.4.71, built against OpenSSL 3.0 without SSLv3, as Debian
//! ships it) makes of its directives: the `SSLProtocol` word list
//! (`ssl_cmd_protocol_parse`), and each server's effective TLS settings (a
//! vhost inherits what the main server sets and overrides it; certificate
//! lists add up, `cfgMergeArray`).

use std::collections::HashMap;

use crate::load::tree::{Config, NodeId};
use crate::model::vhosts::server_hostname;

/// A set of protocol versions (`SSL_PROTOCOL_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Protocols(pub u8);

impl Protocols {
    pub const TLSV1: Protocols = Protocols(1);
    pub const TLSV1_1: Protocols = Protocols(1 << 1);
    pub const TLSV1_2: Protocols = Protocols(1 << 2);
    pub const TLSV1_3: Protocols = Protocols(1 << 3);
    /// TLSv1 and TLSv1.1.
    pub const LEGACY: Protocols = Protocols(0b11);
    /// `all` on this build (no SSLv3).
    pub const ALL: Protocols = Protocols(0b1111);
    /// mod_ssl's default when `SSLProtocol` is not set (`SSL_PROTOCOL_DEFAULT`).
    pub const DEFAULT: Protocols = Protocols::ALL;

    pub fn contains(self, other: Protocols) -> bool {
        self.0 & other.0 == other.0
    }

    /// The legacy versions in the set, by name.
    pub fn legacy_names(self) -> Vec<&'static str> {
        [(Protocols::TLSV1, "TLSv1"), (Protocols::TLSV1_1, "TLSv1.1")]
            .into_iter()
            .filter(|(p, _)| self.contains(*p))
            .map(|(_, n)| n)
            .collect()
    }
}

/// The outcome of an `SSLProtocol`/`SSLProxyProtocol` word list.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ProtocolList {
    pub protocols: Protocols,
    /// Words without `+`/`-` after the set was already non-empty: httpd
    /// warns `AH02532: … overrides already set parameter(s)`.
    pub overriding: Vec<usize>,
    /// The first word httpd refuses, with its exact message.
    pub error: Option<(usize, String)>,
    /// Per version bit: the word that last turned it on (while it is on).
    pub enabled_by: [Option<usize>; 4],
}

impl ProtocolList {
    /// The word that last turned on one of `versions`, if any is on.
    pub fn last_enabling(&self, versions: Protocols) -> Option<usize> {
        (0..4)
            .filter(|bit| versions.0 & (1 << bit) != 0)
            .filter_map(|bit| self.enabled_by[bit])
            .max()
    }
}

/// `ssl_cmd_protocol_parse` for `directive` over its words.
pub fn parse_protocols<'a>(
    directive: &str,
    words: impl IntoIterator<Item = &'a str>,
) -> ProtocolList {
    let mut out = ProtocolList::default();
    for (i, word) in words.into_iter().enumerate() {
        let (action, name) = match word.as_bytes().first() {
            Some(b'+') => (Some('+'), &word[1..]),
            Some(b'-') => (Some('-'), &word[1..]),
            _ => (None, word),
        };
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        let this = if is("SSLv2") || is("SSLv3") {
            if action == Some('-') {
                continue;
            }
            // httpd's texts: the SSLv2 one names SSLProtocol whatever the
            // directive.
            let message = if is("SSLv2") {
                "SSLProtocol: SSLv2 is no longer supported".to_string()
            } else {
                "SSLv3 not supported by this version of OpenSSL".to_string()
            };
            out.error = Some((i, message));
            return out;
        } else if is("TLSv1") {
            Protocols::TLSV1
        } else if is("TLSv1.1") {
            Protocols::TLSV1_1
        } else if is("TLSv1.2") {
            Protocols::TLSV1_2
        } else if is("TLSv1.3") {
            Protocols::TLSV1_3
        } else if is("all") {
            Protocols::ALL
        } else {
            out.error = Some((i, format!("{directive}: Illegal protocol '{name}'")));
            return out;
        };
        match action {
            Some('-') => out.protocols.0 &= !this.0,
            Some(_) => out.protocols.0 |= this.0,
            None => {
                if out.protocols.0 != 0 {
                    out.overriding.push(i);
                }
                out.protocols = this;
            }
        }
        for (bit, by) in out.enabled_by.iter_mut().enumerate() {
            let in_this = this.0 & (1 << bit) != 0;
            match action {
                Some('-') if in_this => *by = None,
                Some('-') => {}
                Some(_) if in_this => *by = Some(i),
                Some(_) => {}
                None => *by = in_this.then_some(i),
            }
        }
    }
    out
}

/// A server as mod_ssl configures it: the main server or one
/// `<VirtualHost>`, with the server-level directives that apply to it.
#[derive(Clone, Debug)]
pub struct TlsServer {
    /// The `<VirtualHost>` section, or `None` for the main server.
    pub vhost: Option<NodeId>,
    /// Active server-level directives: the main server's first, then the
    /// vhost's own, each in configuration order — so the last of a name is
    /// the effective one.
    pub directives: Vec<NodeId>,
}

impl TlsServer {
    /// Every directive named `name` that applies, in order.
    pub fn all<'c>(
        &'c self,
        config: &'c Config,
        name: &'c str,
    ) -> impl Iterator<Item = NodeId> + 'c {
        self.directives
            .iter()
            .copied()
            .filter(move |&id| config.node(id).is(name))
    }

    /// The effective directive named `name` (the last that applies).
    pub fn last(&self, config: &Config, name: &str) -> Option<NodeId> {
        self.all(config, name).last()
    }

    /// The `SSLEngine` line that turns TLS on for this server, if TLS is on
    /// (mod_ssl loaded).
    pub fn engine_on(&self, config: &Config) -> Option<NodeId> {
        if !config.has_module("ssl_module") {
            return None;
        }
        self.last(config, "SSLEngine").filter(|&id| {
            config
                .node(id)
                .arg(0)
                .is_some_and(|v| v.eq_ignore_ascii_case("on"))
        })
    }
}

/// The main server and every active `<VirtualHost>`, with their TLS
/// directives (names starting with `SSL`, plus `ServerName`).
pub fn tls_servers(config: &Config) -> Vec<TlsServer> {
    let mut main = TlsServer {
        vhost: None,
        directives: Vec::new(),
    };
    let mut vhosts: Vec<TlsServer> = Vec::new();
    // Where each vhost sits in `vhosts` (no linear search per directive).
    let mut slot_of: HashMap<NodeId, usize> = HashMap::new();
    for &id in config.walk_effective() {
        let node = config.node(id);
        if node.is_section() && node.is("VirtualHost") && config.enclosing_section(id).is_none() {
            slot_of.insert(id, vhosts.len());
            vhosts.push(TlsServer {
                vhost: Some(id),
                directives: Vec::new(),
            });
            continue;
        }
        let relevant = node.is_directive()
            && (node
                .name
                .get(..3)
                .is_some_and(|p| p.eq_ignore_ascii_case("ssl"))
                || node.is("ServerName"));
        if !relevant {
            continue;
        }
        match config.enclosing_section(id) {
            None => main.directives.push(id),
            Some(section) => {
                if let Some(&slot) = slot_of.get(&section) {
                    vhosts[slot].directives.push(id);
                }
            }
        }
    }
    for v in &mut vhosts {
        let mut merged = main.directives.clone();
        merged.append(&mut v.directives);
        v.directives = merged;
    }
    let mut out = vec![main];
    out.extend(vhosts);
    out
}

/// mod_ssl's name for a server in its log lines (`ssl_util_vhostid`):
/// `ServerName` host and port, the port falling back to the vhost's
/// address, then to 443 for a TLS server.
pub fn vhost_id(config: &Config, server: &TlsServer) -> String {
    let server_name = server
        .last(config, "ServerName")
        .and_then(|id| config.node(id).arg(0).map(str::to_string));
    let host = server_name
        .as_deref()
        .map_or("<this host's name>", server_hostname)
        .to_string();
    let named_port = server_name
        .as_deref()
        .and_then(|v| v.rsplit_once(':'))
        .and_then(|(_, p)| p.parse::<u16>().ok());
    let address_port = server.vhost.and_then(|v| {
        config
            .node(v)
            .arg(0)
            .and_then(|a| a.rsplit_once(':'))
            .and_then(|(_, p)| p.parse::<u16>().ok())
    });
    let port = named_port.or(address_port).unwrap_or(443);
    format!("{host}:{port}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_words() {
        let p = parse_protocols("SSLProtocol", ["all", "-SSLv3", "-TLSv1", "-TLSv1.1"]);
        assert_eq!(p.protocols, Protocols(0b1100));
        assert!(p.error.is_none());
        let p = parse_protocols("SSLProtocol", ["-SSLv2", "all", "TLSv1.2"]);
        assert_eq!(p.overriding, vec![2]);
        let p = parse_protocols("SSLProxyProtocol", ["+"]);
        assert_eq!(
            p.error,
            Some((0, "SSLProxyProtocol: Illegal protocol ''".to_string()))
        );
        let p = parse_protocols("SSLProxyProtocol", ["SSLv2"]);
        assert_eq!(
            p.error.unwrap().1,
            "SSLProtocol: SSLv2 is no longer supported"
        );
    }
}
