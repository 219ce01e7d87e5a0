//! Support code shared by integration tests (`mod support;` in a test file).
//!
//! - [`trees`]: materialises the tree recipes of `tests/differential/trees/` in a
//!   temp dir, exactly as `scripts/httpd_oracle.py` does when it records goldens.

pub mod trees;
