//! Who may reach a request, on each side of a change: the effective
//! authorization (mod_authz_core) and the 2.2-style access control
//! (mod_access_compat) merged over the layers of [`super::perdir`], then
//! evaluated for a handful of sample clients — every address a `Require ip`
//! or `Allow from` names, the loopback, "any other address", each
//! anonymous or logged in.
//!
//! Merge: a layer with authorization directives replaces what came before
//! (`AuthMerging Off`, the default) or combines with it (`AuthMerging And`/
//! `Or`); several `Require` lines in one layer are an implicit
//! `<RequireAny>`; no authorization at all grants. For mod_access_compat the
//! last layer with `Order`/`Allow`/`Deny` decides, and `Satisfy Any` lets
//! either side admit. Providers apachelint cannot evaluate (`host`, `env`,
//! `expr`, `method` …) and anything inside `<If>` make the answer unknown
//! for the clients they could concern; unknown never counts as a change.
//! Authorization in `.htaccess` files is not evaluated.

use std::net::{IpAddr, Ipv4Addr};

use crate::load::tree::{Config, NodeId};

use super::perdir::{Applied, Side, Source, limit_applies_to_get};

/// A network in `Require ip` / `Allow from` notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Net {
    addr: IpAddr,
    prefix: u8,
}

impl Net {
    /// `10.1.2.3`, `10.1.2.0/24`, `10.1.2.0/255.255.255.0`, `10.1`
    /// (leading octets), `2001:db8::/32`.
    fn parse(word: &str) -> Option<Net> {
        let (addr, mask) = match word.split_once('/') {
            Some((a, m)) => (a, Some(m)),
            None => (word, None),
        };
        if let Ok(ip) = addr.parse::<IpAddr>() {
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = match mask {
                None => max,
                Some(m) => match (m.parse::<u8>(), m.parse::<Ipv4Addr>()) {
                    (Ok(p), _) if p <= max => p,
                    (_, Ok(dotted)) if ip.is_ipv4() => u32::from(dotted).count_ones() as u8,
                    _ => return None,
                },
            };
            return Some(Net { addr: ip, prefix });
        }
        // Leading octets: `10.1` is 10.1.0.0/16.
        let octets: Vec<u8> = addr
            .trim_end_matches('.')
            .split('.')
            .map(|o| o.parse().ok())
            .collect::<Option<_>>()?;
        if mask.is_some() || octets.is_empty() || octets.len() > 4 {
            return None;
        }
        let mut full = [0u8; 4];
        full[..octets.len()].copy_from_slice(&octets);
        Some(Net {
            addr: IpAddr::V4(Ipv4Addr::from(full)),
            prefix: 8 * octets.len() as u8,
        })
    }

    /// `192.168.0.0/16`, or the address alone for a single host.
    fn display(&self) -> String {
        let max = if self.addr.is_ipv4() { 32 } else { 128 };
        if self.prefix == max {
            self.addr.to_string()
        } else {
            format!("{}/{}", self.addr, self.prefix)
        }
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// An authorization expression.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Authz {
    Any(Vec<Authz>),
    All(Vec<Authz>),
    /// `<RequireNone>`: fails when any child admits.
    NoneOf(Vec<Authz>),
    Not(Box<Authz>),
    Granted,
    Denied,
    Ip(Vec<Net>),
    /// `Require local`.
    Local,
    /// Any provider that needs a logged-in user (`valid-user`, `user`,
    /// `group` …): taken as satisfied by the intended users.
    User,
    Unknown,
}

/// A sample client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Client {
    /// The network it comes from (its first address stands for it);
    /// `None`: an address no rule names.
    pub from: Option<Net>,
    pub logged_in: bool,
}

impl Client {
    fn addr(&self) -> Option<IpAddr> {
        self.from.map(|n| n.addr)
    }
}

/// Three-valued logic: `None` is unknown.
fn any(results: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for r in results {
        match r {
            Some(true) => return Some(true),
            None => unknown = true,
            Some(false) => {}
        }
    }
    if unknown { None } else { Some(false) }
}

