//! mod_authz_core's view of a configuration: which `Require` providers the
//! loaded modules register (and which names the configuration adds while it
//! is walked), how a `Require` line splits into `not`, provider and argument
//! text, and which authorization section — `<RequireAll>`, `<RequireAny>`,
//! `<RequireNone>`, or the implicit `<RequireAny>` of a `<Directory>`-like
//! section — each line joins. Shared by the `Require` rules.

use std::collections::HashMap;

use crate::load::tree::{Node, NodeId};
use crate::rules::context::Context;
use crate::syntax::words::next_word;

use super::address::check_subnet;
use super::handler::{ancestors, reaches_handler, rest_after_words, section_text, walk_position};
use super::methods::MethodRegistry;

/// The authorization providers each module registers (`Require <name>`), as
/// the Debian 2.4.71 build has them. Names are case-sensitive.
const PROVIDERS: [(&str, &str); 26] = [
    ("all", "authz_core_module"),
    ("env", "authz_core_module"),
    ("expr", "authz_core_module"),
    ("method", "authz_core_module"),
    ("ip", "authz_host_module"),
    ("host", "authz_host_module"),
    ("forward-dns", "authz_host_module"),
    ("local", "authz_host_module"),
    ("user", "authz_user_module"),
    ("valid-user", "authz_user_module"),
    ("group", "authz_groupfile_module"),
    ("file-group", "authz_groupfile_module"),
    ("file-owner", "authz_owner_module"),
    ("dbm-group", "authz_dbm_module"),
    ("dbm-file-group", "authz_dbm_module"),
    ("dbd-group", "authz_dbd_module"),
    ("dbd-login", "authz_dbd_module"),
    ("dbd-logout", "authz_dbd_module"),
    ("ldap-user", "authnz_ldap_module"),
    ("ldap-group", "authnz_ldap_module"),
    ("ldap-dn", "authnz_ldap_module"),
    ("ldap-attribute", "authnz_ldap_module"),
    ("ldap-filter", "authnz_ldap_module"),
    ("ldap-search", "authnz_ldap_module"),
    ("ssl", "ssl_module"),
    ("ssl-verify-client", "ssl_module"),
];

/// The module that registers the provider `name`, if a known module does.
pub(crate) fn provider_module(name: &str) -> Option<&'static str> {
    PROVIDERS
        .iter()
        .find(|(provider, _)| *provider == name)
        .map(|&(_, module)| module)
}

/// Every provider a known module registers.
pub(crate) fn provider_names() -> impl Iterator<Item = &'static str> {
    PROVIDERS.iter().map(|&(name, _)| name)
}

/// Provider names the configuration registers while httpd walks it:
/// `<AuthzProviderAlias base alias …>`, mod_lua's `LuaAuthzProvider name …`
/// and mod_authnz_fcgi's `AuthnzFcgiDefineProvider authz|authnz name …`.
#[derive(Debug, Default)]
pub(crate) struct DefinedProviders {
    /// Name → the first active definition (`None` for a definition only in
    /// an inactive branch).
    defined: HashMap<String, Option<NodeId>>,
}

impl DefinedProviders {
    pub(crate) fn build(ctx: &Context<'_>) -> DefinedProviders {
        let mut defined: HashMap<String, Option<NodeId>> = HashMap::new();
        let lines = [
            "<AuthzProviderAlias",
            "LuaAuthzProvider",
            "AuthnzFcgiDefineProvider",
        ]
        .iter()
        .flat_map(|name| ctx.named(name).iter().copied());
        for id in lines {
            let Some(name) = defined_provider(ctx.node(id)) else {
                continue;
            };
            let slot = defined.entry(name.to_string()).or_insert(None);
            if walk_position(ctx, id).is_some() {
                *slot = Some(slot.map_or(id, |known| known.min(id)));
            }
        }
        DefinedProviders { defined }
    }

    /// Whether the configuration defines `name` anywhere.
    pub(crate) fn defines(&self, name: &str) -> bool {
        self.defined.contains_key(name)
    }

    /// Whether `name` is defined before the line `id` is walked (anywhere,
    /// for an inactive line). A definition registers its name once its own
    /// body has been walked, so a line inside it does not see it.
    pub(crate) fn is_defined(&self, ctx: &Context<'_>, name: &str, id: NodeId) -> bool {
        match (self.defined.get(name), walk_position(ctx, id)) {
            (Some(_), None) => true,
            (Some(Some(at)), Some(_)) => *at < id && !ancestors(ctx, id).contains(at),
            _ => false,
        }
    }
}

