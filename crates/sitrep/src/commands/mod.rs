//! One module per command; each returns the exit status.

mod bench;
mod eval;
mod extract;
mod gazetteer;
mod ingest;
mod serve;
pub(crate) mod store_read;
mod text;
mod toponyms;
mod train;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::report::Status;

pub fn run(cli: &Cli) -> Result<Status> {
    match &cli.command {
        Command::Toponyms(args) => toponyms::run(cli, args),
        Command::Text(args) => text::run(cli, args),
        Command::Gazetteer(cmd) => gazetteer::run(cli, cmd),
        Command::Train(args) => train::run(cli, args),
        Command::Extract(args) => extract::run(cli, args),
        Command::Ingest(args) => ingest::run(cli, args),
        Command::Events(args) => store_read::events(cli, args),
        Command::Incidents(args) => store_read::incidents(cli, args),
        Command::Control(args) => store_read::control(cli, args),
        Command::Claims(args) => store_read::claims(cli, args),
        Command::Export(args) => store_read::export(cli, args),
        Command::Serve(args) => serve::run(cli, args),
        Command::Eval(cmd) => eval::run(cli, cmd),
        Command::Bench(args) => bench::run(cli, args),
    }
}