fn all(results: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    any(results.map(|r| r.map(|b| !b))).map(|b| !b)
}

impl Authz {
    fn admits(&self, c: Client) -> Option<bool> {
        match self {
            Authz::Any(v) => any(v.iter().map(|a| a.admits(c))),
            Authz::All(v) => all(v.iter().map(|a| a.admits(c))),
            Authz::NoneOf(v) => any(v.iter().map(|a| a.admits(c))).map(|b| !b),
            Authz::Not(a) => a.admits(c).map(|b| !b),
            Authz::Granted => Some(true),
            Authz::Denied => Some(false),
            Authz::Ip(nets) => Some(
                c.addr()
                    .is_some_and(|ip| nets.iter().any(|n| n.contains(ip))),
            ),
            Authz::Local => Some(c.addr().is_some_and(|ip| ip.is_loopback())),
            Authz::User => Some(c.logged_in),
            Authz::Unknown => None,
        }
    }

    fn nets(&self, out: &mut Vec<Net>) {
        match self {
            Authz::Any(v) | Authz::All(v) | Authz::NoneOf(v) => v.iter().for_each(|a| a.nets(out)),
            Authz::Not(a) => a.nets(out),
            Authz::Ip(n) => out.extend(n),
            _ => {}
        }
    }
}

/// One `Require` line.
fn require(args: &[&str]) -> Authz {
    let (negated, args) = match args.first() {
        Some(w) if w.eq_ignore_ascii_case("not") => (true, &args[1..]),
        _ => (false, args),
    };
    let provider = args
        .first()
        .map(|p| p.to_ascii_lowercase())
        .unwrap_or_default();
    let rest = args.get(1..).unwrap_or(&[]);
    let leaf = match provider.as_str() {
        "all" => match rest.first().map(|w| w.to_ascii_lowercase()).as_deref() {
            Some("granted") => Authz::Granted,
            Some("denied") => Authz::Denied,
            _ => Authz::Unknown,
        },
        "ip" => rest
            .iter()
            .map(|w| Net::parse(w))
            .collect::<Option<Vec<Net>>>()
            .map_or(Authz::Unknown, Authz::Ip),
        "local" => Authz::Local,
        "valid-user" | "user" | "group" | "file-owner" | "file-group" | "dbd-group"
        | "ldap-user" | "ldap-group" | "ldap-dn" | "ldap-attribute" | "ldap-filter" => Authz::User,
        _ => Authz::Unknown,
    };
    if negated {
        Authz::Not(Box::new(leaf))
    } else {
        leaf
    }
}

/// The authorization of a configuration container: its `Require` lines and
/// `<Require*>` containers (`<Limit>` bodies for GET included), and the
/// first node that sets it.
fn container_authz(side: &Side<'_>, id: NodeId, first: &mut Option<NodeId>) -> Vec<Authz> {
    let config = side.config;
    let mut out = Vec::new();
    for &child in side.content(id).iter() {
        let n = config.node(child);
        let item = if n.is_directive() && n.is("Require") {
            let args: Vec<&str> = n.arg_values().collect();
            Some(require(&args))
        } else if n.is("RequireAll") {
            Some(Authz::All(container_authz(side, child, &mut None)))
        } else if n.is("RequireAny") {
            Some(Authz::Any(container_authz(side, child, &mut None)))
        } else if n.is("RequireNone") {
            Some(Authz::NoneOf(container_authz(side, child, &mut None)))
        } else if n.is_section() && limit_applies_to_get(&n.name, n.arg_values()) {
            out.extend(container_authz(side, child, first));
            None
        } else {
            None
        };
        if let Some(a) = item {
            first.get_or_insert(child);
            out.push(a);
        }
    }
    out
}

/// mod_access_compat's answer: `Order`, `Allow from`, `Deny from`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Compat {
    order: String,
    allow: Vec<Option<Net>>,
    deny: Vec<Option<Net>>,
    allow_all: bool,
    deny_all: bool,
}

