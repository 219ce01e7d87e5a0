//! The `apachelint` binary: parse arguments, run, map the outcome to an exit
//! code (0 clean, 1 findings at or above the threshold, 2 could not check).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = apachelint::cli::Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let status = apachelint::app::run(cli, &mut stdout);
    ExitCode::from(status.code())
}

/// mimalloc: the loader allocates millions of small strings from several
/// threads; glibc's per-thread arenas spend more time growing heaps
/// (mprotect, page faults) than the parse itself.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
