//! TLS as mod_ssl sets it up for a vhost: whether it speaks TLS at all, the
//! protocol versions an `SSLProtocol` value enables, whether an
//! `SSLCipherSuite` leaves the suites today's TLS 1.2 clients offer, and the
//! certificate/key pairs it loads at start-up.

use crate::load::tree::{Config, NodeId};
use crate::model::vhosts::{Host, VhostMap};

use super::servers::View;

/// Whether mod_ssl speaks TLS on a vhost: `SSLEngine on` (its own, else the
/// main server's); or no `SSLEngine` at all on an https listener (port 443
/// by default, or `Listen N https`) with a certificate configured — mod_ssl
/// 2.4 enables TLS there by itself.
pub(crate) fn tls_enabled(view: &View<'_>, vhost: usize) -> bool {
    if !view.config.has_module("ssl_module") {
        return false;
    }
    let node = view.vhosts.vhosts[vhost].node;
    let engine = view.setting(Some(node), &["SSLEngine"]);
    match engine.and_then(|id| view.config.node(id).arg(0)) {
        Some(engine) => engine.eq_ignore_ascii_case("on"),
        None => {
            https_listener(view.vhosts, vhost)
                && view.setting(Some(node), &["SSLCertificateFile"]).is_some()
        }
    }
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

/// Protocol version bits.
pub(crate) const TLS_1_2: u8 = 1 << 3;
const PROTOCOLS: [(&str, u8); 5] = [
    ("SSLv3", 1),
    ("TLSv1", 1 << 1),
    ("TLSv1.1", 1 << 2),
    ("TLSv1.2", TLS_1_2),
    ("TLSv1.3", 1 << 4),
];
const ALL_PROTOCOLS: u8 = 0b1_1111;

/// The versions an `SSLProtocol` directive enables, as mod_ssl's parser
/// reads it (`+`/`-` adjust, a bare name replaces); `None` node: the
/// default `all -SSLv3`; `None` result: a word it does not know.
pub(crate) fn protocols(config: &Config, id: Option<NodeId>) -> Option<u8> {
    let Some(id) = id else {
        return Some(ALL_PROTOCOLS & !1);
    };
    let mut set = 0u8;
    for word in config.node(id).arg_values() {
        let (action, name) = match word.as_bytes().first() {
            Some(b'+') => ('+', &word[1..]),
            Some(b'-') => ('-', &word[1..]),
            _ => ('=', word),
        };
        let bits = if name.eq_ignore_ascii_case("all") {
            ALL_PROTOCOLS
        } else {
            PROTOCOLS
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))?
                .1
        };
        match action {
            '+' => set |= bits,
            '-' => set &= !bits,
            _ => set = bits,
        }
    }
    Some(set)
}

/// `TLSv1.3`, `TLSv1.2 and TLSv1.3`, `no version`.
pub(crate) fn protocol_names(set: u8) -> String {
    let names: Vec<String> = PROTOCOLS
        .iter()
        .filter(|(_, bit)| set & bit != 0)
        .map(|(n, _)| n.to_string())
        .collect();
    if names.is_empty() {
        "no version".to_string()
    } else {
        super::servers::listing(&names, names.len())
    }
}

/// The TLS 1.2 suites of Mozilla's intermediate profile — what current
/// TLS 1.2 clients offer — with the OpenSSL cipher-string aliases that
/// select each (checked against `openssl ciphers` 3.0).
const SUITES: [(&str, &[&str]); 9] = [
    (
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        &["ECDHE", "aECDSA", "ECDSA", "AESGCM", "AES", "AES128"],
    ),
    (
        "ECDHE-RSA-AES128-GCM-SHA256",
        &["ECDHE", "aRSA", "AESGCM", "AES", "AES128"],
    ),
    (
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        &["ECDHE", "aECDSA", "ECDSA", "AESGCM", "AES", "AES256"],
    ),
    (
        "ECDHE-RSA-AES256-GCM-SHA384",
        &["ECDHE", "aRSA", "AESGCM", "AES", "AES256"],
    ),
    (
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        &["ECDHE", "aECDSA", "ECDSA", "CHACHA20"],
    ),
    (
        "ECDHE-RSA-CHACHA20-POLY1305",
        &["ECDHE", "aRSA", "CHACHA20"],
    ),
    (
        "DHE-RSA-AES128-GCM-SHA256",
        &["DHE", "aRSA", "AESGCM", "AES", "AES128"],
    ),
    (
        "DHE-RSA-AES256-GCM-SHA384",
        &["DHE", "aRSA", "AESGCM", "AES", "AES256"],
    ),
    ("DHE-RSA-CHACHA20-POLY1305", &["DHE", "aRSA", "CHACHA20"]),
];

