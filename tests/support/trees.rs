//! Tree recipes (`tests/differential/trees/<name>/tree.json`) turned into real
//! directory trees in a [`tempfile::TempDir`], byte for byte as
//! `scripts/httpd_oracle.py` materialises them before running apache2, so the
//! goldens beside each recipe describe exactly the tree returned here.
//!
//! Layout of a materialised tree (the placeholders the goldens use):
//! - `<ROOT>` = [`Tree::root`]: the configuration tree;
//! - `<VAR>` = [`Tree::var`]: `run/`, `lock/`, `log/` for the `APACHE_*` variables;
//! - `<TMP>` = the temp dir holding both; `<MODULES>` = Debian's module directory.
//!
//! Sources: `debian-default` is rebuilt from `tests/differential/debian-default/`
//! (offline); `corpus` trees are copied from `shared/corpus/` (writable, with the
//! recipe's symlinks restored: the shared corpus stores them as files holding the
//! target); `gen_large` runs `python3 shared/perf/gen_large.py` (needs openssl).
//! The shared dir is `$APACHELINT_SHARED` or `../shared` beside the crate; when it
//! (or python3) is missing, [`shared_or_skip`] says `SKIP` loudly, and fails under
//! `CI=true`.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;
use tempfile::TempDir;

/// Where Debian's apache2 keeps its modules (`<MODULES>` in recipes).
pub const MODULES_DIR: &str = "/usr/lib/apache2/modules";

/// The golden files recorded beside every recipe.
pub const GOLDEN_FILES: [&str; 4] = [
    "verdict.json",
    "dump_includes.txt",
    "vhosts.txt",
    "dump_config.txt",
];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn trees_dir() -> PathBuf {
    crate_dir().join("tests/differential/trees")
}

fn debian_snapshot_dir() -> PathBuf {
    crate_dir().join("tests/differential/debian-default")
}

/// One recipe, as written in `tree.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    pub description: String,
    pub source: Source,
    /// The file given to `-f`, relative to the tree root.
    pub root_file: String,
    /// The directory given to `-d`, relative to the tree root.
    pub server_root: String,
    /// Names given with `-D`.
    pub defines: Vec<String>,
    /// Directives given with `-C` (placeholders not yet expanded).
    pub pre_directives: Vec<String>,
    /// The whole environment apache2 runs with, besides PATH/LANG/LC_ALL.
    pub env: BTreeMap<String, String>,
    pub adjustments: Vec<Adjustment>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", deny_unknown_fields)]
pub enum Source {
    #[serde(rename = "debian-default")]
    DebianDefault,
    #[serde(rename = "corpus")]
    Corpus {
        /// Path under `shared/corpus/`.
        path: String,
        /// Where inside the tree root the copy goes.
        #[serde(default = "here")]
        into: String,
        /// Entries that are symlinks: relative path -> target.
        #[serde(default)]
        symlinks: BTreeMap<String, String>,
    },
    #[serde(rename = "gen_large")]
    GenLarge { args: Vec<String> },
}

fn here() -> String {
    ".".to_string()
}

/// A change applied to the tree after it is copied (paths relative to the root;
/// `new`, `text` and `target` may hold placeholders).
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Adjustment {
    /// Replace every occurrence of `old`, which must occur exactly `count` times.
    Replace {
        file: String,
        old: String,
        new: String,
        count: usize,
    },
    Write {
        path: String,
        text: String,
    },
    Symlink {
        path: String,
        target: String,
    },
    Mkdir {
        path: String,
    },
    Remove {
        path: String,
    },
    Rename {
        from: String,
        to: String,
    },
    /// Copy a file of the pristine Debian snapshot into the tree.
    CopyDebian {
        from: String,
        to: String,
    },
}

impl Recipe {
    pub fn load(name: &str) -> Recipe {
        let path = trees_dir().join(name).join("tree.json");
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad recipe {}: {e}", path.display()))
    }

    /// Whether materialising needs the shared dir.
    pub fn needs_shared(&self) -> bool {
        !matches!(self.source, Source::DebianDefault)
    }

    /// Whether materialising runs python3 (gen_large).
    pub fn needs_python(&self) -> bool {
        matches!(self.source, Source::GenLarge { .. })
    }
}

