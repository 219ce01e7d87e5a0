//! Corpus test: the parser and the loader on every file and every full tree of
//! the shared corpus of real-world configurations (`$APACHELINT_CORPUS`, else
//! `../shared/corpus` beside the crate; read in place, never copied).
//!
//! - Every corpus file has a row in `tests/corpus-expectations.tsv` (and every
//!   row a file). Parsed alone, with `ParseOptions::main_config()` or
//!   `::htaccess()` as the row says, it must produce exactly the row's errors
//!   (kind and httpd's line; `clean` = none), with every span inside the file.
//!   The row's `apache2` column is real apache2's verdict on the file, kept true
//!   by `scripts/corpus_oracle.py verify`; this test checks that the two columns
//!   agree, or that a note says why they cannot.
//! - Loading the file alone with the loader must agree with that verdict where
//!   apache2 read the file as it is: no syntax finding when httpd read it through
//!   pass 1, else a syntax finding of httpd's kind at httpd's line first. This is
//!   where macro expansions, which the parser cannot see, are judged.
//! - Every tree of `tests/corpus-trees.tsv` loads (symlinks restored, from
//!   memory) without panicking, without a syntax finding (AL001–AL006), with
//!   every span inside its file; trees verified by a differential recipe must
//!   name a recipe made from that tree whose golden verdict is Syntax OK.
//!
//! A missing corpus prints `SKIP: corpus not found at …` and passes, except
//! under `CI=true`, where it fails.

#[path = "support/config_spans.rs"]
mod config_spans;
#[path = "support/parse_spans.rs"]
mod parse_spans;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use apachelint::load::provider::{MemBackend, MemEntry};
use apachelint::load::tree::Config;
use apachelint::load::vfs::Vfs;
use apachelint::load::{LoadOptions, load};
use apachelint::rules::Family;
use apachelint::syntax::{self, ParseOptions, SyntaxError};
use serde_json::Value;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The corpus, or `None` after a loud SKIP (a failure under `CI=true`).
fn corpus_or_skip() -> Option<PathBuf> {
    let dir = std::env::var_os("APACHELINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir().join("../shared/corpus"));
    if dir.is_dir() {
        return Some(dir);
    }
    let message = format!(
        "SKIP: corpus not found at {} (set APACHELINT_CORPUS)",
        dir.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}, and CI=true forbids skipping");
    }
    // Written to the stderr handle, not with eprintln!, so that the test harness
    // does not capture it: a skip must be seen.
    let _ = writeln!(std::io::stderr(), "{message}");
    None
}

/// What the parser must report for a file.
#[derive(Debug, PartialEq)]
enum Expect {
    Clean,
    /// `(kind, httpd line)` of every error, in order.
    Errors(Vec<(String, u32)>),
    /// A symlink stored as a file holding its target.
    Symlink,
}

/// One row of `tests/corpus-expectations.tsv`.
struct Row {
    line: usize,
    options: ParseOptions,
    expect: Expect,
    apache2: String,
    note: String,
}

/// `kind@line`, the form both TSV columns use.
fn kind_at(text: &str) -> Option<(String, u32)> {
    let (kind, line) = text.split_once('@')?;
    Some((kind.to_string(), line.parse().ok()?))
}

/// Tab-separated data lines of a TSV in `tests/` (`#` lines are comments), with
/// their 1-based line numbers.
fn tsv_rows(name: &str) -> Vec<(usize, Vec<String>)> {
    let path = crate_dir().join("tests").join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(i, line)| (i + 1, line.split('\t').map(str::to_string).collect()))
        .collect()
}

fn expectations() -> BTreeMap<String, Row> {
    let mut rows = BTreeMap::new();
    for (line, fields) in tsv_rows("corpus-expectations.tsv") {
        let [path, parse_as, expect, apache2, note] = <[String; 5]>::try_from(fields)
            .unwrap_or_else(|f| panic!("corpus-expectations.tsv:{line}: 5 fields, not {f:?}"));
        let options = match parse_as.as_str() {
            "main" => ParseOptions::main_config(),
            "htaccess" => ParseOptions::htaccess(),
            other => panic!("corpus-expectations.tsv:{line}: parse-as {other:?}"),
        };
        let expect = match expect.as_str() {
            "clean" => Expect::Clean,
            "symlink" => Expect::Symlink,
            errors => Expect::Errors(
                errors
                    .strip_prefix("errors:")
                    .map(|list| list.split(',').filter_map(kind_at).collect())
                    .filter(|list: &Vec<_>| !list.is_empty())
                    .unwrap_or_else(|| panic!("corpus-expectations.tsv:{line}: expect {errors:?}")),
            ),
        };
        let row = Row {
            line,
            options,
            expect,
            apache2,
            note,
        };
        assert!(
            rows.insert(path.clone(), row).is_none(),
            "corpus-expectations.tsv:{line}: second row for {path}"
        );
    }
    rows
}

