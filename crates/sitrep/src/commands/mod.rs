//! One module per command; each returns the exit status.

mod eval;
mod extract;
mod gazetteer;
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
        Command::Eval(cmd) => eval::run(cli, cmd),
    }
}
