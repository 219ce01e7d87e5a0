//! The application layer: turns parsed arguments into a run of the pipeline
//! and an exit status. Besides `load::provider`, the only module that may touch
//! the file system or the process environment.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::io::IsTerminal;

use crate::check;
use crate::cli::{
    CheckArgs, Cli, ColorChoice, Command, DiffArgs, DiffFormat, DumpArgs, DumpFormat, ExplainArgs,
    FailOn, InputArgs, ReportFormat, SnapshotArgs, Target,
};
use crate::finding::{BaselineState, Severity};
use crate::load::facts::VfsFacts;
use crate::load::git::{self, GitSource};
use crate::load::input::{self, InputSpec};
use crate::load::provider::Backend;
use crate::load::provider::DiskBackend;
use crate::load::snapshot::Snapshot;
use crate::load::tree::Config;
use crate::load::vfs::Vfs;
use crate::load::{self as loader, LoadOptions, Profile, envvars, render};
use crate::model::vhosts::VhostMap;
use crate::report::human::HumanOptions;
use crate::rules::selection::Selection;
use crate::source::SourceFile;
use crate::syntax::{self, ParseOptions};

/// How a run ended; maps one-to-one to the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above the threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
    /// The configuration could not be checked (unreadable, unparsable, bad usage).
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        }
    }
}

pub fn run(cli: Cli, out: &mut dyn Write) -> ExitStatus {
    let result = match cli.command {
        Command::Check(args) => check(&args, out),
        Command::Diff(args) => diff(&args, out),
        Command::Dump(args) => dump(&args, out),
        Command::Includes(args) => includes(&args, out),
        Command::Snapshot(args) => snapshot(&args, out),
        Command::Explain(args) => explain(&args, out),
        Command::Rules => rules(out),
        Command::Vhosts(args) => vhosts(&args, out),
    };
    match result {
        Ok(status) => status,
        Err(message) => {
            eprintln!("apachelint: {message}");
            ExitStatus::Error
        }
    }
}

#[allow(clippy::disallowed_methods)] // the application edge: cwd and environment
fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"))
}

fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    loader::normalize(&cwd.join(path))
}

/// Parses `NAME=VALUE`.
fn pair(text: &str, what: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .ok_or_else(|| format!("{what} must be NAME=VALUE, got '{text}'"))
}

/// Loads the configuration the arguments describe, from the disk.
pub fn load_input(args: &InputArgs) -> Result<Config, String> {
    let cwd = current_dir();
    let disk = Arc::new(DiskBackend {
        display_base: Some(cwd.clone()),
    });
    load_from(disk, args, &absolute(&args.path, &cwd), false).map(|(config, _)| config)
}

/// Loads the configuration at `path` through `backend` (the disk, a git
/// revision, the index, a snapshot) with the input options of `args`.
fn load_from(
    backend: Arc<dyn Backend>,
    args: &InputArgs,
    path: &Path,
    repository: bool,
) -> Result<(Config, input::Input), String> {
    let cwd = current_dir();
    let mut maps = Vec::new();
    for m in &args.maps {
        let (config, checkout) = pair(m, "--map")?;
        maps.push((
            loader::normalize(Path::new(&config)),
            absolute(Path::new(&checkout), &cwd),
        ));
    }
    let mut profile = target_profile(args.target);
    let spec = InputSpec {
        path: path.to_path_buf(),
        maps,
        // Like `apache2 -d`: a relative ServerRoot is relative to the
        // working directory.
        server_root: args.server_root.as_ref().map(|p| absolute(p, &cwd)),
        default_server_root: profile.server_root.clone(),
        repository,
    };
    let input = input::resolve(backend, &spec)?;
    profile.defines.extend(args.defines.iter().cloned());
    profile.env = environment(&input, args)?;
    let options = LoadOptions {
        profile,
        root_file: input.root_file.clone(),
        server_root: Some(input.server_root.clone()),
        pre_directives: args.pre_directives.clone(),
        post_directives: args.post_directives.clone(),
    };
    Ok((loader::load(&input.vfs, &options), input))
}

/// The load profile of a `--target`.
fn target_profile(target: Target) -> Profile {
    match target {
        Target::Debian24 => Profile::debian(),
    }
}