/// Aliases every suite above has.
const COMMON_ALIASES: [&str; 4] = ["HIGH", "TLSv1.2", "ALL", "DEFAULT"];
/// Spellings of the key exchanges (OpenSSL aliases are case-sensitive).
const ECDHE_ALIASES: [&str; 5] = ["kEECDH", "kECDHE", "ECDHE", "EECDH", "ECDH"];
const DHE_ALIASES: [&str; 5] = ["kEDH", "kDHE", "DHE", "EDH", "DH"];
/// Aliases OpenSSL knows that select none of the suites above.
const OTHER_ALIASES: [&str; 40] = [
    "aNULL",
    "eNULL",
    "NULL",
    "COMPLEMENTOFDEFAULT",
    "COMPLEMENTOFALL",
    "LOW",
    "MEDIUM",
    "EXP",
    "EXPORT",
    "RSA",
    "kRSA",
    "SHA",
    "SHA1",
    "SHA256",
    "SHA384",
    "MD5",
    "RC4",
    "3DES",
    "DES",
    "IDEA",
    "SEED",
    "CAMELLIA",
    "CAMELLIA128",
    "CAMELLIA256",
    "ARIA",
    "ARIA128",
    "ARIA256",
    "AESCCM",
    "AESCCM8",
    "PSK",
    "kPSK",
    "aPSK",
    "SRP",
    "DSS",
    "aDSS",
    "ADH",
    "AECDH",
    "aDH",
    "SSLv3",
    "TLSv1",
];

/// The suites an alias (or `A+B` combination) selects; `None`: unknown.
fn selects(term: &str) -> Option<u16> {
    let mut mask = u16::MAX;
    for alias in term.split('+') {
        let one = if let Some(i) = SUITES.iter().position(|(n, _)| *n == alias) {
            1 << i
        } else if COMMON_ALIASES.contains(&alias) {
            (1 << SUITES.len()) - 1
        } else if OTHER_ALIASES.contains(&alias) || alias.contains('-') {
            // Other suite names select nothing we look at.
            0
        } else {
            let group: &str = if ECDHE_ALIASES.contains(&alias) {
                "ECDHE"
            } else if DHE_ALIASES.contains(&alias) {
                "DHE"
            } else {
                alias
            };
            let found = SUITES
                .iter()
                .enumerate()
                .filter(|(_, (_, aliases))| aliases.contains(&group))
                .fold(0u16, |m, (i, _)| m | 1 << i);
            if found == 0 {
                return None;
            }
            found
        };
        mask &= one;
    }
    Some(mask)
}

/// Which of the intermediate suites an OpenSSL cipher string leaves
/// enabled (bit per suite); `None` when it uses something this model does
/// not know.
pub(crate) fn intermediate_suites(spec: &str) -> Option<u16> {
    let mut enabled = 0u16;
    let mut killed = 0u16;
    for token in spec.split([':', ',', ' ']).filter(|t| !t.is_empty()) {
        if token.starts_with('@') {
            continue;
        }
        let (action, term) = match token.as_bytes()[0] {
            b'!' => ('!', &token[1..]),
            b'-' => ('-', &token[1..]),
            b'+' => ('+', &token[1..]),
            _ => ('=', token),
        };
        let set = selects(term)?;
        match action {
            '!' => {
                killed |= set;
                enabled &= !set;
            }
            '-' => enabled &= !set,
            '+' => {}
            _ => enabled |= set & !killed,
        }
    }
    Some(enabled)
}

