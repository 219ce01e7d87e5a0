//! Addresses as httpd reads them, byte for byte: APR's
//! `apr_parse_addr_port`, `apr_inet_pton` and `apr_ipsubnet_create`, and
//! the numeric host forms glibc's `getaddrinfo` takes without asking DNS
//! (`inet_aton`: `127.1`, `0x7f.0.0.1`). Shared by the `Listen`,
//! `<VirtualHost>` and `Require ip` checks.

use super::c_numbers::atoi;
pub(crate) use crate::model::ipsubnet::SubnetError;
use crate::model::ipsubnet::{self, inet_pton6};

/// `host[:port]` as `apr_parse_addr_port` splits it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AddrPort {
    /// `None` when the string is only a port (`80`).
    pub host: Option<String>,
    /// An IPv6 zone: `[fe80::1%eth0]`.
    pub scope: Option<String>,
    /// 0 when no port was given.
    pub port: u16,
}

/// `apr_parse_addr_port`; `None` is its `APR_EINVAL`.
pub(crate) fn parse_addr_port(text: &str) -> Option<AddrPort> {
    let bytes = text.as_bytes();
    let digits_start = bytes.len()
        - bytes
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
    if digits_start == 0 {
        // The entire string is the port.
        let port = valid_port(atoi(text))?;
        return Some(AddrPort {
            host: None,
            scope: None,
            port,
        });
    }
    let mut host_end = bytes.len();
    let mut port = 0;
    if bytes[digits_start - 1] == b':' && digits_start < bytes.len() {
        if digits_start == 1 {
            return None;
        }
        port = valid_port(atoi(&text[digits_start..]))?;
        host_end = digits_start - 1;
    }
    let host = &text[..host_end];
    if let Some(inner) = host.strip_prefix('[') {
        let close = inner.find(']')?;
        if close != inner.len() - 1 {
            return None;
        }
        let (address, scope) = match inner.find('%') {
            Some(percent) if percent + 1 == close => return None,
            Some(percent) => (
                &inner[..percent],
                Some(inner[percent + 1..close].to_string()),
            ),
            None => (&inner[..close], None),
        };
        inet_pton6(address.as_bytes())?;
        return Some(AddrPort {
            host: Some(address.to_string()),
            scope,
            port,
        });
    }
    Some(AddrPort {
        host: Some(host.to_string()),
        scope: None,
        port,
    })
}

fn valid_port(value: i32) -> Option<u16> {
    u16::try_from(value).ok().filter(|&port| port >= 1)
}

/// glibc's `inet_aton` without trailing text: one to four parts, each
/// decimal, octal (`0…`) or hexadecimal (`0x…`), the last filling the
/// remaining bytes.
fn inet_aton_exact(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() > 4 {
        return false;
    }
    let mut values = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, radix) =
            if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (hex, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (*part, 10)
            };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return false;
        }
        let Ok(value) = u64::from_str_radix(digits, radix) else {
            return false;
        };
        values.push(value);
    }
    let Some((last, leading)) = values.split_last() else {
        return false;
    };
    let last_max = 0xffff_ffffu64 >> (8 * leading.len());
    leading.iter().all(|&v| v <= 255) && *last <= last_max
}

/// How a host name in `Listen` or `<VirtualHost>` fares when httpd starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HostKind {
    /// A numeric address: no DNS involved.
    Literal,
    /// A name: resolved through the system resolver (DNS, `/etc/hosts`).
    Name,
    /// Nothing a resolver can answer: characters no host name has, or
    /// digits and dots that are not an address (`1.2.3.999`).
    Unresolvable,
}

/// Classifies a host as `getaddrinfo` will see it.
pub(crate) fn classify_host(host: &str) -> HostKind {
    let without_zone = host.split_once('%').map_or(host, |(address, _)| address);
    if inet_aton_exact(host) || inet_pton6(without_zone.as_bytes()).is_some() {
        return HostKind::Literal;
    }
    let name_bytes = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
    if host.is_empty()
        || !host.bytes().all(name_bytes)
        || host.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return HostKind::Unresolvable;
    }
    HostKind::Name
}

impl SubnetError {
    /// `mod_authz_host`'s message for `word`.
    pub(crate) fn message(self, word: &str) -> String {
        match self {
            SubnetError::NotAnAddress => format!("ip address '{word}' appears to be invalid"),
            SubnetError::BadAddress => format!(
                "ip address '{word}' appears to be invalid: The specified IP address is invalid."
            ),
            SubnetError::BadMask => format!(
                "ip address '{word}' appears to be invalid: The specified network mask is invalid."
            ),
        }
    }
}

/// `apr_ipsubnet_create` on `address[/mask]`, as `Require ip` calls it.
pub(crate) fn check_subnet(word: &str) -> Result<(), SubnetError> {
    match word.split_once('/') {
        Some((address, mask)) => ipsubnet::check_subnet(address.as_bytes(), Some(mask.as_bytes())),
        None => ipsubnet::check_subnet(word.as_bytes(), None),
    }
}

/// Why `ap_set_listener` refuses its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListenError {
    /// Not one or two arguments.
    ArgumentCount,
    /// `apr_parse_addr_port` failed (`:80`, `0`, `70000`).
    InvalidAddress,
    /// No port (`abc`, `127.0.0.1:`).
    NoPort,
}