/// Loads a known-good configuration from a snapshot file.
fn load_snapshot(snapshot: &Snapshot, args: &InputArgs) -> Config {
    let mut profile = target_profile(args.target);
    profile.defines = snapshot.defines.clone();
    profile.env = snapshot.env.clone();
    let vfs = Vfs::direct(Arc::new(snapshot.backend()));
    let options = LoadOptions {
        profile,
        root_file: snapshot.root_file.clone(),
        server_root: Some(snapshot.server_root.clone()),
        pre_directives: args.pre_directives.clone(),
        post_directives: args.post_directives.clone(),
    };
    loader::load(&vfs, &options)
}

/// The environment `${VAR}` sees: Debian's `envvars` from the tree when it has
/// one (else Debian's defaults), then `--env`, then (only when asked) the
/// process environment.
fn environment(input: &input::Input, args: &InputArgs) -> Result<BTreeMap<String, String>, String> {
    let envvars_path = input.server_root.join("envvars");
    let mut env = match input.vfs.read(&envvars_path) {
        Ok(bytes) => {
            let mut initial = BTreeMap::new();
            initial.insert(
                "APACHE_CONFDIR".to_string(),
                input.server_root.display().to_string(),
            );
            envvars::evaluate(&String::from_utf8_lossy(&bytes), &initial).exported
        }
        Err(_) => envvars::debian_defaults(),
    };
    if args.use_process_env {
        #[allow(clippy::disallowed_methods)] // explicitly requested by the user
        env.extend(std::env::vars());
    }
    for e in &args.env {
        let (k, v) = pair(e, "--env")?;
        env.insert(k, v);
    }
    Ok(env)
}

fn check(args: &CheckArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let selection = Selection::new(&args.select, &args.ignore)?;
    let cwd = current_dir();
    let path = absolute(&args.input.path, &cwd);
    let disk: Arc<dyn Backend> = Arc::new(DiskBackend {
        display_base: Some(cwd.clone()),
    });
    let repo = git::repository_root(&path).ok();
    let candidate_backend: Arc<dyn Backend> = if args.staged {
        let root = repo
            .clone()
            .ok_or("--staged needs the configuration to be in a git repository")?;
        Arc::new(git::GitBackend::open(&root, GitSource::Index).map_err(|e| e.to_string())?)
    } else {
        disk.clone()
    };
    let started = std::time::Instant::now();
    // The two versions are read at the same time.
    let (candidate, baseline) = rayon::join(
        || load_from(candidate_backend, &args.input, &path, args.staged),
        || load_baseline(args, &path, repo.as_deref(), &disk),
    );
    let (config, input) = candidate?;
    let baseline = baseline?;
    let baseline_name = baseline.as_ref().map(|_| baseline_label(args));
    let facts = VfsFacts {
        vfs: &input.vfs,
        server_root: config.server_root.clone(),
        assume_files_exist: args.assume_files_exist,
    };
    let loaded = std::time::Instant::now();
    let checked = crate::check::check_change(&config, baseline.as_ref(), &facts);
    let check_done = std::time::Instant::now();
    // What the known-good configuration already had is neither shown nor
    // counted unless asked: the gate judges the change.
    let reported = checked
        .findings
        .into_iter()
        .filter(|f| selection.reports(f.rule));
    let (findings, unchanged): (Vec<_>, Vec<_>) = if args.all_findings {
        (reported.collect(), Vec::new())
    } else {
        reported.partition(|f| f.baseline_state != Some(BaselineState::Unchanged))
    };
    let fail_on = match args.fail_on {
        FailOn::Error => check::FailOn::Severity(Severity::Error),
        FailOn::Warning => check::FailOn::Severity(Severity::Warning),
        FailOn::Info => check::FailOn::Severity(Severity::Info),
        FailOn::Never => check::FailOn::Never,
    };
    let code = check::exit_code(&findings, fail_on);
    let text = match args.format {
        ReportFormat::Json => {
            let root = config.root_path.display().to_string();
            let value = crate::report::json::report(
                &findings,
                &checked.sources,
                &root,
                code,
                unchanged.len(),
            );
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        ReportFormat::Short => crate::report::short::render(&findings, &checked.sources),
        ReportFormat::Sarif => {
            let value = crate::report::sarif::report(&findings, &checked.sources);
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        ReportFormat::Github => crate::report::github::render(&findings, &checked.sources),
        ReportFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => std::io::stdout().is_terminal(),
            };
            let options = HumanOptions {
                color,
                ..HumanOptions::default()
            };
            let mut text = match &baseline_name {
                Some(name) => crate::report::plan::render(name, &checked.changes, &findings),
                None => String::new(),
            };
            text.push_str(&crate::report::human::render(
                &findings,
                &checked.sources,
                options,
            ));
            text.push_str(&unchanged_line(&unchanged));
            text.push_str(&summary_line(&findings, code));
            text
        }
    };
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    if std::env::var_os("APACHELINT_TIMING").is_some() {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        eprintln!(
            "phases: {:.1} ms load, {:.1} ms check, {:.1} ms report",
            ms(loaded - started),
            ms(check_done - loaded),
            ms(check_done.elapsed())
        );
    }
    Ok(match code {
        0 => ExitStatus::Clean,
        1 => ExitStatus::Findings,
        _ => ExitStatus::Error,
    })
}

