//! The directive and module registry: which directives and `<Name>` sections
//! httpd 2.4 knows, which module registers each one, how many arguments it
//! takes, where it is allowed, and which modules the Debian build ships.
//!
//! The tables themselves are generated ([`super::directives`],
//! [`super::modules`]); this module holds their types and the lookups the rest
//! of apachelint uses.
//!
//! **Promises**: every lookup is allocation-free and never panics, for any
//! input. Directive and section names are matched ASCII-case-insensitively, as
//! httpd does; module names are matched exactly, as `<IfModule>` does. For
//! directives of the Debian build, [`arity_message`] is byte-for-byte what
//! httpd prints.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::LazyLock;

use super::directives::{DIRECTIVES, SECTIONS};
use super::modules::{MODULES, MODULES_BY_SOURCE_FILE};

/// `req_override` bit: allowed where `AllowOverride Limit` is in force.
pub const OR_LIMIT: u32 = 1;
/// `req_override` bit: allowed where `AllowOverride Options` is in force.
pub const OR_OPTIONS: u32 = 2;
/// `req_override` bit: allowed where `AllowOverride FileInfo` is in force.
pub const OR_FILEINFO: u32 = 4;
/// `req_override` bit: allowed where `AllowOverride AuthConfig` is in force.
pub const OR_AUTHCFG: u32 = 8;
/// `req_override` bit: allowed where `AllowOverride Indexes` is in force.
pub const OR_INDEXES: u32 = 16;
/// Marks an `AllowOverride` set that was never configured.
pub const OR_UNSET: u32 = 32;
/// `req_override` bit: allowed in `<Directory>`, `<Location>`, `<Files>`, `<If>`.
pub const ACCESS_CONF: u32 = 64;
/// `req_override` bit: allowed at top level and in `<VirtualHost>`.
pub const RSRC_CONF: u32 = 128;
/// The directive runs while the file is read (pass 1) and skips the
/// allowed-where check.
pub const EXEC_ON_READ: u32 = 256;
/// An `AllowOverride` violation in `.htaccess` is a warning, not an error.
pub const NONFATAL_OVERRIDE: u32 = 512;
/// An unknown directive in `.htaccess` is a warning, not an error.
pub const NONFATAL_UNKNOWN: u32 = 1024;
/// `req_override` bit: allowed in `<Proxy>` sections.
pub const PROXY_CONF: u32 = 2048;
/// The five `AllowOverride` classes together.
pub const OR_ALL: u32 = OR_LIMIT | OR_OPTIONS | OR_FILEINFO | OR_AUTHCFG | OR_INDEXES;

/// A set of httpd `req_override` / context bits (`include/http_config.h`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Overrides(pub u32);

impl Overrides {
    /// What a directive may need at top level and in `<VirtualHost>`
    /// (`server/config.c`: `(RSRC_CONF | OR_ALL) & ~(OR_AUTHCFG | OR_LIMIT)`).
    pub const SERVER_CONTEXT: Overrides =
        Overrides((RSRC_CONF | OR_ALL) & !(OR_AUTHCFG | OR_LIMIT));
    /// What `<Directory>`, `<Location>`, `<Files>` and `<If>` allow.
    pub const DIRECTORY_CONTEXT: Overrides = Overrides(OR_ALL | ACCESS_CONF);
    /// What `<Proxy>` and `<ProxyMatch>` allow.
    pub const PROXY_CONTEXT: Overrides = Overrides(OR_ALL | ACCESS_CONF | PROXY_CONF);

    /// The raw bits.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether every bit of `bits` is set.
    pub const fn contains(self, bits: u32) -> bool {
        self.0 & bits == bits
    }

    /// Whether httpd's allowed-where check passes: a directive with these
    /// `req_override` bits, in a context that allows `context`.
    /// (`EXEC_ON_READ` directives skip that check; see [`Self::exec_on_read`].)
    pub const fn is_allowed_in(self, context: Overrides) -> bool {
        self.0 & context.0 != 0
    }

    /// Whether the directive runs while reading, before the allowed-where check.
    pub const fn exec_on_read(self) -> bool {
        self.contains(EXEC_ON_READ)
    }

    /// The `AllowOverride` classes (`OR_*` bits) that permit it in `.htaccess`;
    /// empty if it is never allowed there.
    pub const fn htaccess_classes(self) -> Overrides {
        Overrides(self.0 & OR_ALL)
    }
}

impl fmt::Display for Overrides {
    /// httpd's names joined by `|` (`RSRC_CONF|OR_AUTHCFG`), `OR_ALL` for all
    /// five override classes, `OR_NONE` for no bits, unknown bits in hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [(u32, &str); 13] = [
            (OR_ALL, "OR_ALL"),
            (OR_LIMIT, "OR_LIMIT"),
            (OR_OPTIONS, "OR_OPTIONS"),
            (OR_FILEINFO, "OR_FILEINFO"),
            (OR_AUTHCFG, "OR_AUTHCFG"),
            (OR_INDEXES, "OR_INDEXES"),
            (OR_UNSET, "OR_UNSET"),
            (ACCESS_CONF, "ACCESS_CONF"),
            (RSRC_CONF, "RSRC_CONF"),
            (EXEC_ON_READ, "EXEC_ON_READ"),
            (NONFATAL_OVERRIDE, "NONFATAL_OVERRIDE"),
            (NONFATAL_UNKNOWN, "NONFATAL_UNKNOWN"),
            (PROXY_CONF, "PROXY_CONF"),
        ];
        if self.0 == 0 {
            return f.write_str("OR_NONE");
        }
        let mut rest = self.0;
        let mut separator = "";
        for (bits, name) in NAMES {
            if rest & bits == bits {
                write!(f, "{separator}{name}")?;
                separator = "|";
                rest &= !bits;
            }
        }
        if rest != 0 {
            write!(f, "{separator}{rest:#x}")?;
        }
        Ok(())
    }
}

