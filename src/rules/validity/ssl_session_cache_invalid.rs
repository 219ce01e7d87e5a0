//! `AL174` ssl-session-cache-invalid.

use crate::rules::context::{Context, Rule};

use super::c_numbers::strtol;
use super::target_paths::server_root_relative;
use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `SSLSessionCache` or `SSLStaplingCache` httpd refuses: a cache type whose
    /// socache module is not loaded (`shmcb:` needs `socache_shmcb`, `dbm:` needs
    /// `socache_dbm` …; provider names are case-sensitive), and a `shmcb` size httpd cannot
    /// read — `(512000` without its `)`, a size that is not a number, below 8192 bytes or
    /// from 4294967295 bytes up. (`SSLStaplingCache` has no `none`.)
    ///
    /// ## Why is this risky?
    /// httpd refuses to start: `SSLSessionCache: 'shmcb' session cache not supported (known
    /// names: ). Maybe you need to load the appropriate socache module (mod_socache_shmcb?).`
    /// Enabling mod_ssl by hand, without Debian's `a2enmod` (which enables `socache_shmcb`
    /// with it), is the usual way to get there.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLSessionCache shmcb:/run/apache2/ssl_scache(512000
    /// ```
    ///
    /// ```apache
    /// # after
    /// LoadModule socache_shmcb_module /usr/lib/apache2/modules/mod_socache_shmcb.so
    /// SSLSessionCache shmcb:/run/apache2/ssl_scache(512000)
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslsessioncache>
    /// - <https://httpd.apache.org/docs/2.4/socache.html>
    pub SSL_SESSION_CACHE_INVALID = {
        code: "AL174",
        name: "ssl-session-cache-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

/// Cache providers and the module registering each (`ap_register_provider`
/// in `modules/cache/mod_socache_*.c`), in registration order.
const PROVIDERS: &[(&str, &str)] = &[
    ("shmcb", "socache_shmcb_module"),
    ("default", "socache_shmcb_module"),
    ("dbm", "socache_dbm_module"),
    ("memcache", "socache_memcache_module"),
    ("redis", "socache_redis_module"),
    ("dc", "socache_dc_module"),
];

/// `SHMCB_MAX_SIZE` on a 64-bit build.
const SHMCB_MAX_SIZE: u64 = 4_294_967_295;

pub struct SslSessionCacheInvalid;

impl Rule for SslSessionCacheInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_SESSION_CACHE_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (directive, kind) in [
            ("SSLSessionCache", "session"),
            ("SSLStaplingCache", "stapling"),
        ] {
            for id in directives_named(ctx, directive) {
                let node = ctx.node(id);
                let [spec] = node.args.as_slice() else {
                    continue;
                };
                let spec = spec.value.to_string();
                if kind == "session"
                    && (spec.eq_ignore_ascii_case("none")
                        || spec.eq_ignore_ascii_case("nonenotnull"))
                {
                    continue;
                }
                let (name, arg) = spec
                    .split_once(':')
                    .map_or((spec.as_str(), None), |(n, a)| (n, Some(a)));
                let module = PROVIDERS.iter().find(|(p, _)| *p == name).map(|(_, m)| *m);
                let loaded = module.is_some_and(|m| ctx.has_module(m));
                let error = if !loaded {
                    // Whether a module is loaded says nothing in an inactive
                    // branch: it is inactive for that very reason.
                    if !node.active {
                        continue;
                    }
                    not_supported(ctx, kind, name)
                } else if module == Some("socache_shmcb_module") {
                    match arg.and_then(|a| shmcb_error(ctx, a)) {
                        Some(e) => e.to_string(),
                        None => continue,
                    }
                } else {
                    continue;
                };
                let f = ctx.httpd_error(id, node.arg_span(0), format!("{directive}: {error}"));
                if !loaded {
                    f.help = Some(match module {
                        Some(m) => format!(
                            "load the module providing '{name}': `a2enmod {}`",
                            m.trim_end_matches("_module")
                        ),
                        None => {
                            "use one of shmcb, dbm, memcache or redis (names are case-sensitive)"
                                .to_string()
                        }
                    });
                }
            }
        }
    }
}

/// httpd's message for a provider no loaded module registers.
fn not_supported(ctx: &Context<'_>, kind: &str, name: &str) -> String {
    let known: Vec<&str> = PROVIDERS
        .iter()
        .filter(|(_, m)| ctx.has_module(m))
        .map(|(p, _)| *p)
        .collect();
    let known = known.join(",");
    match kind {
        "session" => format!(
            "'{name}' session cache not supported (known names: {known}). Maybe you need to load the appropriate socache module (mod_socache_{name}?)."
        ),
        _ => format!(
            "'{name}' stapling cache not supported (known names: {known}) Maybe you need to load the appropriate socache module (mod_socache_{name}?)"
        ),
    }
}

/// `socache_shmcb_create`: the `path(size)` argument.
fn shmcb_error(ctx: &Context<'_>, arg: &str) -> Option<&'static str> {
    if arg.is_empty() {
        return None;
    }
    let path = server_root_relative(&ctx.config.server_root, arg);
    let Some(open) = path.rfind('(') else {
        return path
            .ends_with(')')
            .then_some("Invalid argument: no opening parenthesis");
    };
    let Some(inner) = path[open + 1..].strip_suffix(')') else {
        return Some(
            "Invalid argument: no closing parenthesis or cache size missing after pathname with parenthesis",
        );
    };
    let Some(size) = strtol_whole(inner) else {
        return Some("Invalid argument: cache size not numerical");
    };
    // strtol's long, stored in a size_t.
    let size = size as u64;
    if size < 8192 {
        Some("Invalid argument: size has to be >= 8192 bytes")
    } else if size >= SHMCB_MAX_SIZE {
        Some("Invalid argument: size has to be < 4294967295 bytes on this platform")
    } else {
        None
    }
}

/// `strtol` that must read all of `s` (`end` at its end); `None` when it
/// does not.
fn strtol_whole(s: &str) -> Option<i64> {
    let parsed = strtol(s);
    (parsed.end == s.len()).then_some(parsed.value)
}