/// The known-good configuration: `--baseline PATH` (a tree or a snapshot
/// file), `--baseline-git REV`, HEAD for `--staged`, HEAD by default inside a
/// git repository (when the configuration is in HEAD), none with
/// `--no-baseline`.
fn load_baseline(
    args: &CheckArgs,
    path: &Path,
    repo: Option<&Path>,
    disk: &Arc<dyn Backend>,
) -> Result<Option<Config>, String> {
    if args.no_baseline {
        return Ok(None);
    }
    if let Some(base) = &args.baseline {
        let input = rebased_input(&args.input, path, base);
        return load_tree_or_snapshot(base, &input, disk).map(Some);
    }
    let explicit = args.baseline_git.clone();
    let rev = match (explicit, repo) {
        (Some(rev), Some(_)) => rev,
        (Some(_), None) => {
            return Err("--baseline-git needs the configuration to be in a git repository".into());
        }
        (None, Some(_)) => "HEAD".to_string(),
        (None, None) => return Ok(None),
    };
    let Some(root) = repo else { return Ok(None) };
    let backend = match git::GitBackend::open(root, GitSource::Revision(rev.clone())) {
        Ok(b) => b,
        // A repository without commits has no known-good yet.
        Err(_) if args.baseline_git.is_none() => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let (config, _) = load_from(Arc::new(backend), &args.input, path, true)?;
    if !config.is_complete() && args.baseline_git.is_none() && !args.staged {
        // The configuration is not in HEAD (new in the working tree).
        return Ok(None);
    }
    Ok(Some(config))
}

/// The input options for a second tree on disk (`--baseline DIR`, the old
/// side of `diff`): a `--server-root` or `--map` checkout path inside the
/// candidate's tree points at the same place inside the other tree — else
/// the known-good side would be read from the candidate's files.
fn rebased_input(input: &InputArgs, candidate: &Path, other: &Path) -> InputArgs {
    let cwd = current_dir();
    let tree_dir = |p: &Path| {
        let p = absolute(p, &cwd);
        if p.is_dir() {
            p
        } else {
            p.parent().map(Path::to_path_buf).unwrap_or(p)
        }
    };
    let (from, to) = (tree_dir(candidate), tree_dir(other));
    let rebase = |p: &Path| -> PathBuf {
        let p = absolute(p, &cwd);
        match p.strip_prefix(&from) {
            Ok(rest) => to.join(rest),
            Err(_) => p,
        }
    };
    let mut rebased = input.clone();
    rebased.server_root = input.server_root.as_deref().map(rebase);
    rebased.maps = input
        .maps
        .iter()
        .map(|m| match m.split_once('=') {
            Some((config, checkout)) => {
                format!("{config}={}", rebase(Path::new(checkout)).display())
            }
            None => m.clone(),
        })
        .collect();
    rebased
}

/// A configuration given as a tree or as a snapshot file written by
/// `apachelint snapshot`.
fn load_tree_or_snapshot(
    path: &Path,
    input: &InputArgs,
    disk: &Arc<dyn Backend>,
) -> Result<Config, String> {
    let path = absolute(path, &current_dir());
    #[allow(clippy::disallowed_methods)] // reading the user's snapshot file
    if path.is_file()
        && let Ok(bytes) = std::fs::read(&path)
        && bytes.first() == Some(&b'{')
    {
        let snapshot = Snapshot::from_json(&bytes)?;
        return Ok(load_snapshot(&snapshot, input));
    }
    let (config, _) = load_from(disk.clone(), input, &path, false)?;
    Ok(config)
}

/// `apachelint diff OLD NEW`: the semantic and routing diff. Exit 0 when
/// both have the same effect, 1 when they differ, 2 when either could not be
/// read completely (a partial read is no basis for "no change").
fn diff(args: &DiffArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let cwd = current_dir();
    let disk: Arc<dyn Backend> = Arc::new(DiskBackend {
        display_base: Some(cwd),
    });
    let old_input = rebased_input(&args.input, &args.input.path, &args.old);
    let (old, new) = rayon::join(
        || load_tree_or_snapshot(&args.old, &old_input, &disk),
        || load_tree_or_snapshot(&args.input.path, &args.input, &disk),
    );
    let (old, new) = (old?, new?);
    print_findings(&old);
    print_findings(&new);
    let (old_vhosts, new_vhosts) = (VhostMap::build(&old), VhostMap::build(&new));
    let changes = crate::diff::diff(&old, &new);
    let reroutes = crate::diff::routing::reroutes(&old, &old_vhosts, &new, &new_vhosts);
    let report = crate::report::diff::DiffReport {
        old: &old,
        new: &new,
        old_vhosts: &old_vhosts,
        new_vhosts: &new_vhosts,
        changes: &changes,
        reroutes: &reroutes,
    };
    let text = match args.format {
        DiffFormat::Human => report.human(),
        DiffFormat::Json => serde_json::to_string_pretty(&report.json()).unwrap_or_default() + "\n",
    };
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(if !old.is_complete() || !new.is_complete() {
        ExitStatus::Error
    } else if changes.is_empty() && reroutes.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    })
}

