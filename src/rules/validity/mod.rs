//! Validity rules (AL1xx): what httpd's directive handlers refuse under
//! `apache2 -t` — and the start-up failures `-t` cannot see — reported all at
//! once, with httpd's own message texts. In an inactive branch the same
//! problems are latent warnings.

mod address;
mod alias_needs_url_path;
mod alias_syntax;
mod allowoverride_invalid;
mod allowoverride_useless;
mod authz;
mod c_numbers;
mod checked_nodes;
mod directive_context;
mod directive_forbidden_in_section;
mod directive_module_not_loaded;
mod document_root_missing;
mod else_without_if;
mod error_directive;
mod error_document_status;
mod expression;
mod handler;
mod handler_input;
mod header_directive_invalid;
mod header_expression_invalid;
mod headers_syntax;
mod http_status;
mod if_condition_invalid;
mod invalid_regex;
mod keyword_value_invalid;
mod limit_methods_invalid;
mod listen_duplicate;
mod listen_hostname;
mod listen_invalid;
mod loadmodule_built_in;
mod loadmodule_duplicate;
mod loadmodule_file_missing;
mod loadmodule_wrong_symbol;
mod log_directory_missing;
mod log_expression_invalid;
mod log_level_invalid;
mod methods;
mod module_loads;
mod mpm_count;
mod mpm_limit_clamped;
mod mutex_invalid;
mod numeric_value_invalid;
mod options_invalid;
mod proxy_definition_invalid;
mod proxy_parameter_ignored;
mod proxy_parameter_invalid;
mod proxy_pass_invalid;
mod proxy_scheme_handler_missing;
mod proxy_syntax;
mod proxy_values;
mod redirect_invalid;
pub mod regex;
mod require_container_invalid;
mod require_expression_invalid;
mod require_invalid_argument;
mod require_negative_only;
mod require_unknown_provider;
mod rewrite_args;
mod rewrite_argument_missing;
mod rewrite_base_invalid;
mod rewrite_cond_without_rule;
mod rewrite_flag_invalid;
mod rewrite_map_file_missing;
mod rewrite_map_invalid;
mod rewrite_map_syntax;
mod rewrite_nocase_ignored;
mod rewrite_option_invalid;
mod rewrite_syntax;
mod rewritecond_expression_invalid;
mod run_identity_invalid;
mod section_arguments_invalid;
mod server_directory_invalid;
mod server_name_invalid;
mod setenvif_argument_missing;
mod setenvif_syntax;
mod setenvifexpr_invalid;
mod ssl_certificate_chain_file_deprecated;
mod ssl_certificate_missing;
mod ssl_certificate_unreadable;
mod ssl_cipher_suite_invalid;
mod ssl_cipher_suite_matches_nothing;
mod ssl_compression_unavailable;
mod ssl_file_missing;
mod ssl_key_mismatch;
mod ssl_openssl_conf_cmd_unknown;
mod ssl_options_invalid;
mod ssl_private_key_encrypted;
mod ssl_private_key_missing;
mod ssl_protocol_invalid;
mod ssl_session_cache_invalid;
mod ssl_stapling_without_cache;
mod ssl_verify_invalid;
mod sslrequire_expression_invalid;
mod string_expression_invalid;
mod target_paths;
pub(crate) mod tls;
mod unknown_directive;
mod value_checks;
mod virtualhost_address_invalid;
mod wrong_argument_count;

pub use alias_needs_url_path::{ALIAS_NEEDS_URL_PATH, AliasNeedsUrlPath};
pub use allowoverride_invalid::{ALLOWOVERRIDE_INVALID, AllowOverrideInvalid};
pub use allowoverride_useless::{ALLOWOVERRIDE_USELESS, AllowOverrideUseless};
pub(crate) use c_numbers::timeout_parameter;
pub(crate) use checked_nodes::whole_configuration;
pub use directive_context::{DIRECTIVE_CONTEXT, DirectiveContext};
pub(crate) use directive_module_not_loaded::enable_hint;
pub(crate) use handler_input::{RawLine, handled_nodes};

