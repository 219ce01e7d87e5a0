//! The one table of rule codes. A code, once published, is never reused;
//! a renamed rule keeps its code.

use super::{Rule, RuleMeta};
use super::{change, hygiene, load, syntax, validity};

/// Every rule apachelint knows, in code order.
pub static ALL: &[&RuleMeta] = &[
    &syntax::UNCLOSED_SECTION,
    &syntax::MISMATCHED_CLOSE_TAG,
    &syntax::UNMATCHED_CLOSE_TAG,
    &syntax::CLOSE_TAG_MISSING_ANGLE,
    &syntax::LINE_TOO_LONG,
    &syntax::MACRO_UNCLOSED,
    &load::FILE_UNREADABLE,
    &load::INCLUDE_NOT_FOUND,
    &load::INCLUDE_NOT_REGULAR_FILE,
    &load::PATH_OUTSIDE_TREE,
    &load::INCLUDE_RECURSION,
    &load::UNDEFINED_VARIABLE,
    &load::CONDITIONAL_CLOSE_NOT_EXACT,
    &load::CONDITIONAL_UNCLOSED,
    &load::CONDITIONAL_MALFORMED,
    &load::IFVERSION_INVALID,
    &load::DEFINE_INVALID_NAME,
    &load::MACRO_USE_INVALID,
    &load::MACRO_DEFINITION_WARNING,
    &load::SERVER_ROOT_INVALID,
    &validity::UNKNOWN_DIRECTIVE,
    &validity::DIRECTIVE_MODULE_NOT_LOADED,
    &validity::DIRECTIVE_CONTEXT,
    &validity::WRONG_ARGUMENT_COUNT,
    &validity::ERROR_DIRECTIVE,
    &change::LISTEN_REMOVED,
    &change::VHOST_REMOVED,
    &change::SERVERNAME_ALIAS_REMOVED,
    &change::SERVERNAME_COLLISION,
    &change::DEFAULT_VHOST_CHANGED,
    &change::VHOST_ADDRESS_NOT_LISTENED,
    &change::TRAFFIC_REROUTED,
    &change::SSL_CERT_KEY_CHANGED,
    &change::TLS_PROTOCOLS_NARROWED,
    &change::SSL_DISABLED_ON_TLS_PORT,
    &change::CAPACITY_SLASHED,
    &change::TIMEOUT_CHANGED,
    &change::REQUEST_LIMIT_REDUCED,
    &change::ALLOWOVERRIDE_BREAKS_HTACCESS,
    &crate::suppress::SUPPRESSION_UNUSED,
    &crate::suppress::SUPPRESSION_WITHOUT_REASON,
    &crate::suppress::SUPPRESSION_UNKNOWN_RULE,
    &hygiene::VHOST_PORT_NOT_LISTENED,
];

/// Every rule that runs over a loaded configuration (the parser's and the
/// loader's findings come with the configuration itself).
pub static RULES: &[&dyn Rule] = &[
    &validity::UnknownDirective,
    &validity::DirectiveModuleNotLoaded,
    &validity::DirectiveContext,
    &validity::WrongArgumentCount,
    &validity::ErrorDirective,
    &change::ListenRemoved,
    &change::VhostRemoved,
    &change::ServernameAliasRemoved,
    &change::ServernameCollision,
    &change::DefaultVhostChanged,
    &change::VhostAddressNotListened,
    &change::TrafficRerouted,
    &change::SslCertKeyChanged,
    &change::TlsProtocolsNarrowed,
    &change::SslDisabledOnTlsPort,
    &change::CapacitySlashed,
    &change::TimeoutChanged,
    &change::RequestLimitReduced,
    &change::AllowOverrideBreaksHtaccess,
    &hygiene::VhostPortNotListened,
];

/// Finds a rule by code (`AL001`) or name (`unclosed-section`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    ALL.iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}
