//! The values mod_proxy's handlers check, as pure functions: worker URLs as
//! `ap_proxy_define_worker_ex` normalises and refuses them (through
//! `apr_uri_parse`), balancer names, which earlier worker a URL shares
//! (`ap_proxy_get_worker_ex`, `ap_proxy_strcmp_ematch`), `unix:` socket URLs,
//! and the `key=value` parameters of workers (`set_worker_param`, with
//! mod_proxy_hcheck's `set_worker_hc_param`) and balancers
//! (`set_balancer_param`), each confirmed against the binary.

use crate::rules::context::Context;

use super::c_numbers::{atof, atoi, atol, timeout_parameter};

/// A worker as httpd names it after normalising its URL.
#[derive(Clone, Debug)]
pub(crate) struct Worker {
    pub name: String,
    /// Defined by `ProxyPassMatch`/`<ProxyMatch>`: its name is a pattern.
    pub matchable: bool,
}

/// `ap_proxy_get_balancer`'s key: `scheme://host` lowercased, when the URL
/// has that shape.
pub(crate) fn balancer_key(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let rest = &url[colon..];
    if !rest.starts_with("://") || rest.len() == 3 {
        return None;
    }
    let host_end = url[colon + 3..]
        .find('/')
        .map_or(url.len(), |p| colon + 3 + p);
    Some(url[..host_end].to_ascii_lowercase())
}

/// `ap_proxy_get_worker_ex`: the longest worker name covering `url` (its
/// `scheme://host[:port]` at least), prefix workers for a prefix lookup,
/// pattern workers for a match lookup.
pub(crate) fn find_worker<'w>(
    workers: &'w [Worker],
    url: &str,
    prefix: bool,
    matching: bool,
) -> Option<&'w Worker> {
    let url = de_socketfy(url)?;
    let colon = url.find(':')?;
    if !url[colon..].starts_with("://") || url.len() == colon + 3 {
        return None;
    }
    let path_start = url[colon + 3..].find('/').map(|p| colon + 3 + p);
    let min_match = path_start.unwrap_or(url.len());
    let mut lowered = url[..min_match].to_ascii_lowercase();
    lowered.push_str(&url[min_match..]);
    workers
        .iter()
        .filter(|w| w.name.len() <= lowered.len() && w.name.len() >= min_match)
        .filter(|w| {
            if w.matchable {
                matching && strcmp_ematch(&lowered, &w.name)
            } else {
                prefix && lowered.starts_with(&w.name)
            }
        })
        .max_by_key(|w| w.name.len())
}

/// `ap_proxy_strcmp_ematch` matches (0): `$N` in the pattern matches any
/// run of characters, `\\` escapes, and the text may go on after the
/// pattern ends. Memoised, so hostile patterns stay cheap; absurdly long
/// inputs count as no match.
pub(crate) fn strcmp_ematch(text: &str, pattern: &str) -> bool {
    let (t, p) = (text.as_bytes(), pattern.as_bytes());
    if t.len().saturating_mul(p.len()) > 1_000_000 {
        return false;
    }
    let mut memo = vec![None; (t.len() + 1) * (p.len() + 1)];
    ematch(t, p, 0, 0, &mut memo) == 0
}

/// The C function's result for `text[x..]` against `pattern[y..]`: 0 match,
/// 1 differ, -1 text ran out, -2 pattern ends in a backslash.
fn ematch(t: &[u8], p: &[u8], mut x: usize, mut y: usize, memo: &mut [Option<i8>]) -> i8 {
    let key = x * (p.len() + 1) + y;
    if let Some(known) = memo[key] {
        return known;
    }
    let is_ref = |y: usize| p.get(y) == Some(&b'$') && p.get(y + 1).is_some_and(u8::is_ascii_digit);
    let result = loop {
        if y >= p.len() {
            break 0;
        }
        if is_ref(y) {
            while is_ref(y) {
                y += 2;
            }
            if y >= p.len() {
                break 0;
            }
            let mut found = -1;
            while x < t.len() {
                let r = ematch(t, p, x, y, memo);
                x += 1;
                if r != 1 {
                    found = r;
                    break;
                }
            }
            break found;
        }
        if x >= t.len() {
            break -1;
        }
        if p[y] == b'\\' {
            y += 1;
            if y >= p.len() {
                break -2;
            }
        }
        if t[x] != p[y] {
            break 1;
        }
        x += 1;
        y += 1;
    };
    memo[key] = Some(result);
    result
}