impl ListenError {
    /// httpd's message.
    pub(crate) fn message(self) -> &'static str {
        match self {
            ListenError::ArgumentCount => "Listen requires 1 or 2 arguments.",
            ListenError::InvalidAddress => "Invalid address or port",
            ListenError::NoPort => "Port must be specified",
        }
    }
}

/// What `ap_set_listener` makes of its `TAKE_ARGV` words: the address it
/// asks `alloc_listener` for (`*` becomes no host), or its refusal.
pub(crate) fn listen_address(argv: &[&str]) -> Result<AddrPort, ListenError> {
    let [address, ..] = argv else {
        return Err(ListenError::ArgumentCount);
    };
    if argv.len() > 2 {
        return Err(ListenError::ArgumentCount);
    }
    let mut parsed = parse_addr_port(address).ok_or(ListenError::InvalidAddress)?;
    if parsed.host.as_deref() == Some("*") {
        parsed.host = None;
    }
    if parsed.port == 0 {
        return Err(ListenError::NoPort);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Option<(Option<String>, Option<String>, u16)> {
        parse_addr_port(text).map(|a| (a.host, a.scope, a.port))
    }

    #[test]
    fn addr_port_follows_apr() {
        assert_eq!(parsed("80"), Some((None, None, 80)));
        assert_eq!(parsed("*:80"), Some((Some("*".into()), None, 80)));
        assert_eq!(parsed("abc"), Some((Some("abc".into()), None, 0)));
        assert_eq!(
            parsed("127.0.0.1:"),
            Some((Some("127.0.0.1:".into()), None, 0))
        );
        assert_eq!(parsed("[::1]:8080"), Some((Some("::1".into()), None, 8080)));
        assert_eq!(parsed("[::1]"), Some((Some("::1".into()), None, 0)));
        assert_eq!(
            parsed("[fe80::1%lo]:80"),
            Some((Some("fe80::1".into()), Some("lo".into()), 80))
        );
        assert_eq!(parsed("::1"), Some((Some(":".into()), None, 1)));
        assert_eq!(parsed("-80"), Some((Some("-80".into()), None, 0)));
        assert_eq!(parsed("4294967376"), Some((None, None, 80)));
        for invalid in [
            "",
            "0",
            "70000",
            ":80",
            "*:0",
            "[1.2.3.4]:80",
            "[fe80::1%]:80",
            "[::1",
            "99999999999999999999",
        ] {
            assert_eq!(parsed(invalid), None, "{invalid}");
        }
    }

    #[test]
    fn hosts_are_classified_like_getaddrinfo() {
        for literal in [
            "127.0.0.1",
            "127.1",
            "0x7f.0.0.1",
            "1234567",
            "0177.0.0.1",
            "::1",
        ] {
            assert_eq!(classify_host(literal), HostKind::Literal, "{literal}");
        }
        for name in ["localhost", "shop.example", "a_b", "comment"] {
            assert_eq!(classify_host(name), HostKind::Name, "{name}");
        }
        for bad in ["*:abc", "#", ":", "1.2.3.999", "", "a b"] {
            assert_eq!(classify_host(bad), HostKind::Unresolvable, "{bad}");
        }
    }

    #[test]
    fn subnets_follow_apr_ipsubnet_create() {
        for ok in [
            "10.0.0.1",
            "10.0.0.0/8",
            "10.0.0.0/255.255.0.0",
            "10.1",
            "10.2.",
            "192.168.0.0/+16",
            "::1",
            "fe80::/10",
            "010.001.1.1",
            "1.2.3.4/ 8",
        ] {
            assert_eq!(check_subnet(ok), Ok(()), "{ok}");
        }
        let cases = [
            ("example.com", SubnetError::NotAnAddress),
            ("/24", SubnetError::NotAnAddress),
            ("#", SubnetError::NotAnAddress),
            ("1.2.3.999", SubnetError::BadAddress),
            ("10.1/8", SubnetError::BadAddress),
            ("::ffff:1.2.3.4", SubnetError::BadAddress),
            ("1..2", SubnetError::BadAddress),
            ("256.1", SubnetError::BadAddress),
            ("4294967295", SubnetError::BadAddress),
            ("10.0.0.0/33", SubnetError::BadMask),
            ("10.0.0.0/0", SubnetError::BadMask),
            ("10.0.0.0/", SubnetError::BadMask),
            ("10.0.0.0/abc", SubnetError::BadMask),
            ("1.2.3.4/0x10", SubnetError::BadMask),
            ("10.0.0.0/8/8", SubnetError::BadMask),
            ("2001:db8::/129", SubnetError::BadMask),
            ("fe80::1/255.255.0.0", SubnetError::BadMask),
        ];
        for (word, error) in cases {
            assert_eq!(check_subnet(word), Err(error), "{word}");
        }
    }

    #[test]
    fn pton6_handles_compression_and_ipv4_tails() {
        assert!(inet_pton6(b"::").is_some());
        assert!(inet_pton6(b"1::").is_some());
        assert!(inet_pton6(b"::ffff:1.2.3.4").is_some());
        assert!(inet_pton6(b"1:2:3:4:5:6:7:8").is_some());
        assert!(inet_pton6(b"1:2:3:4:5:6:7:8:9").is_none());
        assert!(inet_pton6(b"1::2::3").is_none());
        assert!(inet_pton6(b":1").is_none());
        assert!(inet_pton6(b"").is_none());
        assert!(inet_pton6(b"12345::").is_none());
    }
}
