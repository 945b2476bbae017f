//! The `dunning` command: arguments in, library calls, output and exit code out.

mod cli;

/// A replay makes millions of short-lived strings (reasons, cells) on
/// several threads; glibc's allocator spent a third of the time on them,
/// mimalloc a fraction of that (`cargo bench --bench scale`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