/// `ap_proxy_de_socketfy`: a `unix:/path|scheme://…` URL as the part after
/// the `|` (`None` when that part has no scheme).
pub(crate) fn de_socketfy(url: &str) -> Option<&str> {
    let is_unix = url
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("unix:"));
    match (is_unix, url.get(5..).and_then(|rest| rest.find('|'))) {
        (true, Some(bar)) => {
            let after = &url[5 + bar + 1..];
            after.contains(':').then_some(after)
        }
        _ => Some(url),
    }
}

/// `apr_fnmatch_test`: the pattern has a wildcard.
pub(crate) fn has_wildcard(pattern: &str) -> bool {
    let bytes = pattern.as_bytes();
    let mut nesting = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'?' | b'*' => return true,
            b'\\' => {
                i += 1;
                if i >= bytes.len() {
                    return false;
                }
            }
            b'[' => nesting = true,
            b']' if nesting => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// The parts of a URL `apr_uri_parse` finds that matter here.
struct ParsedUrl {
    scheme: Option<String>,
    hostname: Option<String>,
    port: Option<String>,
    /// Everything after the host and port.
    rest: String,
}

/// `apr_uri_parse`; `None` where it fails (a bad port, an unclosed `[`, a
/// colon in a scheme-less first segment).
fn parse_url(uri: &str) -> Option<ParsedUrl> {
    let b = uri.as_bytes();
    let mut parsed = ParsedUrl {
        scheme: None,
        hostname: None,
        port: None,
        rest: String::new(),
    };
    let authority_at = if b.first() == Some(&b'/') {
        (b.get(1) == Some(&b'/') && b.get(2) != Some(&b'/')).then_some(2)
    } else {
        let mut s = 0;
        if b.first().is_some_and(u8::is_ascii_alphabetic) {
            s = 1;
            while b
                .get(s)
                .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
            {
                s += 1;
            }
        }
        if s > 0 && b.get(s) == Some(&b':') {
            parsed.scheme = Some(uri[..s].to_string());
            s += 1;
        } else {
            s = 0;
        }
        if b.get(s) == Some(&b'/') && b.get(s + 1) == Some(&b'/') {
            Some(s + 2)
        } else {
            if s == 0 {
                let first_segment = uri.find('/').map_or(uri, |slash| &uri[..slash]);
                if first_segment.contains(':') {
                    return None;
                }
            }
            parsed.rest = uri[s..].to_string();
            return Some(parsed);
        }
    };
    let Some(start) = authority_at else {
        parsed.rest = uri.to_string();
        return Some(parsed);
    };
    let end = b[start..]
        .iter()
        .position(|c| matches!(c, b'/' | b'?' | b'#'))
        .map_or(b.len(), |p| start + p);
    parsed.rest = uri[end..].to_string();
    let hostinfo = &uri[start..end];
    let host_port = hostinfo
        .rfind('@')
        .map_or(hostinfo, |at| &hostinfo[at + 1..]);
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let close = v6.find(']')?;
        let after = &v6[close + 1..];
        (&v6[..close], after.strip_prefix(':'))
    } else {
        match host_port.find(':') {
            Some(colon) => (&host_port[..colon], Some(&host_port[colon + 1..])),
            None => (host_port, None),
        }
    };
    if let Some(port) = port
        && !port.is_empty()
        && !is_strtol_number(port)
    {
        return None;
    }
    parsed.hostname = Some(host.to_string());
    parsed.port = port.filter(|p| !p.is_empty()).map(str::to_string);
    Some(parsed)
}

/// `strtol` consumes the whole string: optional spaces and sign, digits.
fn is_strtol_number(s: &str) -> bool {
    let t = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit())
}

/// The default port of a scheme (`ap_proxy_port_of_scheme`).
fn default_port(scheme: &str) -> Option<u16> {
    const PORTS: [(&str, u16); 12] = [
        ("http", 80),
        ("https", 443),
        ("ftp", 21),
        ("ws", 80),
        ("wss", 443),
        ("h2c", 80),
        ("h2", 443),
        ("ajp", 8009),
        ("fcgi", 8000),
        ("scgi", 4000),
        ("ldap", 389),
        ("ssh", 22),
    ];
    PORTS
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(scheme))
        .map(|&(_, p)| p)
}

/// Longest host name a worker may have (`PROXY_RFC1035_HOSTNAME_SIZE` - 1).
const MAX_HOSTNAME: usize = 255;

