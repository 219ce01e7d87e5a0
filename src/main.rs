//! The `apachelint` binary: parse arguments, run, map the outcome to an exit
//! code (0 clean, 1 findings at or above the threshold, 2 could not check).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    keep_freed_memory();
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

/// mimalloc's `purge_delay` option (its index in mimalloc 3's `mi_option_e`,
/// the version the `mimalloc` crate builds by default).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A check runs for about a second and then exits: memory freed between
/// phases is better reused than handed back to the kernel. With mimalloc's
/// default (purge after 10 ms) a 10,000-site check decommitted and
/// re-faulted its pages hundreds of times — a third of its system time was
/// the kernel zeroing pages (measured with `perf`; `MIMALLOC_PURGE_DELAY=-1`
/// still overrides this from the environment for experiments).
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a plain integer option before any thread is started;
        // mimalloc accepts any value for it.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
}
