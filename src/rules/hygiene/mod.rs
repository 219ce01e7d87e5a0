//! Hygiene rules (AL4xx): configurations httpd accepts and runs, but that do
//! not do what they seem to (a vhost on a port nobody listens on, …). The
//! suppression findings (AL401–AL403) are in `crate::suppress`.

mod vhost_port_not_listened;

pub use vhost_port_not_listened::{VHOST_PORT_NOT_LISTENED, VhostPortNotListened};