/// `ap_proxy_define_worker_ex`: the worker's normalised name, or httpd's
/// refusal of its URL.
pub(crate) fn define_worker(url: &str, matchable: bool) -> Result<Worker, String> {
    let (target, has_socket) = match url.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("unix:") => match url[5..].find('|') {
            Some(bar) if parse_url(&url[..5 + bar]).is_some() => (&url[5 + bar + 1..], true),
            _ => (url, false),
        },
        _ => (url, false),
    };
    let target = if matchable {
        strip_port_references(target)
    } else {
        target.to_string()
    };
    let Some(parsed) = parse_url(&target) else {
        return Err(format!("Unable to parse URL: {url}"));
    };
    let Some(scheme) = parsed.scheme else {
        return Err(format!("URL must be absolute!: {url}"));
    };
    let host = match parsed.hostname.filter(|h| !h.is_empty()) {
        Some(h) => h.to_ascii_lowercase(),
        None if has_socket => "localhost".to_string(),
        None => return Err(format!("URL must be absolute!: {url}")),
    };
    if host.len() > MAX_HOSTNAME {
        return Err(format!("worker hostname ({host}) too long"));
    }
    let scheme = scheme.to_ascii_lowercase();
    let port = parsed
        .port
        .filter(|p| p.parse::<u16>().ok() != default_port(&scheme));
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let name = match port {
        Some(p) => format!("{scheme}://{host}:{p}{}", parsed.rest),
        None => format!("{scheme}://{host}{}", parsed.rest),
    };
    Ok(Worker { name, matchable })
}

/// For pattern workers httpd drops `$N` references from the port before
/// parsing (`http://host:8080$2`).
fn strip_port_references(url: &str) -> String {
    let Some(authority) = url.find("://").map(|p| p + 3) else {
        return url.to_string();
    };
    let b = url.as_bytes();
    let mut pos = authority;
    while pos < b.len() && b[pos] != b':' && b[pos] != b'/' {
        pos += 1;
    }
    if b.get(pos) != Some(&b':') {
        return url.to_string();
    }
    pos += 1;
    let is_ref = |i: usize| b.get(i) == Some(&b'$') && b.get(i + 1).is_some_and(u8::is_ascii_digit);
    while pos < b.len() && !is_ref(pos) && b[pos] != b'/' {
        pos += 1;
    }
    if !is_ref(pos) {
        return url.to_string();
    }
    let mut path = pos + 2;
    while path < b.len() && b[path] != b'/' {
        path += 1;
    }
    format!("{}{}", &url[..pos], &url[path..])
}

/// Longest balancer name (`PROXY_BALANCER_MAX_NAME_SIZE` - 1).
const MAX_BALANCER_NAME: usize = 95;

/// `ap_proxy_define_balancer`: the balancer's key, or httpd's refusal.
pub(crate) fn define_balancer(url: &str) -> Result<String, String> {
    let Some(key) = balancer_key(url) else {
        return Err(format!("Bad syntax for a balancer name ({url})"));
    };
    if key.len() > MAX_BALANCER_NAME {
        return Err(format!("balancer name ({key}) too long"));
    }
    Ok(key)
}

/// `ap_proxy_valid_balancer_name`.
pub(crate) fn is_balancer_name(name: &str) -> bool {
    name.get(..9)
        .is_some_and(|p| p.eq_ignore_ascii_case("balancer:"))
}

/// Longest values of the worker's fixed-size fields (size - 1).
const MAX_ROUTE: usize = 63;
const MAX_SCHEME_FIELD: usize = 15;
const MAX_SECRET: usize = 63;

/// The `status=` flag letters (`proxy_wstat_tbl`).
const STATUS_FLAGS: &[u8] = b"OINGUDSEHFCR";

/// Health-check methods `hcmethod=` accepts, and whether they are implemented.
const HC_METHODS: [(&str, bool); 10] = [
    ("NONE", true),
    ("TCP", true),
    ("OPTIONS", true),
    ("HEAD", true),
    ("GET", true),
    ("CPING", false),
    ("PROVIDER", false),
    ("OPTIONS11", true),
    ("HEAD11", true),
    ("GET11", true),
];

