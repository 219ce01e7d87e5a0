//! `AL135` mutex-invalid.

use crate::finding::Severity;
use crate::load::tree::{Node, NodeId};
use crate::model::registry::{self, edit_distance};
use crate::rules::context::{Context, Rule};

use super::directive_module_not_loaded::enable_hint;
use super::handler::{reaches_handler, span_within_arg};
use super::handler_input::logged;
use super::mpm_count::loaded_mpms;
use super::target_paths::{
    created_by_apache2ctl, is_directory, literal_variable, server_root_relative,
};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Mutex` line httpd refuses: no mechanism (`Mutex requires at least a mechanism
    /// argument`), a mechanism it does not know (`Invalid Mutex argument`), a lock directory
    /// that is not a directory on the target (`Invalid Mutex directory in argument`: relative
    /// to the ServerRoot; a path still holding an undefined `${VAR}` never is one), a mutex
    /// type no loaded module registers (`Mutex type X is not valid`: types are case-sensitive,
    /// `ssl-cache` needs mod_ssl, `mpm-accept` the prefork or worker MPM), and `none`, which no
    /// type accepts (`None is not allowed for mutex type default`). Like httpd, it names the
    /// last bad type of a line: httpd takes them from the end.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. Debian's `apache2.conf` holds `Mutex file:${APACHE_LOCK_DIR}
    /// default`: a misspelt variable stays literal and the directory does not exist; a `Mutex`
    /// line copied from a guide names the type of a module this server does not load, or the
    /// accept mutex of another MPM.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Mutex file:${APACHE_LOCKDIR} default
    /// Mutex sem mpm-accept ssl-cache
    /// ```
    ///
    /// ```apache
    /// # after
    /// Mutex file:${APACHE_LOCK_DIR} default
    /// Mutex sem ssl-cache
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#mutex>
    pub MUTEX_INVALID = {
        code: "AL135",
        name: "mutex-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

/// The mechanisms `Mutex` lists in its messages (those APR offers on Linux).
const MECHANISMS: &str = "Mutex mechanisms are: 'none', 'default', 'flock:/path/to/file', \
                          'fcntl:/path/to/file', 'file:/path/to/file', 'pthread', 'sysvsem', \
                          'posixsem', 'sem'";

/// The mutex types of Debian's httpd and the modules that register them
/// (`ap_mutex_register`; `apache2 -S` lists them with each module loaded).
/// `default` is core's own.
const MUTEX_TYPES: [(&str, &[&str]); 14] = [
    ("default", &["core_module"]),
    ("authdigest-client", &["auth_digest_module"]),
    ("authn-socache", &["authn_socache_module"]),
    ("cache-socache", &["cache_socache_module"]),
    ("ldap-cache", &["ldap_module"]),
    ("lua-ivm-shm", &["lua_module"]),
    ("mpm-accept", &["mpm_prefork_module", "mpm_worker_module"]),
    ("proxy", &["proxy_module"]),
    ("proxy-balancer-shm", &["proxy_balancer_module"]),
    ("rewrite-map", &["rewrite_module"]),
    ("ssl-cache", &["ssl_module"]),
    ("ssl-stapling", &["ssl_module"]),
    ("ssl-stapling-refresh", &["ssl_module"]),
    ("watchdog-callback", &["watchdog_module"]),
];

/// What `ap_parse_mutex` makes of the mechanism before any `:`
/// (case-insensitive).
enum Mechanism {
    /// `none` or `no`: no mutex; a directory after it is ignored.
    Off,
    /// A lock whose directory is taken relative to the ServerRoot.
    Lock,
    /// `posixsem` or `sem`: the name after `:` is checked as written, relative
    /// to httpd's working directory.
    NamedSemaphore,
}

fn mechanism(name: &str) -> Option<Mechanism> {
    match name.to_ascii_lowercase().as_str() {
        "none" | "no" => Some(Mechanism::Off),
        "default" | "yes" | "fcntl" | "file" | "flock" | "sysvsem" | "pthread" => {
            Some(Mechanism::Lock)
        }
        "posixsem" | "sem" => Some(Mechanism::NamedSemaphore),
        _ => None,
    }
}

/// What apachelint knows of a mutex type at one line.
enum TypeVerdict {
    /// httpd has it.
    Registered,
    /// httpd does not have it; why, and how sure apachelint is.
    Invalid { help: String, severity: Severity },
    /// It depends on what apachelint cannot see (a module of an inactive
    /// branch or a third-party one).
    Unknowable,
}

pub struct MutexInvalid;

impl Rule for MutexInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &MUTEX_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let third_party = third_party_modules(ctx);
        for &id in ctx.named("Mutex") {
            if reaches_handler(ctx, id).is_some() {
                check_line(ctx, id, &third_party);
            }
        }
    }
}