/// How httpd checks a directive's arguments before calling its handler
/// (`args_how` in `include/http_config.h`, checked in `server/config.c
/// invoke_cmd`). `AP_INIT_NO_ARGS` is compiled as [`Arity::RawArgs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arity {
    /// The handler parses the raw argument string itself.
    RawArgs,
    /// Exactly one argument.
    Take1,
    /// Exactly two arguments.
    Take2,
    /// One or two arguments.
    Take12,
    /// Exactly three arguments.
    Take3,
    /// Two or three arguments.
    Take23,
    /// One, two or three arguments.
    Take123,
    /// One or three arguments.
    Take13,
    /// One or more; the handler is called once per word.
    Iterate,
    /// Two or more; the handler is called with the first word and each later one.
    Iterate2,
    /// `On` or `Off` (case-insensitive); further words are ignored.
    Flag,
    /// Up to 64 words (`AP_MAX_ARGC`), more are dropped; the handler checks them.
    TakeArgv,
}

impl Arity {
    /// Whether httpd's generic check accepts these words, exactly as
    /// `invoke_cmd` decides. `words` are the directive's arguments as httpd's
    /// tokenizer returns them, including empty ones from `""`. Handler-parsed
    /// classes ([`Arity::RawArgs`], [`Arity::TakeArgv`]) always pass here.
    pub fn accepts(self, words: &[&str]) -> bool {
        let count = words.len();
        let filled = |index: usize| words.get(index).is_some_and(|word| !word.is_empty());
        match self {
            Arity::RawArgs | Arity::TakeArgv => true,
            Arity::Take1 => count == 1 && filled(0),
            Arity::Take2 => count == 2 && filled(0) && filled(1),
            Arity::Take12 => count <= 2 && filled(0),
            Arity::Take3 => count == 3 && filled(0) && filled(1) && filled(2),
            Arity::Take23 => count <= 3 && filled(0) && filled(1),
            Arity::Take123 => count <= 3 && filled(0),
            // A second word needs a third one, unless the second is empty.
            Arity::Take13 => count <= 3 && filled(0) && !(count == 2 && filled(1)),
            Arity::Iterate => filled(0),
            Arity::Iterate2 => count >= 2 && filled(0),
            Arity::Flag => words.first().is_some_and(|word| {
                word.eq_ignore_ascii_case("on") || word.eq_ignore_ascii_case("off")
            }),
        }
    }

    /// The text httpd puts after the directive name when [`Self::accepts`]
    /// fails (`takes one argument`, `must be On or Off`, ...); `None` for the
    /// handler-parsed classes, whose messages are the handler's own.
    pub const fn error_phrase(self) -> Option<&'static str> {
        match self {
            Arity::RawArgs | Arity::TakeArgv => None,
            Arity::Take1 => Some("takes one argument"),
            Arity::Take2 => Some("takes two arguments"),
            Arity::Take12 => Some("takes 1-2 arguments"),
            Arity::Take3 => Some("takes three arguments"),
            Arity::Take23 => Some("takes two or three arguments"),
            Arity::Take123 => Some("takes one, two or three arguments"),
            Arity::Take13 => Some("takes one or three arguments"),
            Arity::Iterate => Some("requires at least one argument"),
            Arity::Iterate2 => Some("requires at least two arguments"),
            Arity::Flag => Some("must be On or Off"),
        }
    }

    /// httpd's name for the class (`TAKE1`, `RAW_ARGS`, ...).
    pub const fn httpd_name(self) -> &'static str {
        match self {
            Arity::RawArgs => "RAW_ARGS",
            Arity::Take1 => "TAKE1",
            Arity::Take2 => "TAKE2",
            Arity::Take12 => "TAKE12",
            Arity::Take3 => "TAKE3",
            Arity::Take23 => "TAKE23",
            Arity::Take123 => "TAKE123",
            Arity::Take13 => "TAKE13",
            Arity::Iterate => "ITERATE",
            Arity::Iterate2 => "ITERATE2",
            Arity::Flag => "FLAG",
            Arity::TakeArgv => "TAKE_ARGV",
        }
    }
}

/// How a fact in the table was established (see `data/README.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Evidence {
    /// The Debian binary's own messages show it.
    Binary,
    /// The binary's behaviour fits it but does not single it out (for arity:
    /// no generic message for 0–4 arguments, as for every handler-parsed
    /// class); the value itself comes from the httpd source.
    BinaryConsistent,
    /// From the httpd source only (not registered by the Debian build, or
    /// every probe was inconclusive).
    Source,
}

/// Sections and files in which a directive's handler refuses to run
/// (the `forbidden` argument of httpd's `ap_check_cmd_context`, bits of
/// `include/http_config.h`). The refusal reads `<name> cannot occur within
/// <VirtualHost> section`, `... within <Limit> or <LimitExcept> section`,
/// `... within htaccess files`, `... within directory context` (when all of
/// [`NotIn::DIR_LOC_FILE`] is forbidden) or `... within <Location> section`
/// (naming the enclosing section).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NotIn(pub u8);

