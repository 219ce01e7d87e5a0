//! Validity rules (AL1xx): what httpd's directive handlers refuse under
//! `apache2 -t` — and the start-up failures `-t` cannot see — reported all at
//! once, with httpd's own message texts. In an inactive branch the same
//! problems are latent warnings.

mod c_numbers;
mod checked_nodes;
mod directive_context;
mod directive_module_not_loaded;
mod document_root_missing;
mod error_directive;
mod error_document_status;
mod keyword_value_invalid;
mod loadmodule_built_in;
mod loadmodule_duplicate;
mod loadmodule_file_missing;
mod loadmodule_wrong_symbol;
mod log_directory_missing;
mod log_level_invalid;
mod module_loads;
mod mpm_count;
mod mpm_limit_clamped;
mod numeric_value_invalid;
mod run_identity_invalid;
mod server_directory_invalid;
mod server_name_invalid;
mod target_paths;
mod unknown_directive;
mod value_checks;
mod wrong_argument_count;

pub(crate) use c_numbers::timeout_parameter;
pub use directive_context::{DIRECTIVE_CONTEXT, DirectiveContext};
pub use directive_module_not_loaded::{DIRECTIVE_MODULE_NOT_LOADED, DirectiveModuleNotLoaded};
pub use document_root_missing::{DOCUMENT_ROOT_MISSING, DocumentRootMissing};
pub use error_directive::{ERROR_DIRECTIVE, ErrorDirective};
pub use error_document_status::{ERROR_DOCUMENT_STATUS, ErrorDocumentStatus};
pub use keyword_value_invalid::{KEYWORD_VALUE_INVALID, KeywordValueInvalid};
pub use loadmodule_built_in::{LOADMODULE_BUILT_IN, LoadModuleBuiltIn};
pub use loadmodule_duplicate::{LOADMODULE_DUPLICATE, LoadModuleDuplicate};
pub use loadmodule_file_missing::{LOADMODULE_FILE_MISSING, LoadModuleFileMissing};
pub use loadmodule_wrong_symbol::{LOADMODULE_WRONG_SYMBOL, LoadModuleWrongSymbol};
pub use log_directory_missing::{LOG_DIRECTORY_MISSING, LogDirectoryMissing};
pub use log_level_invalid::{LOG_LEVEL_INVALID, LogLevelInvalid};
pub use mpm_count::{MPM_COUNT, MpmCount};
pub use mpm_limit_clamped::{MPM_LIMIT_CLAMPED, MpmLimitClamped};
pub(crate) use mpm_limit_clamped::{MpmLimits, mpm_limits};
pub use numeric_value_invalid::{NUMERIC_VALUE_INVALID, NumericValueInvalid};
pub use run_identity_invalid::{RUN_IDENTITY_INVALID, RunIdentityInvalid};
pub use server_directory_invalid::{SERVER_DIRECTORY_INVALID, ServerDirectoryInvalid};
pub use server_name_invalid::{SERVER_NAME_INVALID, ServerNameInvalid};
pub use unknown_directive::{UNKNOWN_DIRECTIVE, UnknownDirective};
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