/// `ap_set_mutex` on one line: the mechanism, its directory, then the types
/// from the last to the first; the first refusal ends the line.
fn check_line(ctx: &mut Context<'_>, id: NodeId, third_party: &[String]) {
    let node = ctx.node(id);
    let argument = node.arg(0).unwrap_or("");
    let mechanism_span = node.arg_span(0);
    if argument.is_empty() {
        let f = ctx.httpd_error(
            id,
            mechanism_span,
            format!("Mutex requires at least a mechanism argument ({MECHANISMS})"),
        );
        f.help = Some(
            "name a mechanism first: `Mutex default`, `Mutex file:/var/lock/apache2 default`"
                .to_string(),
        );
        return;
    }
    let (name, directory) = match argument.split_once(':') {
        Some((name, directory)) => (name, Some(directory).filter(|d| !d.is_empty())),
        None => (argument, None),
    };
    let Some(kind) = mechanism(name) else {
        let f = ctx.httpd_error(
            id,
            mechanism_span,
            logged(&format!("Invalid Mutex argument {argument} ({MECHANISMS})")),
        );
        f.primary_label = Some("not a mutex mechanism".to_string());
        f.help = Some(
            "the mechanism comes first, then the mutex types: `Mutex default ssl-cache`"
                .to_string(),
        );
        return;
    };
    if let Some(directory) = directory
        && let Some(path) = lock_directory(ctx, &kind, directory)
        && is_directory(ctx, &path) == Some(false)
        && !created_by_apache2ctl(ctx, &path)
    {
        let span = span_within_arg(ctx, node, 0, name.len() + 1, directory.len());
        let f = ctx.httpd_error(
            id,
            span,
            logged(&format!("Invalid Mutex directory in argument {argument}")),
        );
        f.primary_label = Some(format!("{path} is not a directory"));
        f.help = Some(match literal_variable(&path) {
            Some(var) => format!("{var} is not defined, so the path keeps it literally"),
            None => format!("create {path} on the target, or name an existing directory"),
        });
        return;
    }
    for (index, type_name) in mutex_types(node).into_iter().rev() {
        let span = index.map_or(mechanism_span, |i| node.arg_span(i));
        match type_verdict(ctx, node.active, type_name, third_party) {
            TypeVerdict::Unknowable => return,
            TypeVerdict::Invalid { help, severity } => {
                let f = ctx.httpd_error(
                    id,
                    span,
                    logged(&format!("Mutex type {type_name} is not valid")),
                );
                f.primary_label = Some("no loaded module registers this mutex type".to_string());
                f.help = Some(help);
                f.severity = f.severity.min(severity);
                return;
            }
            TypeVerdict::Registered if matches!(kind, Mechanism::Off) => {
                let f = ctx.httpd_error(
                    id,
                    mechanism_span,
                    logged(&format!("None is not allowed for mutex type {type_name}")),
                );
                f.primary_label = Some(format!("mutex type {type_name} needs a mutex"));
                f.help = Some(
                    "no mutex type of httpd's modules can go without one: name a mechanism \
                     (`default`, `file:/var/lock/apache2`, `sem`)"
                        .to_string(),
                );
                return;
            }
            TypeVerdict::Registered => {}
        }
    }
}

/// The directory `ap_set_mutex` checks for `mechanism:directory`, absolute;
/// `None` when it cannot be known (a semaphore name relative to httpd's
/// working directory).
fn lock_directory(ctx: &Context<'_>, kind: &Mechanism, directory: &str) -> Option<String> {
    match kind {
        Mechanism::Off => None,
        Mechanism::Lock => Some(server_root_relative(&ctx.config.server_root, directory)),
        Mechanism::NamedSemaphore
            if directory.starts_with('/') || literal_variable(directory).is_some() =>
        {
            Some(directory.to_string())
        }
        Mechanism::NamedSemaphore => None,
    }
}

