//! The mutation suite: apachelint's `check` against real apache2's `-t`
//! verdicts on several hundred one-edit variants of the recorded trees.
//!
//! Each case in `tests/mutations/cases/<category>/<NNN-slug>.json` is one small
//! edit to one file of one tree recipe (`tests/differential/trees/`), written by
//! `scripts/gen_mutations.py`; its `httpd` field is apache2 2.4.71's verdict on
//! the edited tree, recorded by `scripts/httpd_oracle.py record --select
//! mutations` (and re-checked live by `verify`). See `tests/mutations/README.md`.
//!
//! For every case this test materialises the tree (`support::trees`, once per
//! tree: each edit is undone after its run), applies the edit and runs
//!
//! ```text
//! apachelint check <root file> --server-root <dir> [-D NAME]... [-C DIRECTIVE]...
//!            [--env K=V]... --format json --fail-on error --no-baseline
//! ```
//!
//! with the recipe's defines, pre-directives and environment (as apache2 ran).
//! Then, per case:
//!
//! - apachelint **rejects** when it reports a finding of severity `error` that
//!   is not `latent` and not a start-up failure (stage `startup`: `-t` passes
//!   those by definition), or exits 2 (could not check);
//! - for a case httpd rejects at a file and line, apachelint **names httpd's
//!   first location** when one such finding's `httpd` echo (or, without an
//!   echo, its own `config_path`/`file` and `line`) is httpd's `first_error`
//!   file and line, paths compared with the tree's temp dir written `<ROOT>`.
//!
//! It prints a per-category table (and, with `UPDATE_RESULTS=1`, writes it with
//! every disagreement to `tests/mutations/RESULTS.md`), then asserts the
//! targets of issue 4: apachelint rejects ≥ 99 % of the cases httpd rejects,
//! reports no error on ≥ 99 % of the cases httpd accepts, and names httpd's
//! first file:line for ≥ 95 % of the rejections that have one.
//!
//! Environment: `MUTATION_JOBS` (worker threads; default: the CPUs),
//! `MUTATION_ONLY` (comma-separated categories or `<category>/<stem>`s; the
//! targets are then reported but not asserted), `UPDATE_RESULTS=1`.

#[allow(dead_code)]
mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;
use support::trees::{Recipe, Tree, shared_or_skip};

const REJECT_TARGET: f64 = 0.99;
const ACCEPT_TARGET: f64 = 0.99;
const LOCATION_TARGET: f64 = 0.95;
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mutations/cases")
}

fn results_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mutations/RESULTS.md")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    tree: String,
    category: String,
    description: String,
    file: String,
    edit: Edit,
    httpd: Option<Verdict>,
}