impl NotIn {
    /// `NOT_IN_VIRTUALHOST`
    pub const VIRTUALHOST: u8 = 0x01;
    /// `NOT_IN_LIMIT`: inside `<Limit>` or `<LimitExcept>`.
    pub const LIMIT: u8 = 0x02;
    /// `NOT_IN_DIRECTORY`: inside `<Directory>` or `<DirectoryMatch>`.
    pub const DIRECTORY: u8 = 0x04;
    /// `NOT_IN_LOCATION`: inside `<Location>` or `<LocationMatch>`.
    pub const LOCATION: u8 = 0x08;
    /// `NOT_IN_FILES`: inside `<Files>`, `<FilesMatch>`, `<If>`, `<ElseIf>` or `<Else>`.
    pub const FILES: u8 = 0x10;
    /// `NOT_IN_HTACCESS`
    pub const HTACCESS: u8 = 0x20;
    /// `NOT_IN_PROXY`: inside `<Proxy>` or `<ProxyMatch>`.
    pub const PROXY: u8 = 0x40;
    /// `NOT_IN_DIR_LOC_FILE`
    pub const DIR_LOC_FILE: u8 = Self::DIRECTORY | Self::LOCATION | Self::FILES;
    /// `NOT_IN_DIR_CONTEXT`
    pub const DIR_CONTEXT: u8 = Self::LIMIT | Self::DIR_LOC_FILE | Self::PROXY;
    /// `GLOBAL_ONLY`
    pub const GLOBAL_ONLY: u8 = Self::VIRTUALHOST | Self::DIR_CONTEXT;

    /// Whether every bit of `bits` is set.
    pub const fn contains(self, bits: u8) -> bool {
        self.0 & bits == bits
    }
}

/// An MPM that can provide MPM-specific directives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mpm {
    /// `event.c` (`mpm_event_module`), Debian's default.
    Event,
    /// `prefork.c` (`mpm_prefork_module`), shipped by Debian.
    Prefork,
    /// `worker.c` (`mpm_worker_module`), shipped by Debian.
    Worker,
    /// `mpm_winnt.c`, Windows only.
    WinNt,
    /// `mpm_netware.c`, NetWare only.
    NetWare,
    /// `mpmt_os2.c`, OS/2 only.
    MpmtOs2,
}

impl Mpm {
    /// The MPM's name as its module is known: `event`, `prefork`.
    pub const fn name(&self) -> &'static str {
        match self {
            Mpm::Event => "event",
            Mpm::Prefork => "prefork",
            Mpm::Worker => "worker",
            Mpm::WinNt => "winnt",
            Mpm::NetWare => "netware",
            Mpm::MpmtOs2 => "mpmt_os2",
        }
    }
}

/// Contexts listed by the httpd documentation (`<contextlist>`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DocContexts(pub u8);

impl DocContexts {
    /// `server config`
    pub const SERVER_CONFIG: u8 = 1;
    /// `virtual host`
    pub const VIRTUAL_HOST: u8 = 2;
    /// `directory`
    pub const DIRECTORY: u8 = 4;
    /// `.htaccess`
    pub const HTACCESS: u8 = 8;
    /// `proxy section`
    pub const PROXY_SECTION: u8 = 16;

    /// Whether every context in `contexts` is listed.
    pub const fn contains(self, contexts: u8) -> bool {
        self.0 & contexts == contexts
    }

    /// The documentation's wording: `server config, virtual host`.
    pub fn describe(self) -> String {
        let names = [
            (Self::SERVER_CONFIG, "server config"),
            (Self::VIRTUAL_HOST, "virtual host"),
            (Self::DIRECTORY, "directory"),
            (Self::HTACCESS, ".htaccess"),
            (Self::PROXY_SECTION, "proxy section"),
        ];
        let listed: Vec<&str> = names
            .iter()
            .filter(|(bit, _)| self.contains(*bit))
            .map(|(_, name)| *name)
            .collect();
        if listed.is_empty() {
            "(undocumented)".to_string()
        } else {
            listed.join(", ")
        }
    }
}

/// One command-table entry: a directive (or `<Name` section) as one module
/// registers it.
#[derive(Debug, PartialEq, Eq)]
pub struct DirectiveSpec {
    /// The spelling the server registers and prints in its messages (as in
    /// `apache2 -L`); sections keep their `<`: `<Directory`.
    pub name: &'static str,
    /// The registering module's source file name, as `<IfModule>` knows it:
    /// `mod_ssl.c`, `core.c`, `event.c`.
    pub module_source: &'static str,
    /// The registering module's identifier: `ssl_module`.
    pub module_id: &'static str,
    /// How httpd checks the argument count.
    pub arity: Arity,
    /// How [`Self::arity`] was established.
    pub arity_evidence: Evidence,
    /// Where the directive is allowed (`req_override`).
    pub req_override: Overrides,
    /// The help string httpd appends to arity messages (from `apache2 -L`);
    /// `None` if the command has none or the Debian build does not register it.
    pub help: Option<&'static str>,
    /// Whether this is a `<Name ...>` container.
    pub is_section: bool,
    /// Whether the Debian 2.4.71 build registers it (`apache2 -L` with all
    /// shipped modules, under one of the shipped MPMs).
    pub in_debian_build: bool,
    /// For MPM directives: the MPMs that register this name. Empty otherwise.
    pub mpms: &'static [Mpm],
    /// Where the handler itself refuses to run, although [`Self::req_override`]
    /// allows it (`Listen` in `<VirtualHost>`, `<Files>` in `<Location>`).
    pub handler_forbids: NotIn,
    /// How [`Self::handler_forbids`] was established; [`Evidence::Source`]
    /// bits may be conditional on the arguments.
    pub handler_forbids_evidence: Evidence,
    /// Whether the httpd 2.4 documentation describes this name.
    pub documented: bool,
    /// The contexts the documentation lists.
    pub doc_contexts: DocContexts,
    /// The documentation's `Override` class (`AllowOverride` needed in
    /// `.htaccess`), as `OR_*` bits; empty if not allowed there.
    pub doc_override: Overrides,
}

