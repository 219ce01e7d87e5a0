//! `AL320` repository-metadata-served.

use pcre2::bytes::RegexBuilder;

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::served_trees;

crate::declare_rule! {
    /// ## What it does
    /// Reports a served tree (a `DocumentRoot` or `Alias` target) that holds a version-control
    /// directory (`.git`, `.svn`, `.hg`) or an `.env` file on the target, where nothing in the
    /// configuration refuses requests for it: no `<DirectoryMatch>`, `<FilesMatch>`,
    /// `<LocationMatch>` (or `~` form) matching it with `Require all denied` (or
    /// `Deny from all`), no `RedirectMatch 403|404|410` and no `RewriteRule … [F]` or `[G]`
    /// whose pattern matches it. Runs only where apachelint can see the served files.
    ///
    /// ## Why is this risky?
    /// `/.git/` hands out the site's whole source and history — credentials committed once
    /// and removed later included — to tools that scan for it by the million; `.env` files
    /// hold database passwords and API keys. Deploys by `git pull` into the document root
    /// leave `.git` there. CIS item 5.10 requires access to such files denied.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// DocumentRoot /var/www/shop
    /// ```
    ///
    /// ```apache
    /// # after
    /// DocumentRoot /var/www/shop
    /// <DirectoryMatch "/\.(git|svn|hg)">
    ///     Require all denied
    /// </DirectoryMatch>
    /// <Files ".env">
    ///     Require all denied
    /// </Files>
    /// ```
    ///
    /// ## References
    /// - CIS Apache HTTP Server 2.4 Benchmark, 5.10 "Ensure Access to .ht* Files Is Restricted" (and the same for other hidden files)
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#directorymatch>
    pub REPOSITORY_METADATA_SERVED = {
        code: "AL320",
        name: "repository-metadata-served",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct RepositoryMetadataServed;

/// What a request for the hidden item looks like to each kind of section.
struct Probe {
    /// The URL path (`/.git/config`).
    url: String,
    /// The directory httpd walks for it (`/var/www/shop/.git`).
    dir: String,
    /// The file name (`config`, `.env`).
    file: String,
}

impl Rule for RepositoryMetadataServed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &REPOSITORY_METADATA_SERVED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let mut seen = std::collections::HashSet::new();
        for (tree, id) in served_trees(ctx) {
            if !seen.insert(tree.clone()) {
                continue;
            }
            let node = ctx.node(id);
            let url_prefix = if node.is("DocumentRoot") {
                "/".to_string()
            } else {
                let url = node.arg(0).unwrap_or("/");
                format!("{}/", url.trim_end_matches('/'))
            };
            let base = tree.trim_end_matches('/');
            let Ok(entries) = ctx.facts.list_dir(base) else {
                continue;
            };
            let mut found: Vec<(String, Probe)> = Vec::new();
            for (name, is_dir) in entries {
                let probe = match (name.as_str(), is_dir) {
                    (".git" | ".svn" | ".hg", true) => Probe {
                        url: format!("{url_prefix}{name}/config"),
                        dir: format!("{base}/{name}"),
                        file: "config".to_string(),
                    },
                    (".env", false) => Probe {
                        url: format!("{url_prefix}.env"),
                        dir: base.to_string(),
                        file: ".env".to_string(),
                    },
                    _ => continue,
                };
                found.push((format!("{base}/{name}"), probe));
            }
            found.sort_by(|a, b| a.0.cmp(&b.0));
            for (path, probe) in found {
                if refused(ctx, &probe) {
                    continue;
                }
                let arg = if node.is("DocumentRoot") { 0 } else { 1 };
                let span = ctx.node(id).arg_span(arg);
                let f = ctx.report(
                    id,
                    span,
                    format!("{path} is served ({}): anyone can download it", probe.url),
                );
                f.help = Some(
                    "deny it (`<DirectoryMatch \"/\\.(git|svn|hg)\">` / `<Files \".env\">` with `Require all denied`), or deploy without it"
                        .to_string(),
                );
            }
        }
    }
}

/// Whether some active section, `RedirectMatch` or `RewriteRule` refuses the
/// probe's request.
fn refused(ctx: &Context<'_>, probe: &Probe) -> bool {
    let config = ctx.config;
    let matches = |pattern: &str, subject: &str, caseless: bool| {
        RegexBuilder::new()
            .caseless(caseless)
            .build(pattern)
            .is_ok_and(|re| re.is_match(subject.as_bytes()).unwrap_or(false))
    };
    let denies = |section: NodeId| {
        config.effective(section).iter().any(|&id| {
            let n = config.node(id);
            let words: Vec<&str> = n.arg_values().collect();
            let is = |w: &str, s: &str| w.eq_ignore_ascii_case(s);
            (n.is("Require")
                && matches!(words.as_slice(), [a, d] if is(a, "all") && is(d, "denied")))
                || (n.is("Deny")
                    && matches!(words.as_slice(), [f, a] if is(f, "from") && is(a, "all")))
        })
    };
    let sections = [
        ("<DirectoryMatch", &probe.dir),
        ("<Directory", &probe.dir),
        ("<FilesMatch", &probe.file),
        ("<Files", &probe.file),
        ("<LocationMatch", &probe.url),
        ("<Location", &probe.url),
    ];
    for (name, subject) in sections {
        for &id in ctx.named(name) {
            let node = config.node(id);
            if !node.active {
                continue;
            }
            let words: Vec<&str> = node.arg_values().collect();
            let hit = match (name.ends_with("Match"), words.as_slice()) {
                (true, [pattern]) => matches(pattern, subject, false),
                (false, ["~", pattern]) => matches(pattern, subject, false),
                (false, [exact]) => {
                    let exact = exact.trim_end_matches('/');
                    subject.as_str() == exact || subject.starts_with(&format!("{exact}/"))
                }
                _ => false,
            };
            if hit && denies(id) {
                return true;
            }
        }
    }
    let refusing_status = |s: &str| {
        ["403", "404", "410", "gone", "forbidden"]
            .iter()
            .any(|c| s.eq_ignore_ascii_case(c))
    };
    for &id in ctx.named("RedirectMatch") {
        let node = config.node(id);
        let words: Vec<&str> = node.arg_values().collect();
        if let [status, pattern, ..] = words.as_slice()
            && node.active
            && refusing_status(status)
            && matches(pattern, &probe.url, false)
        {
            return true;
        }
    }
    for &id in ctx.named("RewriteRule") {
        let node = config.node(id);
        let words: Vec<&str> = node.arg_values().collect();
        let [pattern, _, flags, ..] = words.as_slice() else {
            continue;
        };
        let refuses = flags.trim_matches(['[', ']']).split(',').any(|f| {
            matches!(
                f.to_ascii_uppercase().as_str(),
                "F" | "G" | "FORBIDDEN" | "GONE"
            )
        });
        let caseless = flags.to_ascii_uppercase().contains("NC");
        // Server context sees `/.git/config`, directory context `.git/config`.
        let relative = probe.url.trim_start_matches('/');
        if node.active
            && refuses
            && (matches(pattern, &probe.url, caseless) || matches(pattern, relative, caseless))
        {
            return true;
        }
    }
    false
}
