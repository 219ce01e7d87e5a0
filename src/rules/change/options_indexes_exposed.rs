//! `AL236` options-indexes-exposed.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::rules::context::{Context, Rule};

use super::access::{Client, access};
use super::directoryindex_narrowed::{directory_index, index_file};
use super::perdir::{Origin, Setting, Target, comparable, listing, merged, sides, site_url};

crate::declare_rule! {
    /// ## What it does
    /// Computes the `Options` in force for the document root and every directory served
    /// through `<Directory>` or `Alias` of each site on both sides of the change (absolute
    /// `Options` replace, `+`/`-` adjust, in httpd's merge order, `.htaccess` included) and
    /// reports a directory where `Indexes` is newly in force. An error when anonymous clients
    /// reach the directory and it has no index file in the checked tree — httpd will list its
    /// files; a warning otherwise (its subdirectories without an index file are listed).
    /// `Options` inside `<If>` and the `Options=` list of `AllowOverride` are not evaluated.
    ///
    /// ## Why is this risky?
    /// `Options +Indexes` applies to the directory **and everything below it**. Enabled so
    /// marketing can browse a media folder, it also lists the export directory the
    /// application writes order files to. Nothing fails; the file names (and files) are public.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /var/www/shop.example/public/media>
    ///     Options +Indexes
    /// </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory /var/www/shop.example/public/media/img>
    ///     Options +Indexes
    /// </Directory>
    /// # list only the directory meant to be browsed
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#options>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_autoindex.html>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 5.2/5.3
    pub OPTIONS_INDEXES_EXPOSED = {
        code: "AL236",
        name: "options-indexes-exposed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct OptionsIndexesExposed;

/// Whether `Indexes` is in force after the merge (httpd 2.4's default is
/// `FollowSymLinks` alone), and the `Options` line that decided it.
pub(crate) fn indexes_on<'a>(settings: &[Setting<'a>]) -> (bool, Option<Setting<'a>>) {
    let mut on = false;
    let mut decided = None;
    for s in settings
        .iter()
        .filter(|s| s.is("Options") && !s.conditional)
    {
        let relative = s.args.iter().all(|a| a.starts_with(['+', '-']));
        let before = on;
        if !relative {
            on = false;
        }
        for arg in &s.args {
            let (sign, word) = match arg.split_at_checked(1) {
                Some((sign @ ("+" | "-"), rest)) => (sign, rest),
                _ => ("", *arg),
            };
            if word.eq_ignore_ascii_case("Indexes") || word.eq_ignore_ascii_case("All") {
                on = sign != "-";
            } else if word.eq_ignore_ascii_case("None") {
                on = false;
            }
        }
        if on != before || !relative {
            decided = Some(s.clone());
        }
    }
    (on, decided)
}

struct Exposed<'a> {
    setting: Setting<'a>,
    urls: Vec<String>,
    /// Some directory is public and has no index file.
    listed: bool,
}

impl Rule for OptionsIndexesExposed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &OPTIONS_INDEXES_EXPOSED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((old, new)) = sides(ctx) else { return };
        let mut groups: BTreeMap<(u32, u32), Exposed<'_>> = BTreeMap::new();
        for probe in comparable(&old, &new) {
            let Target::Dir { dir, file: None } = &probe.new.target else {
                continue;
            };
            let settings = merged(&new, &probe.new, &["Options", "DirectoryIndex"]);
            let (on, decided) = indexes_on(&settings);
            if !on || indexes_on(&merged(&old, &probe.old, &["Options", "DirectoryIndex"])).0 {
                continue;
            }
            let Some(setting) = decided else { continue };
            let public = access(&new, &probe.new).admits(Client {
                from: None,
                logged_in: false,
            }) == Some(true);
            let no_index = index_file(ctx.facts, dir, &directory_index(&settings).0) == Ok(None);
            let key = match setting.origin {
                Origin::Node(id) => (0, id.0),
                Origin::Htaccess(h, span) => (h.file.0 + 1, span.range.start),
            };
            let entry = groups.entry(key).or_insert_with(|| Exposed {
                setting: setting.clone(),
                urls: Vec::new(),
                listed: false,
            });
            entry.urls.push(site_url(&new, probe.site.new, &probe.url));
            entry.listed |= public && no_index;
        }
        for group in groups.into_values() {
            let text = group.setting.text();
            let message = format!(
                "directory listings are now on for {} and every directory below: `{text}` makes httpd list the files of any directory without an index file",
                listing(&group.urls, 3)
            );
            let f = match group.setting.origin {
                Origin::Node(id) => {
                    let span = ctx.node(id).span;
                    ctx.report_change(Some((id, span)), None, message)
                }
                Origin::Htaccess(_, span) => {
                    let f = ctx.report_change(None, None, message);
                    f.primary = span;
                    f
                }
            };
            if !group.listed {
                f.severity = Severity::Warning;
            }
            f.primary_label = Some("turns on directory listings".to_string());
            f.help = Some("limit Indexes to the directory meant to be browsed, or add `Options -Indexes` for the directories below it".to_string());
        }
    }
}