impl DirectiveSpec {
    /// The module that registers this entry.
    pub fn module(&self) -> Option<&'static ModuleSpec> {
        module_by_identifier(self.module_id)
    }
}

/// One httpd module.
#[derive(Debug, PartialEq, Eq)]
pub struct ModuleSpec {
    /// `ssl_module`: the first argument of `LoadModule`; `<IfModule>` accepts it.
    pub identifier: &'static str,
    /// `mod_ssl.c`: the module's name field; `<IfModule>` accepts it too.
    pub source_file: &'static str,
    /// The documentation's module name: `mod_ssl`, `core`, `event`.
    pub name: &'static str,
    /// The Debian shared object, when Debian ships one:
    /// `/usr/lib/apache2/modules/mod_ssl.so`.
    pub so_file: Option<&'static str>,
    /// The Debian `mods-available/<name>.load` name (what `a2enmod` takes): `ssl`.
    pub debian_load_name: Option<&'static str>,
    /// The exact `LoadModule` line of that `.load` file.
    pub debian_load_line: Option<&'static str>,
    /// The `# Depends:` note of the `.load` file (load names a2enmod enables first).
    pub debian_depends: &'static [&'static str],
    /// Compiled into Debian's `/usr/sbin/apache2`.
    pub debian_static: bool,
    /// Debian ships a `.so` for it.
    pub debian_shipped: bool,
    /// Loaded by the stock Debian configuration (compiled in, or enabled by default).
    pub debian_default_loaded: bool,
}

impl ModuleSpec {
    /// Whether the Debian build can have it: compiled in or shipped as a `.so`.
    pub const fn in_debian_build(&self) -> bool {
        self.debian_static || self.debian_shipped
    }

    /// The directives and sections this module registers.
    pub fn directives(&self) -> impl Iterator<Item = &'static DirectiveSpec> + use<> {
        let identifier = self.identifier;
        DIRECTIVES
            .iter()
            .chain(SECTIONS.iter())
            .filter(move |spec| spec.module_id == identifier)
    }
}

/// Every directive (sections excluded), sorted case-insensitively.
pub fn directives() -> &'static [DirectiveSpec] {
    DIRECTIVES
}

/// Every `<Name` section, sorted case-insensitively.
pub fn sections() -> &'static [DirectiveSpec] {
    SECTIONS
}

/// Every known module, sorted by identifier.
pub fn modules() -> &'static [ModuleSpec] {
    MODULES
}

/// The entries registered under `name`, matched case-insensitively; several
/// modules may register one name (`ScriptLog`: mod_cgi.c and mod_cgid.c).
/// A name starting with `<` is looked up among the sections (`<Directory`).
/// Empty if unknown.
pub fn lookup(name: &str) -> &'static [DirectiveSpec] {
    static DIRECTIVE_NAMES: LazyLock<NameIndex> =
        LazyLock::new(|| NameIndex::build(DIRECTIVES, |spec| spec.name));
    static SECTION_NAMES: LazyLock<NameIndex> =
        LazyLock::new(|| NameIndex::build(SECTIONS, |spec| spec.name));
    if name.starts_with('<') {
        SECTION_NAMES.get(SECTIONS, name)
    } else {
        DIRECTIVE_NAMES.get(DIRECTIVES, name)
    }
}

/// The `<Name` section entries for `name`, written with or without the `<`
/// and a closing `>` (`Directory`, `<Directory`, `<Directory>`), matched
/// case-insensitively. Includes the container forms of directives
/// (`<LuaHookFixups`, `<MDomain`).
pub fn section(name: &str) -> &'static [DirectiveSpec] {
    static BARE_SECTION_NAMES: LazyLock<NameIndex> =
        LazyLock::new(|| NameIndex::build(SECTIONS, |spec| spec.name.get(1..).unwrap_or("")));
    let name = name.strip_prefix('<').unwrap_or(name);
    let name = name.strip_suffix('>').unwrap_or(name);
    BARE_SECTION_NAMES.get(SECTIONS, name)
}

/// Where each name's entries sit in a table sorted case-insensitively by
/// that name: rules look names up for nearly every node of a 10,000-site
/// configuration, so one hash instead of a binary search of case-folding
/// comparisons.
struct NameIndex(HashMap<Caseless<'static>, (usize, usize), BuildHasherDefault<Fnv1a>>);

impl NameIndex {
    fn build(table: &'static [DirectiveSpec], key: fn(&DirectiveSpec) -> &str) -> NameIndex {
        let mut ranges: HashMap<Caseless<'static>, (usize, usize), _> = HashMap::default();
        for (position, spec) in table.iter().enumerate() {
            let range = ranges
                .entry(Caseless(key(spec)))
                .or_insert((position, position));
            range.1 = position + 1;
        }
        NameIndex(ranges)
    }

    fn get(&self, table: &'static [DirectiveSpec], name: &str) -> &'static [DirectiveSpec] {
        // The map is covariant in its key: look up with a shorter-lived name.
        let ranges: &HashMap<Caseless<'_>, (usize, usize), _> = &self.0;
        ranges
            .get(&Caseless(name))
            .and_then(|&(start, end)| table.get(start..end))
            .unwrap_or_default()
    }
}

/// A name that compares and hashes ignoring ASCII case.
#[derive(Clone, Copy, Debug)]
struct Caseless<'a>(&'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Caseless<'_> {}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for byte in self.0.bytes() {
            state.write_u8(byte.to_ascii_lowercase());
        }
    }
}

