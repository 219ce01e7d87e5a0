//! Support code shared by integration tests (`mod support;` in a test file).
//!
//! - [`trees`]: materialises the tree recipes of `tests/differential/trees/` in a
//!   temp dir, exactly as `scripts/httpd_oracle.py` does when it records goldens.
//!
//! Beside it, included one by one with `#[path = "support/<file>.rs"]` so that a
//! test compiles only what it calls: `parse_spans.rs` and `config_spans.rs`, the
//! span invariants of the parser and the loader; `recorded.rs`, the grammar
//! fixtures with their recorded httpd verdicts.

pub mod shared;
pub mod trees;