/// Every file under the corpus, by path relative to it.
fn corpus_files(corpus: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(corpus)
        .into_iter()
        .map(|entry| entry.unwrap_or_else(|e| panic!("walking the corpus: {e}")))
        .filter(|entry| !entry.file_type().is_dir())
        .map(|entry| {
            let rel = entry
                .path()
                .strip_prefix(corpus)
                .expect("inside the corpus");
            rel.to_string_lossy().into_owned()
        })
        .collect();
    files.sort();
    files
}

/// The `apache2` column's verdicts (one for both module sets, or one per set,
/// `default:` and `all:` dropped), and whether lines were neutralized.
fn apache2_verdicts(apache2: &str) -> (Vec<&str>, bool) {
    let (verdicts, neutralized) = match apache2.split_once(" neutralized:") {
        Some((verdicts, _)) => (verdicts, true),
        None => (apache2, false),
    };
    let runs = verdicts
        .split(' ')
        .map(|v| v.split_once(':').map_or(v, |(_, verdict)| verdict))
        .collect();
    (runs, neutralized)
}

/// Agreement of the `expect` and `apache2` columns: an expected error list
/// starts with httpd's error in every run, and a file httpd did not read
/// through pass 1 cleanly is expected clean only with a note saying why.
fn columns_disagree(row: &Row) -> Option<String> {
    let (runs, _) = apache2_verdicts(&row.apache2);
    let explained = row.note != "-";
    match &row.expect {
        Expect::Symlink => (row.apache2 != "none").then(|| "a symlink row has apache2 none".into()),
        Expect::Clean => (!explained && runs.iter().any(|v| *v != "pass1-clean")).then(|| {
            format!(
                "clean, but apache2 says {}, and no note says why",
                row.apache2
            )
        }),
        Expect::Errors(errors) => {
            let first = format!("{}@{}", errors[0].0, errors[0].1);
            (!explained && runs.iter().any(|v| *v != first)).then(|| {
                format!(
                    "expects {first} first, apache2 says {}, and no note says why",
                    row.apache2
                )
            })
        }
    }
}

fn parse_problems(rel: &str, src: &[u8], row: &Row, corpus: &Path) -> Vec<String> {
    let parsed = syntax::parse(src, &row.options);
    let mut problems = parse_spans::parse_out_of_bounds(&parsed, src.len());
    let actual: Vec<(String, u32)> = parsed.errors.iter().map(kind_and_line).collect();
    match &row.expect {
        Expect::Clean if !actual.is_empty() => {
            problems.push(format!("expected clean, parser reports {actual:?}"));
        }
        Expect::Errors(expected) if *expected != actual => {
            problems.push(format!("expected {expected:?}, parser reports {actual:?}"));
        }
        Expect::Symlink => {
            let target = String::from_utf8_lossy(src);
            let names_an_entry = !target.is_empty()
                && !target.contains(char::is_whitespace)
                && Path::new(&*target).is_relative()
                && corpus
                    .join(rel)
                    .parent()
                    .is_some_and(|dir| fs::symlink_metadata(dir.join(&*target)).is_ok());
            if !names_an_entry {
                problems.push(format!(
                    "a symlink row, but the file does not hold the relative path of an entry: {target:?}"
                ));
            }
        }
        _ => {}
    }
    problems
}

fn kind_and_line(error: &SyntaxError) -> (String, u32) {
    let kind = serde_json::to_value(error.kind).expect("kinds serialize");
    (
        kind.as_str().expect("a kind is a string").to_string(),
        error.httpd_line,
    )
}

/// The parser kind of a syntax-family loader finding, by rule name.
fn finding_kind(rule_name: &str) -> &str {
    match rule_name {
        "unclosed-section" => "unclosed",
        "mismatched-close-tag" => "mismatched-close",
        "unmatched-close-tag" => "unmatched-close",
        "close-tag-missing-angle" => "close-missing-angle",
        other => other,
    }
}

/// Syntax findings httpd would act on (not latent), as `kind@line`.
fn syntax_findings(config: &Config) -> Vec<String> {
    config
        .findings
        .iter()
        .filter(|f| f.rule.family == Family::Syntax && !f.latent)
        .map(|f| {
            let line = f.httpd.as_ref().map_or(0, |h| h.line);
            format!("{}@{line}", finding_kind(f.rule.name))
        })
        .collect()
}

