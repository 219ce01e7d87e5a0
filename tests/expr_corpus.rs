//! The expression parser against httpd: every line of
//! `tests/expr/corpus.jsonl` is an expression with real apache2's verdict
//! (recorded by `scripts/record_expr_corpus.py`); the parser must accept
//! what httpd accepts and reject the rest with httpd's message, as httpd
//! prints it.

use std::path::Path;

use apachelint::model::expr::{Mode, Providers, parse};
use apachelint::rules::validity::regex::compile_like_httpd;
use apachelint::source::escape_like_httpd;

#[test]
fn parser_agrees_with_httpd_on_the_corpus() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expr/corpus.jsonl");
    let text = std::fs::read_to_string(&path).expect("corpus");
    let mut failures = Vec::new();
    let mut count = 0;
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).expect("json line");
        let expr = case["expr"].as_str().expect("expr");
        let mode = match case["mode"].as_str() {
            Some("string") => Mode::String,
            _ => Mode::Condition,
        };
        let providers = Providers {
            ssl: case["ssl"].as_bool().unwrap_or(false),
            proxy_hcheck: false,
        };
        let ours = parse(expr, mode, providers, &|pattern, caseless| {
            compile_like_httpd(pattern, caseless).is_ok()
        })
        .err()
        .map(|e| escape_like_httpd(&e.message));
        let httpd = case["httpd"].as_str().map(str::to_string);
        count += 1;
        if ours != httpd {
            failures.push(format!(
                "{mode:?} {expr:?}\n  httpd: {httpd:?}\n  ours:  {ours:?}"
            ));
        }
    }
    assert!(count > 1000, "corpus too small: {count}");
    assert!(
        failures.is_empty(),
        "{} of {count} disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
