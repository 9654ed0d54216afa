//! `sitrep ingest`: documents into the store, then fusion, control and claims.
//!
//! 1. Each new document is extracted (events, control statements) and its claims checked, in
//!    parallel batches; then stored in one transaction per document. A document already stored
//!    with the same content hash is passed over; one stored under the same id with other text is
//!    skipped with that reason.
//! 2. Events not yet in an incident are fused in ingest order, a few thousand documents per
//!    transaction, with the stored incidents of their date range as the starting point.
//! 3. The control timeline is recomputed from the territorial incidents and control reports.
//!
//! Killed at any moment, or stopped by a write error (a full disk), a re-run finds what is
//! missing at each step and ends in the state an uninterrupted run reaches.

mod postgres;

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde_json::json;
use sitrep_model::{Claim, Document, EventRecord, Skipped};
use sitrep_pipeline::Pipeline;
use sitrep_pipeline::assemble::Extraction;
use sitrep_pipeline::claims::{ClaimChecker, Shapes};
use sitrep_pipeline::control;
use sitrep_pipeline::fuse::{self, Assignment, FuseConfig, Incidents};
use sitrep_store::{Backend, DocumentBundle, Join, Presence, Store, day_number};

use crate::cli::{Cli, IngestArgs};
use crate::input::read_inputs;
use crate::report::{Status, Tally};
use crate::resources;

/// Documents extracted in parallel at a time.
const BATCH: usize = 128;
/// A batch also ends when its texts reach this size, so long documents are not held 128 at a
/// time (as in `extract`).
const BATCH_BYTES: usize = super::extract::BATCH_BYTES;
/// Days around the new records within which stored incidents may take part in fusion: the
/// widest date window (a month either side) twice.
const SEED_MARGIN_DAYS: i64 = 64;

/// Natural Earth outlines for border distances and areas.
pub fn shapes(pipeline: &Pipeline) -> Result<Shapes> {
    Shapes::new(
        &pipeline.gazetteer,
        include_str!("../../../../../data/gazetteer/countries-50m.topojson"),
        include_str!("../../../../../data/gazetteer/admin1.topojson"),
    )
    .context("reading the bundled country and province outlines")
}

/// Everything one document yields in the store: its extraction (events, control statements,
/// including those extraction alone misses) and its checked claims. A panic skips the document.
pub(crate) fn extract_one(
    pipeline: &Pipeline,
    checker: &ClaimChecker<'_>,
    d: &Document,
) -> Result<(Extraction, Vec<Claim>), Skipped> {
    crate::guard::per_document(d, || {
        let mut x = pipeline.extract(d);
        // One geoparse for the claims and the control statements extraction misses.
        let sentences = control::readable_sentences(d);
        let mentions = pipeline.geocoder().mentions(d, &sentences);
        let more = control::statements_with(pipeline, d, &sentences, &mentions, &x.control);
        x.control.extend(more);
        (x, checker.check_with(d, &sentences, &mentions))
    })
}

pub fn run(cli: &Cli, args: &IngestArgs) -> Result<Status> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .ok();
    }
    if let Some(url) = postgres_url(&args.store.db) {
        return postgres::run(cli, args, &url);
    }
    let pipeline = resources::pipeline(cli)?;
    let shapes = shapes(&pipeline)?;
    let checker = ClaimChecker::new(&pipeline, &shapes);
    let mut store = Store::open(&args.store.db).context("opening the store")?;
    if let Some(pages) = args.max_pages {
        store.limit_pages(pages)?;
    }
    let mut tally = Tally::new(cli.quiet);
    let mut counts = IngestCounts::default();
    let mut batch: Vec<Document> = Vec::with_capacity(BATCH);
    let mut batch_bytes = 0;
    let mut result: Result<()> = Ok(());
    let flush = |batch: &mut Vec<Document>,
                 tally: &mut Tally,
                 counts: &mut IngestCounts,
                 store: &mut Store|
     -> Result<()> {
        let mut fresh = Vec::with_capacity(batch.len());
        for doc in batch.drain(..) {
            match store.presence(&doc)? {
                Presence::New => fresh.push(doc),
                Presence::Stored => {
                    tally.processed += 1;
                    counts.unchanged += 1;
                }
                Presence::Changed { stored_hash } => tally.skip(&changed(&doc, &stored_hash)),
            }
        }
        let outputs: Vec<Result<(Extraction, Vec<Claim>), Skipped>> = fresh
            .par_iter()
            .map(|d| extract_one(&pipeline, &checker, d))
            .collect();
        for (doc, output) in fresh.iter().zip(outputs) {
            let (extraction, claims) = match output {
                Ok(o) => o,
                Err(s) => {
                    tally.skip(&s);
                    continue;
                }
            };
            for w in &doc.warnings {
                tally.warn(&doc.origin, &doc.id, w);
            }
            let bundle = DocumentBundle {
                doc,
                events: &extraction.events,
                control: &extraction.control,
                claims: &claims,
            };
            if store.insert_document(&bundle)? {
                counts.stored += 1;
                counts.events += extraction.events.len();
                counts.claims += claims.len();
            } else if let Presence::Changed { stored_hash } = store.presence(doc)? {
                // The same id twice in one batch, with different texts: the first one stays.
                tally.skip(&changed(doc, &stored_hash));
                continue;
            } else {
                counts.unchanged += 1;
            }
            tally.processed += 1;
        }
        Ok(())
    };
    read_inputs(
        &args.input.paths,
        args.input.manifest.as_deref(),
        &mut |item: Result<Document, Skipped>| match item {
            // After a write error the rest of the input is read and dropped, not held.
            _ if result.is_err() => {}
            Ok(doc) => {
                batch_bytes += doc.text.len();
                batch.push(doc);
                if batch.len() >= BATCH || batch_bytes >= BATCH_BYTES {
                    batch_bytes = 0;
                    result = flush(&mut batch, &mut tally, &mut counts, &mut store);
                }
            }
            Err(s) => tally.skip(&s),
        },
    )?;
    result?;
    flush(&mut batch, &mut tally, &mut counts, &mut store)?;
    let fused = fuse_pending(&mut store, &FuseConfig::default(), args.fuse_chunk)?;
    let periods = update_control(&mut store)?;
    let total = store.counts()?;
    tally.outputs = counts.events;
    if !cli.quiet {
        eprintln!(
            "sitrep: {} new document{} stored ({} events, {} claims), {} already stored; \
             {} events fused ({} incidents opened); store: {} documents, {} events, \
             {} incidents, {} control periods, {} claims",
            counts.stored,
            if counts.stored == 1 { "" } else { "s" },
            counts.events,
            counts.claims,
            counts.unchanged,
            fused.events,
            fused.opened,
            total.documents,
            total.events,
            total.incidents,
            periods,
            total.claims,
        );
    }
    Ok(tally.finish("events"))
}