/// The directory a lone file is loaded from.
const LONE_DIR: &str = "/srv/corpus";

/// Loads one file alone (as the root file, ServerRoot its directory), as
/// scripts/corpus_oracle.py runs apache2 on it.
fn load_alone(rel: &str, src: &[u8]) -> Config {
    let name = Path::new(rel).file_name().expect("a file name");
    let root_file = Path::new(LONE_DIR).join(name);
    let mem = MemBackend::new().file(&root_file, src);
    load(
        &Vfs::direct(Arc::new(mem)),
        &LoadOptions {
            server_root: Some(LONE_DIR.into()),
            pre_directives: oracle_modules(),
            ..LoadOptions::debian(root_file)
        },
    )
}

/// The `-C LoadModule` lines scripts/corpus_oracle.py gives apache2 in its
/// default run: Debian's stock modules and mod_macro.
fn oracle_modules() -> Vec<String> {
    apachelint::model::registry::debian_default_modules()
        .filter_map(|module| module.debian_load_line)
        .chain(["LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so"])
        .map(str::to_string)
        .collect()
}

/// The loader on a file apache2 read as it is (no neutralized line, one verdict
/// for both module sets, pass1-clean or a structural error) must agree with it.
fn loader_problems(rel: &str, src: &[u8], row: &Row) -> Vec<String> {
    let (runs, neutralized) = apache2_verdicts(&row.apache2);
    let [verdict] = runs.as_slice() else {
        return Vec::new();
    };
    let structural =
        kind_at(verdict).is_some_and(|(kind, _)| !matches!(kind.as_str(), "conditional" | "read"));
    if neutralized || !(*verdict == "pass1-clean" || structural) {
        return Vec::new();
    }
    let config = match catch_unwind(AssertUnwindSafe(|| load_alone(rel, src))) {
        Ok(config) => config,
        Err(_) => return vec!["the loader panicked on the file alone".to_string()],
    };
    let mut problems = config_spans::config_out_of_bounds(&config);
    let found = syntax_findings(&config);
    let agrees = match *verdict {
        "pass1-clean" => found.is_empty(),
        error => found.first().is_some_and(|f| f == error),
    };
    if !agrees {
        problems.push(format!(
            "loaded alone: apache2 says {verdict}, the loader's syntax findings are {found:?}"
        ));
    }
    problems
}