impl Compat {
    fn matches(list: &[Option<Net>], all: bool, c: Client) -> Option<bool> {
        if all {
            return Some(true);
        }
        any(list.iter().map(|n| {
            n.as_ref()
                .map(|n| c.addr().is_some_and(|ip| n.contains(ip)))
        }))
    }

    fn admits(&self, c: Client) -> Option<bool> {
        let allow = Self::matches(&self.allow, self.allow_all, c);
        let deny = Self::matches(&self.deny, self.deny_all, c);
        match self.order.as_str() {
            // Default deny; Allow, then Deny overrides.
            "allow,deny" | "mutual-failure" => all([allow, deny.map(|d| !d)].into_iter()),
            // Default allow; Deny, then Allow overrides.
            _ => any([allow, deny.map(|d| !d)].into_iter()),
        }
    }
}

/// Who may reach one request on one side.
#[derive(Clone, Debug, Default)]
pub(crate) struct Access {
    authz: Option<Authz>,
    compat: Option<Compat>,
    satisfy_any: bool,
    /// An `<If>` decides: unknown for everyone.
    uncertain: bool,
    /// The first authorization directive of the layer that decides.
    pub decider: Option<NodeId>,
}

impl Access {
    /// Whether the request is admitted for a client (`None`: unknown).
    pub fn admits(&self, c: Client) -> Option<bool> {
        if self.uncertain {
            return None;
        }
        let authz = self.authz.as_ref().map_or(Some(true), |a| a.admits(c));
        match &self.compat {
            None => authz,
            Some(compat) if self.satisfy_any => any([authz, compat.admits(c)].into_iter()),
            Some(compat) => all([authz, compat.admits(c)].into_iter()),
        }
    }

    fn nets(&self) -> Vec<Net> {
        let mut out = Vec::new();
        if let Some(a) = &self.authz {
            a.nets(&mut out);
        }
        if let Some(c) = &self.compat {
            out.extend(c.allow.iter().chain(c.deny.iter()).flatten());
        }
        out
    }
}

/// The access in force for a request on one side.
pub(crate) fn access(side: &Side<'_>, applied: &Applied<'_>) -> Access {
    let config = side.config;
    let mut result = Access::default();
    for layer in &applied.layers {
        // Authorization lives in per-directory sections only (httpd refuses
        // it at the top level of the server or a vhost).
        let Source::Config(id) = layer.source else {
            continue;
        };
        let node = config.node(id);
        if !node.is_section() || node.is("VirtualHost") {
            continue;
        }
        let mut first = None;
        let items = container_authz(side, id, &mut first);
        let mut merging = None;
        let mut compat: Option<Compat> = None;
        for &child in side.content(id).iter() {
            let n = config.node(child);
            const NAMES: [&str; 5] = ["AuthMerging", "Satisfy", "Order", "Allow", "Deny"];
            if !n.is_directive() || !NAMES.iter().any(|name| n.is(name)) {
                continue;
            }
            let args: Vec<String> = n.arg_values().map(str::to_ascii_lowercase).collect();
            if n.is("AuthMerging") {
                merging = args.first().cloned();
            } else if n.is("Satisfy") {
                result.satisfy_any = args.first().is_some_and(|a| a == "any");
            } else if n.is("Order") || n.is("Allow") || n.is("Deny") {
                let c = compat.get_or_insert_with(|| Compat {
                    order: "deny,allow".to_string(),
                    ..Compat::default()
                });
                if n.is("Order") {
                    c.order = args.join("");
                } else {
                    let from: Vec<&str> = n.arg_values().skip(1).collect();
                    let all = from.iter().any(|w| w.eq_ignore_ascii_case("all"));
                    let nets = from
                        .iter()
                        .filter(|w| !w.eq_ignore_ascii_case("all"))
                        .map(|w| Net::parse(w));
                    if n.is("Allow") {
                        c.allow_all |= all;
                        c.allow.extend(nets);
                    } else {
                        c.deny_all |= all;
                        c.deny.extend(nets);
                    }
                }
            }
        }
        if compat.is_some() {
            result.compat = compat;
        }
        if items.is_empty() {
            continue;
        }
        if layer.conditional {
            result.uncertain = true;
        }
        let here = Authz::Any(items);
        result.authz = Some(match (merging.as_deref(), result.authz.take()) {
            (Some("and"), Some(prev)) => Authz::All(vec![prev, here]),
            (Some("or"), Some(prev)) => Authz::Any(vec![prev, here]),
            _ => here,
        });
        result.decider = first;
    }
    result
}

