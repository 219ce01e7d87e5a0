//! TLS as mod_ssl sets it up for a vhost, for the change rules: whether it
//! speaks TLS at all — `SSLEngine on`, or mod_ssl's implicit TLS on an
//! https listener — which versions an `SSLProtocol` enables, and whether an
//! `SSLCipherSuite` leaves the suites today's TLS 1.2 clients offer. The
//! words, cipher strings and certificates themselves are read by
//! `model::mod_ssl`, `model::openssl_ciphers` and `model::pki`.

use crate::load::tree::{Config, NodeId};
use crate::model::mod_ssl::{Protocols, parse_protocols};
use crate::model::openssl_ciphers::{Universe, evaluate};
use crate::model::pki::PublicHalf;
use crate::model::vhosts::{Host, VhostMap};

use super::perdir::{Side, listing, named_in};
use super::servers::setting;

/// Whether mod_ssl speaks TLS on a vhost: `SSLEngine on` (its own, else the
/// main server's); or no `SSLEngine` at all on an https listener (port 443
/// by default, or `Listen N https`) with a certificate configured — mod_ssl
/// 2.4 enables TLS there by itself.
pub(crate) fn tls_enabled(side: &Side<'_>, vhost: usize) -> bool {
    if !side.config.has_module("ssl_module") {
        return false;
    }
    side.tls_enabled(vhost, || {
        let node = side.vhosts.vhosts[vhost].node;
        let engine = setting(side, Some(node), &["SSLEngine"]);
        match engine.and_then(|id| side.config.node(id).arg(0)) {
            Some(engine) => engine.eq_ignore_ascii_case("on"),
            None => {
                https_listener(side.vhosts, vhost)
                    && setting(side, Some(node), &["SSLCertificateFile"]).is_some()
            }
        }
    })
}

/// Whether a vhost's address is on a listener whose protocol is https
/// (`Listen 443`, or `Listen 8443 https`).
pub(crate) fn https_listener(map: &VhostMap, vhost: usize) -> bool {
    map.vhosts[vhost].addrs.iter().any(|addr| {
        let Some(port) = addr.port else { return false };
        map.listens.iter().any(|l| {
            let address_ok = match (&addr.host, l.ip) {
                (Host::Ip(a), Some(b)) => *a == b,
                _ => true,
            };
            let protocol = l
                .protocol
                .clone()
                .unwrap_or_else(|| if port == 443 { "https" } else { "http" }.to_string());
            l.port == port && address_ok && protocol.eq_ignore_ascii_case("https")
        })
    })
}

/// The versions an `SSLProtocol` directive enables (`None` node: mod_ssl's
/// default); `None` when httpd refuses the words.
pub(crate) fn protocols(config: &Config, id: Option<NodeId>) -> Option<Protocols> {
    let Some(id) = id else {
        return Some(Protocols::DEFAULT);
    };
    let list = parse_protocols("SSLProtocol", config.node(id).arg_values());
    list.error.is_none().then_some(list.protocols)
}

/// `TLSv1.3`, `TLSv1.2 and TLSv1.3`, `no version`.
pub(crate) fn protocol_names(set: Protocols) -> String {
    let names: Vec<String> = [
        (Protocols::TLSV1, "TLSv1"),
        (Protocols::TLSV1_1, "TLSv1.1"),
        (Protocols::TLSV1_2, "TLSv1.2"),
        (Protocols::TLSV1_3, "TLSv1.3"),
    ]
    .into_iter()
    .filter(|(p, _)| set.contains(*p))
    .map(|(_, n)| n.to_string())
    .collect();
    if names.is_empty() {
        "no version".to_string()
    } else {
        listing(&names, names.len())
    }
}

/// The TLS 1.2 suites of Mozilla's intermediate profile: what current
/// TLS 1.2 clients offer.
const INTERMEDIATE: [&str; 9] = [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256",
    "DHE-RSA-AES256-GCM-SHA384",
    "DHE-RSA-CHACHA20-POLY1305",
];

/// The intermediate suites a cipher string leaves enabled that a
/// certificate with `key` can use (RSA keys the `-RSA-` suites, EC keys the
/// `-ECDSA-` ones; all when unknown); `None` when the string is invalid or
/// uses what the cipher model does not evaluate.
pub(crate) fn usable_intermediate_suites(
    spec: &str,
    key: Option<&PublicHalf>,
) -> Option<Vec<&'static str>> {
    let evaluation = evaluate(spec, Universe::Installed);
    if evaluation.invalid || evaluation.uncertain {
        return None;
    }
    let auth = match key {
        Some(PublicHalf::Rsa { .. }) => Some("-RSA-"),
        Some(PublicHalf::Ec(_)) => Some("-ECDSA-"),
        None => None,
    };
    Some(
        evaluation
            .enabled_where(|c| {
                INTERMEDIATE.contains(&c.name) && auth.is_none_or(|a| c.name.contains(a))
            })
            .into_iter()
            .map(|(c, _)| c.name)
            .collect(),
    )
}

/// The TLS ≤1.2 cipher string of an `SSLCipherSuite` directive (`None`
/// node: OpenSSL's `DEFAULT`); `None` for a TLSv1.3-only directive.
pub(crate) fn tls12_cipher_string(config: &Config, id: Option<NodeId>) -> Option<String> {
    let Some(id) = id else {
        return Some("DEFAULT".to_string());
    };
    let args: Vec<&str> = config.node(id).arg_values().collect();
    match args.as_slice() {
        [spec] => Some(spec.to_string()),
        [protocol, spec] if protocol.eq_ignore_ascii_case("SSL") => Some(spec.to_string()),
        _ => None,
    }
}

/// The `SSLCipherSuite` that sets the TLS ≤1.2 ciphers for a vhost.
pub(crate) fn cipher_setting(side: &Side<'_>, vhost: Option<NodeId>) -> Option<NodeId> {
    let is_tls12 = |id: &NodeId| {
        let n = side.config.node(*id);
        n.args.len() == 1 || n.arg(0).is_some_and(|p| p.eq_ignore_ascii_case("SSL"))
    };
    let last = |container: NodeId| {
        named_in(side, container, &["SSLCipherSuite"])
            .into_iter()
            .rfind(is_tls12)
    };
    vhost.and_then(last).or_else(|| last(side.config.root))
}