/// The provider name a line defines, if it defines one.
fn defined_provider(node: &Node) -> Option<&str> {
    if node.is_section() && node.is("AuthzProviderAlias") {
        node.arg(1)
    } else if node.is_directive() && node.is("LuaAuthzProvider") {
        node.arg(0)
    } else if node.is_directive()
        && node.is("AuthnzFcgiDefineProvider")
        && node
            .arg(0)
            .is_some_and(|t| t.eq_ignore_ascii_case("authz") || t.eq_ignore_ascii_case("authnz"))
    {
        node.arg(1)
    } else {
        None
    }
}

/// A `Require` line as `add_authz_provider` reads it.
#[derive(Debug)]
pub(crate) struct RequireLine {
    /// Starts with `not` (any case).
    pub negated: bool,
    /// The provider name (empty when the line has none).
    pub provider: String,
    /// The argument index of the provider word (may be past the end).
    pub provider_index: usize,
    /// The raw text after the provider word (`require_line`).
    pub rest: String,
}

impl RequireLine {
    pub(crate) fn parse(ctx: &Context<'_>, id: NodeId) -> RequireLine {
        let raw = ctx.config.raw_args(id);
        let first_word = |text: &str| {
            next_word(text.as_bytes(), 0)
                .map(|(w, _)| String::from_utf8_lossy(&w.value).into_owned())
                .unwrap_or_default()
        };
        let first = first_word(&raw);
        let negated = first.eq_ignore_ascii_case("not");
        let skipped = usize::from(negated);
        let provider = if negated {
            first_word(rest_after_words(&raw, 1))
        } else {
            first
        };
        RequireLine {
            negated,
            provider,
            provider_index: skipped,
            rest: rest_after_words(&raw, skipped + 1).to_string(),
        }
    }
}

/// The logic of an authorization container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Logic {
    /// AND (`<RequireAll>`) rather than OR.
    pub and: bool,
    /// Negated (`<RequireNone>`).
    pub negate: bool,
}

impl Logic {
    /// The implicit container of a `<Directory>`-like section.
    pub(crate) const IMPLICIT: Logic = Logic {
        and: false,
        negate: false,
    };

    /// The logic of a `<RequireAll>`, `<RequireAny>` or `<RequireNone>` node.
    pub(crate) fn of(node: &Node) -> Option<Logic> {
        if !node.is_section() {
            None
        } else if node.is("RequireAll") {
            Some(Logic {
                and: true,
                negate: false,
            })
        } else if node.is("RequireAny") {
            Some(Logic::IMPLICIT)
        } else if node.is("RequireNone") {
            Some(Logic {
                and: false,
                negate: true,
            })
        } else {
            None
        }
    }

    /// mod_authz_core's name for it (`format_authz_command`).
    pub(crate) fn display(self) -> &'static str {
        match (self.and, self.negate) {
            (true, false) => "<RequireAll>",
            (true, true) => "<RequireNotAll>",
            (false, false) => "<RequireAny>",
            (false, true) => "<RequireNone>",
        }
    }
}

/// The authorization section a `Require` line or container joins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum AuthzParent {
    /// An enclosing `<RequireAll>`/`<RequireAny>`/`<RequireNone>`.
    Container(NodeId),
    /// The implicit `<RequireAny>` of this section's configuration
    /// (`None`: the top level).
    Implicit(Option<NodeId>),
}

impl AuthzParent {
    pub(crate) fn of(ctx: &Context<'_>, id: NodeId) -> AuthzParent {
        for section in ancestors(ctx, id) {
            let node = ctx.node(section);
            // <Limit> walks its body with the same configuration.
            if node.is("Limit") || node.is("LimitExcept") {
                continue;
            }
            return match Logic::of(node) {
                Some(_) => AuthzParent::Container(section),
                None => AuthzParent::Implicit(Some(section)),
            };
        }
        AuthzParent::Implicit(None)
    }

    pub(crate) fn logic(self, ctx: &Context<'_>) -> Logic {
        match self {
            AuthzParent::Container(id) => Logic::of(ctx.node(id)).unwrap_or(Logic::IMPLICIT),
            AuthzParent::Implicit(_) => Logic::IMPLICIT,
        }
    }
}

/// The `Require` lines and authorization containers kept by `keep`,
/// grouped by the section they join, each group in file order.
pub(crate) fn members_by_parent(
    ctx: &Context<'_>,
    keep: impl Fn(NodeId) -> bool,
) -> HashMap<AuthzParent, Vec<NodeId>> {
    let mut groups: HashMap<AuthzParent, Vec<NodeId>> = HashMap::new();
    for id in ctx.all_nodes() {
        let node = ctx.node(id);
        let member = (node.is_directive() && node.is("Require")) || Logic::of(node).is_some();
        if member && keep(id) {
            groups.entry(AuthzParent::of(ctx, id)).or_default().push(id);
        }
    }
    groups
}