/// The sample clients for comparing two accesses.
fn clients(a: &Access, b: &Access) -> Vec<Client> {
    let loopback = Net {
        addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
        prefix: 32,
    };
    let mut nets: Vec<Option<Net>> = vec![None, Some(loopback)];
    nets.extend(a.nets().into_iter().chain(b.nets()).map(Some));
    nets.sort();
    nets.dedup();
    let mut out = Vec::new();
    for from in nets {
        for logged_in in [false, true] {
            out.push(Client { from, logged_in });
        }
    }
    out
}

/// A request whose admitted clients changed.
pub(crate) struct AccessChange {
    pub site: super::perdir::Site,
    pub url: String,
    /// Admitted before, refused now.
    pub closed: Vec<Client>,
    /// Refused before, admitted now.
    pub opened: Vec<Client>,
    pub old_decider: Option<NodeId>,
    pub new_decider: Option<NodeId>,
    /// Whether the request now needs a login to succeed (401, not 403).
    pub login_now: bool,
}

/// Every probe whose admitted clients changed.
pub(crate) fn access_changes(old: &Side<'_>, new: &Side<'_>) -> Vec<AccessChange> {
    let mut out = Vec::new();
    for probe in super::perdir::comparable(old, new) {
        let a = access(old, &probe.old);
        let b = access(new, &probe.new);
        let mut change = AccessChange {
            site: probe.site,
            url: probe.url,
            closed: Vec::new(),
            opened: Vec::new(),
            old_decider: a.decider,
            new_decider: b.decider,
            login_now: false,
        };
        for c in clients(&a, &b) {
            match (a.admits(c), b.admits(c)) {
                (Some(true), Some(false)) => change.closed.push(c),
                (Some(false), Some(true)) => change.opened.push(c),
                _ => {}
            }
        }
        change.login_now = change.closed.iter().all(|c| {
            !c.logged_in
                && b.admits(Client {
                    logged_in: true,
                    ..*c
                }) == Some(true)
        });
        if !change.closed.is_empty() || !change.opened.is_empty() {
            out.push(change);
        }
    }
    out
}

/// Who a set of clients is, for a message: `from 127.0.0.1`, `from every
/// address`, `for logged-in users`.
pub(crate) fn describe_clients(clients: &[Client]) -> String {
    let anonymous: Vec<&Client> = clients.iter().filter(|c| !c.logged_in).collect();
    if anonymous.is_empty() {
        return "for logged-in users".to_string();
    }
    if anonymous.iter().any(|c| c.from.is_none()) {
        return "from every address".to_string();
    }
    let addrs: Vec<String> = anonymous
        .iter()
        .filter_map(|c| c.from.map(|n| n.display()))
        .collect();
    format!("from {}", super::perdir::listing(&addrs, 4))
}

/// What decides access now, against before: "`Require all denied` now
/// decides access there (was `Require all granted`)".
pub(crate) fn decider_change(old: &Side<'_>, change: &AccessChange, new: &Side<'_>) -> String {
    let now = decider_text(new.config, change.new_decider);
    let was = decider_text(old.config, change.old_decider);
    if now == was {
        format!("the Require lines starting with `{now}` changed")
    } else {
        format!("`{now}` now decides access there (was `{was}`)")
    }
}

/// How a reader sees the authorization directive that decides.
pub(crate) fn decider_text(config: &Config, decider: Option<NodeId>) -> String {
    match decider {
        Some(id) => {
            let n = config.node(id);
            if n.is_section() {
                format!("<{}>", n.name)
            } else {
                format!("{} {}", n.name, config.raw_args(id).trim())
            }
        }
        None => "no Require (everything granted)".to_string(),
    }
}