#[test]
fn every_corpus_file_parses_as_httpd_reads_it() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let rows = expectations();
    let files = corpus_files(&corpus);
    let mut failures = Vec::new();
    let (mut parsed, mut bytes, mut clean, mut with_errors, mut symlinks) = (0, 0, 0, 0, 0);
    for rel in &files {
        let Some(row) = rows.get(rel) else {
            failures.push(format!(
                "{rel}: no row in corpus-expectations.tsv (judge it with scripts/corpus_oracle.py verdicts)"
            ));
            continue;
        };
        let src = fs::read(corpus.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let mut problems: Vec<String> = columns_disagree(row).into_iter().collect();
        problems.extend(parse_problems(rel, &src, row, &corpus));
        problems.extend(loader_problems(rel, &src, row));
        for problem in problems {
            failures.push(format!(
                "{rel} (corpus-expectations.tsv:{}): {problem}",
                row.line
            ));
        }
        parsed += 1;
        bytes += src.len();
        match row.expect {
            Expect::Clean => clean += 1,
            Expect::Errors(_) => with_errors += 1,
            Expect::Symlink => symlinks += 1,
        }
    }
    for (path, row) in &rows {
        if files.binary_search(path).is_err() {
            failures.push(format!(
                "corpus-expectations.tsv:{}: {path} is not in the corpus",
                row.line
            ));
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "corpus: {parsed} files ({bytes} bytes) parsed: {clean} expected clean, \
         {with_errors} with expected errors, {symlinks} stored symlinks"
    );
    assert!(
        parsed >= 1000,
        "expected the corpus of about 1,375 files, found {parsed}"
    );
    assert!(
        failures.is_empty(),
        "{} corpus problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One row of `tests/corpus-trees.tsv`.
struct TreeRow {
    line: usize,
    tree: String,
    mounts: Vec<PathBuf>,
    root_file: PathBuf,
    server_root: PathBuf,
    defines: Vec<String>,
    min_files: usize,
    apache2: String,
}

fn tree_rows() -> Vec<TreeRow> {
    tsv_rows("corpus-trees.tsv")
        .into_iter()
        .map(|(line, fields)| {
            let [
                tree,
                mounts,
                root_file,
                server_root,
                defines,
                files,
                apache2,
            ] = <[String; 7]>::try_from(fields)
                .unwrap_or_else(|f| panic!("corpus-trees.tsv:{line}: 7 fields, not {f:?}"));
            TreeRow {
                line,
                tree,
                mounts: mounts.split(',').map(PathBuf::from).collect(),
                root_file: root_file.into(),
                server_root: server_root.into(),
                defines: match defines.as_str() {
                    "-" => Vec::new(),
                    list => list.split(',').map(str::to_string).collect(),
                },
                min_files: files
                    .parse()
                    .unwrap_or_else(|_| panic!("corpus-trees.tsv:{line}: files {files:?}")),
                apache2,
            }
        })
        .collect()
}

/// A corpus tree in memory at each of its mounts, stored symlinks restored.
fn mem_tree(corpus: &Path, row: &TreeRow, rows: &BTreeMap<String, Row>) -> MemBackend {
    let dir = corpus.join(&row.tree);
    let mut mem = MemBackend::new();
    for entry in walkdir::WalkDir::new(&dir).min_depth(1) {
        let entry = entry.unwrap_or_else(|e| panic!("walking {}: {e}", dir.display()));
        let rel = entry.path().strip_prefix(&dir).expect("inside the tree");
        let corpus_rel = format!("{}/{}", row.tree, rel.to_string_lossy());
        let entry_kind = if entry.file_type().is_dir() {
            MemEntry::Dir
        } else {
            let bytes = fs::read(entry.path()).unwrap_or_else(|e| panic!("{corpus_rel}: {e}"));
            match rows.get(&corpus_rel).map(|r| &r.expect) {
                Some(Expect::Symlink) => {
                    MemEntry::Symlink(PathBuf::from(String::from_utf8_lossy(&bytes).as_ref()))
                }
                _ => MemEntry::File(bytes),
            }
        };
        for mount in &row.mounts {
            mem.insert(mount.join(rel), entry_kind.clone());
        }
    }
    mem
}

/// A `recipe:` verification: every named recipe is made from this tree and its
/// golden verdict is Syntax OK.
fn recipe_problems(row: &TreeRow) -> Vec<String> {
    let Some(names) = row.apache2.strip_prefix("recipe:") else {
        return if row.apache2.starts_with("by-hand: ") {
            Vec::new()
        } else {
            vec![format!("apache2 column {:?}", row.apache2)]
        };
    };
    let trees = crate_dir().join("tests/differential/trees");
    let read_json = |path: PathBuf| -> Value {
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let mut problems = Vec::new();
    for name in names.split(',') {
        let recipe = read_json(trees.join(name).join("tree.json"));
        let verdict = read_json(trees.join(name).join("verdict.json"));
        if recipe["source"]["path"] != row.tree.as_str() {
            problems.push(format!(
                "recipe {name} is made from {}, not this tree",
                recipe["source"]["path"]
            ));
        }
        if verdict["ok"] != true {
            problems.push(format!("recipe {name}: httpd did not say Syntax OK"));
        }
    }
    problems
}

#[test]
fn every_corpus_tree_loads_without_syntax_findings() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let rows = expectations();
    let trees = tree_rows();
    assert!(trees.len() >= 10, "expected the corpus trees");
    let mut failures = Vec::new();
    let mut files_read = BTreeMap::new();
    for row in &trees {
        let mut problems = recipe_problems(row);
        let mem = mem_tree(&corpus, row, &rows);
        let mut options = LoadOptions {
            server_root: Some(row.server_root.clone()),
            ..LoadOptions::debian(row.root_file.clone())
        };
        options.profile.defines = row.defines.clone();
        match catch_unwind(AssertUnwindSafe(|| {
            load(&Vfs::direct(Arc::new(mem)), &options)
        })) {
            Err(_) => problems.push("the loader panicked".to_string()),
            Ok(config) => {
                problems.extend(config_spans::config_out_of_bounds(&config));
                let found = syntax_findings(&config);
                if !found.is_empty() {
                    problems.push(format!(
                        "syntax findings on a tree httpd accepts: {found:?}"
                    ));
                }
                if config.sources.len() < row.min_files {
                    problems.push(format!(
                        "read {} files, expected at least {}",
                        config.sources.len(),
                        row.min_files
                    ));
                }
                files_read.insert(row.line, config.sources.len());
            }
        }
        for problem in problems {
            failures.push(format!(
                "{} (corpus-trees.tsv:{}): {problem}",
                row.tree, row.line
            ));
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "corpus trees: {} loaded, files read per row: {files_read:?}",
        trees.len()
    );
    assert!(
        failures.is_empty(),
        "{} corpus tree problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