/// The `--db` value when it names a PostgreSQL server rather than a SQLite file.
pub(crate) fn postgres_url(db: &Path) -> Option<String> {
    let s = db.to_str()?;
    sitrep_store::is_postgres_url(s).then(|| s.to_string())
}

/// Why a document whose id is stored with other text is skipped.
fn changed(doc: &Document, stored_hash: &str) -> Skipped {
    Skipped {
        origin: doc.origin.clone(),
        doc_id: Some(doc.id.clone()),
        reason: format!(
            "already stored with other content (stored hash {}…); \
             a changed document needs a new id or a new store",
            stored_hash.get(..12).unwrap_or(stored_hash)
        ),
    }
}

#[derive(Debug, Default)]
struct IngestCounts {
    stored: usize,
    unchanged: usize,
    events: usize,
    claims: usize,
}

#[derive(Debug, Default)]
pub struct FuseCounts {
    pub events: usize,
    pub opened: usize,
}

/// Fuses every stored event that is not in an incident yet, in ingest order.
pub fn fuse_pending(store: &mut dyn Backend, cfg: &FuseConfig, chunk: usize) -> Result<FuseCounts> {
    let mut counts = FuseCounts::default();
    loop {
        let pending = store.pending_documents(chunk.max(1))?;
        if pending.is_empty() {
            return Ok(counts);
        }
        let days: Vec<i64> = pending
            .iter()
            .flat_map(|p| &p.events)
            .filter_map(|(_, r)| r.event_date.map(day_number))
            .collect();
        let mut builder = Incidents::new(cfg.clone());
        let mut members: HashMap<String, Vec<EventRecord>> = HashMap::new();
        if let (Some(lo), Some(hi)) = (days.iter().min(), days.iter().max()) {
            for (id, records) in
                store.incidents_overlapping(lo - SEED_MARGIN_DAYS, hi + SEED_MARGIN_DAYS)?
            {
                builder.seed(&id, &records);
                members.insert(id, records);
            }
        }
        let mut joins = Vec::new();
        let mut touched: Vec<String> = Vec::new();
        for doc in &pending {
            let records: Vec<EventRecord> = doc.events.iter().map(|(_, r)| r.clone()).collect();
            let assignments = builder.add_document(&records);
            for ((key, record), a) in doc.events.iter().zip(assignments) {
                counts.events += 1;
                counts.opened += usize::from(a.opened);
                joins.push(Join {
                    event_key: *key,
                    incident_id: a.incident_id.clone(),
                    explanation: explanation(&a, cfg).to_string(),
                });
                if !touched.contains(&a.incident_id) {
                    touched.push(a.incident_id.clone());
                }
                members
                    .entry(a.incident_id)
                    .or_default()
                    .push(record.clone());
            }
        }
        let incidents: Vec<_> = touched
            .iter()
            .map(|id| fuse::summarize(id, members.get(id).map_or(&[][..], Vec::as_slice)))
            .collect();
        store.apply_fusion(&joins, &incidents)?;
    }
}

/// What `incidents --explain` shows of one join.
fn explanation(a: &Assignment, cfg: &FuseConfig) -> serde_json::Value {
    json!({
        "opened": a.opened,
        "threshold": cfg.threshold,
        "score": a.score,
        "weakest": a.weakest,
        "runner_up": a.runner_up.as_ref().map(|(id, s)| json!({"incident_id": id, "score": s})),
    })
}

/// Recomputes the control timeline; returns the number of periods.
pub fn update_control(store: &mut dyn Backend) -> Result<usize> {
    let incidents = store.territorial_incidents()?;
    let reports = store.control_reports()?;
    let periods = control::timeline(&incidents, &reports);
    store.replace_control(&periods)?;
    Ok(periods.len())
}