/// `set_worker_param` (and mod_proxy_hcheck's `set_worker_hc_param` when it
/// is loaded): httpd's refusal of a worker parameter, if any.
pub(crate) fn check_worker_param(key: &str, val: &str, hcheck: bool) -> Result<(), String> {
    let k = key.to_ascii_lowercase();
    let on_off = |what: &str| {
        if val.eq_ignore_ascii_case("on") || val.eq_ignore_ascii_case("off") {
            Ok(())
        } else {
            Err(format!("{what} must be On|Off"))
        }
    };
    let int = atoi(val);
    let fail = |cond: bool, message: &str| {
        if cond {
            Err(message.to_string())
        } else {
            Ok(())
        }
    };
    match k.as_str() {
        "loadfactor" => {
            let scaled = (atof(val) * 100.0) as i64;
            fail(
                !(100..=10000).contains(&scaled),
                "LoadFactor must be a number between 1..100",
            )
        }
        "retry" => fail(int < 0, "Retry must be a positive value"),
        "ttl" => fail(int < 1, "TTL must be at least one second"),
        "min" => fail(int < 0, "Min must be a positive number"),
        "max" => fail(int < 0, "Max must be a positive number"),
        "smax" => fail(int < 0, "Smax must be a positive number"),
        "acquire" => match timeout_parameter(val, "ms") {
            None => Err("Acquire timeout has wrong format".to_string()),
            Some(t) => fail(t < 1000, "Acquire must be at least one millisecond"),
        },
        "timeout" => fail(int < 1, "Timeout must be at least one second"),
        "iobuffersize" => {
            let size = atol(val);
            fail(
                size < 512 && size != 0,
                "IOBufferSize must be >= 512 bytes, or 0 for system default.",
            )
        }
        "receivebuffersize" => fail(
            int < 512 && int != 0,
            "ReceiveBufferSize must be >= 512 bytes, or 0 for system default.",
        ),
        "keepalive" => on_off("KeepAlive"),
        "disablereuse" => on_off("DisableReuse"),
        "enablereuse" => on_off("EnableReuse"),
        "addressttl" => {
            let ok = val == "-1"
                || timeout_parameter(val, "s")
                    .is_some_and(|t| t <= i64::from(i32::MAX) * 1_000_000 && t % 1_000_000 == 0);
            fail(
                !ok,
                "AddressTTL must be -1 or a number of seconds not exceeding (2147483647)",
            )
        }
        "route" => fail(
            val.len() > MAX_ROUTE,
            "Route length must be < 64 characters",
        ),
        "redirect" => fail(
            val.len() > MAX_ROUTE,
            "Redirect length must be < 64 characters",
        ),
        "status" => fail(!status_ok(val), "Unknown status parameter option"),
        "flushpackets" => fail(
            !["on", "off", "auto"]
                .iter()
                .any(|v| val.eq_ignore_ascii_case(v)),
            "flushpackets must be on|off|auto",
        ),
        "flushwait" => fail(
            !(0..=1000).contains(&int),
            "flushwait must be <= 1000, or 0 for system default of 10 millseconds.",
        ),
        "ping" => match timeout_parameter(val, "s") {
            None => Err("Ping/Pong timeout has wrong format".to_string()),
            Some(t) => fail(
                t < 1000,
                "Ping/Pong timeout must be at least one millisecond",
            ),
        },
        "lbset" => fail(!(0..=99).contains(&int), "lbset must be between 0 and 99"),
        "connectiontimeout" => match timeout_parameter(val, "s") {
            None => Err("Connectiontimeout has wrong format".to_string()),
            Some(t) => fail(
                t < 1000,
                "Connectiontimeout must be at least one millisecond.",
            ),
        },
        "flusher" => fail(
            val.len() > MAX_SCHEME_FIELD,
            "flusher name length must be < 16 characters",
        ),
        "upgrade" => fail(
            val.len() > MAX_SCHEME_FIELD,
            "upgrade protocol length must be < 16 characters",
        ),
        "responsefieldsize" => fail(
            atol(val) < 0,
            "ResponseFieldSize must be greater than 0 bytes, or 0 for system default.",
        ),
        "secret" => fail(
            val.len() > MAX_SECRET,
            "Secret length must be < 64 characters",
        ),
        _ if hcheck => check_hc_param(&k, val),
        _ => Err("unknown Worker parameter".to_string()),
    }
}

