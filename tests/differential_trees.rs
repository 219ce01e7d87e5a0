//! Differential tree goldens: every recipe in `tests/differential/trees/`
//! materialises (see `support::trees`), and the goldens that apache2 wrote for
//! it (`scripts/httpd_oracle.py record`) are present, well-formed and about the
//! materialised tree: each file httpd says it read exists in it.
//!
//! Then the loader is compared with them: `apachelint includes` must print
//! exactly httpd's `-t -D DUMP_INCLUDES`, the static vhost map exactly the
//! `VirtualHost configuration:` block of `-S`, and the loaded tree exactly
//! `-D DUMP_CONFIG`.

mod support;

use std::path::Path;
use std::sync::Arc;

use apachelint::load::provider::DiskBackend;
use apachelint::load::vfs::Vfs;
use apachelint::load::{LoadOptions, Profile, load, render};
use apachelint::model::vhosts::VhostMap;

use serde_json::Value;
use support::trees::{GOLDEN_FILES, Recipe, Tree, recipe_names, shared_or_skip};

#[test]
fn every_recipe_materialises_with_its_goldens() {
    let names = recipe_names();
    assert!(names.len() >= 20, "expected the tree set, found {names:?}");
    let mut checked = 0;
    for name in &names {
        let recipe = Recipe::load(name);
        let shared = if recipe.needs_shared() {
            match shared_or_skip(&format!("tree {name}"), recipe.needs_python()) {
                Some(dir) => Some(dir),
                None => continue,
            }
        } else {
            None
        };
        let tree = Tree::materialise(name, recipe, shared.as_deref());
        check_tree(&tree);
        checked += 1;
    }
    eprintln!("checked {checked} of {} trees", names.len());
}

fn check_tree(tree: &Tree) {
    let name = &tree.name;
    assert!(
        !tree.recipe.description.is_empty(),
        "{name}: describe the tree"
    );
    assert!(
        tree.recipe
            .defines
            .iter()
            .all(|d| !d.is_empty() && !d.contains(char::is_whitespace)),
        "{name}: -D takes one word"
    );
    assert!(tree.root_file().is_file(), "{name}: no root file");
    assert!(tree.server_root().is_dir(), "{name}: no ServerRoot dir");
    assert_eq!(
        tree.normalise(&tree.root_file().to_string_lossy()),
        format!("<ROOT>/{}", tree.recipe.root_file),
        "{name}: normalise"
    );
    let expanded: Vec<String> = tree
        .env()
        .into_values()
        .chain(tree.pre_directives())
        .collect();
    assert!(
        expanded
            .iter()
            .all(|v| !v.contains("<ROOT>") && !v.contains("<VAR>") && !v.contains("<MODULES>")),
        "{name}: placeholders left in {expanded:?}"
    );
    for file in GOLDEN_FILES {
        assert!(
            tree.golden_path(file).is_file(),
            "{name}: golden {file} missing (run `python3 scripts/httpd_oracle.py record`)"
        );
    }

    let verdict: Value = serde_json::from_str(&tree.golden("verdict.json"))
        .unwrap_or_else(|e| panic!("{name}: verdict.json: {e}"));
    assert_eq!(
        verdict["tree"],
        name.as_str(),
        "{name}: verdict names its tree"
    );
    let exit = verdict["exit"].as_i64().expect("exit code");
    let ok = verdict["ok"].as_bool().expect("ok flag");
    assert_eq!(ok, exit == 0, "{name}: ok follows the exit code");
    assert_eq!(
        verdict["first_error"].is_null(),
        ok,
        "{name}: first_error iff failed"
    );
    assert!(verdict["warnings"].is_array() && verdict["raw"].is_string());
    for mode in ["t", "S", "dump_includes", "dump_config"] {
        assert!(
            verdict["exit_by_mode"][mode].is_i64(),
            "{name}: exit of {mode}"
        );
    }
    if !ok {
        return;
    }

    let includes = tree.golden("dump_includes.txt");
    let mut lines = includes.lines();
    assert_eq!(
        lines.next(),
        Some("Included configuration files:"),
        "{name}"
    );
    assert_eq!(
        lines.next().map(str::to_string),
        Some(format!("  (*) <ROOT>/{}", tree.recipe.root_file)),
        "{name}: the include tree starts at the root file"
    );
    for line in lines {
        let (_, path) = line
            .trim_start()
            .split_once(") ")
            .unwrap_or_else(|| panic!("{name}: include line {line:?}"));
        assert_read_file_exists(tree, path);
    }

    let vhosts = tree.golden("vhosts.txt");
    assert!(
        vhosts.starts_with("VirtualHost configuration:\n"),
        "{name}: -S output"
    );
    let server_root = tree.normalise(&tree.server_root().canonicalize().unwrap().to_string_lossy());
    assert!(
        vhosts.contains(&format!("ServerRoot: \"{server_root}\"\n")),
        "{name}: -S names ServerRoot {server_root}"
    );

    let config = tree.golden("dump_config.txt");
    let files: Vec<&str> = config
        .lines()
        .filter_map(|l| l.strip_prefix("# In file: "))
        .collect();
    assert!(!files.is_empty(), "{name}: DUMP_CONFIG shows no file");
    for file in files {
        if file.starts_with("macro '") {
            // `macro 'm' (defined on line N of "<file>") used on line M of "<file>"`
            file.split('"')
                .skip(1)
                .step_by(2)
                .for_each(|path| assert_read_file_exists(tree, path));
        } else {
            assert_read_file_exists(tree, file);
        }
    }
}

