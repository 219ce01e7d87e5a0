//! Validity rules (AL1xx): what httpd's directive handlers refuse under
//! `apache2 -t` — and the start-up failures `-t` cannot see — reported all at
//! once, with httpd's own message texts. In an inactive branch the same
//! problems are latent warnings.

mod directive_context;
mod directive_module_not_loaded;
mod unknown_directive;
mod wrong_argument_count;

pub use directive_context::{DIRECTIVE_CONTEXT, DirectiveContext};
pub(crate) use directive_module_not_loaded::enable_hint;
pub use directive_module_not_loaded::{DIRECTIVE_MODULE_NOT_LOADED, DirectiveModuleNotLoaded};
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
