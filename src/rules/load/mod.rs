//! Findings of the loader (AL010–AL099): includes, variables, conditionals, macros.

mod file_unreadable;
mod include_not_found;
mod include_not_regular_file;
mod path_outside_tree;
mod include_recursion;
mod undefined_variable;
mod conditional_close_not_exact;
mod conditional_unclosed;
mod conditional_malformed;
mod ifversion_invalid;
mod define_invalid_name;
mod macro_use_invalid;
mod macro_definition_warning;
mod server_root_invalid;
mod section_from_variable;

pub use file_unreadable::FILE_UNREADABLE;
pub use include_not_found::INCLUDE_NOT_FOUND;
pub use include_not_regular_file::INCLUDE_NOT_REGULAR_FILE;
pub use path_outside_tree::PATH_OUTSIDE_TREE;
pub use include_recursion::INCLUDE_RECURSION;
pub use undefined_variable::UNDEFINED_VARIABLE;
pub use conditional_close_not_exact::CONDITIONAL_CLOSE_NOT_EXACT;
pub use conditional_unclosed::CONDITIONAL_UNCLOSED;
pub use conditional_malformed::CONDITIONAL_MALFORMED;
pub use ifversion_invalid::IFVERSION_INVALID;
pub use define_invalid_name::DEFINE_INVALID_NAME;
pub use macro_use_invalid::MACRO_USE_INVALID;
pub use macro_definition_warning::MACRO_DEFINITION_WARNING;
pub use server_root_invalid::SERVER_ROOT_INVALID;
pub use section_from_variable::SECTION_FROM_VARIABLE;
