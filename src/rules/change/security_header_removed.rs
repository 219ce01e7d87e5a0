//! `AL232` security-header-removed.

use std::collections::BTreeMap;

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::perdir::{Origin, Setting, comparable, listing, merged, sides, site_url};

crate::declare_rule! {
    /// ## What it does
    /// Reports a security header — `Strict-Transport-Security`, `Content-Security-Policy`,
    /// `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy` — that a site's responses
    /// carried in the known-good configuration and no longer carry: its `Header` line removed
    /// or unset, or the `.htaccess` that set it no longer read.
    ///
    /// It computes the headers of each path of each site on both sides (`Header` lines of the
    /// main server, the vhost, the `<Directory>`/`<Location>` sections and the `.htaccess`
    /// files httpd reads there, merged in httpd's order). (A `.htaccess` conditional that
    /// turned false is config-silently-disabled's finding.) A header set inside `<If>` or with
    /// `env=`/`expr=` counts as sent; a path is compared only where both versions serve it
    /// from the same place.
    ///
    /// ## Why is this risky?
    /// Nothing fails and no test notices; the site just loses a defence (clickjacking, MIME
    /// sniffing, HTTPS downgrade, script injection). "The application sets its own CSP now" is
    /// a common and often wrong assumption.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    ///     ServerName shop.example
    ///     Header always set Content-Security-Policy "frame-ancestors 'self'"
    /// </VirtualHost>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_headers.html#header>
    /// - <https://owasp.org/www-project-secure-headers/>
    pub SECURITY_HEADER_REMOVED = {
        code: "AL232",
        name: "security-header-removed",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SecurityHeaderRemoved;

/// The headers that defend the browser, lowercased.
const SECURITY_HEADERS: [&str; 5] = [
    "strict-transport-security",
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
];

/// One `Header` line: `Header [always|onsuccess] action name [value …]`.
pub(crate) struct HeaderLine<'s> {
    pub always: bool,
    /// Lowercased: `set`, `append`, `unset` …
    pub action: String,
    pub name: &'s str,
    pub value: Option<&'s str>,
}

pub(crate) fn parse_header<'s>(args: &[&'s str]) -> Option<HeaderLine<'s>> {
    let (always, rest) = match args.first().map(|a| a.to_ascii_lowercase()).as_deref() {
        Some("always") => (true, &args[1..]),
        Some("onsuccess") => (false, &args[1..]),
        _ => (false, args),
    };
    Some(HeaderLine {
        always,
        action: rest.first()?.to_ascii_lowercase(),
        name: rest.get(1)?.trim_end_matches(':'),
        value: rest.get(2).copied(),
    })
}

/// The security headers responses carry after the merge: lowercased name →
/// the setting that adds it (the last one).
pub(crate) fn security_headers<'a>(settings: &[Setting<'a>]) -> BTreeMap<String, Setting<'a>> {
    // Per table (always / on success): httpd keeps the two apart.
    let mut tables: BTreeMap<(bool, String), Option<Setting<'a>>> = BTreeMap::new();
    for s in settings.iter().filter(|s| s.is("Header")) {
        let Some(h) = parse_header(&s.args) else {
            continue;
        };
        let name = h.name.to_ascii_lowercase();
        if !SECURITY_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let entry = tables.entry((h.always, name)).or_default();
        match h.action.as_str() {
            "set" | "append" | "add" | "merge" | "setifempty" => *entry = Some(s.clone()),
            "unset" if !s.conditional => *entry = None,
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for ((_, name), setting) in tables {
        if let Some(s) = setting {
            out.insert(name, s);
        }
    }
    out
}

/// How a header is spelled in messages: `Content-Security-Policy`.
fn spelled(setting: &Setting<'_>) -> String {
    parse_header(&setting.args).map_or_else(String::new, |h| h.name.to_string())
}

/// A `Header` line up to the header name: `Header always set X-Frame-Options`.
fn header_text(setting: &Setting<'_>) -> String {
    let upto = setting
        .args
        .iter()
        .position(|a| {
            SECURITY_HEADERS.contains(&a.trim_end_matches(':').to_ascii_lowercase().as_str())
        })
        .map_or(setting.args.len(), |i| i + 1);
    format!("{} {}", setting.name, setting.args[..upto].join(" "))
}

/// What lost headers are grouped by: the `Header` node, or the `.htaccess`
/// file.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Node(u32),
    Htaccess(u32),
}

