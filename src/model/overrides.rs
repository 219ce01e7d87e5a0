//! Per-directory overrides: which `AllowOverride`/`AllowOverrideList` is in
//! force for a directory, and what a `.htaccess` there may contain — as
//! httpd merges `<Directory>` sections (the longest matching path wins; for
//! equal paths the later section) and checks each `.htaccess` directive's
//! override class at request time.

use crate::load::tree::{Config, NodeId};
use crate::model::registry::{OR_ALL, OR_AUTHCFG, OR_FILEINFO, OR_INDEXES, OR_LIMIT, OR_OPTIONS};

/// The overrides in force for one directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `OR_*` classes `.htaccess` files may use.
    pub classes: u32,
    /// Directive names `AllowOverrideList` allows regardless of class.
    pub list: Vec<String>,
    /// `Nonfatal=Override`: forbidden directives are ignored with a warning.
    pub nonfatal_override: bool,
    /// `Nonfatal=Unknown`: unknown directives are ignored with a warning.
    pub nonfatal_unknown: bool,
    /// The `AllowOverride` directive that decided it (`None`: the default,
    /// `AllowOverride None`).
    pub source: Option<NodeId>,
}

impl Overrides {
    /// Whether httpd reads `.htaccess` files there at all.
    pub fn reads_htaccess(&self) -> bool {
        self.classes != 0 || !self.list.is_empty()
    }

    /// Whether a directive needing `req_override` may appear.
    pub fn allows(&self, name: &str, req_override: u32) -> bool {
        req_override & self.classes & OR_ALL != 0
            || self.list.iter().any(|n| n.eq_ignore_ascii_case(name))
    }
}

/// The class names as `AllowOverride` spells them.
pub fn class_names(classes: u32) -> String {
    let names = [
        (OR_AUTHCFG, "AuthConfig"),
        (OR_FILEINFO, "FileInfo"),
        (OR_INDEXES, "Indexes"),
        (OR_LIMIT, "Limit"),
        (OR_OPTIONS, "Options"),
    ];
    let v: Vec<&str> = names
        .iter()
        .filter(|(bit, _)| classes & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    if v.is_empty() {
        "None".to_string()
    } else {
        v.join(" ")
    }
}

/// Parses an `AllowOverride` argument list.
fn parse_allow_override(words: &[&str], into: &mut Overrides) {
    into.classes = 0;
    for w in words {
        let (word, _) = w.split_once('=').unwrap_or((w, ""));
        match word.to_ascii_lowercase().as_str() {
            "all" => into.classes = OR_ALL,
            "none" => into.classes = 0,
            "authconfig" => into.classes |= OR_AUTHCFG,
            "fileinfo" => into.classes |= OR_FILEINFO,
            "indexes" => into.classes |= OR_INDEXES,
            "limit" => into.classes |= OR_LIMIT,
            "options" => into.classes |= OR_OPTIONS,
            "nonfatal" => {
                let value = w
                    .split_once('=')
                    .map_or("", |(_, v)| v)
                    .to_ascii_lowercase();
                into.nonfatal_override |= value == "override" || value == "all";
                into.nonfatal_unknown |= value == "unknown" || value == "all";
            }
            _ => {}
        }
    }
}

/// Path components of an absolute directory path.
fn components(path: &str) -> Vec<&str> {
    path.split('/').filter(|c| !c.is_empty()).collect()
}

/// The overrides in force for `dir` in `config`.
pub fn overrides_for(config: &Config, dir: &str) -> Overrides {
    let target = components(dir);
    // (components matched, order) of the deciding section, and its result.
    let mut best: Option<(usize, usize, Overrides)> = None;
    for (order, id) in config.walk_effective().iter().copied().enumerate() {
        let node = config.node(id);
        if !(node.is_section() && node.is("Directory")) || node.args.len() != 1 {
            continue;
        }
        let Some(path) = node.arg(0).filter(|p| !p.starts_with('~')) else {
            continue;
        };
        let comps = components(path);
        if comps.len() > target.len() || comps.iter().zip(&target).any(|(a, b)| a != b) {
            continue;
        }
        let mut result: Option<Overrides> = None;
        for child in config.effective(id) {
            let c = config.node(child);
            if !c.is_directive() {
                continue;
            }
            if c.is("AllowOverride") {
                let words: Vec<&str> = c.arg_values().collect();
                let o = result.get_or_insert_with(Overrides::default);
                parse_allow_override(&words, o);
                o.source = Some(child);
            } else if c.is("AllowOverrideList") {
                let o = result.get_or_insert_with(Overrides::default);
                o.list = c
                    .arg_values()
                    .filter(|w| !w.eq_ignore_ascii_case("None"))
                    .map(str::to_string)
                    .collect();
            }
        }
        if let Some(r) = result {
            let better = best
                .as_ref()
                .is_none_or(|(n, o, _)| comps.len() > *n || (comps.len() == *n && order > *o));
            if better {
                best = Some((comps.len(), order, r));
            }
        }
    }
    best.map(|(_, _, o)| o).unwrap_or_default()
}
