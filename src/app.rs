//! The application layer: turns parsed arguments into a run of the pipeline
//! and an exit status. Besides `load::provider`, the only module that may touch
//! the file system or the process environment.

use std::io::Write;

use crate::cli::{Cli, Command, DumpArgs, DumpFormat};
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
    match cli.command {
        Command::Dump(args) => dump(&args, out),
    }
}

fn dump(args: &DumpArgs, out: &mut dyn Write) -> ExitStatus {
    #[allow(clippy::disallowed_methods)]
    let bytes = match std::fs::read(&args.path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("apachelint: could not read {}: {e}", args.path.display());
            return ExitStatus::Error;
        }
    };
    let file = SourceFile::new(&args.path, bytes);
    let parsed = syntax::parse(&file.text, &ParseOptions::main_config());
    let written = match args.format {
        DumpFormat::Text => out.write_all(syntax::dump::text(&parsed, &file.text).as_bytes()),
        DumpFormat::Json => {
            let value = serde_json::json!({
                "version": 1,
                "status": if parsed.is_ok() { "ok" } else { "failed" },
                "config": [syntax::dump::file_json(&file, &parsed)],
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )
        }
    };
    if written.is_err() {
        return ExitStatus::Error;
    }
    if parsed.is_ok() {
        ExitStatus::Clean
    } else {
        ExitStatus::Error
    }
}
