//! Findings of the parser (AL001–AL009): httpd's reader refuses these.

mod close_tag_missing_angle;
mod line_too_long;
mod macro_unclosed;
mod mismatched_close_tag;
mod unclosed_section;
mod unmatched_close_tag;

pub use close_tag_missing_angle::CLOSE_TAG_MISSING_ANGLE;
pub use line_too_long::LINE_TOO_LONG;
pub use macro_unclosed::MACRO_UNCLOSED;
pub use mismatched_close_tag::MISMATCHED_CLOSE_TAG;
pub use unclosed_section::UNCLOSED_SECTION;
pub use unmatched_close_tag::UNMATCHED_CLOSE_TAG;
