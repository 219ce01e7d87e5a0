//! The one table of rule codes. A code, once published, is never reused;
//! a renamed rule keeps its code.

use super::security;
use super::{Rule, RuleMeta};
use super::{load, syntax, validity};

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
    &load::SECTION_FROM_VARIABLE,
    &validity::UNKNOWN_DIRECTIVE,
    &validity::DIRECTIVE_MODULE_NOT_LOADED,
    &validity::DIRECTIVE_CONTEXT,
    &validity::WRONG_ARGUMENT_COUNT,
    &validity::SSL_FILE_MISSING,
    &validity::SSL_PROTOCOL_INVALID,
    &validity::SSL_CIPHER_SUITE_INVALID,
    &validity::SSL_VERIFY_INVALID,
    &validity::SSL_SESSION_CACHE_INVALID,
    &validity::SSL_OPENSSL_CONF_CMD_UNKNOWN,
    &validity::SSL_ENGINE_INVALID,
    &validity::SSL_COMPRESSION_UNAVAILABLE,
    &validity::SSL_NUMBER_NEGATIVE,
    &validity::SSL_OPTIONS_INVALID,
    &validity::SSL_CERTIFICATE_MISSING,
    &validity::SSL_CERTIFICATE_UNREADABLE,
    &validity::SSL_PRIVATE_KEY_MISSING,
    &validity::SSL_KEY_MISMATCH,
    &validity::SSL_STAPLING_WITHOUT_CACHE,
    &validity::SSL_CIPHER_SUITE_MATCHES_NOTHING,
    &validity::SSL_CERTIFICATE_CHAIN_FILE_DEPRECATED,
    &security::SSL_PROTOCOL_LEGACY,
    &security::SSL_CIPHER_WEAK,
    &security::SSL_CIPHER_MEDIUM,
    &security::SSL_NO_FORWARD_SECRECY,
    &security::SSL_INSECURE_RENEGOTIATION,
    &security::SSL_SESSION_TICKETS,
    &security::SSL_PROXY_UNVERIFIED,
    &security::HSTS_MISSING,
];

/// Every rule that runs over a loaded configuration (the parser's and the
/// loader's findings come with the configuration itself).
pub static RULES: &[&dyn Rule] = &[
    &validity::UnknownDirective,
    &validity::DirectiveModuleNotLoaded,
    &validity::DirectiveContext,
    &validity::WrongArgumentCount,
    &validity::SslFileMissing,
    &validity::SslProtocolInvalid,
    &validity::SslCipherSuiteInvalid,
    &validity::SslVerifyInvalid,
    &validity::SslSessionCacheInvalid,
    &validity::SslOpensslConfCmdUnknown,
    &validity::SslEngineInvalid,
    &validity::SslCompressionUnavailable,
    &validity::SslNumberNegative,
    &validity::SslOptionsInvalid,
    &validity::SslCertificateMissing,
    &validity::SslCertificateUnreadable,
    &validity::SslPrivateKeyMissing,
    &validity::SslKeyMismatch,
    &validity::SslStaplingWithoutCache,
    &validity::SslCipherSuiteMatchesNothing,
    &validity::SslCertificateChainFileDeprecated,
    &security::SslProtocolLegacy,
    &security::SslCipherWeak,
    &security::SslCipherMedium,
    &security::SslNoForwardSecrecy,
    &security::SslInsecureRenegotiation,
    &security::SslSessionTickets,
    &security::SslProxyUnverified,
    &security::HstsMissing,
];

/// Finds a rule by code (`AL001`) or name (`unclosed-section`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    ALL.iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}