/// FNV-1a: short keys, byte at a time, no DoS concern (the keys are the
/// registry's own names).
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The spelling httpd keeps for a directive or `<Section` name: the name the
/// first loaded module registers it under, or the name as written when no
/// loaded module knows it (what `-D DUMP_CONFIG` prints).
pub fn canonical_name<'n>(
    name: &'n str,
    is_loaded: impl Fn(&str) -> bool,
) -> std::borrow::Cow<'n, str> {
    match lookup(name).iter().find(|spec| is_loaded(spec.module_id)) {
        Some(spec) => std::borrow::Cow::Borrowed(spec.name),
        None => std::borrow::Cow::Borrowed(name),
    }
}

/// Whether one of the loaded modules (by identifier) registers the
/// directive or `<Section` `name`, as `<IfDirective>`/`<IfSection>` ask.
pub fn registered_by<'m>(name: &str, mut loaded: impl Iterator<Item = &'m str>) -> bool {
    let specs = lookup(name);
    loaded.any(|id| specs.iter().any(|spec| spec.module_id == id))
}

/// Longest name [`suggest`] considers (no registered name comes close).
const SUGGEST_MAX_LEN: usize = 64;

/// The nearest known directive for a misspelled `name` (case-insensitive
/// optimal-string-alignment distance: insertions, deletions, substitutions
/// and swaps of neighbours), if it is close enough: at most 1 edit for names
/// under 8 characters, 2 up to 11, 3 beyond. A name starting with `<` is
/// compared with the sections. Prefers names of the Debian build, then the
/// smaller distance, then alphabetical order. `None` for a known name.
///
/// ```
/// use apachelint::model::registry::suggest;
/// assert_eq!(suggest("ServerNmae"), Some("ServerName"));
/// assert_eq!(suggest("DocumentRot"), Some("DocumentRoot"));
/// ```
pub fn suggest(name: &str) -> Option<&'static str> {
    if name.is_empty() || name.len() > SUGGEST_MAX_LEN || !lookup(name).is_empty() {
        return None;
    }
    let cutoff = match name.len() {
        0..8 => 1,
        8..12 => 2,
        _ => 3,
    };
    let table = if name.starts_with('<') {
        SECTIONS
    } else {
        DIRECTIVES
    };
    let mut best: Option<(bool, usize, &'static str)> = None;
    for spec in table {
        if spec.name.len().abs_diff(name.len()) > cutoff {
            continue;
        }
        let Some(distance) = edit_distance(name.as_bytes(), spec.name.as_bytes(), cutoff) else {
            continue;
        };
        let candidate = (!spec.in_debian_build, distance, spec.name);
        if best.is_none_or(|current| (candidate.0, candidate.1) < (current.0, current.1)) {
            best = Some(candidate);
        }
    }
    best.map(|(_, _, found)| found)
}

/// Case-insensitive optimal-string-alignment distance, or `None` if it
/// exceeds `cutoff` or either input is longer than [`SUGGEST_MAX_LEN`].
pub(crate) fn edit_distance(left: &[u8], right: &[u8], cutoff: usize) -> Option<usize> {
    if left.len() > SUGGEST_MAX_LEN || right.len() > SUGGEST_MAX_LEN {
        return None;
    }
    let mut before_previous = [0usize; SUGGEST_MAX_LEN + 1];
    let mut previous = [0usize; SUGGEST_MAX_LEN + 1];
    let mut current = [0usize; SUGGEST_MAX_LEN + 1];
    for (j, cell) in previous.iter_mut().enumerate().take(right.len() + 1) {
        *cell = j;
    }
    for i in 1..=left.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=right.len() {
            let a = left[i - 1].to_ascii_lowercase();
            let b = right[j - 1].to_ascii_lowercase();
            let substitution = previous[j - 1] + usize::from(a != b);
            let mut best = substitution.min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1
                && j > 1
                && a == right[j - 2].to_ascii_lowercase()
                && left[i - 2].to_ascii_lowercase() == b
            {
                best = best.min(before_previous[j - 2] + 1);
            }
            current[j] = best;
            row_min = row_min.min(best);
        }
        if row_min > cutoff {
            return None;
        }
        before_previous = previous;
        previous = current;
    }
    let distance = previous[right.len()];
    (distance <= cutoff).then_some(distance)
}

/// The message httpd prints when `spec`'s arguments fail its [`Arity`] check
/// (`server/config.c invoke_cmd`): `<name> <phrase>`, followed by
/// `, <help>` when the command has a help string, except for `FLAG`
/// (`X must be On or Off`). `None` for handler-parsed classes, whose
/// messages come from the handler.
///
/// ```
/// use apachelint::model::registry::{arity_message, lookup};
/// let spec = &lookup("ServerName")[0];
/// assert_eq!(
///     arity_message(spec).as_deref(),
///     Some("ServerName takes one argument, The hostname and port of the server"),
/// );
/// ```
pub fn arity_message(spec: &DirectiveSpec) -> Option<String> {
    let phrase = spec.arity.error_phrase()?;
    let mut message = format!("{} {phrase}", spec.name);
    if let (Some(help), false) = (spec.help, spec.arity == Arity::Flag) {
        message.push_str(", ");
        message.push_str(help);
    }
    Some(message)
}

/// The module `<IfModule name>` would test for: `name` is either a module
/// identifier (`ssl_module`) or a source file name (`mod_ssl.c`), matched
/// exactly (case-sensitive), as httpd's `find_module` does.
pub fn find_module(name: &str) -> Option<&'static ModuleSpec> {
    module_by_source_file(name).or_else(|| module_by_identifier(name))
}

/// The module with this identifier (`ssl_module`), matched exactly.
pub fn module_by_identifier(identifier: &str) -> Option<&'static ModuleSpec> {
    MODULES
        .binary_search_by(|module| module.identifier.cmp(identifier))
        .ok()
        .and_then(|index| MODULES.get(index))
}

