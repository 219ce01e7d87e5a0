//! `AL235` directoryindex-narrowed.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::rules::context::{Context, Rule, TargetFacts, Unknown};

use super::options_indexes_exposed::indexes_on;
use super::perdir::{Origin, Setting, Target, comparable, listing, loads, merged, sides, site_url};

crate::declare_rule! {
    /// ## What it does
    /// Computes the `DirectoryIndex` in force for the document root (and every directory
    /// served through `<Directory>` or `Alias`) of each site on both sides of the change, and
    /// looks the index files up in the checked tree. Reports a directory whose `/` found an
    /// index file in the known-good configuration and finds none now (error), or now serves
    /// another file than before (warning). Silent when the tree's files are not available, or
    /// when an index entry is a URL (`DirectoryIndex /index.php`), which httpd resolves as a
    /// request.
    ///
    /// ## Why is this risky?
    /// `DirectoryIndex` is replaced as a whole, not extended. Narrowing the global list to
    /// `index.php` ("we only run PHP") leaves every static site without its `index.html`: its
    /// home page becomes a directory listing (with `Options Indexes`, Debian's default for
    /// `/var/www/`) or a 403.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// DirectoryIndex index.php
    /// ```
    ///
    /// ```apache
    /// # after
    /// DirectoryIndex index.php index.html
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_dir.html#directoryindex>
    pub DIRECTORYINDEX_NARROWED = {
        code: "AL235",
        name: "directoryindex-narrowed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct DirectoryindexNarrowed;

/// The `DirectoryIndex` list in force and the setting that made it (`None`:
/// mod_dir's default, `index.html`). Lines of one layer accumulate; a later
/// layer replaces the list; `disabled` empties it.
pub(crate) fn directory_index<'a>(settings: &[Setting<'a>]) -> (Vec<String>, Option<Setting<'a>>) {
    let mut names = vec!["index.html".to_string()];
    let mut last: Option<Setting<'a>> = None;
    for s in settings
        .iter()
        .filter(|s| s.is("DirectoryIndex") && !s.conditional)
    {
        if last.as_ref().is_none_or(|l| l.layer != s.layer) {
            names.clear();
        }
        for arg in &s.args {
            if arg.eq_ignore_ascii_case("disabled") {
                names.clear();
            } else {
                names.push(arg.to_string());
            }
        }
        last = Some(s.clone());
    }
    (names, last)
}

/// The first index file of `names` present in `dir` (`Ok(None)`: none is).
pub(crate) fn index_file(
    facts: &dyn TargetFacts,
    dir: &str,
    names: &[String],
) -> Result<Option<String>, Unknown> {
    for name in names {
        // A URL (`/index.php`) is looked up as a request: unknown here.
        if name.starts_with('/') {
            return Err(Unknown);
        }
        if facts
            .file_size(&format!("{}/{name}", dir.trim_end_matches('/')))?
            .is_some()
        {
            return Ok(Some(name.clone()));
        }
    }
    Ok(None)
}

/// What a finding is grouped by: the candidate's `DirectoryIndex` (node or
/// `.htaccess` line), or the known-good one that was removed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    New(u32, u32),
    Removed(u32),
}

struct Narrowed<'a> {
    new: Option<Setting<'a>>,
    old: Option<Setting<'a>>,
    urls: Vec<String>,
    /// (old file, new file) per URL, for the message.
    files: Vec<(String, Option<String>)>,
    listing: bool,
}

fn key_of(new: &Option<Setting<'_>>, old: &Option<Setting<'_>>) -> Option<Key> {
    match (new, old) {
        (Some(s), _) => Some(match s.origin {
            Origin::Node(id) => Key::New(0, id.0),
            Origin::Htaccess(h, span) => Key::New(h.file.0 + 1, span.range.start),
        }),
        (
            None,
            Some(Setting {
                origin: Origin::Node(id),
                ..
            }),
        ) => Some(Key::Removed(id.0)),
        _ => None,
    }
}

impl Rule for DirectoryindexNarrowed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &DIRECTORYINDEX_NARROWED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((old, new)) = sides(ctx) else { return };
        if !loads(ctx.config, "dir_module") {
            return;
        }
        let mut groups: BTreeMap<Key, Narrowed<'_>> = BTreeMap::new();
        for probe in comparable(&old, &new) {
            let Target::Dir { dir, file: None } = &probe.new.target else {
                continue;
            };
            let new_settings = merged(&new, &probe.new, &["DirectoryIndex", "Options"]);
            let (before, old_setting) =
                directory_index(&merged(&old, &probe.old, &["DirectoryIndex", "Options"]));
            let (after, new_setting) = directory_index(&new_settings);
            if before == after {
                continue;
            }
            let (Ok(Some(was)), Ok(now)) = (
                index_file(ctx.facts, dir, &before),
                index_file(ctx.facts, dir, &after),
            ) else {
                continue;
            };
            if now.as_ref() == Some(&was) {
                continue;
            }
            let Some(key) = key_of(&new_setting, &old_setting) else {
                continue;
            };
            let entry = groups.entry(key).or_insert_with(|| Narrowed {
                new: new_setting.clone(),
                old: old_setting.clone(),
                urls: Vec::new(),
                files: Vec::new(),
                listing: false,
            });
            entry.urls.push(site_url(&new, probe.site.new, &probe.url));
            entry.listing |= now.is_none() && indexes_on(&new_settings).0;
            entry.files.push((was, now));
        }
        for group in groups.into_values() {
            let lost = group.files.iter().any(|(_, now)| now.is_none());
            let was: Vec<String> = group.files.iter().map(|(w, _)| w.clone()).collect();
            let mut was = was;
            was.dedup();
            let list = match &group.new {
                Some(s) => format!("`{}`", s.text()),
                None => "mod_dir's default `DirectoryIndex index.html`".to_string(),
            };
            let message = if lost {
                let outcome = if group.listing {
                    "show a directory listing"
                } else {
                    "answer 403"
                };
                format!(
                    "{} will {outcome} instead of {}: {list} names no file that exists there",
                    listing(&group.urls, 3),
                    was.join(", ")
                )
            } else {
                let now: Vec<String> = group.files.iter().filter_map(|(_, n)| n.clone()).collect();
                format!(
                    "{} will serve {} instead of {}: {list} changed which index file wins",
                    listing(&group.urls, 3),
                    now.first().cloned().unwrap_or_default(),
                    was.join(", ")
                )
            };
            let old_side = match group.old.as_ref().map(|s| s.origin) {
                Some(Origin::Node(id)) => Some((id, old.config.node(id).span)),
                _ => None,
            };
            let (new_side, htaccess_line) = match group.new.as_ref().map(|s| s.origin) {
                Some(Origin::Node(id)) => (Some((id, ctx.node(id).span)), None),
                Some(Origin::Htaccess(_, span)) => (None, Some(span)),
                None => (None, None),
            };
            let f = ctx.report_change(new_side, old_side, message);
            if let Some(span) = htaccess_line {
                f.primary = span;
            }
            if !lost {
                f.severity = Severity::Warning;
            }
            f.help = Some(format!(
                "keep the names the sites use in the list (`DirectoryIndex … {}`), or set DirectoryIndex per site",
                was.join(" ")
            ));
        }
    }
}
