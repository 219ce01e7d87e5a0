//! Rule fixtures: `tests/rules/<CODE>/<case>.conf`, one directory per rule
//! code. A case whose name starts with `fires` must produce findings of that
//! code exactly where its caret lines say; a case starting with `passes` must
//! produce none of that code. Every rule has at least one of each (checked
//! by `every_rule_has_fixtures_both_ways`).
//!
//! # Fixture format
//!
//! A fixture is one or more files in one text, each starting with a header
//! line `#- /absolute/path` (without a header the text is
//! `/etc/apache2/apache2.conf`; the first file is the root file). `#- /path
//! -> target` makes a symlink. The root is loaded with Debian's profile,
//! ServerRoot `/etc/apache2`, from memory.
//!
//! Expectations are comment lines (valid config) under the line they point
//! at:
//!
//! ```text
//! ServerName shop.example # main
//! #                       ^ AL104
//! ```
//!
//! The carets give the columns of the finding's primary span on the nearest
//! line above that is not itself an expectation; when the first caret
//! follows the `#` directly, the `#` counts as a caret too, so `#^^^` marks
//! columns 1–4. `^ AL104 latent` expects a
//! latent finding. Directive lines start the file: `#! -D NAME` adds a
//! define, `#! env NAME=VALUE` sets a variable, `#! file PATH SIZE` declares
//! a target file of SIZE bytes (for checks of certificates and log
//! directories; the fixture's own files are target files too), `#! dir
//! PATH` an empty directory, `#! pem PATH NAME` a target file holding
//! `tests/pki/NAME` (certificates and keys), `#! files-unknown` makes every
//! target file unknown (a checkout without them), `#! checkout` makes the
//! files a checkout of the configuration (repository mode) rather than the
//! target.
//! The modules of Debian's stock configuration are loaded first (as `-C`
//! LoadModule lines) unless the fixture says `#! bare`.
//!
//! A change fixture has two halves: the lines after `#= baseline` are the
//! known-good tree, the lines after `#= candidate` the candidate (with the
//! expectations); the check compares the two.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use apachelint::finding::Finding;
use apachelint::load::facts::VfsFacts;
use apachelint::load::provider::MemBackend;
use apachelint::load::vfs::{Mount, Vfs};
use apachelint::load::{LoadOptions, Profile, load};
use apachelint::rules::context::{NoFacts, TargetFacts};
use apachelint::rules::registry::{ALL, RULES};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

/// An expected finding: file, line, column range, code, latent.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Expected {
    file: String,
    line: usize,
    columns: (usize, usize),
    code: String,
    latent: bool,
}

struct Fixture {
    mem: MemBackend,
    defines: Vec<String>,
    env: BTreeMap<String, String>,
    /// `#! files-unknown`: the target's files cannot be seen.
    files_unknown: bool,
    /// `#! checkout`: the files are a checkout of the configuration
    /// (repository mode), not the target itself.
    checkout: bool,
    expected: Vec<Expected>,
    root: String,
    bare: bool,
}