/// The module with this source file name (`mod_ssl.c`), matched exactly.
pub fn module_by_source_file(source_file: &str) -> Option<&'static ModuleSpec> {
    MODULES_BY_SOURCE_FILE
        .binary_search_by(|(file, _)| (*file).cmp(source_file))
        .ok()
        .and_then(|position| MODULES_BY_SOURCE_FILE.get(position))
        .and_then(|(_, index)| MODULES.get(usize::from(*index)))
}

/// The modules of the Debian apache2 package: compiled in or shipped as a `.so`.
pub fn debian_modules() -> impl Iterator<Item = &'static ModuleSpec> {
    MODULES.iter().filter(|module| module.in_debian_build())
}

/// The modules the stock Debian configuration loads.
pub fn debian_default_modules() -> impl Iterator<Item = &'static ModuleSpec> {
    MODULES.iter().filter(|module| module.debian_default_loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(name: &str) -> Vec<&'static str> {
        lookup(name).iter().map(|spec| spec.module_source).collect()
    }

    fn only(name: &str) -> &'static DirectiveSpec {
        match lookup(name) {
            [spec] => spec,
            other => panic!("{name}: expected one entry, found {}", other.len()),
        }
    }

    #[test]
    fn lookup_ignores_case_and_returns_the_registered_spelling() {
        for written in ["ServerName", "servername", "SERVERNAME", "sErVeRnAmE"] {
            let spec = only(written);
            assert_eq!(spec.name, "ServerName");
            assert_eq!(spec.module_source, "core.c");
            assert_eq!(spec.module_id, "core_module");
        }
        assert_eq!(only("TimeOut").name, "Timeout");
        assert_eq!(only("Dav").name, "DAV");
        assert_eq!(only("SSLOCSPNoverify").name, "SSLOCSPNoVerify");
    }

    #[test]
    fn lookup_of_unknown_or_odd_names_is_empty() {
        for name in [
            "",
            "Bogus",
            "ServerNam",
            "ServerNamee",
            "<",
            "<>",
            "é",
            "\0",
            "Server Name",
        ] {
            assert!(lookup(name).is_empty(), "{name:?}");
        }
        assert!(lookup(&"x".repeat(100_000)).is_empty());
        assert!(section(&"<".repeat(1000)).is_empty());
    }

    #[test]
    fn one_name_can_have_several_modules() {
        assert_eq!(sources("ScriptLog"), ["mod_cgi.c", "mod_cgid.c"]);
        assert_eq!(sources("scriptlogbuffer"), ["mod_cgi.c", "mod_cgid.c"]);
        assert_eq!(
            sources("HeartbeatStorage"),
            ["mod_heartmonitor.c", "mod_lbmethod_heartbeat.c"]
        );
        let debian_listen: Vec<_> = lookup("Listen")
            .iter()
            .filter(|spec| spec.in_debian_build)
            .map(|spec| spec.module_source)
            .collect();
        assert_eq!(debian_listen, ["event.c", "prefork.c", "worker.c"]);
    }

    #[test]
    fn mpm_directives_name_their_mpms() {
        let min_spare = only("MinSpareServers");
        assert_eq!(min_spare.module_id, "mpm_prefork_module");
        assert!(min_spare.in_debian_build);
        assert_eq!(min_spare.mpms, [Mpm::Prefork]);
        let workers = lookup("MaxRequestWorkers");
        assert_eq!(workers.len(), 3);
        assert!(
            workers
                .iter()
                .all(|spec| spec.mpms == [Mpm::Event, Mpm::Prefork, Mpm::Worker])
        );
        assert_eq!(only("ServerName").mpms, []);
    }

    #[test]
    fn directives_outside_the_debian_build_are_marked() {
        for name in [
            "ISAPICacheFile",
            "GprofDir",
            "EnableExceptionHook",
            "SecureListen",
        ] {
            let spec = only(name);
            assert!(!spec.in_debian_build, "{name}");
            assert_eq!(spec.arity_evidence, Evidence::Source, "{name}");
            assert_eq!(spec.help, None, "{name}");
        }
        // Registered by the source's mod_auth_digest, but not by Debian's:
        // only mod_authn_core's AuthName is kept.
        assert_eq!(sources("AuthName"), ["mod_authn_core.c"]);
        assert!(lookup("AuthDigestNonceFormat").is_empty());
        assert!(lookup("LuaHookPreTranslate").is_empty());
        assert_eq!(only("LuaHookPreTranslateName").module_source, "mod_lua.c");
    }

    #[test]
    fn sections_are_found_with_or_without_brackets() {
        for written in [
            "Directory",
            "<Directory",
            "<Directory>",
            "directory",
            "<DIRECTORY>",
        ] {
            let [spec] = section(written) else {
                panic!("{written}")
            };
            assert_eq!(spec.name, "<Directory");
            assert!(spec.is_section);
            assert!(spec.documented);
        }
        assert_eq!(lookup("<virtualhost")[0].name, "<VirtualHost");
        assert!(lookup("Directory").is_empty());
        assert!(section("ServerName").is_empty());
        // Compiled out of mod_authz_core (AUTHZ_EXTRA_CONFIGS) and undocumented.
        assert!(section("RequireNotAll").is_empty());
    }

    #[test]
    fn container_forms_are_sections_next_to_their_directives() {
        let [container] = section("LuaHookFixups") else {
            panic!("<LuaHookFixups")
        };
        assert_eq!(container.module_source, "mod_lua.c");
        assert!(!container.documented);
        assert!(!only("LuaHookFixups").is_section);
        assert_eq!(section("MDomain")[0].name, "<MDomain");
        assert!(section("MDomainSet")[0].documented);
        assert!(!only("MDomain").is_section);
    }

    #[test]
    fn tables_are_sorted_and_consistent() {
        for table in [DIRECTIVES, SECTIONS] {
            for pair in table.windows(2) {
                let order = (pair[0].name.to_ascii_lowercase())
                    .cmp(&pair[1].name.to_ascii_lowercase())
                    .then(pair[0].module_source.cmp(pair[1].module_source));
                assert!(order.is_lt(), "{} / {}", pair[0].name, pair[1].name);
            }
        }
        for spec in DIRECTIVES {
            assert!(
                !spec.is_section && !spec.name.starts_with('<'),
                "{}",
                spec.name
            );
            assert_eq!(lookup(spec.name).first().map(|s| s.name), Some(spec.name));
        }
        for spec in SECTIONS {
            assert!(
                spec.is_section && spec.name.starts_with('<'),
                "{}",
                spec.name
            );
            assert!(section(spec.name).contains(spec));
        }
        for spec in DIRECTIVES.iter().chain(SECTIONS) {
            let module = spec.module().expect(spec.name);
            assert_eq!(module.source_file, spec.module_source, "{}", spec.name);
            if spec.in_debian_build {
                assert!(module.in_debian_build(), "{}", spec.name);
            }
        }
    }

    #[test]
    fn arity_messages_match_the_binary() {
        // Each text is what apache2 2.4.71 printed for the directive with no
        // arguments (scripts/extract_arity.py probes).
        let cases = [
            (
                "ServerName",
                "ServerName takes one argument, The hostname and port of the server",
            ),
            ("ContentDigest", "ContentDigest must be On or Off"),
            ("ExpiresActive", "ExpiresActive must be On or Off"),
            (
                "AddType",
                "AddType requires at least two arguments, a mime type followed by one or more file extensions",
            ),
            (
                "CustomLog",
                "CustomLog takes two or three arguments, a file name, a custom log format string or format name, and an optional \"env=\" or \"expr=\" clause (see docs)",
            ),
            (
                "Redirect",
                "Redirect takes one, two or three arguments, an optional status, then document to be redirected and destination URL",
            ),
            (
                "LoadModule",
                "LoadModule takes two arguments, a module name and the name of a shared object file to load it from",
            ),
            (
                "Define",
                "Define takes 1-2 arguments, Define a variable, optionally to a value.  Same as passing -D to the command line.",
            ),
            (
                "LogLevel",
                "LogLevel requires at least one argument, Level of verbosity in error logging",
            ),
            (
                "MinSpareServers",
                "MinSpareServers takes one argument, Minimum number of idle children, to handle request spikes",
            ),
        ];
        for (name, expected) in cases {
            assert_eq!(
                arity_message(only(name)).as_deref(),
                Some(expected),
                "{name}"
            );
        }
        let script_logs: Vec<_> = lookup("scriptlog")
            .iter()
            .filter_map(arity_message)
            .collect();
        assert_eq!(
            script_logs,
            ["ScriptLog takes one argument, the name of a log for script debugging info"; 2]
        );
        assert_eq!(arity_message(only("DirectoryIndex")), None);
        assert_eq!(only("AddOutputFilterByType").arity, Arity::TakeArgv);
        assert_eq!(only("AuthnCacheEnable").arity, Arity::RawArgs);
    }

    #[test]
    fn accepts_follows_invoke_cmd() {
        assert!(Arity::Take1.accepts(&["a"]));
        assert!(!Arity::Take1.accepts(&[""]));
        assert!(!Arity::Take1.accepts(&["a", "#", "note"]));
        assert!(Arity::Take12.accepts(&["X", ""]));
        assert!(!Arity::Take12.accepts(&["abc", "def", "x"]));
        assert!(Arity::Take13.accepts(&["a", ""]));
        assert!(!Arity::Take13.accepts(&["a", "b"]));
        assert!(Arity::Take13.accepts(&["a", "b", "c"]));
        assert!(!Arity::Take2.accepts(&["a"]));
        assert!(Arity::Take23.accepts(&["a", "b", ""]));
        assert!(!Arity::Iterate.accepts(&["", "warn"]));
        assert!(Arity::Iterate.accepts(&["warn", "", "bogus"]));
        assert!(!Arity::Iterate2.accepts(&["text/html"]));
        assert!(Arity::Iterate2.accepts(&["text/html", ".html"]));
        assert!(Arity::Flag.accepts(&["on", "extra"]));
        assert!(Arity::Flag.accepts(&["OFF"]));
        assert!(!Arity::Flag.accepts(&["maybe"]));
        assert!(!Arity::Flag.accepts(&[]));
        assert!(Arity::RawArgs.accepts(&[]));
        assert!(Arity::TakeArgv.accepts(&[]));
    }

    #[test]
    fn suggestions_find_near_misses() {
        assert_eq!(suggest("ServerNmae"), Some("ServerName"));
        assert_eq!(suggest("DocumentRot"), Some("DocumentRoot"));
        assert_eq!(suggest("documentroot_"), Some("DocumentRoot"));
        assert_eq!(suggest("Lisen"), Some("Listen"));
        assert_eq!(suggest("RewriteEngin"), Some("RewriteEngine"));
        assert_eq!(suggest("<Directry"), Some("<Directory"));
        assert_eq!(suggest("ServerName"), None);
        assert_eq!(suggest("CompletelyBogus"), None);
        assert_eq!(suggest(""), None);
        assert_eq!(suggest("é"), None);
        assert_eq!(suggest(&"ServerName".repeat(20)), None);
    }

    #[test]
    fn overrides_follow_httpd_contexts() {
        let listen = lookup("Listen")[0].req_override;
        assert!(listen.is_allowed_in(Overrides::SERVER_CONTEXT));
        assert!(!listen.is_allowed_in(Overrides::DIRECTORY_CONTEXT));
        let require = only("Require").req_override;
        assert!(!require.is_allowed_in(Overrides::SERVER_CONTEXT));
        assert!(require.is_allowed_in(Overrides::DIRECTORY_CONTEXT));
        assert_eq!(require.htaccess_classes(), Overrides(OR_AUTHCFG));
        assert!(only("LoadModule").req_override.exec_on_read());
        assert_eq!(
            only("Define").req_override.to_string(),
            "ACCESS_CONF|RSRC_CONF|EXEC_ON_READ"
        );
        assert_eq!(
            only("<IfVersion").req_override.to_string(),
            "OR_ALL|EXEC_ON_READ"
        );
        assert_eq!(Overrides(0).to_string(), "OR_NONE");
        assert_eq!(
            Overrides(RSRC_CONF | 0x10000).to_string(),
            "RSRC_CONF|0x10000"
        );
        assert_eq!(
            only("AllowOverride").doc_contexts,
            DocContexts(DocContexts::DIRECTORY)
        );
        assert!(
            only("ServerName")
                .doc_contexts
                .contains(DocContexts::VIRTUAL_HOST)
        );
    }

    #[test]
    fn handler_refusals_are_recorded() {
        let listen = &lookup("Listen")[0];
        assert!(listen.handler_forbids.contains(NotIn::GLOBAL_ONLY));
        assert_eq!(listen.handler_forbids_evidence, Evidence::Binary);
        let files = &section("Files")[0];
        assert_eq!(files.handler_forbids, NotIn(NotIn::LIMIT | NotIn::LOCATION));
        assert_eq!(files.handler_forbids_evidence, Evidence::Binary);
        assert_eq!(
            section("VirtualHost")[0].handler_forbids,
            NotIn(NotIn::GLOBAL_ONLY)
        );
        // Only a warning in <Location>/<Files> (AH00114), an error in .htaccess.
        assert_eq!(
            only("AllowOverride").handler_forbids,
            NotIn(NotIn::HTACCESS)
        );
        // EXEC_ON_READ: the handler's GLOBAL_ONLY check cannot fire while reading.
        assert_eq!(only("ServerRoot").handler_forbids, NotIn(0));
        assert_eq!(only("Define").handler_forbids, NotIn(NotIn::HTACCESS));
        // Not in the handler's own ap_check_cmd_context call, found by the binary.
        let proxy_pass = only("ProxyPass");
        assert!(
            proxy_pass
                .handler_forbids
                .contains(NotIn::DIRECTORY | NotIn::FILES)
        );
        assert_eq!(proxy_pass.handler_forbids_evidence, Evidence::Binary);
    }

    #[test]
    fn modules_match_exactly_as_ifmodule_does() {
        let ssl = find_module("mod_ssl.c").expect("mod_ssl.c");
        assert_eq!(find_module("ssl_module"), Some(ssl));
        for miss in [
            "mod_ssl",
            "SSL_module",
            "mod_ssl.so",
            "ssl",
            "",
            "Mod_ssl.c",
        ] {
            assert_eq!(find_module(miss), None, "{miss}");
        }
        assert_eq!(ssl.name, "mod_ssl");
        assert_eq!(ssl.so_file, Some("/usr/lib/apache2/modules/mod_ssl.so"));
        assert_eq!(
            ssl.debian_load_line,
            Some("LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so")
        );
        assert_eq!(ssl.debian_load_name, Some("ssl"));
        assert_eq!(ssl.debian_depends, ["setenvif", "mime", "socache_shmcb"]);
        assert!(ssl.debian_shipped && !ssl.debian_static && !ssl.debian_default_loaded);

        let log_config = find_module("log_config_module").expect("log_config_module");
        assert_eq!(log_config.source_file, "mod_log_config.c");
        assert!(log_config.debian_static && log_config.so_file.is_none());
        assert_eq!(
            find_module("http_core.c").map(|m| m.identifier),
            Some("http_module")
        );
        assert_eq!(find_module("core.c").map(|m| m.name), Some("core"));
        assert_eq!(
            find_module("event.c").map(|m| m.identifier),
            Some("mpm_event_module")
        );
        assert_eq!(
            find_module("util_ldap.c").map(|m| m.identifier),
            Some("ldap_module")
        );

        let isapi = find_module("isapi_module").expect("isapi_module");
        assert!(!isapi.in_debian_build() && isapi.debian_load_line.is_none());
    }

    #[test]
    fn modules_know_their_directives() {
        let expires = lookup("ExpiresActive")[0].module().expect("module");
        assert_eq!(expires.identifier, "expires_module");
        assert_eq!(
            expires.debian_load_line,
            Some("LoadModule expires_module /usr/lib/apache2/modules/mod_expires.so")
        );
        let names: Vec<_> = expires.directives().map(|spec| spec.name).collect();
        assert_eq!(names, ["ExpiresActive", "ExpiresByType", "ExpiresDefault"]);
        let proxy = find_module("proxy_module").expect("proxy_module");
        assert!(proxy.directives().any(|spec| spec.name == "<Proxy"));
    }

    #[test]
    fn debian_profile_lists_the_package_modules() {
        assert_eq!(debian_modules().count(), 123);
        assert_eq!(debian_modules().filter(|m| m.debian_static).count(), 8);
        let default: Vec<_> = debian_default_modules().map(|m| m.identifier).collect();
        assert_eq!(default.len(), 27);
        assert!(default.contains(&"mpm_event_module") && default.contains(&"core_module"));
        assert!(!default.contains(&"ssl_module"));
    }
}
