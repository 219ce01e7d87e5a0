//! The model: what the loaded configuration means — the virtual-host map,
//! the directive registry — computed from a [`crate::load::tree::Config`]
//! without I/O.

pub mod vhosts;
