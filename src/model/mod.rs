//! The model layer: what apachelint knows about httpd itself, and what a
//! loaded configuration means.
//!
//! [`registry`] is the API over the directive and module tables;
//! [`directives`] and [`modules`] are those tables, generated from data by
//! `scripts/gen_registry.py` and checked for staleness by
//! `tests/registry_fresh.rs`. [`vhosts`] is the static virtual-host map
//! (`apache2 -S`). [`expr`] is httpd's expression language (`<If>`,
//! `Require expr`, …) and [`ipsubnet`] APR's subnet syntax. Everything here
//! is pure data and pure functions: no I/O.

pub mod directives;
pub mod expr;
pub mod ipsubnet;
pub mod mod_ssl;
pub mod modules;
pub mod openssl_ciphers;
pub mod overrides;
pub mod pki;
pub mod registry;
pub mod vhosts;
