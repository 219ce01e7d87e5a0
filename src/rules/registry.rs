//! The one table of rule codes. A code, once published, is never reused;
//! a renamed rule keeps its code.

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
    &validity::DIRECTIVE_FORBIDDEN_IN_SECTION,
    &validity::ALLOWOVERRIDE_USELESS,
    &validity::LISTEN_INVALID,
    &validity::LISTEN_DUPLICATE,
    &validity::LISTEN_HOSTNAME,
    &validity::OPTIONS_INVALID,
    &validity::ALLOWOVERRIDE_INVALID,
    &validity::REQUIRE_UNKNOWN_PROVIDER,
    &validity::REQUIRE_INVALID_ARGUMENT,
    &validity::REQUIRE_CONTAINER_INVALID,
    &validity::REQUIRE_NEGATIVE_ONLY,
    &validity::SECTION_ARGUMENTS_INVALID,
    &validity::LIMIT_METHODS_INVALID,
    &validity::ELSE_WITHOUT_IF,
    &validity::VIRTUALHOST_ADDRESS_INVALID,
];

/// Every rule that runs over a loaded configuration (the parser's and the
/// loader's findings come with the configuration itself).
pub static RULES: &[&dyn Rule] = &[
    &validity::UnknownDirective,
    &validity::DirectiveModuleNotLoaded,
    &validity::DirectiveContext,
    &validity::WrongArgumentCount,
    &validity::DirectiveForbiddenInSection,
    &validity::AllowOverrideUseless,
    &validity::ListenInvalid,
    &validity::ListenDuplicate,
    &validity::ListenHostname,
    &validity::OptionsInvalid,
    &validity::AllowOverrideInvalid,
    &validity::RequireUnknownProvider,
    &validity::RequireInvalidArgument,
    &validity::RequireContainerInvalid,
    &validity::RequireNegativeOnly,
    &validity::SectionArgumentsInvalid,
    &validity::LimitMethodsInvalid,
    &validity::ElseWithoutIf,
    &validity::VirtualHostAddressInvalid,
];

/// Finds a rule by code (`AL001`) or name (`unclosed-section`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    ALL.iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}