fn parse_fixture(text: &str) -> Fixture {
    let mut mem = MemBackend::new();
    let mut defines = Vec::new();
    let mut env = BTreeMap::new();
    let mut files_unknown = false;
    let mut checkout = false;
    let mut expected = Vec::new();
    let mut bare = false;
    let mut files: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String, usize)> = None;
    let mut last_content_line: usize = 0;
    for raw in text.lines() {
        if let Some(directive) = raw.strip_prefix("#! ") {
            let mut words = directive.split_whitespace();
            match words.next() {
                Some("-D") => defines.extend(words.map(str::to_string)),
                Some("env") => {
                    let (k, v) = words
                        .next()
                        .and_then(|w| w.split_once('='))
                        .expect("env K=V");
                    env.insert(k.to_string(), v.to_string());
                }
                Some("file") => {
                    let path = words.next().expect("file PATH SIZE").to_string();
                    let size: usize = words.next().map_or(1, |s| s.parse().expect("size"));
                    mem = mem.file(path, "x".repeat(size));
                }
                Some("dir") => mem = mem.dir(words.next().expect("dir PATH")),
                Some("pem") => {
                    let path = words.next().expect("pem PATH NAME");
                    let name = words.next().expect("pem PATH NAME");
                    let pki = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pki");
                    mem = mem.file(path, fs::read(pki.join(name)).expect("tests/pki file"));
                }
                Some("files-unknown") => files_unknown = true,
                Some("checkout") => checkout = true,
                Some("bare") => bare = true,
                other => panic!("unknown fixture directive {other:?}"),
            }
            continue;
        }
        if let Some(header) = raw.strip_prefix("#- ") {
            if let Some((path, body, _)) = current.take() {
                files.push((path, body));
            }
            match header.split_once(" -> ") {
                Some((link, target)) => mem = mem.symlink(link.trim(), target.trim()),
                None => current = Some((header.trim().to_string(), String::new(), 0)),
            }
            continue;
        }
        let cur = current
            .get_or_insert_with(|| ("/etc/apache2/apache2.conf".to_string(), String::new(), 0));
        cur.2 += 1;
        let line_no = cur.2;
        let trimmed = raw.trim_start();
        if let Some(rest) = trimmed.strip_prefix('#')
            && rest.trim_start().starts_with('^')
        {
            // `#^^^` marks from the `#` itself (so a span can start in
            // column 1); `#  ^^^` marks from the first caret.
            let hash = raw.find('#').expect("hash");
            let first = raw.find('^').expect("caret");
            let start = if first == hash + 1 { hash } else { first };
            let end = raw.rfind('^').expect("caret") + 1;
            let after: Vec<&str> = raw[end..].split_whitespace().collect();
            let code = after.first().expect("code after carets").to_string();
            expected.push(Expected {
                file: cur.0.clone(),
                line: last_content_line,
                columns: (start + 1, end + 1),
                code,
                latent: after.get(1) == Some(&"latent"),
            });
        } else {
            last_content_line = line_no;
        }
        cur.1.push_str(raw);
        cur.1.push('\n');
    }
    if let Some((path, body, _)) = current.take() {
        files.push((path, body));
    }
    let root = files.first().map(|f| f.0.clone()).expect("a file");
    for (path, body) in files {
        mem = mem.file(path, body);
    }
    Fixture {
        mem,
        defines,
        env,
        files_unknown,
        checkout,
        expected,
        root,
        bare,
    }
}

/// LoadModule lines for the modules Debian's stock configuration loads.
fn stock_modules() -> Vec<String> {
    apachelint::model::registry::debian_default_modules()
        .filter_map(|m| m.debian_load_line)
        .map(str::to_string)
        .collect()
}

fn load_fixture(fixture: &Fixture, vfs: &Vfs) -> apachelint::load::tree::Config {
    let mut profile = Profile::debian();
    profile.defines = fixture.defines.clone();
    profile.env.extend(fixture.env.clone());
    load(
        vfs,
        &LoadOptions {
            profile,
            root_file: fixture.root.clone().into(),
            server_root: None,
            pre_directives: if fixture.bare {
                Vec::new()
            } else {
                stock_modules()
            },
            post_directives: Vec::new(),
        },
    )
}

/// Runs a fixture text: a plain one, or a change fixture with a baseline.
fn run(text: &str) -> (Vec<Finding>, apachelint::source::SourceSet, Fixture) {
    let (baseline_text, candidate_text) = match text.split_once("#= candidate\n") {
        Some((before, after)) => (
            Some(
                before
                    .split_once("#= baseline\n")
                    .map_or(before, |(_, b)| b),
            ),
            after,
        ),
        None => (None, text),
    };
    let fixture = parse_fixture(candidate_text);
    let vfs = Vfs::direct(Arc::new(fixture.mem.clone()));
    let config = load_fixture(&fixture, &vfs);
    let baseline = baseline_text.map(|t| {
        let f = parse_fixture(t);
        load_fixture(&f, &Vfs::direct(Arc::new(f.mem.clone())))
    });
    // A checkout maps `/` to the fixture's files: the same files, seen as a
    // repository.
    let checkout_vfs = Vfs::confined(
        Arc::new(fixture.mem.clone()),
        vec![Mount {
            config: "/".into(),
            backend: "/".into(),
        }],
    );
    let facts = VfsFacts {
        vfs: if fixture.checkout {
            &checkout_vfs
        } else {
            &vfs
        },
        server_root: "/etc/apache2".into(),
        assume_files_exist: false,
    };
    let facts: &dyn TargetFacts = if fixture.files_unknown {
        &NoFacts
    } else {
        &facts
    };
    let checked = apachelint::check::check_change(&config, baseline.as_ref(), facts);
    (checked.findings, checked.sources, fixture)
}

