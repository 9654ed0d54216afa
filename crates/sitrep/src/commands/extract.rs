//! `sitrep extract`: documents in, events out; nothing is stored.

use anyhow::Result;
use rayon::prelude::*;
use sitrep_model::{Document, EventRecord, Skipped};
use sitrep_pipeline::Pipeline;

use crate::cli::{Cli, ExtractArgs};
use crate::input::read_inputs;
use crate::output::EventWriter;
use crate::report::{Status, Tally};
use crate::resources;

/// Documents handed to the workers at a time: enough to keep both cores busy, few enough
/// that memory stays flat however large the input.
const BATCH: usize = 256;

pub fn run(cli: &Cli, args: &ExtractArgs) -> Result<Status> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .ok();
    }
    let pipeline = resources::pipeline(cli)?;
    let mut tally = Tally::new(cli.quiet);
    let stdout = std::io::stdout();
    let mut writer = EventWriter::new(std::io::BufWriter::new(stdout.lock()), args.format)?;
    let mut batch: Vec<Document> = Vec::with_capacity(BATCH);
    let mut result: Result<()> = Ok(());
    let flush =
        |batch: &mut Vec<Document>, tally: &mut Tally, writer: &mut EventWriter<_>| -> Result<()> {
            let outputs = extract_batch(&pipeline, batch);
            for (doc, events) in batch.drain(..).zip(outputs) {
                tally.processed += 1;
                for w in &doc.warnings {
                    tally.warn(&doc.origin, &doc.id, w);
                }
                for e in &events {
                    if writer.write(e, doc.source.as_deref())? {
                        tally.outputs += 1;
                    }
                }
            }
            Ok(())
        };
    read_inputs(
        &args.input.paths,
        args.input.manifest.as_deref(),
        &mut |item: Result<Document, Skipped>| match item {
            Ok(doc) => {
                batch.push(doc);
                if batch.len() >= BATCH && result.is_ok() {
                    result = flush(&mut batch, &mut tally, &mut writer);
                }
            }
            Err(s) => tally.skip(&s),
        },
    )?;
    result?;
    flush(&mut batch, &mut tally, &mut writer)?;
    writer.finish()?;
    Ok(tally.finish("events"))
}

/// Events of each document, in input order.
pub fn extract_batch(pipeline: &Pipeline, docs: &[Document]) -> Vec<Vec<EventRecord>> {
    docs.par_iter()
        .map(|d| pipeline.extract(d).events)
        .collect()
}