/// The types of a line with the word each comes from: every word after the
/// mechanism except `OmitPID` (anywhere, any case); `default` when there is
/// none.
fn mutex_types(node: &Node) -> Vec<(Option<usize>, &str)> {
    let types: Vec<(Option<usize>, &str)> = node
        .arg_values()
        .enumerate()
        .skip(1)
        .filter(|(_, word)| !word.eq_ignore_ascii_case("omitpid"))
        .map(|(index, word)| (Some(index), word))
        .collect();
    if types.is_empty() {
        vec![(None, "default")]
    } else {
        types
    }
}

/// Modules the configuration loads whose mutex types apachelint has not
/// read from Debian's binary.
fn third_party_modules(ctx: &Context<'_>) -> Vec<String> {
    ctx.config
        .modules
        .iter()
        .filter(|m| {
            m.node.is_some()
                && registry::module_by_identifier(&m.identifier)
                    .is_none_or(|spec| !spec.debian_shipped && !spec.debian_static)
        })
        .map(|m| m.identifier.clone())
        .collect()
}

fn type_verdict(
    ctx: &Context<'_>,
    active: bool,
    type_name: &str,
    third_party: &[String],
) -> TypeVerdict {
    let registrars = MUTEX_TYPES
        .iter()
        .find(|(known, _)| *known == type_name)
        .map(|&(_, modules)| modules);
    match registrars {
        // An inactive branch may be the one that loads the module.
        Some(_) if !active => TypeVerdict::Registered,
        Some(modules) if modules.iter().any(|m| ctx.has_module(m)) => TypeVerdict::Registered,
        Some(modules) => not_loaded(ctx, type_name, modules),
        None => {
            let suggested = suggestion(type_name);
            match suggested {
                None if !active => TypeVerdict::Unknowable,
                None if !third_party.is_empty() => TypeVerdict::Invalid {
                    help: format!(
                        "unknown to apachelint; it may come from {}, whose mutex types apachelint does not know",
                        third_party.join(", ")
                    ),
                    severity: Severity::Warning,
                },
                None => TypeVerdict::Invalid {
                    help: format!("mutex types are case-sensitive: {}", known_types(ctx)),
                    severity: Severity::Error,
                },
                Some(known) => TypeVerdict::Invalid {
                    help: format!("did you mean `{known}`? mutex types are case-sensitive"),
                    severity: Severity::Error,
                },
            }
        }
    }
}

/// A type whose modules are not loaded.
fn not_loaded(ctx: &Context<'_>, type_name: &str, modules: &[&str]) -> TypeVerdict {
    let help = if type_name == "mpm-accept" {
        // Without any MPM httpd stops before; which one comes decides.
        if loaded_mpms(ctx.config).is_empty() {
            return TypeVerdict::Unknowable;
        }
        "only the prefork and worker MPMs have an accept mutex; drop `mpm-accept` from the line"
            .to_string()
    } else {
        match modules
            .first()
            .and_then(|m| registry::module_by_identifier(m))
        {
            Some(module) => format!(
                "`{type_name}` is registered by {}, which is not loaded; {}",
                module.name,
                enable_hint(module)
            ),
            None => format!("`{type_name}` is registered by a module that is not loaded"),
        }
    };
    TypeVerdict::Invalid {
        help,
        severity: Severity::Error,
    }
}

/// The known type a misspelt one was probably meant to be.
fn suggestion(type_name: &str) -> Option<&'static str> {
    let names = || MUTEX_TYPES.iter().map(|&(name, _)| name);
    let cutoff = if type_name.len() < 5 { 1 } else { 2 };
    names()
        .find(|known| known.eq_ignore_ascii_case(type_name))
        .or_else(|| {
            names()
                .filter_map(|known| {
                    edit_distance(type_name.as_bytes(), known.as_bytes(), cutoff)
                        .map(|d| (d, known))
                })
                .min()
                .map(|(_, known)| known)
        })
}

/// The types this configuration has, for a help text.
fn known_types(ctx: &Context<'_>) -> String {
    let names: Vec<String> = MUTEX_TYPES
        .iter()
        .filter(|(_, modules)| modules.iter().any(|m| ctx.has_module(m)))
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    format!("this server has {}", names.join(", "))
}