/// The edit ops of `scripts/httpd_oracle.py` (`edited_bytes`), byte for byte.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
enum Edit {
    /// Physical line `line` must be exactly `old`; it becomes `new`.
    Replace {
        line: usize,
        old: String,
        new: String,
    },
    /// Physical line `line` must be exactly `old`; it is removed.
    DeleteLine { line: usize, old: String },
    /// `text` and a LF after physical line `line` (0: at the top).
    InsertAfterLine { line: usize, text: String },
    /// `text` at the end (after a LF if the file lacks one), then a LF unless
    /// `final_newline` is false; creates the file if needed.
    Append {
        text: String,
        #[serde(default = "yes")]
        final_newline: bool,
    },
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Verdict {
    #[allow(dead_code)]
    exit: Option<i32>,
    ok: bool,
    first_error: Option<FirstError>,
    #[allow(dead_code)]
    warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FirstError {
    file: Option<String>,
    line: Option<u64>,
    message: String,
    phase: String,
}

/// A case file, with its id `<category>/<stem>`.
struct Loaded {
    id: String,
    case: Case,
}

fn load_cases() -> Vec<Loaded> {
    let only: Vec<String> = std::env::var("MUTATION_ONLY")
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut categories: Vec<PathBuf> = fs::read_dir(cases_dir())
        .expect("tests/mutations/cases exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_dir())
        .collect();
    categories.sort();
    for dir in categories {
        let category = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("readable category")
            .map(|e| e.expect("readable").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for path in files {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let id = format!("{category}/{stem}");
            if !only.is_empty() && !only.iter().any(|o| *o == category || *o == id) {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{id}: {e}"));
            let case: Case =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{id}: bad case: {e}"));
            assert_eq!(case.category, category, "{id}: category field");
            assert!(!case.description.is_empty(), "{id}: no description");
            assert!(
                case.httpd.is_some(),
                "{id}: no recorded httpd verdict (run `python3 scripts/httpd_oracle.py record --select mutations`)"
            );
            out.push(Loaded { id, case });
        }
    }
    out
}

// --------------------------------------------------------------------------- edits

fn split_lines(data: &[u8]) -> (Vec<Vec<u8>>, bool) {
    let ends = data.ends_with(b"\n");
    let mut lines: Vec<Vec<u8>> = data.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    if ends {
        lines.pop();
    }
    (lines, ends)
}

/// The file's bytes after the edit (`original` is `None` for a new file).
fn edited_bytes(
    original: Option<&[u8]>,
    edit: &Edit,
    expand: impl Fn(&str) -> String,
) -> Result<Vec<u8>, String> {
    if let Edit::Append {
        text,
        final_newline,
    } = edit
    {
        let mut data = original.unwrap_or_default().to_vec();
        if !data.is_empty() && !data.ends_with(b"\n") {
            data.push(b'\n');
        }
        data.extend_from_slice(expand(text).as_bytes());
        if *final_newline {
            data.push(b'\n');
        }
        return Ok(data);
    }
    let original = original.ok_or("the file does not exist")?;
    let (mut lines, ends) = split_lines(original);
    let check_old = |lines: &[Vec<u8>], n: usize, old: &str| -> Result<(), String> {
        if n < 1 || n > lines.len() {
            return Err(format!("line {n}: the file has {} lines", lines.len()));
        }
        let old = expand(old);
        if lines[n - 1] != old.as_bytes() {
            return Err(format!(
                "line {n} is {:?}, the case expects {old:?}",
                String::from_utf8_lossy(&lines[n - 1])
            ));
        }
        Ok(())
    };
    match edit {
        Edit::Replace { line, old, new } => {
            check_old(&lines, *line, old)?;
            lines[line - 1] = expand(new).into_bytes();
        }
        Edit::DeleteLine { line, old } => {
            check_old(&lines, *line, old)?;
            lines.remove(line - 1);
        }
        Edit::InsertAfterLine { line, text } => {
            if *line > lines.len() {
                return Err(format!("line {line}: the file has {} lines", lines.len()));
            }
            lines.insert(*line, expand(text).into_bytes());
        }
        Edit::Append { .. } => unreachable!(),
    }
    let mut out = lines.join(&b"\n"[..]);
    if ends && !lines.is_empty() {
        out.push(b'\n');
    }
    Ok(out)
}

/// An edit applied to a materialised tree; `undo` restores it.
struct Applied {
    path: PathBuf,
    original: Option<Vec<u8>>,
    made_dirs: Vec<PathBuf>,
}

impl Applied {
    fn apply(tree: &Tree, case: &Case) -> Result<Applied, String> {
        let path = tree.root.join(&case.file);
        let original = if path.exists() {
            Some(fs::read(&path).map_err(|e| e.to_string())?)
        } else if path.is_symlink() {
            return Err(format!("{} is a dangling symlink", case.file));
        } else {
            None
        };
        let data = edited_bytes(original.as_deref(), &case.edit, |t| tree.expand(t))?;
        let mut made_dirs = Vec::new();
        let mut parent = path.parent().map(Path::to_path_buf);
        while let Some(dir) = parent {
            if dir.exists() {
                break;
            }
            made_dirs.push(dir.clone());
            parent = dir.parent().map(Path::to_path_buf);
        }
        for dir in made_dirs.iter().rev() {
            fs::create_dir(dir).map_err(|e| e.to_string())?;
        }
        fs::write(&path, data).map_err(|e| e.to_string())?;
        Ok(Applied {
            path,
            original,
            made_dirs,
        })
    }

    fn undo(self) {
        match &self.original {
            Some(bytes) => fs::write(&self.path, bytes).expect("restore the edited file"),
            None => fs::remove_file(&self.path).expect("remove the created file"),
        }
        for dir in &self.made_dirs {
            fs::remove_dir(dir).expect("remove a created dir");
        }
    }
}

// --------------------------------------------------------------------------- running

/// A file (temp paths written `<ROOT>`) and line.
type Location = (String, u64);

/// What apachelint said about one case.
#[derive(Debug, Default)]
struct Outcome {
    exit: Option<i32>,
    /// Non-latent error findings: (code, message, location it claims for httpd).
    errors: Vec<(String, String, Option<Location>)>,
    /// Summary of the other findings (warnings, latent errors).
    others: usize,
    /// Set when the output could not be read.
    broken: Option<String>,
}

impl Outcome {
    fn rejects(&self) -> bool {
        self.exit == Some(2) || !self.errors.is_empty() || self.broken.is_some()
    }
}

fn apachelint() -> &'static str {
    env!("CARGO_BIN_EXE_apachelint")
}

/// Fails clearly when the binary has no `check` command (before issue 4's
/// command landed, every run would exit 2 and count as a rejection).
fn require_check_command() {
    let out = Command::new(apachelint())
        .args(["check", "--help"])
        .output()
        .expect("run apachelint");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && help.contains("--format") && help.contains("--fail-on"),
        "apachelint has no `check` command with --format/--fail-on yet, so the mutation \
         suite cannot score it (`apachelint check --help` exited {:?}: {})",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
}

fn run_check(tree: &Tree) -> Outcome {
    let mut cmd = Command::new(apachelint());
    cmd.arg("check")
        .arg(tree.root_file())
        .arg("--server-root")
        .arg(tree.server_root());
    for name in &tree.recipe.defines {
        cmd.arg("-D").arg(name);
    }
    for directive in tree.pre_directives() {
        cmd.arg("-C").arg(directive);
    }
    for (key, value) in tree.env() {
        cmd.arg("--env").arg(format!("{key}={value}"));
    }
    cmd.args(["--format", "json", "--fail-on", "error", "--no-baseline"]);
    cmd.current_dir(tree.root.parent().expect("tree root has a parent"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn apachelint");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for apachelint") {
            break Some(status);
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out_reader.join().expect("stdout reader");
    let stderr = err_reader.join().expect("stderr reader");
    let mut outcome = Outcome {
        exit: status.and_then(|s| s.code()),
        ..Outcome::default()
    };
    if status.is_none() {
        outcome.broken = Some(format!("timed out after {}s", RUN_TIMEOUT.as_secs()));
        return outcome;
    }
    let report: Value = match serde_json::from_slice(&stdout) {
        Ok(v) => v,
        Err(e) => {
            if outcome.exit != Some(2) {
                outcome.broken = Some(format!(
                    "exit {:?}, no JSON report ({e}); stderr: {}",
                    outcome.exit,
                    tree.normalise(String::from_utf8_lossy(&stderr).trim())
                ));
            }
            return outcome;
        }
    };
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    for f in &findings {
        // A start-up failure is one `-t` does not see: not a `-t` verdict.
        let error = f["severity"] == "error" && f["latent"] != true && f["stage"] != "startup";
        if !error {
            outcome.others += 1;
            continue;
        }
        let location = match &f["httpd"] {
            Value::Object(h) => echo_location(tree, &Value::Object(h.clone())),
            _ => own_location(tree, f),
        };
        outcome.errors.push((
            f["code"].as_str().unwrap_or("?").to_string(),
            tree.normalise(f["message"].as_str().unwrap_or("")),
            location,
        ));
    }
    outcome
}

fn echo_location(tree: &Tree, echo: &Value) -> Option<Location> {
    let file = echo["file"].as_str()?;
    let line = echo["line"].as_u64()?;
    Some((tree.normalise(file), line))
}

fn own_location(tree: &Tree, finding: &Value) -> Option<Location> {
    let line = finding["line"].as_u64()?;
    let path = finding["config_path"]
        .as_str()
        .or_else(|| finding["file"].as_str())?;
    let path = Path::new(path);
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        tree.root
            .parent()
            .expect("tree root has a parent")
            .join(path)
    };
    Some((tree.normalise(&absolute.to_string_lossy()), line))
}

// --------------------------------------------------------------------------- scoring

/// One case's result.
struct Scored {
    id: String,
    category: String,
    description: String,
    httpd_rejects: bool,
    httpd_first: Option<Location>,
    httpd_message: String,
    outcome: Outcome,
    location_named: bool,
}

fn score(loaded: &Loaded, outcome: Outcome) -> Scored {
    let verdict = loaded.case.httpd.as_ref().expect("recorded verdict");
    let httpd_first = verdict
        .first_error
        .as_ref()
        .and_then(|e| Some((e.file.clone()?, e.line?)));
    let location_named = httpd_first.as_ref().is_some_and(|first| {
        outcome
            .errors
            .iter()
            .any(|(_, _, loc)| loc.as_ref() == Some(first))
    });
    Scored {
        id: loaded.id.clone(),
        category: loaded.case.category.clone(),
        description: loaded.case.description.clone(),
        httpd_rejects: !verdict.ok,
        httpd_first,
        httpd_message: verdict
            .first_error
            .as_ref()
            .map(|e| format!("[{}] {}", e.phase, e.message))
            .unwrap_or_default(),
        outcome,
        location_named,
    }
}

#[derive(Default, Clone, Copy)]
struct Row {
    cases: usize,
    httpd_rejects: usize,
    caught: usize,
    accepted: usize,
    false_errors: usize,
    with_location: usize,
    located: usize,
}

impl Row {
    fn add(&mut self, s: &Scored) {
        self.cases += 1;
        if s.httpd_rejects {
            self.httpd_rejects += 1;
            if s.outcome.rejects() {
                self.caught += 1;
            }
            if s.httpd_first.is_some() {
                self.with_location += 1;
                if s.location_named {
                    self.located += 1;
                }
            }
        } else {
            self.accepted += 1;
            if s.outcome.rejects() {
                self.false_errors += 1;
            }
        }
    }
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "–".to_string()
    } else {
        format!("{:.1} %", 100.0 * n as f64 / d as f64)
    }
}

fn table(rows: &BTreeMap<String, Row>, total: &Row) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "| category | cases | httpd rejects | apachelint rejects of those | false errors on accepted | httpd's first file:line named |"
    );
    let _ = writeln!(t, "|---|---:|---:|---:|---:|---:|");
    let line = |t: &mut String, name: &str, r: &Row| {
        let _ = writeln!(
            t,
            "| {name} | {} | {} | {}/{} ({}) | {}/{} ({}) | {}/{} ({}) |",
            r.cases,
            r.httpd_rejects,
            r.caught,
            r.httpd_rejects,
            pct(r.caught, r.httpd_rejects),
            r.false_errors,
            r.accepted,
            pct(r.false_errors, r.accepted),
            r.located,
            r.with_location,
            pct(r.located, r.with_location),
        );
    };
    for (name, row) in rows {
        line(&mut t, name, row);
    }
    line(&mut t, "**total**", total);
    t
}

fn describe_outcome(o: &Outcome) -> String {
    if let Some(b) = &o.broken {
        return format!("broken: {b}");
    }
    let mut parts: Vec<String> = o
        .errors
        .iter()
        .take(3)
        .map(|(code, msg, loc)| {
            let at = loc
                .as_ref()
                .map(|(f, l)| format!(" @ {f}:{l}"))
                .unwrap_or_default();
            format!("{code} {}{at}", truncate(msg, 140))
        })
        .collect();
    if o.errors.len() > 3 {
        parts.push(format!("… {} more", o.errors.len() - 3));
    }
    if parts.is_empty() {
        parts.push(format!(
            "no error (exit {:?}, {} other findings)",
            o.exit, o.others
        ));
    } else if o.exit == Some(2) {
        parts.push("exit 2".to_string());
    }
    parts.join("; ")
}

fn truncate(s: &str, n: usize) -> String {
    let one_line = s.replace('\n', "\\n");
    if one_line.chars().count() <= n {
        one_line
    } else {
        format!("{}…", one_line.chars().take(n).collect::<String>())
    }
}

/// A message with its particulars blanked (quoted words, numbers, paths), so
/// that cases failing for the same reason group together.
fn cause_key(message: &str) -> String {
    let mut out = String::new();
    let mut chars = message.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        let after_word = prev.is_alphanumeric();
        prev = c;
        match c {
            '\'' | '"' | '`' if !after_word => {
                let close = if c == '`' { '\'' } else { c };
                let mut inner = String::new();
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == close {
                        closed = true;
                        break;
                    }
                    inner.push(d);
                }
                out.push(c);
                out.push('…');
                if closed {
                    out.push(close);
                }
            }
            '0'..='9' => {
                while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                    chars.next();
                }
                out.push('N');
            }
            '<' if chars.clone().take(5).collect::<String>() == "ROOT>" => {
                // <ROOT>/a/b.conf
                while chars
                    .peek()
                    .is_some_and(|d| !d.is_whitespace() && *d != ':')
                {
                    chars.next();
                }
                out.push_str("<path>");
            }
            _ => out.push(c),
        }
    }
    let first_line = out.split("\\n").next().unwrap_or("").to_string();
    truncate(&first_line, 110)
}