/// How the known-good side is named in the report.
fn baseline_label(args: &CheckArgs) -> String {
    match (&args.baseline, &args.baseline_git) {
        (Some(path), _) => path.display().to_string(),
        (None, Some(rev)) => format!("git {rev}"),
        (None, None) => "git HEAD".to_string(),
    }
}

/// The note on findings not shown because the known-good configuration
/// already had them (empty when there are none).
fn unchanged_line(unchanged: &[crate::finding::Finding]) -> String {
    if unchanged.is_empty() {
        return String::new();
    }
    let errors = unchanged
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let of_which = match errors {
        0 => String::new(),
        1 => " (1 error)".to_string(),
        n => format!(" ({n} errors)"),
    };
    let (n, them) = match unchanged.len() {
        1 => ("1 finding".to_string(), "it"),
        n => (format!("{n} findings"), "them"),
    };
    format!(
        "apachelint: {n}{of_which} not shown: the known-good configuration already had {them} (--all-findings shows {them})\n"
    )
}

/// The last line of the human report.
fn summary_line(findings: &[crate::finding::Finding], code: u8) -> String {
    let count = |s: Severity, one: &str, many: &str| {
        let n = findings.iter().filter(|f| f.severity == s).count();
        format!("{n} {}", if n == 1 { one } else { many })
    };
    let verdict = match code {
        0 => "passed",
        1 => "failed",
        _ => "could not check everything (fail closed)",
    };
    format!(
        "apachelint: {}, {}, {} — {verdict}\n",
        count(Severity::Error, "error", "errors"),
        count(Severity::Warning, "warning", "warnings"),
        count(Severity::Info, "note", "notes")
    )
}

fn print_findings(config: &Config) {
    if !config.findings.is_empty() {
        eprint!(
            "{}",
            crate::report::short::render(&config.findings, &config.sources)
        );
    }
}

