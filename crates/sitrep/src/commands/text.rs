//! `sitrep text`: the text offsets refer to.

use std::io::Write;

use anyhow::Result;

use crate::cli::{Cli, TextArgs};
use crate::input::read_inputs;
use crate::report::{Status, Tally};

pub fn run(cli: &Cli, args: &TextArgs) -> Result<Status> {
    let mut tally = Tally::new(cli.quiet || args.id.is_some());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut result = Ok(());
    let mut found = false;
    read_inputs(
        &args.input.paths,
        args.input.manifest.as_deref(),
        &mut |item| match item {
            Ok(doc) => {
                tally.processed += 1;
                if result.is_err() || args.id.as_ref().is_some_and(|id| *id != doc.id) {
                    return;
                }
                found = true;
                tally.outputs += 1;
                result = if args.id.is_some() {
                    out.write_all(doc.text.as_bytes())
                } else {
                    writeln!(out, "==> {} <==", doc.id).and_then(|()| writeln!(out, "{}", doc.text))
                };
            }
            Err(s) => tally.skip(&s),
        },
    )?;
    result?;
    out.flush()?;
    if let Some(id) = &args.id
        && !found
    {
        anyhow::bail!("no document with id {id:?} in the inputs");
    }
    Ok(tally.finish("texts printed"))
}
