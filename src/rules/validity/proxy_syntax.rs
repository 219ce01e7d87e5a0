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

use super::handler_input::{
    Refusal, arity_accepted, directory_or_files_parent, enclosing_named, handled_nodes,
    in_directory_context,
};
use super::proxy_values::{
    Worker, balancer_key, check_balancer_param, check_worker_param, de_socketfy, define_balancer,
    define_worker, find_worker, has_wildcard, is_balancer_name, scanf_port_ok,
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
        // Inside a directory-type section or <Limit> the handler refuses to
        // run (`ap_check_cmd_context(NOT_IN_DIR_CONTEXT)`).
        if node.args.len() < 2
            || !matches!(
                node.kind,
                NodeKind::Section {
                    has_closing_angle: true,
                    ..
                }
            )
            || in_directory_context(ctx, id)
            || enclosing_named(ctx, id, &["Limit", "LimitExcept"]).is_some()
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