struct Lost<'a> {
    headers: Vec<String>,
    /// URL paths per site (the candidate's vhost index).
    paths: BTreeMap<Option<usize>, Vec<String>>,
    setting: Setting<'a>,
    /// A `Header unset` of the candidate that removes it.
    unset_by: Option<NodeId>,
}

/// The last `Header unset` of a header among the candidate's settings.
fn unset_by(settings: &[Setting<'_>], name: &str) -> Option<NodeId> {
    settings
        .iter()
        .filter(|s| s.is("Header"))
        .filter(|s| {
            parse_header(&s.args)
                .is_some_and(|h| h.action == "unset" && h.name.eq_ignore_ascii_case(name))
        })
        .filter_map(|s| match s.origin {
            Origin::Node(id) => Some(id),
            Origin::Htaccess(..) => None,
        })
        .next_back()
}

impl Rule for SecurityHeaderRemoved {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SECURITY_HEADER_REMOVED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((old, new)) = sides(ctx) else { return };
        let mut groups: BTreeMap<Key, Lost<'_>> = BTreeMap::new();
        for probe in comparable(&old, &new) {
            let before = security_headers(&merged(&old, &probe.old, &["Header"]));
            let new_settings = merged(&new, &probe.new, &["Header"]);
            let after = security_headers(&new_settings);
            for (name, setting) in before {
                if after.contains_key(&name) {
                    continue;
                }
                let key = match setting.origin {
                    Origin::Node(id) => Key::Node(id.0),
                    Origin::Htaccess(h, _) => Key::Htaccess(h.file.0),
                };
                let lost = groups.entry(key).or_insert_with(|| Lost {
                    headers: Vec::new(),
                    paths: BTreeMap::new(),
                    setting: setting.clone(),
                    unset_by: None,
                });
                lost.unset_by = lost.unset_by.or(unset_by(&new_settings, &name));
                let header = spelled(&setting);
                if !lost.headers.contains(&header) {
                    lost.headers.push(header);
                }
                let paths = lost.paths.entry(probe.site.new).or_default();
                if !paths.contains(&probe.url) {
                    paths.push(probe.url.clone());
                }
            }
        }
        for lost in groups.into_values() {
            // A site that lost the header at `/` lost it everywhere: name the site.
            let mut urls = Vec::new();
            for (site, paths) in &lost.paths {
                if paths.iter().any(|p| p == "/") {
                    urls.push(site_url(&new, *site, "/"));
                } else {
                    urls.extend(paths.iter().map(|p| site_url(&new, *site, p)));
                }
            }
            let message = format!(
                "responses for {} no longer carry {}",
                listing(&urls, 3),
                lost.headers.join(", ")
            );
            let text = header_text(&lost.setting);
            let (old_side, htaccess_line) = match lost.setting.origin {
                Origin::Node(id) => (Some((id, old.config.node(id).span)), None),
                Origin::Htaccess(_, line) => (None, Some(line)),
            };
            let f = match (lost.unset_by, lost.setting.origin) {
                (Some(id), _) => {
                    let span = ctx.node(id).span;
                    ctx.report_change(
                        Some((id, span)),
                        old_side,
                        format!("{message}: `Header unset` removes it"),
                    )
                }
                (None, Origin::Node(_)) => {
                    ctx.report_change(None, old_side, format!("{message}: `{text}` is gone"))
                }
                (None, Origin::Htaccess(file, _)) => {
                    // Still read: a conditional of the file switched off
                    // (config-silently-disabled says which).
                    let overrides = new.overrides(&file.dir);
                    if overrides.reads_htaccess() {
                        continue;
                    }
                    let before = old.overrides(&file.dir);
                    ctx.report_change(
                        overrides.source.map(|id| (id, ctx.node(id).span)),
                        before.source.map(|id| (id, old.config.node(id).span)),
                        format!("{message}: {} is no longer read", file.path),
                    )
                }
            };
            if let Some(line) = htaccess_line {
                f.labels.push(crate::finding::Label {
                    span: line,
                    message: "the header was set here".to_string(),
                });
            }
            f.help = Some(format!(
                "keep `{text}` where every response of the site gets it (the vhost configuration)"
            ));
        }
    }
}