/// mod_proxy_hcheck's parameters. `hctemplate` and `hcexpr` name
/// `ProxyHCTemplate`/`ProxyHCExpr` definitions, which are not followed: they
/// pass.
fn check_hc_param(key: &str, val: &str) -> Result<(), String> {
    match key {
        "hctemplate" | "hcexpr" => Ok(()),
        "hcmethod" => match HC_METHODS.iter().find(|(m, _)| val.eq_ignore_ascii_case(m)) {
            Some((_, true)) => Ok(()),
            Some((_, false)) => Err(format!("Health check method {val} not (yet) implemented")),
            None => Err("Unknown method".to_string()),
        },
        "hcinterval" => match timeout_parameter(val, "s") {
            None => Err("Unparse-able hcinterval setting".to_string()),
            Some(t) if t < 100_000 => {
                Err("Interval must be a positive value greater than 100ms".to_string())
            }
            Some(_) => Ok(()),
        },
        "hcpasses" if atoi(val) < 0 => Err("Passes must be a positive value".to_string()),
        "hcfails" if atoi(val) < 0 => Err("Fails must be a positive value".to_string()),
        "hcpasses" | "hcfails" => Ok(()),
        "hcuri" if val.len() > MAX_ROUTE => {
            Err("Health check uri length must be < 64 characters".to_string())
        }
        "hcuri" => Ok(()),
        _ => Err("unknown Worker hcheck parameter".to_string()),
    }
}

/// The `status=` value: flag letters, each optionally after `+` or `-`.
fn status_ok(val: &str) -> bool {
    let b = val.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'+' || b[i] == b'-' {
            i += 1;
        }
        match b.get(i) {
            Some(c) if STATUS_FLAGS.contains(&c.to_ascii_uppercase()) => i += 1,
            _ => return false,
        }
    }
    true
}

/// The load-balancing methods and the modules that provide them.
const LB_METHODS: [(&str, &str); 4] = [
    ("byrequests", "lbmethod_byrequests_module"),
    ("bytraffic", "lbmethod_bytraffic_module"),
    ("bybusyness", "lbmethod_bybusyness_module"),
    ("heartbeat", "lbmethod_heartbeat_module"),
];

/// `set_balancer_param`.
pub(crate) fn check_balancer_param(ctx: &Context<'_>, key: &str, val: &str) -> Result<(), String> {
    let on_off = |message: &str| {
        if val.eq_ignore_ascii_case("on") || val.eq_ignore_ascii_case("off") {
            Ok(())
        } else {
            Err(message.to_string())
        }
    };
    match key.to_ascii_lowercase().as_str() {
        "stickysession" => Ok(()),
        "stickysessionsep" if val.len() != 1 && !val.eq_ignore_ascii_case("off") => {
            Err("stickysessionsep must be a single character or Off".to_string())
        }
        "stickysessionsep" => Ok(()),
        "nofailover" => on_off("failover must be On|Off"),
        "timeout" if atoi(val) < 1 => Err("timeout must be at least one second".to_string()),
        "timeout" => Ok(()),
        "maxattempts" if atoi(val) < 0 => {
            Err("maximum number of attempts must be a positive number".to_string())
        }
        "maxattempts" => Ok(()),
        "lbmethod" => {
            let provided = LB_METHODS
                .iter()
                .any(|(name, module)| *name == val && ctx.has_module(module));
            if provided {
                Ok(())
            } else {
                Err("unknown lbmethod".to_string())
            }
        }
        "scolonpathdelim" => on_off("scolonpathdelim must be On|Off"),
        "failonstatus" => {
            let all_valid = val
                .split([',', ' '])
                .filter(|s| !s.is_empty())
                .all(|s| (100..600).contains(&atoi(s)));
            if all_valid {
                Ok(())
            } else {
                Err("failonstatus must be one or more HTTP response codes".to_string())
            }
        }
        "failontimeout" => on_off("failontimeout must be On|Off"),
        "nonce" if !val.eq_ignore_ascii_case("None") && val.len() > 39 => {
            Err("Provided nonce is too large".to_string())
        }
        "nonce" => Ok(()),
        "growth" if !(1..=100).contains(&atoi(val)) => {
            Err("growth must be between 1 and 100".to_string())
        }
        "growth" => Ok(()),
        "forcerecovery" => on_off("forcerecovery must be On|Off"),
        _ => Err("unknown Balancer parameter".to_string()),
    }
}