fn actual_of(
    code: &str,
    findings: &[Finding],
    sources: &apachelint::source::SourceSet,
) -> Vec<Expected> {
    let mut out: Vec<Expected> = findings
        .iter()
        .filter(|f| f.rule.code == code)
        .map(|f| {
            let file = sources.get(f.primary.file);
            let start = file.line_col(f.primary.range.start());
            let end = file.line_col(f.primary.range.end());
            let end_col = if end.line == start.line {
                end.column
            } else {
                start.column + 1
            };
            Expected {
                file: file.config_path.display().to_string(),
                line: start.line,
                columns: (start.column, end_col.max(start.column + 1)),
                code: f.rule.code.to_string(),
                latent: f.latent,
            }
        })
        .collect();
    out.sort();
    out
}

#[test]
fn rule_fixtures() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for dir in fs::read_dir(fixtures_dir()).expect("tests/rules") {
        let dir = dir.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        let code = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("rule dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "conf"))
            .collect();
        entries.sort();
        for path in entries {
            cases += 1;
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = fs::read_to_string(&path).expect("fixture");
            let (findings, sources, fixture) = run(&text);
            let actual = actual_of(&code, &findings, &sources);
            let mut expected: Vec<Expected> = fixture
                .expected
                .iter()
                .filter(|e| e.code == code)
                .cloned()
                .collect();
            expected.sort();
            if name.starts_with("fires") && expected.is_empty() {
                failures.push(format!(
                    "{code}/{name}: a `fires` case needs caret expectations"
                ));
            }
            if name.starts_with("passes") && !expected.is_empty() {
                failures.push(format!("{code}/{name}: a `passes` case has expectations"));
            }
            if actual != expected {
                let all: Vec<String> = findings
                    .iter()
                    .map(|f| {
                        let file = sources.get(f.primary.file);
                        let p = file.line_col(f.primary.range.start());
                        format!(
                            "  {}:{}:{} {} {}",
                            file.config_path.display(),
                            p.line,
                            p.column,
                            f.rule.code,
                            f.message
                        )
                    })
                    .collect();
                failures.push(format!(
                    "{code}/{name}:\n expected {expected:?}\n actual   {actual:?}\n all findings:\n{}",
                    all.join("\n")
                ));
            }
        }
    }
    assert!(cases > 0, "no rule fixtures found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every rule that runs over a configuration has a firing and a passing
/// fixture; every fixture directory names a known rule.
#[test]
fn every_rule_has_fixtures_both_ways() {
    let mut missing = Vec::new();
    for rule in RULES {
        let code = rule.meta().code;
        let dir = fixtures_dir().join(code);
        let names: Vec<String> = fs::read_dir(&dir)
            .map(|it| {
                it.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        for prefix in ["fires", "passes"] {
            if !names.iter().any(|n| n.starts_with(prefix)) {
                missing.push(format!(
                    "{code} ({}): no `{prefix}…` fixture",
                    rule.meta().name
                ));
            }
        }
    }
    for dir in fs::read_dir(fixtures_dir()).expect("tests/rules") {
        let name = dir
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .to_string();
        if name.starts_with("AL") {
            assert!(
                ALL.iter().any(|r| r.code == name),
                "fixture dir {name} names no rule"
            );
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
