//! Grammar fixtures: every `grammar-fixtures/{ok,err}/<case>.conf` is parsed and
//! checked against two expectations (see grammar-fixtures/README.md):
//!
//! - `<case>.ast`: the exact `syntax::dump::text` of the file. Created when missing
//!   (a failure under `CI=true`), rewritten when `UPDATE_EXPECT=1`; a mismatch fails
//!   with a line diff.
//! - `<case>.httpd.json`: real apache2's verdict, recorded by
//!   `scripts/httpd_oracle.py record`. `ok/` cases must be accepted by httpd and `err/`
//!   cases rejected. Where httpd's verdict rests on pass-1 structure alone (the golden's
//!   `judge` is `parser`), the parser must report httpd's first error: the same message
//!   text at the same line, in the same file. Where the fixture's files hold no
//!   conditional section, macro or `${VAR}`, and httpd got past pass 1 (OK, or a pass-2
//!   or later error), the parser must report no error at all in the fixture.
//!
//! Every span the parser produces must lie inside the file.

#[path = "support/parse_spans.rs"]
mod parse_spans;

use std::fs;
use std::path::{Path, PathBuf};

use apachelint::syntax::{self, Node, ParseOptions, Parsed};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar-fixtures")
}

#[test]
fn grammar_fixtures() {
    let mut failures = Vec::new();
    let mut count = 0;
    for kind in ["ok", "err"] {
        let mut cases: Vec<PathBuf> = fs::read_dir(fixtures_dir().join(kind))
            .expect("grammar-fixtures/{ok,err} exist")
            .map(|entry| entry.expect("readable fixture dir").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "conf") && path.is_file())
            .collect();
        cases.sort();
        for conf in cases {
            count += 1;
            let problems = check_fixture(kind, &conf);
            if !problems.is_empty() {
                failures.push(format!(
                    "--- {kind}/{}\n{}",
                    conf.file_name().unwrap_or_default().to_string_lossy(),
                    problems.join("\n")
                ));
            }
        }
    }
    assert!(
        count >= 100,
        "expected the fixture set, found {count} fixtures"
    );
    assert!(
        failures.is_empty(),
        "{} of {count} grammar fixtures failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Checks one fixture; returns what is wrong with it (empty when it passes).
fn check_fixture(kind: &str, conf: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let src = fs::read(conf).expect("readable fixture");
    let parsed = syntax::parse(&src, &ParseOptions::main_config());

    problems.extend(parse_spans::parse_out_of_bounds(&parsed, src.len()));
    check_ast(conf, &syntax::dump::text(&parsed, &src), &mut problems);

    let golden_path = conf.with_extension("httpd.json");
    let Ok(golden_text) = fs::read_to_string(&golden_path) else {
        problems.push(format!(
            "no {} (run `python3 scripts/httpd_oracle.py record`)",
            golden_path.display()
        ));
        return problems;
    };
    let golden: Value = serde_json::from_str(&golden_text).expect("golden is JSON");
    check_against_httpd(kind, conf, &parsed, &golden, &mut problems);
    problems
}

/// The `.ast` expectation: auto-created, refreshed with `UPDATE_EXPECT=1`.
fn check_ast(conf: &Path, actual: &str, problems: &mut Vec<String>) {
    let ast_path = conf.with_extension("ast");
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    match fs::read_to_string(&ast_path) {
        Ok(expected) if expected == actual => {}
        Ok(_) | Err(_) if update => {
            fs::write(&ast_path, actual).expect("writable .ast");
        }
        Ok(expected) => {
            let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
                .unified_diff()
                .header("expected (.ast)", "actual (parser)")
                .to_string();
            problems.push(format!(
                "parser output differs from {} (UPDATE_EXPECT=1 rewrites it):\n{diff}",
                ast_path.display()
            ));
        }
        Err(_) if running_in_ci() => {
            problems.push(format!("{} is missing", ast_path.display()));
        }
        Err(_) => {
            fs::write(&ast_path, actual).expect("writable .ast");
            eprintln!("created {}", ast_path.display());
        }
    }
}

fn running_in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// httpd's first error in the golden.
struct HttpdError<'a> {
    file: Option<&'a str>,
    line: Option<u64>,
    message: &'a str,
    phase: &'a str,
}

