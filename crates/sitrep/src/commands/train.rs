//! `sitrep train`: fits the linear event classifiers on the train half of one or more
//! benchmark packs and writes the compact weight tables to `data/model/`: the ACLED heads
//! (event type, sub-event type) from ACLED notes, the PLOVER head from the PLOVER
//! gold-standard pack. Only heads with enough examples are written.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;
use sitrep_pipeline::classify::{DenseConfig, DenseModel, LinearModel, TrainConfig};

use crate::cli::{Cli, TrainArgs};
use crate::report::Status;

pub fn run(cli: &Cli, args: &TrainArgs) -> Result<Status> {
    let mut types = Vec::new();
    let mut subs = Vec::new();
    let mut plovers = Vec::new();
    for (pack, weight) in &args.pack {
        let before = (types.len(), subs.len(), plovers.len());
        let w = *weight as f32;
        for ex in pack_examples(pack, args.holdout.then_some(args.fold))? {
            if let Some(t) = &ex.event_type {
                types.push((ex.text.clone(), t.clone(), w));
            }
            if let Some(s) = &ex.sub_event_type {
                subs.push((ex.text.clone(), s.clone(), w));
            }
            if let Some(p) = &ex.plover {
                plovers.push((ex.text.clone(), p.clone(), w));
            }
        }
        eprintln!(
            "sitrep: {} (x{weight}): {} event-type, {} sub-event-type, {} PLOVER examples",
            pack.display(),
            types.len() - before.0,
            subs.len() - before.1,
            plovers.len() - before.2
        );
    }
    eprintln!(
        "sitrep: training on {} event-type, {} sub-event-type and {} PLOVER examples",
        types.len(),
        subs.len(),
        plovers.len()
    );
    let defaults = TrainConfig::default();
    let cfg = TrainConfig {
        iterations: args.iterations.unwrap_or(defaults.iterations),
        l2: args.l2.unwrap_or(defaults.l2),
        min_count: args.min_count.unwrap_or(defaults.min_count),
        ..defaults
    };
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
        let examples: Vec<(&str, &str, f32)> = examples
            .iter()
            .map(|(t, l, w)| (t.as_str(), l.as_str(), *w))
            .collect();
        let model = LinearModel::train_weighted(&examples, cfg);
        write_model(&args.out_dir, name, &model.to_tsv(), model.labels.len())?;
    }
    if let Some(dir) = &cli.encoder_dir {
        train_semantic(dir, args, &types, &subs)?;
    }
    Ok(Status::Ok)
}

/// Fits the semantic layer's heads on the same examples as the n-gram heads: each text is
/// embedded once (or read from `--embedding-cache`), then one softmax per head.
fn train_semantic(
    encoder_dir: &Path,
    args: &TrainArgs,
    types: &[(String, String, f32)],
    subs: &[(String, String, f32)],
) -> Result<()> {
    let encoder = crate::resources::encoder(encoder_dir)?;
    let mut cache = match &args.embedding_cache {
        Some(path) => embedding_cache::read(path)?,
        None => HashMap::new(),
    };
    // A cache made by other weights (new adapters, another encoder) would feed the heads
    // stale vectors.
    let probe = encoder
        .embed(&[embedding_cache::PROBE])
        .map_err(anyhow::Error::msg)
        .context("embedding the cache's probe text")?
        .pop()
        .unwrap_or_default();
    let restamped = embedding_cache::stamp(&mut cache, probe);
    let mut missing: Vec<&str> = types
        .iter()
        .chain(subs)
        .map(|(t, _, _)| t.as_str())
        .filter(|t| !cache.contains_key(&embedding_cache::key(t)))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    eprintln!(
        "sitrep: embedding {} texts ({} cached)",
        missing.len(),
        cache.len()
    );
    for (i, chunk) in missing.chunks(256).enumerate() {
        let vectors = encoder
            .embed(chunk)
            .map_err(anyhow::Error::msg)
            .context("embedding the training texts")?;
        for (t, v) in chunk.iter().zip(vectors) {
            cache.insert(embedding_cache::key(t), v);
        }
        eprintln!("sitrep: embedded {}", ((i + 1) * 256).min(missing.len()));
    }
    if let Some(path) = &args.embedding_cache
        && (restamped || !missing.is_empty())
    {
        embedding_cache::write(path, &cache)?;
    }
    for (name, examples) in [
        ("semantic_event_type", types),
        ("semantic_sub_event_type", subs),
    ] {
        let rows: Vec<(&[f32], &str, f32)> = examples
            .iter()
            .filter_map(|(t, l, w)| {
                let v = cache.get(&embedding_cache::key(t))?;
                Some((v.as_slice(), l.as_str(), *w))
            })
            .collect();
        let model = DenseModel::train(&rows, DenseConfig::default())
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("fitting {name}"))?;
        write_model(&args.out_dir, name, &model.to_tsv(), model.labels.len())?;
    }
    Ok(())
}

/// Embeddings kept between training runs: records of a text's key (64-bit FNV-1a of its
/// bytes), the vector's length and its values, little-endian. One record is the vector of
/// [`embedding_cache::PROBE`], which tells whether the cache fits the weights loaded now.
mod embedding_cache {
    use std::collections::HashMap;
    use std::path::Path;

    use anyhow::{Context, Result, bail};

    /// The text whose vector identifies the weights a cache was made with.
    pub const PROBE: &str = "\u{0}sitrep embedding cache probe: shelling near the bridge";

