//! apachelint: a pre-deploy change guard and linter for Apache httpd 2.4
//! configuration.
//!
//! The pipeline (see ARCHITECTURE.md):
//! bytes → [`syntax`] (pure parse) → load (includes, defines, conditionals)
//! → model → rules → report.

pub mod app;
pub mod check;
pub mod cli;
pub mod diff;
pub mod finding;
pub mod load;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod syntax;