/// Every recipe name, sorted.
pub fn recipe_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(trees_dir())
        .expect("tests/differential/trees exists")
        .map(|entry| entry.expect("readable trees dir").path())
        .filter(|dir| dir.join("tree.json").is_file())
        .filter_map(|dir| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

pub use super::shared::shared_or_skip;

/// A materialised tree; the temp dir is removed when this is dropped.
pub struct Tree {
    pub name: String,
    pub recipe: Recipe,
    tmp: TempDir,
    /// `<ROOT>`.
    pub root: PathBuf,
    /// `<VAR>`.
    pub var: PathBuf,
}

impl Tree {
    /// Materialises `recipe` (named `name`); `shared` is needed unless the source
    /// is `debian-default` (see [`shared_or_skip`]).
    pub fn materialise(name: &str, recipe: Recipe, shared: Option<&Path>) -> Tree {
        let tmp = tempfile::Builder::new()
            .prefix("apachelint-tree-")
            .tempdir()
            .expect("temp dir");
        let root = tmp.path().join("root");
        let var = tmp.path().join("var");
        for sub in ["run", "lock", "log"] {
            fs::create_dir_all(var.join(sub)).expect("var dirs");
        }
        let tree = Tree {
            name: name.to_string(),
            recipe,
            tmp,
            root,
            var,
        };
        tree.build_source(shared);
        for adjustment in &tree.recipe.adjustments {
            tree.apply(adjustment);
        }
        tree
    }

    /// The file given to apache2 with `-f`.
    pub fn root_file(&self) -> PathBuf {
        self.root.join(&self.recipe.root_file)
    }

    /// The directory given to apache2 with `-d`.
    pub fn server_root(&self) -> PathBuf {
        self.root.join(&self.recipe.server_root)
    }

    /// The `-C` directives, placeholders expanded.
    pub fn pre_directives(&self) -> Vec<String> {
        self.recipe
            .pre_directives
            .iter()
            .map(|d| self.expand(d))
            .collect()
    }

    /// The environment variables of the run, placeholders expanded.
    pub fn env(&self) -> BTreeMap<String, String> {
        self.recipe
            .env
            .iter()
            .map(|(k, v)| (k.clone(), self.expand(v)))
            .collect()
    }

    /// Recipe text with `<ROOT>`, `<VAR>` and `<MODULES>` replaced.
    pub fn expand(&self, text: &str) -> String {
        text.replace("<ROOT>", &self.root.to_string_lossy())
            .replace("<VAR>", &self.var.to_string_lossy())
            .replace("<MODULES>", MODULES_DIR)
    }

    /// Output about this tree with its temp paths written as the goldens write
    /// them (`<ROOT>`, `<VAR>`, `<TMP>`).
    pub fn normalise(&self, text: &str) -> String {
        text.replace(&*self.root.to_string_lossy(), "<ROOT>")
            .replace(&*self.var.to_string_lossy(), "<VAR>")
            .replace(&*self.tmp.path().to_string_lossy(), "<TMP>")
    }

    /// Where a golden file of this tree lives.
    pub fn golden_path(&self, file: &str) -> PathBuf {
        trees_dir().join(&self.name).join(file)
    }

    /// A golden file recorded for this tree.
    pub fn golden(&self, file: &str) -> String {
        let path = self.golden_path(file);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn build_source(&self, shared: Option<&Path>) {
        let needs = |what: &str| {
            shared.unwrap_or_else(|| panic!("{}: {what} needs the shared dir", self.name))
        };
        match &self.recipe.source {
            Source::DebianDefault => build_debian_default(&self.root),
            Source::Corpus {
                path,
                into,
                symlinks,
            } => {
                let src = needs("a corpus tree").join("corpus").join(path);
                let dest = match into.as_str() {
                    "." => self.root.clone(),
                    sub => self.root.join(sub),
                };
                copy_corpus_tree(&src, &dest, symlinks);
            }
            Source::GenLarge { args } => {
                let pristine = self.tmp.path().join("pristine");
                build_debian_default(&pristine);
                let script = needs("gen_large").join("perf/gen_large.py");
                let status = Command::new("python3")
                    .arg(&script)
                    .arg("--out")
                    .arg(&self.root)
                    .arg("--pristine")
                    .arg(&pristine)
                    .args(args)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .status()
                    .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
                assert!(status.success(), "{} failed: {status}", script.display());
                fs::remove_dir_all(&pristine).expect("remove pristine copy");
            }
        }
    }

    fn apply(&self, adjustment: &Adjustment) {
        let at = |rel: &str| self.root.join(rel);
        match adjustment {
            Adjustment::Replace {
                file,
                old,
                new,
                count,
            } => {
                let path = at(file);
                let text = fs::read(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
                let found = count_occurrences(&text, old.as_bytes());
                assert_eq!(
                    found, *count,
                    "{}: replace in {file}: {old:?} occurs {found} times, the recipe says {count}",
                    self.name
                );
                let replaced = replace_bytes(&text, old.as_bytes(), self.expand(new).as_bytes());
                if path.is_symlink() {
                    fs::remove_file(&path).expect("remove symlink before rewrite");
                }
                fs::write(&path, replaced).expect("write replaced file");
            }
            Adjustment::Write { path, text } => {
                let path = at(path);
                create_parent(&path);
                fs::write(&path, self.expand(text)).expect("write file");
            }
            Adjustment::Symlink { path, target } => {
                let path = at(path);
                create_parent(&path);
                symlink(self.expand(target), &path).expect("create symlink");
            }
            Adjustment::Mkdir { path } => fs::create_dir_all(at(path)).expect("mkdir"),
            Adjustment::Remove { path } => {
                let path = at(path);
                if path.is_dir() && !path.is_symlink() {
                    fs::remove_dir_all(&path).expect("remove dir");
                } else {
                    fs::remove_file(&path).expect("remove file");
                }
            }
            Adjustment::Rename { from, to } => fs::rename(at(from), at(to)).expect("rename"),
            Adjustment::CopyDebian { from, to } => {
                let path = at(to);
                create_parent(&path);
                fs::copy(debian_snapshot_dir().join(from), &path).expect("copy from snapshot");
            }
        }
    }
}

/// `MANIFEST.json` of the Debian snapshot.
#[derive(Deserialize)]
struct DebianManifest {
    directories: Vec<String>,
    files: Vec<String>,
    symlinks: BTreeMap<String, String>,
}

/// Rebuilds the pristine Debian `/etc/apache2` at `dest`.
pub fn build_debian_default(dest: &Path) {
    let snapshot = debian_snapshot_dir();
    let manifest: DebianManifest = serde_json::from_str(
        &fs::read_to_string(snapshot.join("MANIFEST.json")).expect("snapshot manifest"),
    )
    .expect("manifest is JSON");
    for dir in &manifest.directories {
        fs::create_dir_all(dest.join(dir)).expect("snapshot dir");
    }
    for file in &manifest.files {
        let path = dest.join(file);
        create_parent(&path);
        fs::write(&path, fs::read(snapshot.join(file)).expect("snapshot file"))
            .expect("write snapshot file");
    }
    for (link, target) in &manifest.symlinks {
        symlink(target, dest.join(link)).expect("snapshot symlink");
    }
}

/// Copies a read-only corpus tree as plain writable files and directories,
/// keeping real symlinks, then turns the recipe's `symlinks` (stored in the
/// shared corpus as files holding their target) back into symlinks.
fn copy_corpus_tree(src: &Path, dest: &Path, symlinks: &BTreeMap<String, String>) {
    for entry in walkdir::WalkDir::new(src).follow_links(false) {
        let entry = entry.unwrap_or_else(|e| panic!("walking {}: {e}", src.display()));
        let rel = entry.path().strip_prefix(src).expect("inside the source");
        let to = dest.join(rel);
        let kind = entry.file_type();
        if kind.is_dir() {
            fs::create_dir_all(&to).expect("create dir");
        } else if kind.is_symlink() {
            symlink(fs::read_link(entry.path()).expect("read link"), &to).expect("copy symlink");
        } else {
            fs::write(&to, fs::read(entry.path()).expect("read corpus file")).expect("write copy");
        }
    }
    for (rel, target) in symlinks {
        let path = dest.join(rel);
        let stored = if path.is_symlink() {
            fs::read_link(&path)
                .expect("read link")
                .to_string_lossy()
                .into_owned()
        } else {
            fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"))
        };
        assert_eq!(
            &stored, target,
            "{rel}: the recipe's symlink target differs from the corpus"
        );
        fs::remove_file(&path).expect("remove stored symlink");
        symlink(target, &path).expect("restore symlink");
    }
}

fn create_parent(path: &Path) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("parent dir");
    }
}

fn count_occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    memchr::memmem::find_iter(haystack, needle).count()
}

fn replace_bytes(haystack: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut last = 0;
    for at in memchr::memmem::find_iter(haystack, old) {
        out.extend_from_slice(&haystack[last..at]);
        out.extend_from_slice(new);
        last = at + old.len();
    }
    out.extend_from_slice(&haystack[last..]);
    out
}
