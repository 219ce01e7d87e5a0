//! Findings of the loader (AL010–AL099): includes, variables, conditionals, macros.

mod conditional_close_not_exact;
mod conditional_malformed;
mod conditional_unclosed;
mod define_invalid_name;
mod file_unreadable;
mod ifversion_invalid;
mod include_not_found;
mod include_not_regular_file;
mod include_recursion;
mod macro_definition_warning;
mod macro_use_invalid;
mod path_outside_tree;
mod server_root_invalid;
mod undefined_variable;

pub use conditional_close_not_exact::CONDITIONAL_CLOSE_NOT_EXACT;
pub use conditional_malformed::CONDITIONAL_MALFORMED;
pub use conditional_unclosed::CONDITIONAL_UNCLOSED;
pub use define_invalid_name::DEFINE_INVALID_NAME;
pub use file_unreadable::FILE_UNREADABLE;
pub use ifversion_invalid::IFVERSION_INVALID;
pub use include_not_found::INCLUDE_NOT_FOUND;
pub use include_not_regular_file::INCLUDE_NOT_REGULAR_FILE;
pub use include_recursion::INCLUDE_RECURSION;
pub use macro_definition_warning::MACRO_DEFINITION_WARNING;
pub use macro_use_invalid::MACRO_USE_INVALID;
pub use path_outside_tree::PATH_OUTSIDE_TREE;
pub use server_root_invalid::SERVER_ROOT_INVALID;
pub use undefined_variable::UNDEFINED_VARIABLE;
