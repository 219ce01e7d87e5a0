//! Fuzz target: `syntax::parse` on arbitrary bytes, as a main configuration
//! and as `.htaccess`. It must not panic, every span must lie inside the input,
//! and parsing twice must give the same result.

#![no_main]

#[path = "../../tests/support/parse_spans.rs"]
mod parse_spans;

use apachelint::syntax::{ParseOptions, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for options in [ParseOptions::main_config(), ParseOptions::htaccess()] {
        let parsed = parse(data, &options);
        let problems = parse_spans::parse_out_of_bounds(&parsed, data.len());
        assert!(problems.is_empty(), "{problems:?}");
        let again = parse(data, &options);
        assert_eq!(parsed.nodes, again.nodes);
        assert_eq!(parsed.errors, again.errors);
    }
});