pub use directive_forbidden_in_section::{
    DIRECTIVE_FORBIDDEN_IN_SECTION, DirectiveForbiddenInSection,
};
pub use directive_module_not_loaded::{DIRECTIVE_MODULE_NOT_LOADED, DirectiveModuleNotLoaded};
pub use document_root_missing::{DOCUMENT_ROOT_MISSING, DocumentRootMissing};
pub use else_without_if::{ELSE_WITHOUT_IF, ElseWithoutIf};
pub use error_directive::{ERROR_DIRECTIVE, ErrorDirective};
pub use error_document_status::{ERROR_DOCUMENT_STATUS, ErrorDocumentStatus};
pub use header_directive_invalid::{HEADER_DIRECTIVE_INVALID, HeaderDirectiveInvalid};
pub use header_expression_invalid::{HEADER_EXPRESSION_INVALID, HeaderExpressionInvalid};
pub use if_condition_invalid::{IF_CONDITION_INVALID, IfConditionInvalid};
pub use invalid_regex::{INVALID_REGEX, InvalidRegex};
pub use keyword_value_invalid::{KEYWORD_VALUE_INVALID, KeywordValueInvalid};
pub use limit_methods_invalid::{LIMIT_METHODS_INVALID, LimitMethodsInvalid};
pub use listen_duplicate::{LISTEN_DUPLICATE, ListenDuplicate};
pub use listen_hostname::{LISTEN_HOSTNAME, ListenHostname};
pub use listen_invalid::{LISTEN_INVALID, ListenInvalid};
pub use loadmodule_built_in::{LOADMODULE_BUILT_IN, LoadModuleBuiltIn};
pub use loadmodule_duplicate::{LOADMODULE_DUPLICATE, LoadModuleDuplicate};
pub use loadmodule_file_missing::{LOADMODULE_FILE_MISSING, LoadModuleFileMissing};
pub use loadmodule_wrong_symbol::{LOADMODULE_WRONG_SYMBOL, LoadModuleWrongSymbol};
pub use log_directory_missing::{LOG_DIRECTORY_MISSING, LogDirectoryMissing};
pub use log_expression_invalid::{LOG_EXPRESSION_INVALID, LogExpressionInvalid};
pub use log_level_invalid::{LOG_LEVEL_INVALID, LogLevelInvalid};
pub use mpm_count::{MPM_COUNT, MpmCount};
pub use mpm_limit_clamped::{MPM_LIMIT_CLAMPED, MpmLimitClamped};
pub(crate) use mpm_limit_clamped::{MpmLimits, mpm_limits};
pub use mutex_invalid::{MUTEX_INVALID, MutexInvalid};
pub use numeric_value_invalid::{NUMERIC_VALUE_INVALID, NumericValueInvalid};
pub use options_invalid::{OPTIONS_INVALID, OptionsInvalid};
pub use proxy_definition_invalid::{PROXY_DEFINITION_INVALID, ProxyDefinitionInvalid};
pub use proxy_parameter_ignored::{PROXY_PARAMETER_IGNORED, ProxyParameterIgnored};
pub use proxy_parameter_invalid::{PROXY_PARAMETER_INVALID, ProxyParameterInvalid};
pub use proxy_pass_invalid::{PROXY_PASS_INVALID, ProxyPassInvalid};
pub use proxy_scheme_handler_missing::{PROXY_SCHEME_HANDLER_MISSING, ProxySchemeHandlerMissing};
pub use redirect_invalid::{REDIRECT_INVALID, RedirectInvalid};
pub use require_container_invalid::{REQUIRE_CONTAINER_INVALID, RequireContainerInvalid};
pub use require_expression_invalid::{REQUIRE_EXPRESSION_INVALID, RequireExpressionInvalid};
pub use require_invalid_argument::{REQUIRE_INVALID_ARGUMENT, RequireInvalidArgument};
pub use require_negative_only::{REQUIRE_NEGATIVE_ONLY, RequireNegativeOnly};
pub use require_unknown_provider::{REQUIRE_UNKNOWN_PROVIDER, RequireUnknownProvider};
pub use rewrite_argument_missing::{REWRITE_ARGUMENT_MISSING, RewriteArgumentMissing};
pub use rewrite_base_invalid::{REWRITE_BASE_INVALID, RewriteBaseInvalid};
pub use rewrite_cond_without_rule::{REWRITE_COND_WITHOUT_RULE, RewriteCondWithoutRule};
pub use rewrite_flag_invalid::{REWRITE_FLAG_INVALID, RewriteFlagInvalid};
pub use rewrite_map_file_missing::{REWRITE_MAP_FILE_MISSING, RewriteMapFileMissing};
pub use rewrite_map_invalid::{REWRITE_MAP_INVALID, RewriteMapInvalid};
pub use rewrite_nocase_ignored::{REWRITE_NOCASE_IGNORED, RewriteNocaseIgnored};
pub use rewrite_option_invalid::{REWRITE_OPTION_INVALID, RewriteOptionInvalid};
pub(crate) use rewrite_syntax::parse_arg_line;
pub use rewritecond_expression_invalid::{
    REWRITECOND_EXPRESSION_INVALID, RewriteCondExpressionInvalid,
};
pub use run_identity_invalid::{RUN_IDENTITY_INVALID, RunIdentityInvalid};
pub use section_arguments_invalid::{SECTION_ARGUMENTS_INVALID, SectionArgumentsInvalid};
pub use server_directory_invalid::{SERVER_DIRECTORY_INVALID, ServerDirectoryInvalid};
pub use server_name_invalid::{SERVER_NAME_INVALID, ServerNameInvalid};
pub use setenvif_argument_missing::{SETENVIF_ARGUMENT_MISSING, SetenvifArgumentMissing};
pub use setenvifexpr_invalid::{SETENVIFEXPR_INVALID, SetEnvIfExprInvalid};
pub use ssl_certificate_chain_file_deprecated::{
    SSL_CERTIFICATE_CHAIN_FILE_DEPRECATED, SslCertificateChainFileDeprecated,
};
pub use ssl_certificate_missing::{SSL_CERTIFICATE_MISSING, SslCertificateMissing};
pub use ssl_certificate_unreadable::{SSL_CERTIFICATE_UNREADABLE, SslCertificateUnreadable};
pub use ssl_cipher_suite_invalid::{SSL_CIPHER_SUITE_INVALID, SslCipherSuiteInvalid};
pub use ssl_cipher_suite_matches_nothing::{
    SSL_CIPHER_SUITE_MATCHES_NOTHING, SslCipherSuiteMatchesNothing,
};
pub use ssl_compression_unavailable::{SSL_COMPRESSION_UNAVAILABLE, SslCompressionUnavailable};
pub use ssl_file_missing::{SSL_FILE_MISSING, SslFileMissing};
pub use ssl_key_mismatch::{SSL_KEY_MISMATCH, SslKeyMismatch};
pub use ssl_openssl_conf_cmd_unknown::{SSL_OPENSSL_CONF_CMD_UNKNOWN, SslOpensslConfCmdUnknown};
pub use ssl_options_invalid::{SSL_OPTIONS_INVALID, SslOptionsInvalid};
pub use ssl_private_key_encrypted::{SSL_PRIVATE_KEY_ENCRYPTED, SslPrivateKeyEncrypted};
pub use ssl_private_key_missing::{SSL_PRIVATE_KEY_MISSING, SslPrivateKeyMissing};
pub use ssl_protocol_invalid::{SSL_PROTOCOL_INVALID, SslProtocolInvalid};
pub use ssl_session_cache_invalid::{SSL_SESSION_CACHE_INVALID, SslSessionCacheInvalid};
pub use ssl_stapling_without_cache::{SSL_STAPLING_WITHOUT_CACHE, SslStaplingWithoutCache};
pub use ssl_verify_invalid::{SSL_VERIFY_INVALID, SslVerifyInvalid};
pub use sslrequire_expression_invalid::{
    SSLREQUIRE_EXPRESSION_INVALID, SslRequireExpressionInvalid,
};
pub use string_expression_invalid::{STRING_EXPRESSION_INVALID, StringExpressionInvalid};
pub use unknown_directive::{UNKNOWN_DIRECTIVE, UnknownDirective};
pub use virtualhost_address_invalid::{VIRTUALHOST_ADDRESS_INVALID, VirtualHostAddressInvalid};
pub use wrong_argument_count::{WRONG_ARGUMENT_COUNT, WrongArgumentCount};

