//! How mod_proxy's handlers read their arguments (`add_pass`,
//! `add_pass_reverse`, `add_member`, `set_proxy_param`, `proxysection`,
//! `add_proxy` in `modules/proxy/mod_proxy.c`; `ap_proxy_define_worker_ex`,
//! `ap_proxy_define_balancer`, `ap_proxy_get_worker_ex` in `proxy_util.c`),
//! step by step, so each directive yields the refusal httpd would print
//! first.
//!
//! Workers and balancers are kept per server (the main server and each
//! `<VirtualHost>` has its own list while httpd reads): a `ProxyPass` whose
//! URL an earlier worker already covers *shares* that worker, and httpd then
//! ignores its `key=value` parameters with a warning instead of checking
//! them; `ProxySet` outside `<Proxy>` needs an earlier definition. That
//! state is followed through the active configuration in httpd's order (a
//! `<Proxy>` section's own parameters after its body). Inactive lines get
//! the checks that need no state.

use crate::load::tree::{NodeId, NodeKind};
use crate::rules::context::Context;
use crate::source::Span;

use super::c_numbers::{atof, atoi, atol, timeout_parameter};
use super::handler::{
    Refusal, arity_accepted, directory_or_files_parent, enclosing_named, handled_nodes,
    in_directory_context,
};
use super::regex::compile_like_httpd;

/// Which rule a proxy finding belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProxyKind {
    /// A regex that does not compile (`invalid-regex`).
    Regex,
    /// The mapping itself: `ProxyPass`, `ProxyPassMatch`, `ProxyPassReverse`,
    /// `ProxyRemote` arguments and target URLs (`proxy-pass-invalid`).
    Mapping,
    /// A `key=value` worker or balancer parameter (`proxy-parameter-invalid`).
    Parameter,
    /// `BalancerMember`, `ProxySet` and `<Proxy>` definitions
    /// (`proxy-definition-invalid`).
    Definition,
    /// Parameters httpd ignores because the worker is shared (a warning).
    Ignored,
}

/// One finding about a proxy directive.
pub(crate) struct ProxyFinding {
    pub id: NodeId,
    pub kind: ProxyKind,
    pub refusal: Refusal,
}

/// Every proxy finding of the configuration.
pub(crate) fn findings(ctx: &Context<'_>) -> Vec<ProxyFinding> {
    let mut walk = Walk {
        ctx,
        out: Vec::new(),
        hcheck: ctx.has_module("proxy_hcheck_module"),
    };
    if ctx.has_module("proxy_module") {
        let mut main = Server::default();
        walk.tree(ctx.config.root, &mut main);
    }
    // Inactive lines: what needs no knowledge of earlier definitions.
    for name in PROXY_DIRECTIVES {
        for id in handled_nodes(ctx, name) {
            if !ctx.node(id).active {
                walk.node(id, None);
            }
        }
    }
    for name in ["<Proxy", "<ProxyMatch"] {
        for id in handled_nodes(ctx, name) {
            if !ctx.node(id).active {
                walk.proxy_section(id, None);
            }
        }
    }
    walk.out
}

/// The regex refusals alone.
pub(crate) fn regex_refusals(ctx: &Context<'_>) -> Vec<(NodeId, Refusal)> {
    of_kind(ctx, ProxyKind::Regex)
}

/// The findings of one kind.
pub(crate) fn of_kind(ctx: &Context<'_>, kind: ProxyKind) -> Vec<(NodeId, Refusal)> {
    findings(ctx)
        .into_iter()
        .filter(|f| f.kind == kind)
        .map(|f| (f.id, f.refusal))
        .collect()
}

const PROXY_DIRECTIVES: [&str; 7] = [
    "ProxyPass",
    "ProxyPassMatch",
    "ProxyPassReverse",
    "BalancerMember",
    "ProxySet",
    "ProxyRemote",
    "ProxyRemoteMatch",
];

/// A worker as httpd names it after normalising its URL.
#[derive(Clone, Debug)]
struct Worker {
    name: String,
    /// Defined by `ProxyPassMatch`/`<ProxyMatch>`: its name is a pattern.
    matchable: bool,
}

#[derive(Clone, Debug)]
struct Balancer {
    name: String,
    workers: Vec<Worker>,
}