    /// Keeps `cache` only if it holds `probe` as the vector of [`PROBE`], that is, if it was
    /// made by the same weights; else empties it (saying so) and records `probe`. Returns
    /// whether the cache changed and must be written again.
    pub fn stamp(cache: &mut HashMap<u64, Vec<f32>>, probe: Vec<f32>) -> bool {
        let k = key(PROBE);
        if cache.get(&k) == Some(&probe) {
            return false;
        }
        if !cache.is_empty() {
            eprintln!(
                "sitrep: the embedding cache was made by other encoder weights; embedding anew"
            );
            cache.clear();
        }
        cache.insert(k, probe);
        true
    }

    pub fn key(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// The cache at `path`; empty when the file does not exist yet.
    pub fn read(path: &Path) -> Result<HashMap<u64, Vec<f32>>> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let mut out = HashMap::new();
        let mut rest = bytes.as_slice();
        while !rest.is_empty() {
            let Some((head, tail)) = rest.split_at_checked(12) else {
                bail!("{}: truncated record header", path.display());
            };
            let k = u64::from_le_bytes(head[..8].try_into()?);
            let dim = u32::from_le_bytes(head[8..].try_into()?) as usize;
            let Some((body, tail)) = tail.split_at_checked(dim * 4) else {
                bail!("{}: truncated vector", path.display());
            };
            let v = body
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            out.insert(k, v);
            rest = tail;
        }
        Ok(out)
    }

    pub fn write(path: &Path, cache: &HashMap<u64, Vec<f32>>) -> Result<()> {
        let mut keys: Vec<&u64> = cache.keys().collect();
        keys.sort_unstable();
        let mut bytes = Vec::new();
        for k in keys {
            let v = &cache[k];
            bytes.extend_from_slice(&k.to_le_bytes());
            bytes.extend_from_slice(&(v.len() as u32).to_le_bytes());
            v.iter()
                .for_each(|x| bytes.extend_from_slice(&x.to_le_bytes()));
        }
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_cache_of_other_weights_is_emptied_and_restamped() {
            let mut cache = HashMap::from([(key("a text"), vec![0.5, 0.5])]);
            assert!(
                stamp(&mut cache, vec![1.0, 0.0]),
                "a cache without a probe is stale"
            );
            assert_eq!(cache.len(), 1, "only the probe is left");
            cache.insert(key("a text"), vec![0.5, 0.5]);
            assert!(!stamp(&mut cache, vec![1.0, 0.0]), "same weights: kept");
            assert_eq!(cache.len(), 2);
            assert!(stamp(&mut cache, vec![0.0, 1.0]), "new weights: stale");
            assert_eq!(cache.get(&key("a text")), None);
        }

        #[test]
        fn an_empty_cache_is_stamped_without_complaint() {
            let mut cache = HashMap::new();
            assert!(stamp(&mut cache, vec![1.0]));
            assert_eq!(cache.get(&key(PROBE)), Some(&vec![1.0]));
        }

        #[test]
        fn the_stamp_survives_a_write_and_a_read() {
            let dir = std::env::temp_dir().join(format!("sitrep-cache-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join("cache.bin");
            let mut cache = HashMap::from([(key("a text"), vec![0.25, -1.0])]);
            stamp(&mut cache, vec![1.0, 2.0]);
            write(&path, &cache).expect("write");
            let mut back = read(&path).expect("read");
            assert!(!stamp(&mut back, vec![1.0, 2.0]));
            assert_eq!(back, cache);
            std::fs::remove_dir_all(&dir).ok();
        }
    }
}

/// One labelled text of a pack's train half.
struct Example {
    text: String,
    event_type: Option<String>,
    sub_event_type: Option<String>,
    plover: Option<String>,
}

/// The train half of a pack, without the held-out eighth `holdout`, as labelled texts: gold
/// lines that list `events` (the first is the report's main event). A pack without them (a
/// snippet pack such as case2021-task2, which is for evaluation only) is refused.
fn pack_examples(pack: &Path, holdout: Option<u8>) -> Result<Vec<Example>> {
    let gold = sitrep_eval::read_jsonl(&sitrep_eval::gold_path(pack))?;
    let docs = sitrep_eval::read_jsonl(&pack.join("docs.jsonl"))?;
    if !gold.iter().any(|g| g.pointer("/events/0").is_some()) {
        anyhow::bail!(
            "{}: no gold line lists `events`; sitrep trains on event-coded reports only \
             (labelled snippet packs such as case2021-task2 are test sets: evaluate on them \
             with `sitrep eval classify`)",
            pack.display()
        );
    }
    let text_of: HashMap<&str, &str> = docs
        .iter()
        .filter_map(|d| Some((d.get("id")?.as_str()?, d.get("text")?.as_str()?)))
        .collect();
    let field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let mut out = Vec::new();
    for g in gold
        .iter()
        .filter(|g| sitrep_eval::split_of(g) == sitrep_eval::Split::Train)
        .filter(|g| holdout.is_none_or(|k| !super::eval::in_fold(g, k)))
    {
        let (Some(text), Some(first)) = (
            g.get("doc_id")
                .and_then(Value::as_str)
                .and_then(|id| text_of.get(id)),
            g.pointer("/events/0"),
        ) else {
            continue;
        };
        out.push(Example {
            text: text.to_string(),
            event_type: field(first, "event_type").filter(|t| !t.contains('|')),
            sub_event_type: field(first, "sub_event_type"),
            plover: field(first, "plover").map(|p| p.to_uppercase()),
        });
    }
    Ok(out)
}

/// Writes `NAME.tsv.gz` into `dir` and says so.
fn write_model(dir: &Path, name: &str, tsv: &str, labels: usize) -> Result<()> {
    let path = dir.join(format!("{name}.tsv.gz"));
    write_gz(&path, tsv)?;
    eprintln!("sitrep: wrote {} ({labels} labels)", path.display());
    Ok(())
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
