//! The grammar fixtures with a recorded httpd verdict, by name prefix, and
//! the `-C` directives their `# oracle:` header gives apache2.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Every `grammar-fixtures/{ok,err}/PREFIX*.conf`, in path order, with its
/// recorded verdict (`.httpd.json`, written by `scripts/httpd_oracle.py`).
pub fn recorded_cases(prefix: &str) -> Vec<(PathBuf, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar-fixtures");
    let mut confs: Vec<PathBuf> = ["ok", "err"]
        .iter()
        .flat_map(|kind| fs::read_dir(dir.join(kind)).expect("fixture dir"))
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with(prefix) && name.ends_with(".conf")
        })
        .collect();
    confs.sort();
    confs
        .into_iter()
        .map(|conf| {
            let text = fs::read_to_string(conf.with_extension("httpd.json")).expect("golden");
            let golden: Value = serde_json::from_str(&text).expect("golden json");
            (conf, golden)
        })
        .collect()
}

/// The `-C` arguments of a fixture's `# oracle:` header line (single-quoted,
/// `<MODULES>` standing for Debian's module directory).
pub fn oracle_directives(text: &str) -> Vec<String> {
    let Some(header) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# oracle:"))
    else {
        return Vec::new();
    };
    header
        .split("-C '")
        .skip(1)
        .filter_map(|s| s.split('\'').next())
        .map(|s| s.replace("<MODULES>", "/usr/lib/apache2/modules"))
        .collect()
}
