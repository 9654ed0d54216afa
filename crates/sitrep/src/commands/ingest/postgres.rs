//! `sitrep ingest --db postgres://…` (cargo feature `postgres`): several workers, on one
//! machine or many, share one database and its queue.
//!
//! 1. Each worker queues the documents it was given (a document already queued or stored is
//!    passed over, as with SQLite); the order documents are first queued is the ingest order.
//! 2. It then claims queued documents that no other worker holds (`FOR UPDATE SKIP LOCKED`),
//!    extracts them exactly as the SQLite path does, and stores the results with the claim in
//!    one transaction, until nothing is left to claim.
//! 3. Under the store's fusion lock it fuses, in ingest order, the events of every document
//!    before the first one still being extracted, then recomputes the control timeline. The
//!    last worker to finish extracting fuses the rest, so the incidents are those a single
//!    run makes.

use anyhow::Result;

use crate::cli::{Cli, IngestArgs};
use crate::report::Status;

#[cfg(not(feature = "postgres"))]
pub fn run(_cli: &Cli, _args: &IngestArgs, _url: &str) -> Result<Status> {
    anyhow::bail!(
        "this sitrep was built without PostgreSQL support; \
         rebuild it with `cargo build --release --features postgres` to use --db postgres://…"
    )
}

#[cfg(feature = "postgres")]
pub fn run(cli: &Cli, args: &IngestArgs, url: &str) -> Result<Status> {
    use anyhow::Context;
    use rayon::prelude::*;
    use sitrep_model::{Document, Skipped};
    use sitrep_pipeline::claims::ClaimChecker;
    use sitrep_pipeline::fuse::FuseConfig;
    use sitrep_store::pg::{DocumentOutput, PgStore, redact};
    use sitrep_store::{Backend, Presence};

    use super::{BATCH, changed, extract_one, fuse_pending, shapes, update_control};
    use crate::input::read_inputs;
    use crate::report::Tally;
    use crate::resources;

    let shown = redact(url);
    let pipeline = resources::pipeline(cli)?;
    let shapes = shapes(&pipeline)?;
    let checker = ClaimChecker::new(&pipeline, &shapes);
    // The store's errors name the URL (without its password) already.
    let mut store = PgStore::connect(url).context("opening the PostgreSQL store")?;
    let mut tally = Tally::new(cli.quiet);
    let (mut queued, mut unchanged) = (0usize, 0usize);

    // 1. Queue.
    let mut enqueue = |batch: &mut Vec<Document>, tally: &mut Tally| -> Result<()> {
        let presence = store
            .enqueue(batch)
            .with_context(|| format!("queueing documents in {shown}"))?;
        for (doc, p) in batch.drain(..).zip(presence) {
            match p {
                Presence::New => {
                    for w in &doc.warnings {
                        tally.warn(&doc.origin, &doc.id, w);
                    }
                    queued += 1;
                    tally.processed += 1;
                }
                Presence::Stored => {
                    unchanged += 1;
                    tally.processed += 1;
                }
                Presence::Changed { stored_hash } => tally.skip(&changed(&doc, &stored_hash)),
            }
        }
        Ok(())
    };
    let mut batch: Vec<Document> = Vec::with_capacity(BATCH);
    let mut result: Result<()> = Ok(());
    read_inputs(
        &args.input.paths,
        args.input.manifest.as_deref(),
        &mut |item: Result<Document, Skipped>| match item {
            Ok(doc) => {
                batch.push(doc);
                if batch.len() >= BATCH && result.is_ok() {
                    result = enqueue(&mut batch, &mut tally);
                }
            }
            Err(s) => tally.skip(&s),
        },
    )?;
    result?;
    enqueue(&mut batch, &mut tally)?;

    // 2. Claim, extract, store.
    let (mut extracted, mut events, mut claims) = (0usize, 0usize, 0usize);
    loop {
        let mut skipped: Vec<Skipped> = Vec::new();
        let n = store
            .work(BATCH, &mut |docs: &[Document]| {
                let outputs: Vec<_> = docs
                    .par_iter()
                    .map(|d| extract_one(&pipeline, &checker, d))
                    .collect();
                outputs
                    .into_iter()
                    .map(|o| match o {
                        Ok((x, c)) => {
                            events += x.events.len();
                            claims += c.len();
                            Some(DocumentOutput {
                                events: x.events,
                                control: x.control,
                                claims: c,
                            })
                        }
                        Err(s) => {
                            skipped.push(s);
                            None
                        }
                    })
                    .collect()
            })
            .with_context(|| format!("extracting queued documents into {shown}"))?;
        for s in &skipped {
            tally.skip(s);
        }
        if n == 0 {
            break;
        }
        extracted += n - skipped.len();
    }

    // 3. Fuse and update control, one worker at a time.
    store
        .lock_fusion()
        .with_context(|| format!("waiting for the fusion lock of {shown}"))?;
    let fused = fuse_pending(&mut store, &FuseConfig::default(), args.fuse_chunk)
        .and_then(|f| Ok((f, update_control(&mut store)?)));
    // Dropping the connection would release the lock as well.
    let unlocked = store.unlock_fusion();
    let (fused, periods) = fused?;
    unlocked.with_context(|| format!("releasing the fusion lock of {shown}"))?;
    let total = store.counts()?;
    tally.outputs = events;
    if !cli.quiet {
        eprintln!(
            "sitrep: {queued} new document{} queued, {unchanged} already queued or stored; \
             this worker extracted {extracted} ({events} events, {claims} claims); \
             {} events fused ({} incidents opened); store: {} documents, {} events, \
             {} incidents, {periods} control periods, {} claims",
            if queued == 1 { "" } else { "s" },
            fused.events,
            fused.opened,
            total.documents,
            total.events,
            total.incidents,
            total.claims,
        );
    }
    Ok(tally.finish("events"))
}
