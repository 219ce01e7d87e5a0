//! Command-line types (clap derive) and nothing else: parsing arguments into
//! these types is all this module does; `app` gives them meaning.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "apachelint",
    version,
    about = "Pre-deploy change guard and linter for Apache httpd 2.4 configuration",
    long_about = "apachelint reads an Apache httpd 2.4 configuration exactly as httpd does \
                  (includes, globs, Define, IfModule, macros) and reports what httpd would \
                  refuse, what changed against the last known-good version, and what is insecure.\n\n\
                  Exit codes: 0 clean, 1 findings at or above --fail-on, 2 could not check."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a configuration: everything httpd would refuse, latent errors in
    /// inactive branches, and risky or insecure settings.
    Check(CheckArgs),
    /// Print the loaded configuration (or, with --syntax-only, one file's syntax tree).
    Dump(DumpArgs),
    /// Save a self-contained snapshot of a configuration (every file read and
    /// the profile) to compare later edits against (`check --baseline FILE`).
    Snapshot(SnapshotArgs),
    /// Explain a rule: what it checks, why it matters, an example.
    Explain(ExplainArgs),
    /// List every rule with its code, name, family and default severity.
    Rules,
    /// Print the include tree, like `apache2 -t -D DUMP_INCLUDES`.
    Includes(InputArgs),
    /// Print the virtual-host map, like `apache2 -S`, computed without the server.
    Vhosts(InputArgs),
}

/// Where the configuration is and how the target server runs it.
#[derive(Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// A root file (apache2.conf, httpd.conf) or a directory holding one, or a
    /// filesystem layout holding etc/apache2 or etc/httpd.
    pub path: PathBuf,
    /// ServerRoot as the configuration sees it (like `apache2 -d`).
    #[arg(long, value_name = "DIR")]
    pub server_root: Option<PathBuf>,
    /// Read the configuration path CONFIG from the checkout path CHECKOUT
    /// (e.g. --map /etc/apache2=./apache2); repeatable.
    #[arg(long = "map", value_name = "CONFIG=CHECKOUT")]
    pub maps: Vec<String>,
    /// Start the server with `-D NAME` (IfDefine); repeatable.
    #[arg(short = 'D', long = "define", value_name = "NAME")]
    pub defines: Vec<String>,
    /// Set an environment variable for ${VAR} (overrides envvars); repeatable.
    #[arg(long = "env", value_name = "NAME=VALUE")]
    pub env: Vec<String>,
    /// A directive read before the configuration, like `apache2 -C`; repeatable.
    #[arg(short = 'C', long = "pre-directive", value_name = "DIRECTIVE")]
    pub pre_directives: Vec<String>,
    /// A directive read after the configuration, like `apache2 -c`; repeatable.
    #[arg(short = 'c', long = "post-directive", value_name = "DIRECTIVE")]
    pub post_directives: Vec<String>,
    /// Also take ${VAR} values from apachelint's own process environment.
    #[arg(long)]
    pub use_process_env: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Exit with 1 when a finding reaches this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Treat every file a directive names (certificates, log directories) as
    /// present, for a checkout that does not hold them.
    #[arg(long)]
    pub assume_files_exist: bool,
    /// The known-good configuration to compare with: another tree, or a
    /// snapshot file written by `apachelint snapshot`.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["baseline_git", "no_baseline"])]
    pub baseline: Option<PathBuf>,
    /// Compare with the configuration at this git revision (default inside a
    /// repository: HEAD).
    #[arg(long, value_name = "REV", conflicts_with = "no_baseline")]
    pub baseline_git: Option<String>,
    /// Check what is staged for commit (the git index) against HEAD: the
    /// pre-commit hook.
    #[arg(long)]
    pub staged: bool,
    /// Do not compare with any known-good configuration.
    #[arg(long)]
    pub no_baseline: bool,
    /// Also report (and count toward the exit code) the findings the
    /// known-good configuration already had; by default a check against a
    /// baseline reports only what the change brings.
    #[arg(long)]
    pub all_findings: bool,
    /// Report only these rules: codes (AL225), code prefixes (AL2), rule
    /// names or families (security); repeat or separate with commas.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not report these rules (same selectors as --select). What stops
    /// apachelint from checking (an unreadable file) is always reported.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Colour the human report: auto (when the output is a terminal), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// Source snippets with labels and help (miette).
    Human,
    /// One line per finding: file:line:col: severity[code]: message.
    Short,
    /// The documented, versioned JSON report.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A rule code (AL104) or name (wrong-argument-count).
    pub rule: String,
}

#[derive(Args, Debug)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where to write the snapshot.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Args, Debug)]
pub struct DumpArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DumpFormat::Text)]
    pub format: DumpFormat,
    /// Parse only the given file; do not follow includes.
    #[arg(long)]
    pub syntax_only: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpFormat {
    /// The effective configuration in httpd's DUMP_CONFIG form.
    Text,
    /// The documented, versioned JSON form.
    Json,
}