/// A `Require` line's arguments refused by its provider's parser.
pub(crate) struct ArgumentError {
    /// The arguments to point at (indices into the line's words).
    pub first: usize,
    pub last: usize,
    /// The provider's message.
    pub message: String,
}

/// What the `Require` rules need to know about the whole configuration:
/// the providers and methods it defines, and where.
pub(crate) struct RequireContext {
    defined: DefinedProviders,
    methods: MethodRegistry,
}

impl RequireContext {
    pub(crate) fn new(ctx: &Context<'_>) -> RequireContext {
        RequireContext {
            defined: DefinedProviders::build(ctx),
            methods: MethodRegistry::build(ctx),
        }
    }

    /// Whether the configuration defines the provider `name` before `id`
    /// (anywhere, for an inactive line).
    pub(crate) fn is_defined(&self, ctx: &Context<'_>, name: &str, id: NodeId) -> bool {
        self.defined.is_defined(ctx, name, id)
    }

    /// Whether the configuration defines the provider `name` anywhere.
    pub(crate) fn defines(&self, name: &str) -> bool {
        self.defined.defines(name)
    }

    /// Whether httpd finds the provider `name` for the line `id`: a loaded
    /// module registers it, or the configuration defines it earlier. For a
    /// line in an inactive branch, any module that registers it counts (the
    /// branch usually loads it).
    pub(crate) fn is_known(&self, ctx: &Context<'_>, name: &str, id: NodeId) -> bool {
        let registered = provider_module(name)
            .is_some_and(|module| !ctx.node(id).active || ctx.has_module(module));
        registered || self.is_defined(ctx, name, id)
    }

    /// Whether mod_authz_core adds the member (a `Require` line or a
    /// container) to its section while walking: its handler runs, its
    /// provider and arguments are accepted, it has the arguments a container
    /// takes, and it is not negated inside an OR section.
    pub(crate) fn accepts(&self, ctx: &Context<'_>, id: NodeId) -> bool {
        if reaches_handler(ctx, id).is_none() {
            return false;
        }
        let node = ctx.node(id);
        let negated = match Logic::of(node) {
            Some(logic) => {
                if section_text(ctx, id).is_none_or(|text| !text.is_empty()) {
                    return false;
                }
                logic.negate
            }
            None => {
                let line = RequireLine::parse(ctx, id);
                if !self.is_known(ctx, &line.provider, id)
                    || self.argument_error(ctx, id, &line).is_some()
                {
                    return false;
                }
                line.negated
            }
        };
        !negated || AuthzParent::of(ctx, id).logic(ctx).and
    }

    /// What the provider's `parse_require_line` refuses in a line whose
    /// provider is known.
    pub(crate) fn argument_error(
        &self,
        ctx: &Context<'_>,
        id: NodeId,
        line: &RequireLine,
    ) -> Option<ArgumentError> {
        let node = ctx.node(id);
        let first_arg = line.provider_index + 1;
        let last_arg = node.args.len().saturating_sub(1).max(first_arg);
        let whole = |message: String| {
            Some(ArgumentError {
                first: first_arg,
                last: last_arg,
                message,
            })
        };
        // A name the configuration defines takes the base provider's
        // arguments from its definition.
        provider_module(&line.provider)?;
        let words: Vec<&str> = node
            .arg_values()
            .skip(first_arg)
            .take_while(|w| !w.is_empty())
            .collect();
        match line.provider.as_str() {
            "all" => {
                let granted_or_denied = line.rest.eq_ignore_ascii_case("granted")
                    || line.rest.eq_ignore_ascii_case("denied");
                if granted_or_denied {
                    return None;
                }
                whole("Argument for 'Require all' must be 'granted' or 'denied'".to_string())
            }
            "ip" if words.is_empty() => Some(ArgumentError {
                first: line.provider_index,
                last: line.provider_index,
                message: "'require ip' requires an argument".to_string(),
            }),
            "ip" => words.iter().enumerate().find_map(|(k, word)| {
                check_subnet(word).err().map(|error| ArgumentError {
                    first: first_arg + k,
                    last: first_arg + k,
                    message: error.message(word),
                })
            }),
            "method" => words.iter().enumerate().find_map(|(k, word)| {
                (!self.methods.is_known(word, walk_position(ctx, id))).then(|| ArgumentError {
                    first: first_arg + k,
                    last: first_arg + k,
                    message: format!("Invalid Method '{word}'"),
                })
            }),
            "ssl" | "ssl-verify-client" if !line.rest.is_empty() => whole(format!(
                "'Require {}' does not take arguments",
                line.provider
            )),
            _ => None,
        }
    }
}
