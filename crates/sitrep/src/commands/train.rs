//! `sitrep train`: fits the linear event classifiers on the train half of a benchmark pack and
//! writes the compact weight tables to `data/model/`: the ACLED heads (event type, sub-event
//! type) from a pack of ACLED notes, the PLOVER head from the PLOVER gold-standard pack. Only
//! heads the pack has labels for are written.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;
use sitrep_pipeline::classify::{LinearModel, TrainConfig};

use crate::cli::{Cli, TrainArgs};
use crate::report::Status;

pub fn run(_cli: &Cli, args: &TrainArgs) -> Result<Status> {
    let gold = sitrep_eval::read_jsonl(&args.pack.join("gold.jsonl"))?;
    let docs = sitrep_eval::read_jsonl(&args.pack.join("docs.jsonl"))?;
    let text_of: HashMap<&str, &str> = docs
        .iter()
        .filter_map(|d| Some((d.get("id")?.as_str()?, d.get("text")?.as_str()?)))
        .collect();
    let mut types = Vec::new();
    let mut subs = Vec::new();
    let mut plovers = Vec::new();
    for g in gold
        .iter()
        .filter(|g| sitrep_eval::split_of(g) == sitrep_eval::Split::Train)
        .filter(|g| !(args.holdout && super::eval::is_dev(g)))
    {
        let (Some(id), Some(first)) = (
            g.get("doc_id").and_then(Value::as_str),
            g.pointer("/events/0"),
        ) else {
            continue;
        };
        let Some(text) = text_of.get(id) else {
            continue;
        };
        if let Some(t) = first
            .get("event_type")
            .and_then(Value::as_str)
            .filter(|t| !t.contains('|'))
        {
            types.push((text.to_string(), t.to_string()));
        }
        if let Some(s) = first.get("sub_event_type").and_then(Value::as_str) {
            subs.push((text.to_string(), s.to_string()));
        }
        if let Some(p) = first.get("plover").and_then(Value::as_str) {
            plovers.push((text.to_string(), p.to_uppercase()));
        }
    }
    eprintln!(
        "sitrep: training on {} event-type, {} sub-event-type and {} PLOVER examples",
        types.len(),
        subs.len(),
        plovers.len()
    );
    let cfg = TrainConfig::default();
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("creating {}", args.out_dir.display()))?;
    for (name, examples) in [
        ("event_type", &types),
        ("sub_event_type", &subs),
        ("plover", &plovers),
    ] {
        if examples.len() < 50 {
            continue;
        }
        let model = LinearModel::train(examples, cfg);
        let path = args.out_dir.join(format!("{name}.tsv.gz"));
        write_gz(&path, &model.to_tsv())?;
        eprintln!(
            "sitrep: wrote {} ({} labels)",
            path.display(),
            model.labels.len()
        );
    }
    Ok(Status::Ok)
}

/// Gzip with a zero timestamp, so the same model gives the same bytes.
fn write_gz(path: &Path, text: &str) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(file, flate2::Compression::best());
    gz.write_all(text.as_bytes())?;
    gz.finish()?;
    Ok(())
}