/// `sscanf(port, "%u")` reads a number no larger than 65535.
pub(crate) fn scanf_port_ok(port: &str) -> bool {
    let t = port.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return false;
    }
    let value = digits.parse::<u64>().unwrap_or(u64::MAX);
    !negative && value <= 65535 || negative && value == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_urls_like_httpd() {
        assert_eq!(define_worker("http://X/", false).unwrap().name, "http://x/");
        assert_eq!(
            define_worker("http://x:80/a", false).unwrap().name,
            "http://x/a"
        );
        assert_eq!(
            define_worker("localhost:8080", false).unwrap_err(),
            "URL must be absolute!: localhost:8080"
        );
        assert_eq!(
            define_worker("/b", false).unwrap_err(),
            "URL must be absolute!: /b"
        );
        assert_eq!(
            define_worker("http:///b", false).unwrap_err(),
            "URL must be absolute!: http:///b"
        );
        assert_eq!(
            define_worker("http://x:abc/", false).unwrap_err(),
            "Unable to parse URL: http://x:abc/"
        );
        assert_eq!(
            define_worker("http://[::1/", false).unwrap_err(),
            "Unable to parse URL: http://[::1/"
        );
        assert!(define_worker("http://x:99999/", false).is_ok());
        assert!(define_worker("http://x:-1/", false).is_ok());
        assert!(define_worker("http://[::1]:8080/", false).is_ok());
        assert!(define_worker("http://u:p@x:80/", false).is_ok());
        assert!(define_worker("http://host:8080$2", true).is_ok());
        assert!(define_worker("unix:/run/x.sock|http://localhost/", false).is_ok());
    }

    #[test]
    fn sharing_by_prefix() {
        let workers = vec![define_worker("http://x/", false).unwrap()];
        assert!(find_worker(&workers, "http://x/b", true, false).is_some());
        assert!(find_worker(&workers, "http://X/", true, false).is_some());
        assert!(find_worker(&workers, "http://y/", true, false).is_none());
        assert!(find_worker(&workers, "http://x:80/", true, false).is_none());
    }

    #[test]
    fn parameters_like_httpd() {
        assert!(check_worker_param("timeout", "5", false).is_ok());
        assert_eq!(
            check_worker_param("timeout", "", false).unwrap_err(),
            "Timeout must be at least one second"
        );
        assert!(check_worker_param("ping", "500ms", false).is_ok());
        assert!(check_worker_param("ping", "5x", false).is_err());
        assert!(check_worker_param("acquire", "0", false).is_err());
        assert!(check_worker_param("addressttl", "1500ms", false).is_err());
        assert!(check_worker_param("addressttl", "-1", false).is_ok());
        assert!(check_worker_param("loadfactor", "0.5", false).is_err());
        assert!(check_worker_param("loadfactor", "1", false).is_ok());
        assert!(check_worker_param("loadfactor", "100.5", false).is_err());
        assert!(check_worker_param("status", "+H", false).is_ok());
        assert!(check_worker_param("status", "+Q", false).is_err());
        assert!(check_worker_param("status", "+", false).is_err());
        assert_eq!(
            check_worker_param("hcmethod", "GET", false).unwrap_err(),
            "unknown Worker parameter"
        );
        assert!(check_worker_param("hcmethod", "GET", true).is_ok());
        assert_eq!(
            check_worker_param("bogus", "1", true).unwrap_err(),
            "unknown Worker hcheck parameter"
        );
    }

    #[test]
    fn ematch_like_httpd() {
        assert!(strcmp_ematch("http://host:8080/x", "http://host:8080$1"));
        assert!(strcmp_ematch("http://host/a/b", "http://host/$1/b"));
        assert!(strcmp_ematch("http://host/abc", "http://host/a"));
        assert!(!strcmp_ematch("http://other/x", "http://host$1"));
        let long = "a".repeat(500);
        assert!(!strcmp_ematch(&long, &"$1b".repeat(100)));
    }
}

#[cfg(test)]
mod hostile_input {
    use proptest::prelude::*;

    use super::{check_worker_param, define_balancer, define_worker, strcmp_ematch};

    proptest! {
        #[test]
        fn never_panics(url in "[a-z:/\\[\\]@$0-9|.é%*?-]{0,40}", value in "[-+0-9a-z .é]{0,12}") {
            let _ = define_worker(&url, true);
            let _ = define_worker(&url, false);
            let _ = define_balancer(&url);
            let _ = strcmp_ematch(&url, &value);
            let _ = strcmp_ematch(&value, &url);
            for key in ["loadfactor", "acquire", "addressttl", "status", "iobuffersize", "hcinterval"] {
                let _ = check_worker_param(key, &value, true);
            }
        }
    }
}
