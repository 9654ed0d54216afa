//! `sitrep extract`: documents in, events out; nothing is stored.
//!
//! A streaming pipeline of three stages joined by bounded channels, so memory stays flat
//! however large the input:
//!
//! ```text
//! reader thread ──batches──▶ extraction (rayon pool, -j N) ──batches──▶ caller: output, tally
//! ```
//!
//! Each stage holds at most [`QUEUE`] batches of at most [`BATCH`] documents or
//! [`BATCH_BYTES`] of text; reading and writing overlap extraction, and output keeps the
//! input order.

use std::sync::mpsc::sync_channel;

use anyhow::{Context, Result, anyhow};
use rayon::prelude::*;
use sitrep_model::{Document, EventRecord, Skipped};
use sitrep_pipeline::Pipeline;

use crate::cli::{Cli, ExtractArgs, InputArgs};
use crate::guard;
use crate::input::read_inputs_counted;
use crate::output::EventWriter;
use crate::progress::Progress;
use crate::report::{Status, Tally};
use crate::resources;

/// Documents handed to the workers at a time: enough to keep every core busy between two
/// hand-overs, few enough that a batch's documents and events stay small.
pub const BATCH: usize = 256;
/// A batch also ends when its texts reach this size (long documents).
pub const BATCH_BYTES: usize = 4 << 20;
/// Batches waiting between two stages.
const QUEUE: usize = 2;

/// One input, in input order: a document with its events, or an input that was skipped.
#[derive(Debug)]
pub enum Extracted {
    Document(Document, Vec<EventRecord>),
    Skipped(Skipped),
}

pub fn run(cli: &Cli, args: &ExtractArgs) -> Result<Status> {
    let pool = worker_pool(args.threads)?;
    let pipeline = resources::pipeline(cli)?;
    let progress = Progress::new(cli.quiet, &args.input.paths);
    let mut tally = Tally::new(cli.quiet);
    let mut writer = EventWriter::new(crate::output::stdout(), args.format)?;
    stream(&pipeline, &pool, &args.input, &progress, &mut |item| {
        match item {
            Extracted::Document(doc, events) => {
                tally.processed += 1;
                if !doc.warnings.is_empty() {
                    progress.suspend(|| {
                        for w in &doc.warnings {
                            tally.warn(&doc.origin, &doc.id, w);
                        }
                    });
                }
                for e in &events {
                    if writer.write(e, doc.source.as_deref())? {
                        tally.outputs += 1;
                    }
                }
                progress.done(tally.processed);
            }
            Extracted::Skipped(s) => progress.suspend(|| tally.skip(&s)),
        }
        Ok(())
    })?;
    progress.finish();
    writer.finish()?;
    Ok(tally.finish("events"))
}

/// The rayon pool extraction runs on: `threads` workers, or one per core.
pub fn worker_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("sitrep-extract-{i}"));
    if let Some(n) = threads {
        b = b.num_threads(n.max(1));
    }
    b.build().context("starting the extraction threads")
}

/// Reads `input` on a thread of its own, extracts batches on `pool` and hands every input to
/// `sink` on the calling thread, in input order. An error from `sink` (a closed stdout) stops
/// the pipeline and is returned.
pub fn stream(
    pipeline: &Pipeline,
    pool: &rayon::ThreadPool,
    input: &InputArgs,
    progress: &Progress,
    sink: &mut dyn FnMut(Extracted) -> Result<()>,
) -> Result<()> {
    std::thread::scope(|s| {
        let (read_tx, read_rx) = sync_channel::<Vec<Result<Document, Skipped>>>(QUEUE);
        let (done_tx, done_rx) = sync_channel::<Vec<Extracted>>(QUEUE);
        let reader = s.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            let mut bytes = 0;
            // Once the later stages have stopped, the rest of the input is read and dropped.
            let mut open = true;
            let notes = read_inputs_counted(
                &input.paths,
                input.manifest.as_deref(),
                &|n| progress.read(n),
                &mut |item: Result<Document, Skipped>| {
                    if !open {
                        return;
                    }
                    bytes += item.as_ref().map_or(0, |d| d.text.len());
                    batch.push(item);
                    if batch.len() >= BATCH || bytes >= BATCH_BYTES {
                        open = read_tx.send(std::mem::take(&mut batch)).is_ok();
                        bytes = 0;
                    }
                },
            );
            if open && !batch.is_empty() {
                read_tx.send(batch).ok();
            }
            notes
        });
        s.spawn(move || {
            for batch in read_rx {
                let done: Vec<Extracted> = pool.install(|| {
                    batch
                        .into_par_iter()
                        .map(|item| match item {
                            // A document that trips a bug is skipped with the reason.
                            Ok(doc) => {
                                match guard::per_document(&doc, || pipeline.extract(&doc).events) {
                                    Ok(events) => Extracted::Document(doc, events),
                                    Err(s) => Extracted::Skipped(s),
                                }
                            }
                            Err(s) => Extracted::Skipped(s),
                        })
                        .collect()
                });
                if done_tx.send(done).is_err() {
                    break;
                }
            }
        });
        let mut result = Ok(());
        'batches: for batch in done_rx.iter() {
            for item in batch {
                result = sink(item);
                if result.is_err() {
                    break 'batches;
                }
            }
        }
        // Closing the channel stops the extraction thread, and through it the reader.
        drop(done_rx);
        let read = reader
            .join()
            .map_err(|_| anyhow!("the input reader panicked"))?;
        result?;
        read.map(|_| ())
    })
}
