//! The `sitrep` binary: command-line parsing, I/O and output formats around the pure
//! pipeline of `sitrep-pipeline`.

mod cli;
mod commands;
mod guard;
mod input;
mod output;
mod progress;
mod report;
mod resources;
mod server;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: extraction allocates many small, short-lived vectors and strings.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(&cli) {
        Ok(status) => status.into(),
        Err(e) => {
            if output::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("sitrep: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