use crate::load::tree::{Node, NodeKind};

/// The registry name of a node: `ServerName`, or `<Directory` for a section.
pub(crate) fn registry_name(node: &Node) -> Option<String> {
    match node.kind {
        NodeKind::Directive => Some(node.name.to_string()),
        NodeKind::Section { .. } => Some(format!("<{}", node.name)),
        _ => None,
    }
}

/// httpd's message for a name no loaded module registers.
pub(crate) fn invalid_command_message(name: &str) -> String {
    format!(
        "Invalid command '{name}', perhaps misspelled or defined by a module not included in the server configuration"
    )
}

/// Arguments still holding an unsubstituted `${VAR}` (lines in inactive
/// branches are never substituted): their values say nothing.
pub(crate) fn has_unsubstituted(node: &Node) -> bool {
    node.args.iter().any(|a| a.value.contains("${")) || node.name.contains("${")
}

/// The registry entries a check should use for a node: those of loaded
/// modules; in an inactive branch (whose condition usually loads the module)
/// any module's.
pub(crate) fn checked_specs(
    ctx: &crate::rules::Context<'_>,
    id: crate::load::tree::NodeId,
) -> Vec<&'static crate::model::registry::DirectiveSpec> {
    let loaded = ctx.loaded_specs_of(id);
    if loaded.is_empty() && !ctx.node(id).active {
        ctx.specs(id).iter().collect()
    } else {
        loaded
    }
}