fn disagreements(scored: &[Scored]) -> String {
    let mut t = String::new();
    type Pred = Box<dyn Fn(&Scored) -> bool>;
    type Key = Box<dyn Fn(&Scored) -> String>;
    let httpd_key: fn(&Scored) -> String = |s| {
        let phase = s
            .httpd_message
            .split(']')
            .next()
            .unwrap_or("")
            .trim_start_matches('[');
        let msg = s.httpd_message.split_once("] ").map_or("", |(_, m)| m);
        format!("[{phase}] {}", cause_key(msg))
    };
    let sections: [(&str, &str, Pred, Key); 3] = [
        (
            "httpd rejects, apachelint does not",
            "grouped by httpd's message",
            Box::new(|s: &Scored| s.httpd_rejects && !s.outcome.rejects()),
            Box::new(httpd_key),
        ),
        (
            "httpd accepts, apachelint reports an error",
            "grouped by apachelint's first error",
            Box::new(|s: &Scored| !s.httpd_rejects && s.outcome.rejects()),
            Box::new(
                |s: &Scored| match (&s.outcome.broken, s.outcome.errors.first()) {
                    (Some(b), _) => format!("broken: {}", cause_key(b)),
                    (None, Some((code, msg, _))) => format!("{code} {}", cause_key(msg)),
                    (None, None) => format!("exit {:?} without findings", s.outcome.exit),
                },
            ),
        ),
        (
            "both reject, but apachelint does not name httpd's first file:line",
            "grouped by httpd's message",
            Box::new(|s: &Scored| {
                s.httpd_rejects
                    && s.outcome.rejects()
                    && s.httpd_first.is_some()
                    && !s.location_named
            }),
            Box::new(httpd_key),
        ),
    ];
    for (title, how, pred, key) in sections {
        let mut groups: BTreeMap<String, Vec<&Scored>> = BTreeMap::new();
        let mut count = 0;
        for s in scored.iter().filter(|s| pred(s)) {
            groups.entry(key(s)).or_default().push(s);
            count += 1;
        }
        let _ = writeln!(t, "\n### {title} ({count}, {how})\n");
        let mut groups: Vec<(String, Vec<&Scored>)> = groups.into_iter().collect();
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        for (key, hits) in groups {
            let _ = writeln!(t, "- **{}** ({})", key.replace('*', "\\*"), hits.len());
            for s in hits {
                let first = s
                    .httpd_first
                    .as_ref()
                    .map(|(f, l)| format!(" @ {f}:{l}"))
                    .unwrap_or_default();
                let _ = writeln!(t, "  - `{}`: {}", s.id, s.description);
                if s.httpd_rejects {
                    let _ = writeln!(t, "    - httpd: {}{first}", truncate(&s.httpd_message, 200));
                } else {
                    let _ = writeln!(t, "    - httpd: Syntax OK");
                }
                let _ = writeln!(t, "    - apachelint: {}", describe_outcome(&s.outcome));
            }
        }
    }
    t
}

