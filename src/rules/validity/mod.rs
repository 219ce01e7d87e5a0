//! Validity rules (AL1xx): what httpd's directive handlers refuse under
//! `apache2 -t` — and the start-up failures `-t` cannot see — reported all at
//! once, with httpd's own message texts. In an inactive branch the same
//! problems are latent warnings.

mod address;
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
mod header_expression_invalid;
mod if_condition_invalid;
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
mod numeric_value_invalid;
mod options_invalid;
mod require_container_invalid;
mod require_expression_invalid;
mod require_invalid_argument;
mod require_negative_only;
mod require_unknown_provider;
mod rewrite_args;
mod rewritecond_expression_invalid;
mod run_identity_invalid;
mod section_arguments_invalid;
mod server_directory_invalid;
mod server_name_invalid;
mod setenvifexpr_invalid;
mod sslrequire_expression_invalid;
mod string_expression_invalid;
mod target_paths;
mod unknown_directive;
mod value_checks;
mod virtualhost_address_invalid;
mod wrong_argument_count;

pub use allowoverride_invalid::{ALLOWOVERRIDE_INVALID, AllowOverrideInvalid};
pub use allowoverride_useless::{ALLOWOVERRIDE_USELESS, AllowOverrideUseless};
pub mod regex;

pub use directive_context::{DIRECTIVE_CONTEXT, DirectiveContext};
pub use directive_forbidden_in_section::{
    DIRECTIVE_FORBIDDEN_IN_SECTION, DirectiveForbiddenInSection,
};
pub use directive_module_not_loaded::{DIRECTIVE_MODULE_NOT_LOADED, DirectiveModuleNotLoaded};
pub use document_root_missing::{DOCUMENT_ROOT_MISSING, DocumentRootMissing};
pub use else_without_if::{ELSE_WITHOUT_IF, ElseWithoutIf};
pub use error_directive::{ERROR_DIRECTIVE, ErrorDirective};
pub use error_document_status::{ERROR_DOCUMENT_STATUS, ErrorDocumentStatus};
pub use header_expression_invalid::{HEADER_EXPRESSION_INVALID, HeaderExpressionInvalid};
pub use if_condition_invalid::{IF_CONDITION_INVALID, IfConditionInvalid};
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
pub use numeric_value_invalid::{NUMERIC_VALUE_INVALID, NumericValueInvalid};
pub use options_invalid::{OPTIONS_INVALID, OptionsInvalid};
pub use require_container_invalid::{REQUIRE_CONTAINER_INVALID, RequireContainerInvalid};
pub use require_expression_invalid::{REQUIRE_EXPRESSION_INVALID, RequireExpressionInvalid};
pub use require_invalid_argument::{REQUIRE_INVALID_ARGUMENT, RequireInvalidArgument};
pub use require_negative_only::{REQUIRE_NEGATIVE_ONLY, RequireNegativeOnly};
pub use require_unknown_provider::{REQUIRE_UNKNOWN_PROVIDER, RequireUnknownProvider};
pub use rewritecond_expression_invalid::{
    REWRITECOND_EXPRESSION_INVALID, RewriteCondExpressionInvalid,
};
pub use run_identity_invalid::{RUN_IDENTITY_INVALID, RunIdentityInvalid};
pub use section_arguments_invalid::{SECTION_ARGUMENTS_INVALID, SectionArgumentsInvalid};
pub use server_directory_invalid::{SERVER_DIRECTORY_INVALID, ServerDirectoryInvalid};
pub use server_name_invalid::{SERVER_NAME_INVALID, ServerNameInvalid};
pub use setenvifexpr_invalid::{SETENVIFEXPR_INVALID, SetEnvIfExprInvalid};
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
