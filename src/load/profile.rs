//! The target profile: facts about the server the configuration will run on
//! that the configuration itself does not say — its httpd version, the
//! modules compiled in, the `-D` flags and environment it is started with, and
//! its compiled-in ServerRoot. The default is Debian's apache2 2.4.71.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::cond::Version;
use super::envvars;

/// A module known by its identifier (`ssl_module`) and source file (`mod_ssl.c`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleName {
    pub identifier: String,
    pub source: String,
}

/// What the loader needs to know about the target server.
#[derive(Clone, Debug)]
pub struct Profile {
    /// A short name for messages: `debian-2.4`.
    pub name: String,
    pub version: Version,
    /// Modules compiled into the binary (`apache2 -l`).
    pub builtin_modules: Vec<ModuleName>,
    /// `-D NAME` flags the server is started with.
    pub defines: Vec<String>,
    /// The environment `${VAR}` falls back to (never the process environment
    /// unless the user asks for it).
    pub env: BTreeMap<String, String>,
    /// The compiled-in ServerRoot (`HTTPD_ROOT`).
    pub server_root: PathBuf,
}

impl Profile {
    /// Debian's apache2 2.4.71 with Debian's default `envvars`.
    pub fn debian() -> Profile {
        let builtin = [
            ("core_module", "core.c"),
            ("so_module", "mod_so.c"),
            ("watchdog_module", "mod_watchdog.c"),
            ("http_module", "http_core.c"),
            ("log_config_module", "mod_log_config.c"),
            ("logio_module", "mod_logio.c"),
            ("version_module", "mod_version.c"),
            ("unixd_module", "mod_unixd.c"),
        ];
        Profile {
            name: "debian-2.4".to_string(),
            version: Version::DEBIAN_2_4_71,
            builtin_modules: builtin
                .iter()
                .map(|(id, src)| ModuleName {
                    identifier: id.to_string(),
                    source: src.to_string(),
                })
                .collect(),
            defines: Vec::new(),
            env: envvars::debian_defaults(),
            server_root: PathBuf::from("/etc/apache2"),
        }
    }
}

/// The source file name of a module identifier (`ssl_module` → `mod_ssl.c`),
/// for `<IfModule mod_ssl.c>`: from the registry, or by httpd's naming
/// convention for modules it does not know (third-party modules).
pub fn module_source_file(identifier: &str) -> String {
    if let Some(m) = crate::model::registry::module_by_identifier(identifier) {
        return m.source_file.to_string();
    }
    let stem = identifier.strip_suffix("_module").unwrap_or(identifier);
    format!("mod_{stem}.c")
}
