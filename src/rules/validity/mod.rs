//! Validity rules (AL1xx): what httpd's directive handlers refuse under
//! `apache2 -t` — and the start-up failures `-t` cannot see — reported all at
//! once, with httpd's own message texts. In an inactive branch the same
//! problems are latent warnings.

mod address;
mod allowoverride_invalid;
mod allowoverride_useless;
mod authz;
mod directive_context;
mod directive_forbidden_in_section;
mod directive_module_not_loaded;
mod else_without_if;
mod handler;
mod limit_methods_invalid;
mod listen_duplicate;
mod listen_hostname;
mod listen_invalid;
mod methods;
mod options_invalid;
mod require_container_invalid;
mod require_invalid_argument;
mod require_negative_only;
mod require_unknown_provider;
mod section_arguments_invalid;
mod unknown_directive;
mod virtualhost_address_invalid;
mod wrong_argument_count;

pub use allowoverride_invalid::{ALLOWOVERRIDE_INVALID, AllowOverrideInvalid};
pub use allowoverride_useless::{ALLOWOVERRIDE_USELESS, AllowOverrideUseless};
pub use directive_context::{DIRECTIVE_CONTEXT, DirectiveContext};
pub use directive_forbidden_in_section::{
    DIRECTIVE_FORBIDDEN_IN_SECTION, DirectiveForbiddenInSection,
};
pub use directive_module_not_loaded::{DIRECTIVE_MODULE_NOT_LOADED, DirectiveModuleNotLoaded};
pub use else_without_if::{ELSE_WITHOUT_IF, ElseWithoutIf};
pub use limit_methods_invalid::{LIMIT_METHODS_INVALID, LimitMethodsInvalid};
pub use listen_duplicate::{LISTEN_DUPLICATE, ListenDuplicate};
pub use listen_hostname::{LISTEN_HOSTNAME, ListenHostname};
pub use listen_invalid::{LISTEN_INVALID, ListenInvalid};
pub use options_invalid::{OPTIONS_INVALID, OptionsInvalid};
pub use require_container_invalid::{REQUIRE_CONTAINER_INVALID, RequireContainerInvalid};
pub use require_invalid_argument::{REQUIRE_INVALID_ARGUMENT, RequireInvalidArgument};
pub use require_negative_only::{REQUIRE_NEGATIVE_ONLY, RequireNegativeOnly};
pub use require_unknown_provider::{REQUIRE_UNKNOWN_PROVIDER, RequireUnknownProvider};
pub use section_arguments_invalid::{SECTION_ARGUMENTS_INVALID, SectionArgumentsInvalid};
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