/// One server's workers and balancers while httpd reads.
#[derive(Clone, Debug, Default)]
struct Server {
    workers: Vec<Worker>,
    balancers: Vec<Balancer>,
}

impl Server {
    fn balancer(&mut self, url: &str) -> Option<&mut Balancer> {
        let name = balancer_key(url)?;
        self.balancers.iter_mut().find(|b| b.name == name)
    }
}

/// `ap_proxy_get_balancer`'s key: `scheme://host` lowercased, when the URL
/// has that shape.
fn balancer_key(url: &str) -> Option<String> {
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
fn find_worker<'w>(
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
fn strcmp_ematch(text: &str, pattern: &str) -> bool {
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
fn de_socketfy(url: &str) -> Option<&str> {
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
fn has_wildcard(pattern: &str) -> bool {
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
fn define_worker(url: &str, matchable: bool) -> Result<Worker, String> {
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
fn define_balancer(url: &str) -> Result<String, String> {
    let Some(key) = balancer_key(url) else {
        return Err(format!("Bad syntax for a balancer name ({url})"));
    };
    if key.len() > MAX_BALANCER_NAME {
        return Err(format!("balancer name ({key}) too long"));
    }
    Ok(key)
}

/// `ap_proxy_valid_balancer_name`.
fn is_balancer_name(name: &str) -> bool {
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
fn check_worker_param(key: &str, val: &str, hcheck: bool) -> Result<(), String> {
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
fn check_balancer_param(ctx: &Context<'_>, key: &str, val: &str) -> Result<(), String> {
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

/// A `key=value` word: key, value, and the word's span.
struct Param {
    key: String,
    val: String,
    span: Span,
}

/// `apr_table_setn` into the parameter table: a repeated key (any case)
/// keeps its first place and takes the last value.
fn set_param(params: &mut Vec<Param>, param: Param) {
    match params
        .iter_mut()
        .find(|p| p.key.eq_ignore_ascii_case(&param.key))
    {
        Some(existing) => *existing = param,
        None => params.push(param),
    }
}

/// The path a directory-type section gives its body (`cmd->path`).
fn section_path(ctx: &Context<'_>, id: NodeId) -> Option<String> {
    let section = enclosing_named(
        ctx,
        id,
        &[
            "Directory",
            "DirectoryMatch",
            "Location",
            "LocationMatch",
            "Files",
            "FilesMatch",
            "If",
            "ElseIf",
            "Else",
            "Proxy",
            "ProxyMatch",
        ],
    )?;
    let node = ctx.node(section);
    if ["If", "ElseIf", "Else"].iter().any(|n| node.is(n)) {
        return Some("*If".to_string());
    }
    let first = node.arg(0).unwrap_or("");
    let path = if first == "~" && !node.name.to_ascii_lowercase().ends_with("match") {
        node.arg(1).unwrap_or("")
    } else {
        first
    };
    if node.is("Proxy") || node.is("ProxyMatch") {
        let stripped = match path.get(..6) {
            Some(p) if p.eq_ignore_ascii_case("proxy:") => &path[6..],
            _ => path,
        };
        return Some(stripped.to_string());
    }
    Some(path.to_string())
}

struct Walk<'c, 'a> {
    ctx: &'c Context<'a>,
    out: Vec<ProxyFinding>,
    hcheck: bool,
}

impl Walk<'_, '_> {
    fn push(&mut self, id: NodeId, kind: ProxyKind, refusal: Refusal) {
        self.out.push(ProxyFinding { id, kind, refusal });
    }

    /// The active configuration below `id`, in httpd's order; each virtual
    /// host with its own lists.
    fn tree(&mut self, id: NodeId, server: &mut Server) {
        let config = self.ctx.config;
        for child in config.effective(id) {
            let node = config.node(child);
            match node.kind {
                NodeKind::Section { .. } if node.is("VirtualHost") => {
                    let mut vhost = Server::default();
                    self.tree(child, &mut vhost);
                }
                NodeKind::Section { .. } if node.is("Proxy") || node.is("ProxyMatch") => {
                    self.tree(child, server);
                    self.proxy_section(child, Some(server));
                }
                NodeKind::Section { .. } => self.tree(child, server),
                _ => {
                    if PROXY_DIRECTIVES.iter().any(|n| node.is(n)) {
                        self.node(child, Some(server));
                    }
                }
            }
        }
    }

    fn node(&mut self, id: NodeId, server: Option<&mut Server>) {
        let node = self.ctx.node(id);
        if node.is("ProxyPass") || node.is("ProxyPassMatch") {
            self.pass(id, node.is("ProxyPassMatch"), server);
        } else if node.is("ProxyPassReverse") {
            self.pass_reverse(id);
        } else if node.is("BalancerMember") {
            self.member(id, server);
        } else if node.is("ProxySet") {
            self.set(id, server);
        } else {
            self.remote(id, node.is("ProxyRemoteMatch"));
        }
    }

    /// Defines (or finds) the worker for `url`, reporting the definition's
    /// refusal with `prefix`; returns the worker shared, if any.
    fn worker_for(
        &mut self,
        id: NodeId,
        url_span: Span,
        url: &str,
        matchable: bool,
        workers: Option<&mut Vec<Worker>>,
        (prefix, kind): (&str, ProxyKind),
    ) -> Result<Option<Worker>, ()> {
        let existing = workers
            .as_deref()
            .and_then(|w| find_worker(w, url, !matchable, matchable))
            .cloned();
        if existing.is_some() {
            return Ok(existing);
        }
        match define_worker(url, matchable) {
            Ok(worker) => {
                if let Some(workers) = workers {
                    workers.push(worker);
                }
                Ok(None)
            }
            Err(message) => {
                self.push(
                    id,
                    kind,
                    Refusal::new(url_span, format!("{prefix}{message}")),
                );
                Err(())
            }
        }
    }

    /// `add_pass`.
    fn pass(&mut self, id: NodeId, is_regex: bool, server: Option<&mut Server>) {
        let ctx = self.ctx;
        if directory_or_files_parent(ctx, id).is_some() {
            return;
        }
        let node = ctx.node(id);
        let path = section_path(ctx, id);
        let mut fake: Option<(String, Option<usize>)> = path.clone().map(|p| (p, None));
        let mut real: Option<usize> = None;
        let mut matchable = is_regex;
        let mut params: Vec<Param> = Vec::new();
        let mapping = |span: Span, message: &str| Refusal::new(span, message);
        for (i, word) in node.arg_values().enumerate() {
            if fake.is_none() {
                if word == "~" {
                    if is_regex {
                        let r = mapping(
                            node.arg_span(i),
                            "ProxyPassMatch invalid syntax ('~' usage).",
                        )
                        .help("ProxyPassMatch takes the regex directly, without `~`");
                        return self.push(id, ProxyKind::Mapping, r);
                    }
                    matchable = true;
                    continue;
                }
                fake = Some((word.to_string(), Some(i)));
            } else if real.is_none() {
                real = Some(i);
            } else if ["nocanon", "interpolate", "noquery"]
                .iter()
                .any(|k| word.eq_ignore_ascii_case(k))
            {
                continue;
            } else if let Some((key, val)) = word.split_once('=') {
                if key.eq_ignore_ascii_case("mapping") {
                    if !val.eq_ignore_ascii_case("encoded") && !val.eq_ignore_ascii_case("servlet")
                    {
                        let r = mapping(node.arg_span(i), "unknown mapping")
                            .help("mapping= takes `encoded` or `servlet`");
                        return self.push(id, ProxyKind::Mapping, r);
                    }
                } else {
                    set_param(
                        &mut params,
                        Param {
                            key: key.to_string(),
                            val: val.to_string(),
                            span: node.arg_span(i),
                        },
                    );
                }
            } else {
                let target_is_path = real
                    .and_then(|r| node.arg(r))
                    .is_some_and(|r| r.starts_with('/'));
                let r = if path.is_some() && target_is_path {
                    mapping(
                        node.arg_span(real.unwrap_or(i)),
                        "ProxyPass|ProxyPassMatch can not have a path when defined in a location.",
                    )
                    .help("inside <Location> the path is the section's: give only the target URL")
                } else {
                    mapping(
                        node.arg_span(i),
                        "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'.",
                    )
                    .label("not key=value")
                };
                return self.push(id, ProxyKind::Mapping, r);
            }
        }
        let Some(real) = real else {
            let r = mapping(
                node.span,
                "ProxyPass|ProxyPassMatch needs a path when not defined in a location",
            )
            .help("give a URL-path and a target URL, or put the directive inside <Location>");
            return self.push(id, ProxyKind::Mapping, r);
        };
        let target = node.arg(real).unwrap_or("");
        let target_span = node.arg_span(real);
        if de_socketfy(target).is_none() {
            let r = mapping(
                target_span,
                "ProxyPass|ProxyPassMatch uses an invalid \"unix:\" URL",
            )
            .help("write unix:/path/to.sock|scheme://host/");
            return self.push(id, ProxyKind::Mapping, r);
        }
        let (fake_text, fake_index) = fake.unwrap_or_default();
        if path.is_some() && has_wildcard(&fake_text) {
            matchable = true;
        }
        if matchable && let Err(error) = compile_like_httpd(&fake_text, false) {
            let span = fake_index.map_or(node.name_span, |i| node.arg_span(i));
            let r = Refusal::regex(span, "Regular expression could not be compiled.", &error);
            return self.push(id, ProxyKind::Regex, r);
        }
        if target == "!" {
            return;
        }
        if is_balancer_name(target) {
            let known = server.as_deref().is_some_and(|s| {
                s.balancers
                    .iter()
                    .any(|b| Some(&b.name) == balancer_key(target).as_ref())
            });
            if !known {
                match define_balancer(target) {
                    Ok(name) => {
                        if let Some(server) = server {
                            server.balancers.push(Balancer {
                                name,
                                workers: Vec::new(),
                            });
                        }
                    }
                    Err(message) => {
                        let r = Refusal::new(target_span, format!("ProxyPass {message}"));
                        return self.push(id, ProxyKind::Mapping, r);
                    }
                }
            }
            for param in params {
                if let Err(message) = check_balancer_param(ctx, &param.key, &param.val) {
                    let r = Refusal::new(param.span, format!("ProxyPass {message}"));
                    return self.push(id, ProxyKind::Parameter, r);
                }
            }
            return;
        }
        let workers = server.map(|s| &mut s.workers);
        let Ok(shared) = self.worker_for(
            id,
            target_span,
            target,
            matchable,
            workers,
            ("ProxyPass ", ProxyKind::Mapping),
        ) else {
            return;
        };
        self.apply_worker_params(id, params, shared, ("ProxyPass ", "AH01146"));
    }

    /// Checks (or, for a shared worker, warns about) the parameters.
    fn apply_worker_params(
        &mut self,
        id: NodeId,
        params: Vec<Param>,
        shared: Option<Worker>,
        (prefix, warning): (&str, &str),
    ) {
        for param in params {
            if let Some(worker) = &shared {
                let r = Refusal::new(
                    param.span,
                    format!(
                        "{warning}: Ignoring parameter '{}={}' for worker '{}' because of worker sharing",
                        param.key, param.val, worker.name
                    ),
                )
                .label("ignored: an earlier definition already created this worker")
                .help("set worker parameters on the first definition of this URL, or with ProxySet");
                self.push(id, ProxyKind::Ignored, r);
            } else if let Err(message) = check_worker_param(&param.key, &param.val, self.hcheck) {
                let r = Refusal::new(param.span, format!("{prefix}{message}"));
                return self.push(id, ProxyKind::Parameter, r);
            }
        }
    }

    /// `add_pass_reverse`.
    fn pass_reverse(&mut self, id: NodeId) {
        let ctx = self.ctx;
        if !arity_accepted(ctx, id) || directory_or_files_parent(ctx, id).is_some() {
            return;
        }
        let node = ctx.node(id);
        let second = node.arg(1);
        let interpolate = second.is_some_and(|r| r.eq_ignore_ascii_case("interpolate"));
        let r = if !in_directory_context(ctx, id) {
            if second.is_some() && !interpolate {
                return;
            }
            Refusal::new(
                node.span,
                "ProxyPassReverse needs a path when not defined in a location",
            )
            .help("give the URL-path and the backend URL, or put it inside <Location>")
        } else {
            if second.is_none() || interpolate {
                return;
            }
            Refusal::new(
                node.arg_span(0),
                "ProxyPassReverse can not have a path when defined in a location",
            )
            .help("inside <Location> give only the backend URL")
        };
        self.push(id, ProxyKind::Mapping, r);
    }

    /// `add_member`.
    fn member(&mut self, id: NodeId, server: Option<&mut Server>) {
        let ctx = self.ctx;
        let node = ctx.node(id);
        let in_section = in_directory_context(ctx, id);
        let mut path = section_path(ctx, id);
        let mut name: Option<usize> = None;
        let mut params = Vec::new();
        for (i, word) in node.arg_values().enumerate() {
            if let Some((key, val)) = word.split_once('=') {
                set_param(
                    &mut params,
                    Param {
                        key: key.to_string(),
                        val: val.to_string(),
                        span: node.arg_span(i),
                    },
                );
            } else if path.is_none() {
                path = Some(word.to_string());
            } else if name.is_none() {
                name = Some(i);
            } else {
                let message = if in_section {
                    "BalancerMember can not have a balancer name when defined in a location"
                } else {
                    "Invalid BalancerMember parameter. Parameter must be in the form 'key=value'"
                };
                return self.push(
                    id,
                    ProxyKind::Definition,
                    Refusal::new(node.arg_span(i), message),
                );
            }
        }
        let definition = |message: &str| Refusal::new(node.span, message);
        let Some(path) = path else {
            let r = definition("BalancerMember must define balancer name when outside <Proxy > section")
                .help("write `BalancerMember balancer://name http://backend/`, or put it inside <Proxy balancer://name>");
            return self.push(id, ProxyKind::Definition, r);
        };
        let Some(name) = name else {
            let r = definition("BalancerMember must define remote proxy server")
                .help("give the backend URL: `BalancerMember http://backend:8080/`");
            return self.push(id, ProxyKind::Definition, r);
        };
        let url = node.arg(name).unwrap_or("");
        let url_span = node.arg_span(name);
        if de_socketfy(url).is_none() {
            let r = Refusal::new(url_span, "BalancerMember uses an invalid \"unix:\" URL");
            return self.push(id, ProxyKind::Definition, r);
        }
        let path = path.to_ascii_lowercase();
        let mut server = server;
        let known = server
            .as_deref_mut()
            .and_then(|s| s.balancer(&path))
            .is_some();
        if !known {
            match define_balancer(&path) {
                Ok(key) => {
                    if let Some(s) = server.as_deref_mut() {
                        s.balancers.push(Balancer {
                            name: key,
                            workers: Vec::new(),
                        });
                    }
                }
                Err(message) => {
                    let span = if in_section {
                        node.name_span
                    } else {
                        node.arg_span(0)
                    };
                    let r = Refusal::new(span, format!("BalancerMember {message}"));
                    return self.push(id, ProxyKind::Definition, r);
                }
            }
        }
        let workers = server
            .and_then(|s| s.balancer(&path))
            .map(|b| &mut b.workers);
        let Ok(shared) = self.member_worker(id, url_span, url, workers) else {
            return;
        };
        self.apply_worker_params(id, params, shared, ("BalancerMember ", "AH01150"));
    }

    /// A balancer member's worker: shared within the balancer (looked up as
    /// prefix and pattern workers alike), or defined.
    fn member_worker(
        &mut self,
        id: NodeId,
        url_span: Span,
        url: &str,
        workers: Option<&mut Vec<Worker>>,
    ) -> Result<Option<Worker>, ()> {
        let existing = workers
            .as_deref()
            .and_then(|w| find_worker(w, url, true, true))
            .cloned();
        if existing.is_some() {
            return Ok(existing);
        }
        match define_worker(url, false) {
            Ok(worker) => {
                if let Some(workers) = workers {
                    workers.push(worker);
                }
                Ok(None)
            }
            Err(message) => {
                let r = Refusal::new(url_span, format!("BalancerMember {message}"));
                self.push(id, ProxyKind::Definition, r);
                Err(())
            }
        }
    }

    /// `set_proxy_param`.
    fn set(&mut self, id: NodeId, server: Option<&mut Server>) {
        let ctx = self.ctx;
        let node = ctx.node(id);
        let parent = ctx
            .parent_section(id)
            .filter(|&p| ctx.node(p).name.to_ascii_lowercase().starts_with("proxy"));
        // Inside <Proxy>, the name is the section's: point at this line.
        let (name, name_span, first_param, matchable) = match parent {
            Some(p) => {
                let section = ctx.node(p);
                let raw = section.arg(0).unwrap_or("");
                (raw.to_string(), node.span, 0, section.is("ProxyMatch"))
            }
            None => (
                node.arg(0).unwrap_or("").to_string(),
                node.arg_span(0),
                1,
                false,
            ),
        };
        let in_section = parent.is_some();
        let mut server = server;
        let mut is_balancer = false;
        if is_balancer_name(&name) {
            is_balancer = true;
            let known = server
                .as_deref_mut()
                .and_then(|s| s.balancer(&name))
                .is_some();
            if !known {
                if in_section {
                    match define_balancer(&name) {
                        Ok(key) => {
                            if let Some(s) = server.as_deref_mut() {
                                s.balancers.push(Balancer {
                                    name: key,
                                    workers: Vec::new(),
                                });
                            }
                        }
                        Err(message) => {
                            let r = Refusal::new(name_span, format!("ProxySet {message}"));
                            return self.push(id, ProxyKind::Definition, r);
                        }
                    }
                } else if server.is_some() {
                    let r = Refusal::new(
                        name_span,
                        format!("ProxySet can not find '{name}' Balancer."),
                    )
                    .help("define the balancer first (BalancerMember or <Proxy balancer://…>), in the same server");
                    return self.push(id, ProxyKind::Definition, r);
                }
            }
        } else {
            if de_socketfy(&name).is_none() {
                let r = Refusal::new(name_span, "ProxySet uses an invalid \"unix:\" URL");
                return self.push(id, ProxyKind::Definition, r);
            }
            let known = server
                .as_deref()
                .and_then(|s| {
                    find_worker(
                        &s.workers,
                        &name,
                        !matchable || !in_section,
                        matchable || !in_section,
                    )
                })
                .is_some();
            if !known {
                if in_section {
                    match define_worker(&name, matchable) {
                        Ok(worker) => {
                            if let Some(s) = server.as_deref_mut() {
                                s.workers.push(worker);
                            }
                        }
                        Err(message) => {
                            let r = Refusal::new(name_span, format!("ProxySet {message}"));
                            return self.push(id, ProxyKind::Definition, r);
                        }
                    }
                } else if server.is_some() {
                    let r = Refusal::new(
                        name_span,
                        format!("ProxySet can not find '{name}' Worker."),
                    )
                    .help("define the worker first (ProxyPass or <Proxy scheme://…>), in the same server");
                    return self.push(id, ProxyKind::Definition, r);
                }
            }
        }
        for (i, word) in node.arg_values().enumerate().skip(first_param) {
            let Some((key, val)) = word.split_once('=') else {
                let r = Refusal::new(
                    node.arg_span(i),
                    "Invalid ProxySet parameter. Parameter must be in the form 'key=value'",
                );
                return self.push(id, ProxyKind::Parameter, r);
            };
            let checked = if is_balancer {
                check_balancer_param(ctx, key, val)
            } else {
                check_worker_param(key, val, self.hcheck)
            };
            if let Err(message) = checked {
                let r = Refusal::new(
                    node.arg_span(i),
                    format!("ProxySet: {message} {key}={val}; {name}"),
                );
                return self.push(id, ProxyKind::Parameter, r);
            }
        }
    }

    /// `add_proxy`: `ProxyRemote`/`ProxyRemoteMatch`.
    fn remote(&mut self, id: NodeId, is_regex: bool) {
        let ctx = self.ctx;
        if !arity_accepted(ctx, id) {
            return;
        }
        let node = ctx.node(id);
        let directive = if is_regex {
            "ProxyRemoteMatch"
        } else {
            "ProxyRemote"
        };
        let remote = node.arg(1).unwrap_or("");
        let Some(colon) = remote.find(':') else {
            return self.bad_remote(id, directive, "");
        };
        let after = &remote[colon..];
        if !after.starts_with("://") || after.len() == 3 {
            return self.bad_remote(id, directive, "");
        }
        if let Some(port_colon) = remote[colon + 3..].find(':') {
            let port = &remote[colon + 3 + port_colon + 1..];
            if !scanf_port_ok(port) {
                return self.bad_remote(id, directive, " (bad port number)");
            }
        }
        if is_regex && let Err(error) = compile_like_httpd(node.arg(0).unwrap_or(""), false) {
            let r = Refusal::regex(
                node.arg_span(0),
                "Regular expression for ProxyRemoteMatch could not be compiled.",
                &error,
            );
            self.push(id, ProxyKind::Regex, r);
        }
    }

    fn bad_remote(&mut self, id: NodeId, directive: &str, detail: &str) {
        let node = self.ctx.node(id);
        let r = Refusal::new(
            node.arg_span(1),
            format!("{directive}: Bad syntax for a remote proxy server{detail}"),
        )
        .help("write the remote proxy as scheme://host[:port]");
        self.push(id, ProxyKind::Mapping, r);
    }

    /// `proxysection`'s arguments after the path (run after the body).
    fn proxy_section(&mut self, id: NodeId, server: Option<&mut Server>) {
        let ctx = self.ctx;
        let node = ctx.node(id);
        if node.args.len() < 2
            || !matches!(
                node.kind,
                NodeKind::Section {
                    has_closing_angle: true,
                    ..
                }
            )
        {
            return;
        }
        let written = node.arg(0).unwrap_or("");
        let path = match written.get(..6) {
            Some(p) if p.eq_ignore_ascii_case("proxy:") => &written[6..],
            _ => written,
        };
        let section = ctx.config.canonical_name(&format!("<{}", node.name));
        let definition = |message: String| Refusal::new(node.arg_span(1), message);
        if node.is("ProxyMatch") {
            let r = definition("Multiple <ProxyMatch> arguments not (yet) supported.".to_string());
            return self.push(id, ProxyKind::Definition, r);
        }
        if has_wildcard(path) {
            let r = definition(format!(
                "{section}> arguments are not supported for wildchar url."
            ));
            return self.push(id, ProxyKind::Definition, r);
        }
        if !path.contains(':') {
            let r = definition(format!(
                "{section}> arguments are not supported for non url."
            ));
            return self.push(id, ProxyKind::Definition, r);
        }
        let mut server = server;
        let is_balancer = is_balancer_name(path);
        if is_balancer {
            let known = server
                .as_deref_mut()
                .and_then(|s| s.balancer(path))
                .is_some();
            if !known {
                match define_balancer(path) {
                    Ok(key) => {
                        if let Some(s) = server.as_deref_mut() {
                            s.balancers.push(Balancer {
                                name: key,
                                workers: Vec::new(),
                            });
                        }
                    }
                    Err(message) => {
                        let r = Refusal::new(node.arg_span(0), format!("{section} {message}"));
                        return self.push(id, ProxyKind::Definition, r);
                    }
                }
            }
        } else {
            if de_socketfy(path).is_none() {
                let r = Refusal::new(
                    node.arg_span(0),
                    "<Proxy/ProxyMatch > uses an invalid \"unix:\" URL",
                );
                return self.push(id, ProxyKind::Definition, r);
            }
            let workers = server.map(|s| &mut s.workers);
            if self
                .worker_for(
                    id,
                    node.arg_span(0),
                    path,
                    false,
                    workers,
                    (&format!("{section} "), ProxyKind::Definition),
                )
                .is_err()
            {
                return;
            }
        }
        for (i, word) in node.arg_values().enumerate().skip(1) {
            let Some((key, val)) = word.split_once('=') else {
                let r = Refusal::new(
                    node.arg_span(i),
                    "Invalid Proxy parameter. Parameter must be in the form 'key=value'",
                );
                return self.push(id, ProxyKind::Parameter, r);
            };
            let checked = if is_balancer {
                check_balancer_param(ctx, key, val)
            } else {
                check_worker_param(key, val, self.hcheck)
            };
            if let Err(message) = checked {
                let r = Refusal::new(
                    node.arg_span(i),
                    format!("{section} {message} {key}={val}; {path}"),
                );
                return self.push(id, ProxyKind::Parameter, r);
            }
        }
    }
}

/// `sscanf(port, "%u")` reads a number no larger than 65535.
fn scanf_port_ok(port: &str) -> bool {
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
