//! httpd's own mod_macro regression suite (`../shared/corpus/httpd/modules/
//! core/test`): 69 configurations and what Debian's apache2 2.4.71 printed
//! for each under `-t` (`ref-apache2-2.4.71-debian/testNN.out`). apachelint
//! loads and checks each the same way — `-C 'LoadModule macro_module …'`,
//! `-C "Define PWD …/conf"` — and rebuilds httpd's output from its findings
//! (`report::httpd`): every line must match.

#[path = "support/shared.rs"]
mod shared;

use std::fs;
use std::sync::Arc;

use apachelint::load::facts::VfsFacts;
use apachelint::load::provider::DiskBackend;
use apachelint::load::vfs::Vfs;
use apachelint::load::{LoadOptions, Profile, load};

/// The lines of an output worth comparing: without the harness's comments
/// and the machine-dependent ServerName notice.
fn comparable(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with("# ") && !l.contains("AH00558"))
        .map(str::to_string)
        .collect()
}

#[test]
fn mod_macro_reference_outputs_match() {
    let Some(shared) = shared::shared_or_skip("the mod_macro suite", false) else {
        return;
    };
    let suite = shared.join("corpus/httpd/modules/core/test");
    let conf = suite.join("conf");
    let mut names: Vec<String> = fs::read_dir(&conf)
        .expect("conf dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("test") && n.ends_with(".conf"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 69,
        "expected the 69 tests, found {}",
        names.len()
    );
    let canonical_conf = conf.canonicalize().unwrap_or(conf.clone());
    let mut failures = Vec::new();
    for name in &names {
        let expected_path = suite
            .join("ref-apache2-2.4.71-debian")
            .join(name.replace(".conf", ".out"));
        let expected = fs::read_to_string(&expected_path).expect("reference output");
        let mut profile = Profile::debian();
        profile.env.clear();
        let vfs = Vfs::direct(Arc::new(DiskBackend::default()));
        let config = load(
            &vfs,
            &LoadOptions {
                profile,
                root_file: canonical_conf.join(name),
                server_root: Some(canonical_conf.clone()),
                pre_directives: vec![
                    "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so".into(),
                    "LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so".into(),
                    format!("Define PWD {}", canonical_conf.display()),
                ],
                post_directives: Vec::new(),
            },
        );
        // httpd ran on a real machine: its files are the facts.
        let facts = VfsFacts {
            vfs: &vfs,
            server_root: canonical_conf.clone(),
            assume_files_exist: false,
        };
        let findings = apachelint::check::check(&config, &facts);
        let (ours, _exit) = apachelint::report::httpd::render(&config, &findings);
        let ours = ours.replace(&canonical_conf.display().to_string(), "./conf");
        if comparable(&ours) != comparable(&expected) {
            failures.push(format!(
                "{name}:\n--- httpd\n{}\n--- apachelint\n{}",
                comparable(&expected).join("\n"),
                comparable(&ours).join("\n")
            ));
        }
    }
    let matched = names.len() - failures.len();
    eprintln!(
        "mod_macro suite: {matched}/{} outputs match httpd",
        names.len()
    );
    assert!(
        failures.is_empty(),
        "{}\n\n{} of {} differ",
        failures.join("\n\n"),
        failures.len(),
        names.len()
    );
}
