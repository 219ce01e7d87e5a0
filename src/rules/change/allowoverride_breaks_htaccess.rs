//! `AL225` allowoverride-breaks-htaccess.

use crate::finding::{Severity, Stage};
use crate::model::overrides::{Overrides, class_names, overrides_for};
use crate::model::registry;
use crate::rules::context::{Context, HtaccessFile, Rule};
use crate::source::Span;

use super::perdir::{Origin, htaccess_directives, is_served, sides, walk_htaccess};

crate::declare_rule! {
    /// ## What it does
    /// Reads the `.htaccess` files below the directories the configuration serves and checks
    /// every directive in them against the `AllowOverride` (and `AllowOverrideList`) in force
    /// for their directory. Reports each directory whose `.htaccess` uses a directive the
    /// overrides forbid — and, with a known-good version, the `AllowOverride` change that
    /// caused it. With a known-good version it also reports a `.htaccess` file that the
    /// known-good configuration read and acted on and that the candidate no longer reads at
    /// all (`AllowOverride None`).
    ///
    /// ## Why is this risky?
    /// httpd reads `.htaccess` files per request, not at start-up, so `apache2 -t` passes and
    /// the server starts. Then every request below that directory answers **500 Internal
    /// Server Error** (`.htaccess: RewriteEngine not allowed here`). A well-meant hardening of
    /// `AllowOverride All` to `AllowOverride AuthConfig Indexes` takes down an application
    /// whose `.htaccess` routes with mod_rewrite — it looks like the application or its
    /// database failing. `AllowOverride None` (CIS 4.4) is quieter and just as bad: httpd stops
    /// reading the file, so its routing (every pretty URL now 404), redirects, access rules and
    /// security headers silently disappear.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /var/www/shop/public>
    ///     AllowOverride AuthConfig Indexes
    /// </Directory>
    /// # public/.htaccess: RewriteEngine On …
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory /var/www/shop/public>
    ///     AllowOverride AuthConfig Indexes FileInfo Options
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#allowoverride>
    /// - <https://httpd.apache.org/docs/2.4/howto/htaccess.html>
    pub ALLOWOVERRIDE_BREAKS_HTACCESS = {
        code: "AL225",
        name: "allowoverride-breaks-htaccess",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct AllowOverrideBreaksHtaccess;

/// A directive of a `.htaccess` file httpd will refuse at request time.
struct Refused {
    name: String,
    span: Span,
    /// The classes it needs (`None`: no loaded module knows it).
    needs: Option<u32>,
}

/// Collects what httpd would refuse in a `.htaccess` file, with the
/// candidate's modules and defines deciding its conditionals.
fn refused(ctx: &Context<'_>, file: &HtaccessFile, overrides: &Overrides, out: &mut Vec<Refused>) {
    walk_htaccess(ctx.config, &file.parsed.nodes, &mut |d| {
        let name = d.name.value.to_string();
        let specs = ctx.loaded_specs(&name);
        let span = Span::new(file.file, d.name.range);
        match specs.first() {
            None if !overrides.nonfatal_unknown => out.push(Refused {
                name,
                span,
                needs: None,
            }),
            None => {}
            Some(spec) => {
                let needs = spec.req_override.0;
                if !overrides.allows(&name, needs) && !overrides.nonfatal_override {
                    out.push(Refused {
                        name,
                        span,
                        needs: Some(needs),
                    });
                }
            }
        }
    });
}

impl Rule for AllowOverrideBreaksHtaccess {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ALLOWOVERRIDE_BREAKS_HTACCESS
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let files: Vec<&HtaccessFile> = ctx.htaccess.iter().collect();
        for file in files {
            let overrides = overrides_for(ctx.config, &file.dir);
            if !overrides.reads_htaccess() {
                no_longer_read(ctx, file, &overrides);
                continue;
            }
            let mut out = Vec::new();
            refused(ctx, file, &overrides, &mut out);
            if out.is_empty() {
                continue;
            }
            // One mention per directive name, grouped by the class it needs.
            let mut groups: Vec<(String, Vec<String>)> = Vec::new();
            for r in &out {
                let need = match r.needs {
                    Some(n) => format!("need {}", class_names(n & registry::OR_ALL)),
                    None => "no loaded module knows them".to_string(),
                };
                match groups.iter_mut().find(|(k, _)| *k == need) {
                    Some((_, names)) if !names.contains(&r.name) => names.push(r.name.clone()),
                    Some(_) => {}
                    None => groups.push((need, vec![r.name.clone()])),
                }
            }
            let what: Vec<String> = groups
                .iter()
                .map(|(need, names)| format!("{} ({need})", names.join(", ")))
                .collect();
            let allowed = class_names(overrides.classes);
            let message = format!(
                "every request below {} will fail with 500: its {} uses {}, which `AllowOverride {allowed}` forbids",
                file.dir,
                file.path.rsplit('/').next().unwrap_or(".htaccess"),
                what.join(", ")
            );
            let baseline_overrides = ctx
                .baseline
                .map(|b| (b, overrides_for(b.config, &file.dir)));
            let f = match (&baseline_overrides, overrides.source) {
                (Some((b, old)), Some(new_node)) => {
                    let old_ok = out.iter().all(|r| match r.needs {
                        Some(n) => old.allows(&r.name, n) || old.nonfatal_override,
                        None => true,
                    }) && old.reads_htaccess();
                    if !old_ok && old.source == overrides.source {
                        continue;
                    }
                    let old_side = old.source.map(|o| (o, b.config.node(o).span));
                    let new_span = ctx.node(new_node).span;
                    ctx.report_change(Some((new_node, new_span)), old_side, message)
                }
                (_, Some(new_node)) => {
                    let span = ctx.node(new_node).span;
                    ctx.report(new_node, span, message)
                }
                (_, None) => continue,
            };
            f.severity = Severity::Error;
            f.stage = Stage::Request;
            f.primary_label = Some(format!("allows only {allowed}"));
            let mut shown: Vec<&str> = Vec::new();
            for r in &out {
                if shown.contains(&r.name.as_str()) || shown.len() == 3 {
                    continue;
                }
                shown.push(&r.name);
                let note = match r.needs {
                    Some(n) => format!(
                        "`{}` here needs AllowOverride {}: httpd answers 500 (`{} not allowed here`)",
                        r.name,
                        class_names(n & registry::OR_ALL),
                        r.name
                    ),
                    None => format!(
                        "`{}` is unknown to the loaded modules: httpd answers 500",
                        r.name
                    ),
                };
                f.labels.push(crate::finding::Label {
                    span: r.span,
                    message: note,
                });
            }
            let mut needed = overrides.classes;
            for r in &out {
                needed |= r.needs.unwrap_or(0) & registry::OR_ALL;
            }
            f.help = Some(format!(
                "allow what the file uses (`AllowOverride {}`), or move those directives into the <Directory> block and remove them from the file",
                class_names(needed)
            ));
        }
    }
}

/// With a known-good version: reports a `.htaccess` file the known-good
/// configuration read (and acted on) that the candidate no longer reads.
fn no_longer_read(ctx: &mut Context<'_>, file: &HtaccessFile, overrides: &Overrides) {
    let Some((old_side, new_side)) = sides(ctx) else {
        return;
    };
    // A directory no site serves any more is another rule's finding.
    if !is_served(&old_side, &file.dir) || !is_served(&new_side, &file.dir) {
        return;
    }
    let base = old_side.config;
    let old = overrides_for(base, &file.dir);
    if !old.reads_htaccess() {
        return;
    }
    let read = htaccess_directives(base, file, &old);
    if read.applied.is_empty() || !read.refused.is_empty() {
        return;
    }
    let mut names: Vec<&str> = Vec::new();
    for s in &read.applied {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(s.name)) {
            names.push(s.name);
        }
    }
    let name = file.path.rsplit('/').next().unwrap_or(".htaccess");
    let allowed = class_names(overrides.classes);
    let message = format!(
        "requests below {} silently lose what its {name} does ({}): `AllowOverride {allowed}` stops httpd reading it",
        file.dir,
        names.join(", ")
    );
    let new_node = overrides.source.map(|id| (id, ctx.node(id).span));
    let old_node = old.source.map(|id| (id, base.node(id).span));
    let f = ctx.report_change(new_node, old_node, message);
    f.severity = Severity::Error;
    f.stage = Stage::Request;
    f.primary_label = Some(format!("{name} files are no longer read here"));
    for s in read.applied.iter().take(3) {
        if let Origin::Htaccess(_, span) = s.origin {
            f.labels.push(crate::finding::Label {
                span,
                message: format!("`{}` no longer applies", s.name),
            });
        }
    }
    f.help = Some(format!(
        "keep the classes the file needs (`AllowOverride {}`), or move its directives into the <Directory> block before turning overrides off",
        class_names(
            read.applied
                .iter()
                .fold(0, |acc, s| acc | needed_class(s.name))
        )
    ));
}

/// The override class a directive needs in `.htaccess`.
fn needed_class(name: &str) -> u32 {
    registry::lookup(name)
        .first()
        .map_or(0, |spec| spec.req_override.0 & registry::OR_ALL)
}
