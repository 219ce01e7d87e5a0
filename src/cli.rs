//! Command-line types (clap derive) and nothing else: parsing arguments into
//! these types is all this module does; `app` gives them meaning.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// Print the parsed syntax tree of one file.
    Dump(DumpArgs),
}

#[derive(clap::Args, Debug)]
pub struct DumpArgs {
    /// The configuration file to read.
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DumpFormat::Text)]
    pub format: DumpFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpFormat {
    Text,
    Json,
}