/// The intermediate suites a certificate's key can authenticate (RSA keys
/// the `aRSA` suites, EC keys the `aECDSA` ones; all when unknown).
pub(crate) fn suites_for(key: Option<&crate::model::keys::PublicKey>) -> u16 {
    use crate::model::keys::PublicKey;
    let auth = match key {
        Some(PublicKey::Rsa { .. }) => "aRSA",
        Some(PublicKey::Ec { .. }) => "aECDSA",
        _ => return (1 << SUITES.len()) - 1,
    };
    selects(auth).unwrap_or(0)
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
pub(crate) fn cipher_setting(view: &View<'_>, vhost: Option<NodeId>) -> Option<NodeId> {
    let is_tls12 = |id: &NodeId| {
        let n = view.config.node(*id);
        n.args.len() == 1 || n.arg(0).is_some_and(|p| p.eq_ignore_ascii_case("SSL"))
    };
    let last = |container: NodeId| {
        view.own(container, &["SSLCipherSuite"])
            .into_iter()
            .rfind(is_tls12)
    };
    vhost.and_then(last).or_else(|| last(view.config.root))
}

/// A certificate mod_ssl loads for a vhost and the key that goes with it
/// (`None`: the key is in the certificate file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CertPair {
    pub cert: NodeId,
    pub key: Option<NodeId>,
}

/// The certificate/key pairs of a vhost: the i-th `SSLCertificateFile`
/// with the i-th `SSLCertificateKeyFile`, each list the vhost's own entries
/// and, where it has fewer, the main server's (mod_ssl's merge).
pub(crate) fn cert_pairs(view: &View<'_>, vhost: NodeId) -> Vec<CertPair> {
    let merged = |name: &str| {
        let own = view.own(vhost, &[name]);
        let main = view.own(view.config.root, &[name]);
        (0..own.len().max(main.len()))
            .filter_map(|i| own.get(i).or(main.get(i)).copied())
            .collect::<Vec<NodeId>>()
    };
    let keys = merged("SSLCertificateKeyFile");
    merged("SSLCertificateFile")
        .into_iter()
        .enumerate()
        .map(|(i, cert)| CertPair {
            cert,
            key: keys.get(i).copied(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected selections from `openssl ciphers -s -tls1_2 SPEC` (3.0).
    #[test]
    fn cipher_strings_select_like_openssl() {
        let cases: [(&str, &[&str]); 8] = [
            ("HIGH:!aNULL", &SUITES.map(|(n, _)| n)),
            (
                "ECDHE+AESGCM",
                &[
                    "ECDHE-ECDSA-AES128-GCM-SHA256",
                    "ECDHE-RSA-AES128-GCM-SHA256",
                    "ECDHE-ECDSA-AES256-GCM-SHA384",
                    "ECDHE-RSA-AES256-GCM-SHA384",
                ],
            ),
            (
                "EECDH+AESGCM:EDH+AESGCM",
                &[
                    "ECDHE-ECDSA-AES128-GCM-SHA256",
                    "ECDHE-RSA-AES128-GCM-SHA256",
                    "ECDHE-ECDSA-AES256-GCM-SHA384",
                    "ECDHE-RSA-AES256-GCM-SHA384",
                    "DHE-RSA-AES128-GCM-SHA256",
                    "DHE-RSA-AES256-GCM-SHA384",
                ],
            ),
            ("ALL:!RSA", &SUITES.map(|(n, _)| n)),
            ("SHA256:SHA384:!aNULL", &[]),
            (
                "aRSA+CHACHA20",
                &["ECDHE-RSA-CHACHA20-POLY1305", "DHE-RSA-CHACHA20-POLY1305"],
            ),
            ("HIGH:!ECDH:!DH", &[]),
            (
                "ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256",
                &["ECDHE-ECDSA-AES128-GCM-SHA256"],
            ),
        ];
        for (spec, names) in cases {
            let mask = intermediate_suites(spec).expect(spec);
            let got: Vec<&str> = SUITES
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & 1 << i != 0)
                .map(|(_, (n, _))| *n)
                .collect();
            let mut want = names.to_vec();
            want.sort_by_key(|n| SUITES.iter().position(|(s, _)| s == n));
            assert_eq!(got, want, "{spec}");
        }
        assert_eq!(intermediate_suites("FANCY:HIGH"), None);
    }
}