// --------------------------------------------------------------------------- the test

#[test]
fn mutations_match_httpd() {
    let started = Instant::now();
    let cases = load_cases();
    assert!(
        !cases.is_empty(),
        "no mutation cases (MUTATION_ONLY filters them all out?)"
    );
    require_check_command();

    // Cases grouped by tree; trees whose source is missing are skipped (CI fails).
    let mut by_tree: BTreeMap<String, Vec<&Loaded>> = BTreeMap::new();
    for loaded in &cases {
        by_tree
            .entry(loaded.case.tree.clone())
            .or_default()
            .push(loaded);
    }
    let mut work = Vec::new();
    let mut skipped = 0;
    for (name, group) in by_tree {
        let recipe = Recipe::load(&name);
        let shared = if recipe.needs_shared() {
            match shared_or_skip(&format!("mutations of tree {name}"), recipe.needs_python()) {
                Some(dir) => Some(dir),
                None => {
                    skipped += group.len();
                    continue;
                }
            }
        } else {
            None
        };
        work.push((name, recipe, shared, group));
    }
    // Largest groups first, so that the workers finish together.
    work.sort_by_key(|(_, _, _, group)| std::cmp::Reverse(group.len()));

    let jobs = std::env::var("MUTATION_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let queue = Mutex::new(work);
    let results = Mutex::new(Vec::new());
    let problems = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let Some((name, recipe, shared, group)) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let tree = Tree::materialise(&name, recipe, shared.as_deref());
                    for loaded in group {
                        let applied = match Applied::apply(&tree, &loaded.case) {
                            Ok(a) => a,
                            Err(e) => {
                                problems
                                    .lock()
                                    .unwrap()
                                    .push(format!("{}: the edit does not apply: {e}", loaded.id));
                                continue;
                            }
                        };
                        let outcome = run_check(&tree);
                        applied.undo();
                        results.lock().unwrap().push(score(loaded, outcome));
                    }
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let mut scored = results.into_inner().unwrap();
    scored.sort_by(|a, b| a.id.cmp(&b.id));

    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut total = Row::default();
    for s in &scored {
        rows.entry(s.category.clone()).or_default().add(s);
        total.add(s);
    }
    let table = table(&rows, &total);
    let broken: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.outcome.broken.is_some())
        .collect();
    let elapsed = started.elapsed().as_secs_f64();
    let mut report = format!(
        "mutation suite: {} cases ({} skipped), {jobs} jobs, {elapsed:.1}s\n\n{table}",
        scored.len(),
        skipped
    );
    if !broken.is_empty() {
        let _ = writeln!(
            report,
            "\n{} runs without a readable report (counted as rejections): {}",
            broken.len(),
            broken
                .iter()
                .map(|s| s.id.as_str())
                .take(10)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // Written to the stderr handle, not with eprintln!, so that the test
    // harness does not capture it.
    let _ = writeln!(std::io::stderr(), "\n{report}");

    if std::env::var("UPDATE_RESULTS").is_ok_and(|v| v == "1") {
        let doc = format!(
            "# Mutation suite results\n\n\
             Written by `UPDATE_RESULTS=1 cargo test --test mutations` (see `tests/mutations.rs`\n\
             and `tests/mutations/README.md`). apachelint `check` against apache2 2.4.71's\n\
             `-t` verdicts on {} one-edit mutations of the recorded trees.\n\n\
             Targets: apachelint rejects ≥ {:.0} % of the cases httpd rejects, reports no error on\n\
             ≥ {:.0} % of the cases httpd accepts, and names httpd's first file:line for ≥ {:.0} %\n\
             of the rejections that have one.\n\n{table}\n## Disagreements\n{}",
            scored.len(),
            REJECT_TARGET * 100.0,
            ACCEPT_TARGET * 100.0,
            LOCATION_TARGET * 100.0,
            disagreements(&scored)
        );
        fs::write(results_path(), doc).expect("write tests/mutations/RESULTS.md");
        let _ = writeln!(std::io::stderr(), "wrote {}", results_path().display());
    }

    if std::env::var("MUTATION_ONLY").is_ok_and(|v| !v.is_empty()) {
        let _ = writeln!(
            std::io::stderr(),
            "MUTATION_ONLY is set: targets not asserted"
        );
        return;
    }
    let ratio = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    let rejected = ratio(total.caught, total.httpd_rejects);
    let clean = 1.0 - ratio(total.false_errors, total.accepted.max(1));
    let located = ratio(total.located, total.with_location);
    let mut failures = Vec::new();
    if rejected < REJECT_TARGET {
        failures.push(format!(
            "apachelint rejects {}/{} ({}) of the cases httpd rejects; the target is {:.0} %",
            total.caught,
            total.httpd_rejects,
            pct(total.caught, total.httpd_rejects),
            REJECT_TARGET * 100.0
        ));
    }
    if clean < ACCEPT_TARGET {
        failures.push(format!(
            "apachelint reports errors on {}/{} ({}) of the cases httpd accepts; the target is at most {:.0} %",
            total.false_errors,
            total.accepted,
            pct(total.false_errors, total.accepted),
            (1.0 - ACCEPT_TARGET) * 100.0
        ));
    }
    if located < LOCATION_TARGET {
        failures.push(format!(
            "apachelint names httpd's first file:line for {}/{} ({}) of the rejections; the target is {:.0} %",
            total.located,
            total.with_location,
            pct(total.located, total.with_location),
            LOCATION_TARGET * 100.0
        ));
    }
    assert!(
        failures.is_empty(),
        "mutation suite below target:\n  {}\n(`UPDATE_RESULTS=1 cargo test --test mutations` lists every disagreement in tests/mutations/RESULTS.md)",
        failures.join("\n  ")
    );
}