/// A file httpd read, as a golden names it, exists in the materialised tree.
fn assert_read_file_exists(tree: &Tree, golden_path: &str) {
    if let Some(rel) = golden_path.strip_prefix("<ROOT>/") {
        assert!(
            tree.root.join(rel).is_file(),
            "{}: httpd read {golden_path}, the materialised tree lacks it",
            tree.name
        );
    } else {
        assert!(
            Path::new(golden_path).is_absolute(),
            "{}: unexpected path {golden_path}",
            tree.name
        );
    }
}

/// Loads a materialised tree the way the recipe runs apache2.
fn load_tree(tree: &Tree) -> apachelint::load::tree::Config {
    let mut profile = Profile::debian();
    profile.defines = tree.recipe.defines.clone();
    profile.env = tree.env();
    let vfs = Vfs::direct(Arc::new(DiskBackend::default()));
    load(
        &vfs,
        &LoadOptions {
            profile,
            root_file: tree.root_file(),
            server_root: Some(tree.server_root()),
            pre_directives: tree.pre_directives(),
            post_directives: Vec::new(),
        },
    )
}

/// The `VirtualHost configuration:` block of `-S` output.
fn vhost_block(text: &str) -> String {
    text.lines()
        .take_while(|l| !l.starts_with("ServerRoot:"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn loader_matches_httpd_on_every_tree() {
    let mut compared = 0;
    let mut failures = Vec::new();
    for name in recipe_names() {
        let recipe = Recipe::load(&name);
        let shared = if recipe.needs_shared() {
            match shared_or_skip(&format!("tree {name}"), recipe.needs_python()) {
                Some(dir) => Some(dir),
                None => continue,
            }
        } else {
            None
        };
        let tree = Tree::materialise(&name, recipe, shared.as_deref());
        let config = load_tree(&tree);
        let errors: Vec<String> = config
            .findings
            .iter()
            .filter(|f| f.severity == apachelint::finding::Severity::Error)
            .map(|f| f.message.clone())
            .collect();
        if !errors.is_empty() {
            failures.push(format!(
                "{name}: loader errors on a tree httpd accepts: {errors:?}"
            ));
        }
        let ours = tree.normalise(&render::includes(&config));
        if ours != tree.golden("dump_includes.txt") {
            failures.push(format!(
                "{name}: DUMP_INCLUDES differs\n--- httpd\n{}\n--- apachelint\n{ours}",
                tree.golden("dump_includes.txt")
            ));
        }
        let ours = tree.normalise(&VhostMap::build(&config).render());
        if ours != vhost_block(&tree.golden("vhosts.txt")) {
            failures.push(format!(
                "{name}: -S differs\n--- httpd\n{}\n--- apachelint\n{ours}",
                vhost_block(&tree.golden("vhosts.txt"))
            ));
        }
        let ours = tree.normalise(&render::dump_config(&config, &|name| {
            config.canonical_name(name)
        }));
        if ours != tree.golden("dump_config.txt") {
            let diff = similar::TextDiff::from_lines(
                tree.golden("dump_config.txt").as_str(),
                ours.as_str(),
            )
            .unified_diff()
            .header("httpd", "apachelint")
            .to_string();
            failures.push(format!("{name}: DUMP_CONFIG differs\n{diff}"));
        }
        compared += 1;
    }
    eprintln!("compared {compared} trees with httpd");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