fn check_against_httpd(
    kind: &str,
    conf: &Path,
    parsed: &Parsed,
    golden: &Value,
    problems: &mut Vec<String>,
) {
    let httpd_ok = golden["ok"].as_bool().expect("golden has ok");
    if httpd_ok != (kind == "ok") {
        problems.push(format!(
            "fixture sits in {kind}/ but httpd says {}",
            if httpd_ok { "Syntax OK" } else { "error" }
        ));
    }
    let tags: Vec<&str> = golden["tags"]
        .as_array()
        .map(|tags| tags.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let evaluated_by_loader = tags
        .iter()
        .any(|t| matches!(*t, "conditional" | "macro" | "variables"));
    let error = golden["first_error"].as_object().map(|e| HttpdError {
        file: e["file"].as_str(),
        line: e["line"].as_u64(),
        message: e["message"].as_str().unwrap_or_default(),
        phase: e["phase"].as_str().unwrap_or_default(),
    });

    if let Some(dump_config) = golden["dump_config"].as_str()
        && !evaluated_by_loader
    {
        check_dump_config(conf, parsed, dump_config, problems);
    }

    if golden["judge"] == "parser" {
        let error = error.expect("a parser-judged golden has an error");
        check_structural_error(conf, &error, problems);
    } else if !evaluated_by_loader
        && error.as_ref().is_none_or(|e| e.phase != "read")
        && !parsed.errors.is_empty()
    {
        problems.push(format!(
            "httpd passed pass 1, but the parser reports: {}",
            describe_errors(parsed)
        ));
    }
}

/// httpd's first error is a pass-1 structural error in a fixture file: the parser
/// must report it first in that file, with the same text and line.
fn check_structural_error(conf: &Path, error: &HttpdError<'_>, problems: &mut Vec<String>) {
    let Some(file) = error.file.and_then(|f| f.strip_prefix("<ROOT>/")) else {
        problems.push(format!(
            "parser-judged error outside the fixture: {:?}",
            error.file
        ));
        return;
    };
    let path = fixture_file(conf, file);
    let src = fs::read(&path).expect("the file httpd names is part of the fixture");
    let parsed = syntax::parse(&src, &ParseOptions::main_config());
    let placeholder_path = format!("<ROOT>/{file}");

    let unclosed_at_eof = error.message.ends_with("was not closed.");
    let expected: Vec<(String, u64)> = if unclosed_at_eof {
        // `<file>:<N>: <X> was not closed.` entries, innermost first, joined by a
        // logged newline (`\n`); httpd's own line prefix is not the section's line.
        error
            .message
            .split("\\n")
            .map(|entry| {
                let rest = entry.strip_prefix(&placeholder_path).unwrap_or(entry);
                let rest = rest.strip_prefix(':').unwrap_or(rest);
                let (line, message) = rest.split_once(": ").unwrap_or(("0", rest));
                (message.to_string(), line.parse().unwrap_or(0))
            })
            .collect()
    } else {
        vec![(error.message.to_string(), error.line.unwrap_or(0))]
    };
    // Sections left open are the last thing httpd checks, so then the parser's
    // whole list must match; otherwise its first error must be httpd's.
    let compared = if unclosed_at_eof {
        parsed.errors.len()
    } else {
        1
    };
    let actual: Vec<(String, u64)> = parsed
        .errors
        .iter()
        .take(compared)
        .map(|e| (e.message.clone(), u64::from(e.httpd_line)))
        .collect();
    if actual != expected {
        problems.push(format!(
            "httpd reports {expected:?} in {file}, the parser {actual:?} (all: {})",
            describe_errors(&parsed)
        ));
    }
}

/// Directives httpd runs while reading (`EXEC_ON_READ`); `DUMP_CONFIG` omits them.
const EXEC_ON_READ: [&str; 19] = [
    "include",
    "includeoptional",
    "define",
    "undefine",
    "serverroot",
    "defaultruntimedir",
    "loadmodule",
    "loadfile",
    "<ifmodule",
    "<ifdefine",
    "<iffile",
    "<ifdirective",
    "<ifsection",
    "<ifversion",
    "<macro",
    "use",
    "undefmacro",
    "remoteiptrustedproxylist",
    "remoteipinternalproxylist",
];

/// One directive as httpd keeps it: nesting depth, the line httpd reports, the
/// name (lowercased: DUMP_CONFIG prints canonical names) and the raw arguments.
type TreeEntry = (usize, u32, String, String);

/// httpd's tree after pass 1 (`-t -D DUMP_CONFIG` with mod_info) holds exactly
/// the parser's directives of the fixture file, at the same lines and depths, with
/// the same raw argument strings.
fn check_dump_config(conf: &Path, parsed: &Parsed, dump_config: &str, problems: &mut Vec<String>) {
    let own_file = format!(
        "<ROOT>/{}",
        conf.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut expected: Vec<TreeEntry> = Vec::new();
    let mut in_fixture = false;
    let mut lines = dump_config.lines();
    while let Some(line) = lines.next() {
        let content = line.trim_start();
        if let Some(file) = content.strip_prefix("# In file: ") {
            in_fixture = file == own_file;
        } else if let Some(number) = content.strip_prefix('#') {
            let directive = lines.next().unwrap_or_default();
            let depth = (directive.len() - directive.trim_start().len()) / 2;
            let (name, args) = directive
                .trim_start()
                .split_once(' ')
                .unwrap_or((directive, ""));
            let line_number = number.trim().trim_end_matches(':').parse().unwrap_or(0);
            if in_fixture {
                expected.push((depth, line_number, name.to_lowercase(), args.to_string()));
            }
        }
    }
    let src = fs::read(conf).expect("readable fixture");
    let mut actual = Vec::new();
    collect_tree_entries(&parsed.nodes, &src, 0, &mut actual);
    if actual != expected {
        problems.push(format!(
            "the parser's directives differ from httpd's DUMP_CONFIG:\n  httpd:  {expected:?}\n  parser: {actual:?}"
        ));
    }
}

fn collect_tree_entries(nodes: &[Node], src: &[u8], depth: usize, out: &mut Vec<TreeEntry>) {
    for node in nodes {
        let (directive, children) = match node {
            Node::Comment(_) => continue,
            Node::Directive(d) => (d, &[][..]),
            Node::Section(s) => (&s.open, s.children()),
        };
        let name = directive.name.value.to_lowercase();
        if EXEC_ON_READ.contains(&name.as_str()) {
            continue;
        }
        let mut args = backslash_escaped(directive.raw_args(src));
        if matches!(node, Node::Section(_)) && args.is_empty() {
            // httpd gives a bare `<Name>` the argument string `>`.
            args.push('>');
        }
        out.push((depth, directive.line.last_line, name.to_string(), args));
        collect_tree_entries(children, src, depth + 1, out);
    }
}

/// Bytes as the oracle decodes apache2's output: UTF-8, other bytes as `\xHH`.
fn backslash_escaped(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// A file of a fixture: the fixture itself, or one in its `<case>.files/` sidecar.
fn fixture_file(conf: &Path, name: &str) -> PathBuf {
    if conf.file_name().is_some_and(|f| f == name) {
        conf.to_path_buf()
    } else {
        conf.with_extension("files").join(name)
    }
}

fn describe_errors(parsed: &Parsed) -> String {
    let errors: Vec<String> = parsed
        .errors
        .iter()
        .map(|e| format!("L{} {:?}", e.httpd_line, e.message))
        .collect();
    format!("[{}]", errors.join(", "))
}