fn status_of(config: &Config) -> ExitStatus {
    if config.is_complete() {
        ExitStatus::Clean
    } else {
        ExitStatus::Error
    }
}

fn includes(args: &InputArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let config = load_input(args)?;
    print_findings(&config);
    out.write_all(render::includes(&config).as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(status_of(&config))
}

fn explain(args: &ExplainArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let rule = crate::rules::registry::find(&args.rule)
        .ok_or_else(|| format!("no rule is called '{}' (see `apachelint rules`)", args.rule))?;
    let text = format!(
        "{} {} ({:?}, default severity {})\n\n{}",
        rule.code,
        rule.name,
        rule.family,
        rule.default_severity.as_str(),
        rule.explain()
    );
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(ExitStatus::Clean)
}

fn rules(out: &mut dyn Write) -> Result<ExitStatus, String> {
    let mut text = String::new();
    for r in crate::rules::registry::ALL {
        text.push_str(&format!(
            "{:6} {:34} {:9} {:8} {}\n",
            r.code,
            r.name,
            format!("{:?}", r.family).to_lowercase(),
            r.default_severity.as_str(),
            r.summary()
        ));
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(ExitStatus::Clean)
}

fn snapshot(args: &SnapshotArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let config = load_input(&args.input)?;
    print_findings(&config);
    if !config.is_complete() {
        return Err("the configuration could not be read completely; no snapshot written".into());
    }
    let snapshot = Snapshot::of(
        &config,
        "debian-2.4",
        &args.input.defines,
        &config.vars_env(),
    );
    let text = serde_json::to_string_pretty(&snapshot.to_json()).map_err(|e| e.to_string())?;
    #[allow(clippy::disallowed_methods)]
    // writing the user's snapshot file (never the configuration)
    std::fs::write(&args.output, text + "\n")
        .map_err(|e| format!("could not write {}: {e}", args.output.display()))?;
    writeln!(
        out,
        "snapshot of {} files written to {}",
        snapshot.files.len(),
        args.output.display()
    )
    .map_err(|e| e.to_string())?;
    Ok(ExitStatus::Clean)
}

fn vhosts(args: &InputArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let config = load_input(args)?;
    print_findings(&config);
    let map = crate::model::vhosts::VhostMap::build(&config);
    out.write_all(map.render().as_bytes())
        .map_err(|e| e.to_string())?;
    for v in &map.vhosts {
        for a in &v.addrs {
            let ip = match a.host {
                crate::model::vhosts::Host::Ip(ip) => Some(ip),
                crate::model::vhosts::Host::Any => None,
                crate::model::vhosts::Host::Name(_) => continue,
            };
            if let Some(port) = a.port
                && !crate::diff::routing::listens(&map, ip, port)
            {
                eprintln!(
                    "apachelint: warning: nothing listens on {} ({}:{})",
                    a.display(),
                    v.file,
                    v.line
                );
            }
        }
    }
    Ok(status_of(&config))
}

fn dump(args: &DumpArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    if args.syntax_only {
        return dump_syntax(args, out);
    }
    let config = load_input(&args.input)?;
    print_findings(&config);
    let text = match args.format {
        DumpFormat::Text => render::dump_config(&config, &|name| config.canonical_name(name)),
        DumpFormat::Json => {
            let value = render::loaded_json(&config);
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
    };
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(status_of(&config))
}

fn dump_syntax(args: &DumpArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let path = &args.input.path;
    #[allow(clippy::disallowed_methods)] // a single explicitly named file
    let bytes =
        std::fs::read(path).map_err(|e| format!("could not read {}: {e}", path.display()))?;
    let file = SourceFile::new(path, bytes);
    let parsed = syntax::parse(&file.text, &ParseOptions::main_config());
    let text = match args.format {
        DumpFormat::Text => syntax::dump::text(&parsed, &file.text),
        DumpFormat::Json => {
            let value = serde_json::json!({
                "version": 1,
                "status": if parsed.is_ok() { "ok" } else { "failed" },
                "config": [syntax::dump::file_json(&file, &parsed)],
            });
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
    };
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(if parsed.is_ok() {
        ExitStatus::Clean
    } else {
        ExitStatus::Error
    })
}
