//! `apachelint check` against httpd's recorded verdicts for the grammar
//! fixtures of the regex and routing-module rules (AL140–AL156), `Mutex`
//! (AL135) and `LoadFile` (AL121): fixtures whose names start with one of
//! [`PREFIXES`].
//!
//! Each fixture is copied with its `<case>.files/` sidecar into a temporary
//! root and checked as the oracle runs it (ServerRoot is that root, Debian's
//! default modules are loaded first, then the `-C`/`-c`/`-D` arguments of a
//! `# oracle:` header). For an `err/` fixture apachelint must
//! report an error with httpd's first message on httpd's line; for an `ok/`
//! fixture it must report no error, and every warning httpd printed must be
//! among apachelint's warnings (temporary paths shown as `<ROOT>`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The fixture name prefixes of these rules.
const PREFIXES: [&str; 13] = [
    "regex_",
    "rewrite_",
    "rewritecond_",
    "redirect_",
    "alias_",
    "header_",
    "requestheader_",
    "setenvif_",
    "browsermatch_",
    "proxy",
    "balancermember_",
    "mutex_",
    "loadfile_",
];

/// Debian's default modules, as the oracle loads them (`DEBIAN_DEFAULT_MODULES`
/// in scripts/httpd_oracle.py).
fn default_module_directives() -> Vec<String> {
    apachelint::model::registry::debian_default_modules()
        .filter_map(|m| m.debian_load_line)
        .map(str::to_string)
        .collect()
}

/// The shell words of a `# oracle:` first line (quotes group, no escapes
/// needed by the fixtures), with `<MODULES>` and `<ROOT>` expanded.
fn header_arguments(conf: &Path, root: &Path) -> Vec<String> {
    let text = fs::read_to_string(conf).unwrap_or_default();
    let Some(header) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# oracle:"))
    else {
        return Vec::new();
    };
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in header.chars() {
        match (c, quote) {
            (q, Some(open)) if q == open => quote = None,
            (_, Some(_)) => word.get_or_insert_with(String::new).push(c),
            ('\'' | '"', None) => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (c, None) if c.is_whitespace() => words.extend(word.take()),
            (c, None) => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
        .into_iter()
        .map(|w| {
            w.replace("<MODULES>", "/usr/lib/apache2/modules")
                .replace("<ROOT>", &root.display().to_string())
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read sidecar") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Runs `apachelint check` on a fixture the way the oracle runs apache2.
fn check(conf: &Path) -> (Vec<Value>, String) {
    let root = tempfile::tempdir().expect("tempdir");
    let root_path = root.path().to_path_buf();
    let copied = root_path.join(conf.file_name().expect("name"));
    fs::copy(conf, &copied).expect("copy fixture");
    let sidecar = conf.with_extension("files");
    if sidecar.is_dir() {
        copy_tree(&sidecar, &root_path);
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_apachelint"));
    command
        .arg("check")
        .args(["--format", "json", "--fail-on", "never", "--server-root"])
        .arg(&root_path);
    for directive in default_module_directives() {
        command.arg("-C").arg(directive);
    }
    command.args(header_arguments(conf, &root_path));
    let output = command.arg(&copied).output().expect("run apachelint");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no JSON report ({e}): {}",
            conf.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    (findings, root_path.display().to_string())
}

fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar-fixtures");
    let mut out = Vec::new();
    for kind in ["ok", "err"] {
        for entry in fs::read_dir(dir.join(kind)).expect("grammar fixtures") {
            let path = entry.expect("entry").path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".conf") && PREFIXES.iter().any(|p| name.starts_with(p)) {
                out.push((kind.to_string(), path));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn check_reproduces_httpd_verdicts() {
    let mut failures = Vec::new();
    let cases = fixtures();
    assert!(!cases.is_empty(), "no fixtures for these rules");
    for (kind, conf) in &cases {
        let golden: Value = serde_json::from_str(
            &fs::read_to_string(conf.with_extension("httpd.json")).expect("golden"),
        )
        .expect("golden JSON");
        let (findings, root) = check(conf);
        let of = |severity: &str| -> Vec<(String, i64)> {
            findings
                .iter()
                .filter(|f| f["severity"] == severity)
                .map(|f| {
                    (
                        f["message"].as_str().unwrap_or("").replace(&root, "<ROOT>"),
                        f["line"].as_i64().unwrap_or(0),
                    )
                })
                .collect()
        };
        let (errors, warnings) = (of("error"), of("warning"));
        let name = conf.file_name().unwrap().to_string_lossy();
        if kind == "err" {
            let first = &golden["first_error"];
            let message = first["message"].as_str().unwrap_or("");
            let line = first["line"].as_i64().unwrap_or(0);
            if !errors.iter().any(|(m, l)| m == message && *l == line) {
                failures.push(format!(
                    "err/{name}: httpd says {message:?} on line {line}; apachelint errors: {errors:?}"
                ));
            }
        } else {
            if !errors.is_empty() {
                failures.push(format!(
                    "ok/{name}: httpd accepts it; apachelint errors: {errors:?}"
                ));
            }
            for warning in golden["warnings"].as_array().into_iter().flatten() {
                let text = warning.as_str().unwrap_or("");
                if !warnings.iter().any(|(m, _)| text.ends_with(m.as_str())) {
                    failures.push(format!(
                        "ok/{name}: httpd warns {text:?}; apachelint warnings: {warnings:?}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
