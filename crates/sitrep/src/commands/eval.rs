//! `sitrep eval`: runs sitrep over a benchmark pack and scores the output the way
//! `../shared/bench/score.py` does (the `sitrep-eval` crate is a faithful port).

use std::collections::HashSet;
use std::io::Write;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde_json::Value;
use sitrep_eval::{Split, Task};
use sitrep_model::{Document, ToponymsLine};
use sitrep_pipeline::Pipeline;

use crate::cli::{Cli, EvalCommand};
use crate::input::read_inputs;
use crate::report::{Status, Tally};
use crate::resources;

pub fn run(cli: &Cli, cmd: &EvalCommand) -> Result<Status> {
    let (task, args) = match cmd {
        EvalCommand::Toponyms(a) => (Task::Toponyms, a),
        EvalCommand::Events(a) => (Task::Events, a),
        EvalCommand::Classify(a) => (Task::Classify, a),
    };
    let split = match args.split {
        crate::cli::Split::All => Split::All,
        crate::cli::Split::Test => Split::Test,
        crate::cli::Split::Train | crate::cli::Split::Dev | crate::cli::Split::Fit => Split::Train,
    };
    let gold_path = sitrep_eval::gold_path(&args.pack);
    let mut gold = sitrep_eval::filter_split(sitrep_eval::read_jsonl(&gold_path)?, split);
    match args.split {
        crate::cli::Split::Dev => gold.retain(|g| in_fold(g, args.fold)),
        crate::cli::Split::Fit => gold.retain(|g| !in_fold(g, args.fold)),
        _ => {}
    }
    if let Some(n) = args.limit {
        gold.truncate(n);
    }
    let wanted: HashSet<String> = gold
        .iter()
        .filter_map(|g| g.get("doc_id").and_then(Value::as_str).map(str::to_string))
        .collect();
    let pipeline = resources::pipeline(cli)?;
    let mut tally = Tally::new(true);
    let mut docs: Vec<Document> = Vec::new();
    let docs_path = args.pack.join("docs.jsonl");
    read_inputs(
        std::slice::from_ref(&docs_path),
        None,
        &mut |item| match item {
            Ok(d) if wanted.contains(&d.id) => docs.push(d),
            Ok(_) => {}
            Err(s) => tally.skip(&s),
        },
    )
    .with_context(|| format!("reading {}", docs_path.display()))?;
    let preds = predict(&pipeline, task, &docs, args.resolution_only)?;
    if let Some(path) = &args.save {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?,
        );
        for p in &preds {
            serde_json::to_writer(&mut f, p)?;
            f.write_all(b"\n")?;
        }
        f.flush()?;
    }
    let report = sitrep_eval::score(task, &gold, &preds, args.resolution_only);
    let name = sitrep_eval::display_name(&args.pack, split);
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", report.to_json_text(&name))?;
    } else {
        write!(out, "{}", report.to_table(&name))?;
        if args.confusion {
            write!(out, "{}", report.confusion_table())?;
        }
    }
    Ok(Status::Ok)
}

/// Predictions in the JSONL form the scorer reads.
fn predict(p: &Pipeline, task: Task, docs: &[Document], given: bool) -> Result<Vec<Value>> {
    let lines: Vec<Vec<Value>> = docs
        .par_iter()
        .map(|d| -> Result<Vec<Value>> {
            Ok(match task {
                Task::Toponyms => {
                    let line = ToponymsLine {
                        doc_id: d.id.clone(),
                        toponyms: p.toponyms(d, given),
                    };
                    vec![serde_json::to_value(line)?]
                }
                _ => p
                    .extract(d)
                    .events
                    .iter()
                    .map(serde_json::to_value)
                    .collect::<Result<Vec<_>, _>>()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(lines.into_iter().flatten().collect())
}

/// Which eighth of the train half a gold line falls in: a fixed hash of the split key
/// (incident id, else doc id). Eighth 0 is the dev eighth; the others serve cross-validation
/// (`--fold`).
pub fn eighth(gold_line: &Value) -> u64 {
    let key = gold_line
        .get("incident_id")
        .filter(|v| !v.is_null())
        .or_else(|| gold_line.get("doc_id"))
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .unwrap_or_default();
    let mut h: u64 = 0xcbf29ce484222325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h % 8
}

/// Whether a gold line is in the held-out eighth `fold` (0 is the dev eighth).
pub fn in_fold(gold_line: &Value, fold: u8) -> bool {
    eighth(gold_line) == u64::from(fold)
}
