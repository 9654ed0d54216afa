//! `sitrep toponyms`: place mentions per document, resolved.

use std::io::Write;

use anyhow::Result;
use sitrep_model::ToponymsLine;
use sitrep_pipeline::geocode::Geocoder;
use sitrep_pipeline::sentences;

use crate::cli::{Cli, ToponymsArgs};
use crate::input::read_inputs;
use crate::output::write_jsonl;
use crate::report::{Status, Tally};
use crate::resources;

pub fn run(cli: &Cli, args: &ToponymsArgs) -> Result<Status> {
    let gazetteer = resources::gazetteer(cli.gazetteer.as_deref())?;
    let lexicon = resources::lexicon();
    let geocoder = Geocoder::new(&gazetteer, &lexicon);
    let mut tally = Tally::new(cli.quiet);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut result = Ok(());
    read_inputs(
        &args.input.paths,
        args.input.manifest.as_deref(),
        &mut |item| match item {
            Ok(doc) => {
                tally.processed += 1;
                if result.is_err() {
                    return;
                }
                let sents = sentences::split(&doc.text, sitrep_model::Span::new(0, doc.text.len()));
                let mentions = match (&doc.given_toponyms, args.given_spans) {
                    (Some(spans), true) => geocoder.given(&doc, &sents, spans),
                    (None, true) => {
                        tally.warn(
                            &doc.origin,
                            &doc.id,
                            "--given-spans: the document gives no toponyms",
                        );
                        Vec::new()
                    }
                    _ => geocoder.mentions(&doc, &sents),
                };
                let line = ToponymsLine {
                    doc_id: doc.id.clone(),
                    toponyms: geocoder.toponyms(&doc, &mentions),
                };
                tally.outputs += line.toponyms.len();
                result = write_jsonl(&mut out, &line);
            }
            Err(s) => tally.skip(&s),
        },
    )?;
    result?;
    out.flush()?;
    Ok(tally.finish("toponyms"))
}
