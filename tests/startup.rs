//! Start-up failures against the real server's evidence: every case of
//! `tests/startup/` was started with Debian's apache2 in a private network
//! namespace by `scripts/startup_probe.py`, which recorded whether it started
//! and what it logged (`<case>.startup.txt`). A case that failed must produce
//! a start-up finding whose help quotes httpd's fatal log line exactly; a case
//! that started must produce no start-up error.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use apachelint::finding::{Severity, Stage};
use apachelint::load::provider::MemBackend;
use apachelint::load::vfs::Vfs;
use apachelint::load::{LoadOptions, Profile, load};
use apachelint::rules::context::{TargetFacts, Unknown};

#[path = "support/recorded.rs"]
#[allow(dead_code)] // this suite reads its own cases; it needs only the header parser
mod recorded;
use recorded::oracle_directives;

const ROOT: &str = "/srv/probe";

/// The case's files, as the probe laid them out.
struct CaseFiles(BTreeMap<String, Vec<u8>>);

impl TargetFacts for CaseFiles {
    fn file_size(&self, path: &str) -> Result<Option<u64>, Unknown> {
        Ok(self.0.get(path).map(|b| b.len() as u64))
    }
    fn is_dir(&self, path: &str) -> Result<bool, Unknown> {
        let dir = format!("{}/", path.trim_end_matches('/'));
        Ok(self.0.keys().any(|p| p.starts_with(&dir)))
    }
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Unknown> {
        Ok(self.0.get(path).cloned())
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// httpd's fatal line: the first `[ssl:emerg] AHnnnnn:` other than the
/// generic AH02312.
fn fatal_line(golden: &str) -> Option<String> {
    golden
        .lines()
        .filter_map(|l| l.strip_prefix("[ssl:emerg] "))
        .find(|l| l.starts_with("AH") && !l.starts_with("AH02312"))
        .map(|l| l.replace("<ROOT>", ROOT))
}

#[test]
fn startup_cases_match_the_real_server() {
    let dir = repo().join("tests/startup");
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/startup")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    entries.sort();
    for conf in entries {
        cases += 1;
        let stem = conf.file_stem().unwrap().to_string_lossy().to_string();
        let text = fs::read_to_string(&conf).expect("case");
        let golden = fs::read_to_string(conf.with_extension("startup.txt")).expect("golden");
        let root_file = format!("{ROOT}/{stem}.conf");
        let mut mem = MemBackend::new().file(&root_file, &text);
        let mut files = BTreeMap::new();
        for pki in fs::read_dir(repo().join("tests/pki")).expect("tests/pki") {
            let path = pki.expect("entry").path();
            let bytes = fs::read(&path).expect("pki file");
            let target = format!("{ROOT}/pki/{}", path.file_name().unwrap().to_string_lossy());
            mem = mem.file(&target, &bytes);
            files.insert(target, bytes);
        }
        let mut pre: Vec<String> = apachelint::model::registry::debian_default_modules()
            .filter_map(|m| m.debian_load_line)
            .map(str::to_string)
            .collect();
        pre.extend(oracle_directives(&text));
        let config = load(
            &Vfs::direct(Arc::new(mem)),
            &LoadOptions {
                profile: Profile::debian(),
                root_file: root_file.clone().into(),
                server_root: Some(Path::new(ROOT).to_path_buf()),
                pre_directives: pre,
                post_directives: Vec::new(),
            },
        );
        let findings = apachelint::check::check(&config, &CaseFiles(files));
        let startup: Vec<_> = findings
            .iter()
            .filter(|f| f.stage == Stage::Startup && f.severity == Severity::Error)
            .collect();
        let started = golden.starts_with("started: yes");
        match (started, fatal_line(&golden)) {
            (true, _) if !startup.is_empty() => failures.push(format!(
                "{stem}: the server started, but apachelint says: {}",
                startup
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            (false, Some(line)) => {
                let quoted = startup
                    .iter()
                    .any(|f| f.help.as_deref().is_some_and(|h| h.contains(&line)));
                if !quoted {
                    failures.push(format!(
                        "{stem}: httpd logs `{line}`; apachelint's start-up findings: {:?}",
                        startup
                            .iter()
                            .map(|f| (&f.message, &f.help))
                            .collect::<Vec<_>>()
                    ));
                }
            }
            (false, None) => {
                failures.push(format!("{stem}: failed without an [ssl:emerg] AH line"))
            }
            _ => {}
        }
    }
    assert!(cases > 0, "no start-up cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
