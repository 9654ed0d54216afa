//! Data compiled into the binary: the gazetteer index (built by `build.rs` from
//! `data/gazetteer/`) and the word lists of `data/lexicon/`.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use sitrep_gazetteer::Gazetteer;
use sitrep_pipeline::Pipeline;
use sitrep_pipeline::geocode::Lexicon;

/// The bundled gazetteer, compiled at build time.
pub static GAZETTEER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.bin"));

/// Loads the bundled gazetteer, or the one at `path`.
pub fn gazetteer(path: Option<&Path>) -> Result<Gazetteer> {
    match path {
        None => Gazetteer::from_bytes(GAZETTEER).context("loading the bundled gazetteer"),
        Some(p) => {
            let bytes =
                std::fs::read(p).with_context(|| format!("reading gazetteer {}", p.display()))?;
            Gazetteer::from_bytes(&bytes)
                .with_context(|| format!("loading gazetteer {}", p.display()))
        }
    }
}

/// The geoparser's word lists.
pub fn lexicon() -> Lexicon {
    sitrep_pipeline::bundled::lexicon()
}

/// The whole pipeline, built from the bundled dictionaries.
pub fn pipeline(cli: &crate::cli::Cli) -> Result<Pipeline> {
    let g = gazetteer(cli.gazetteer.as_deref())?;
    let (types, subs) = match &cli.model_dir {
        None => (
            gunzip(include_bytes!("../../../data/model/event_type.tsv.gz"))
                .context("event type model")?,
            gunzip(include_bytes!("../../../data/model/sub_event_type.tsv.gz"))
                .context("sub-event type model")?,
        ),
        Some(dir) => (
            read_model(dir, "event_type.tsv.gz")?,
            read_model(dir, "sub_event_type.tsv.gz")?,
        ),
    };
    let plover =
        gunzip(include_bytes!("../../../data/model/plover.tsv.gz")).context("PLOVER model")?;
    let sources = sitrep_pipeline::bundled::sources(Some((&types, &subs)), Some(&plover));
    let mut p = Pipeline::new(g, lexicon(), sources)
        .context("building the pipeline from the bundled dictionaries")?;
    if let Some(dir) = &cli.encoder_dir {
        let semantic = semantic(dir, cli.model_dir.as_deref())?;
        if let Some(c) = p.classifier.take() {
            p.classifier = Some(
                c.with_semantic(semantic)
                    .map_err(anyhow::Error::msg)
                    .context("adding the semantic layer")?,
            );
        }
    }
    // Tuning runs may override resolution weights: SITREP_RESOLVE='{"w_space": 2.0}'.
    if let Ok(json) = std::env::var("SITREP_RESOLVE") {
        p.resolve = serde_json::from_str(&json)
            .context("SITREP_RESOLVE: expected a JSON object of resolution weights")?;
    }
    Ok(p)
}

/// A gzipped model file of `dir`, decompressed.
fn read_model(dir: &Path, name: &str) -> Result<String> {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    gunzip(&bytes).with_context(|| format!("decompressing {}", path.display()))
}

/// The semantic layer: the encoder in `encoder_dir` and the heads from `model_dir` (or the
/// bundled ones).
fn semantic(
    encoder_dir: &Path,
    model_dir: Option<&Path>,
) -> Result<sitrep_pipeline::classify::Semantic> {
    use sitrep_pipeline::classify::DenseModel;
    let encoder = encoder(encoder_dir)?;
    let (types, subs) = match model_dir {
        Some(dir) => (
            read_model(dir, "semantic_event_type.tsv.gz")?,
            read_model(dir, "semantic_sub_event_type.tsv.gz")?,
        ),
        None => bundled_semantic_heads()?,
    };
    let dense = |t: &str, what: &str| {
        DenseModel::from_tsv(t)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("semantic {what} model"))
    };
    Ok(sitrep_pipeline::classify::Semantic {
        encoder,
        types: dense(&types, "event type")?,
        subs: dense(&subs, "sub-event type")?,
        // Tuning runs may override the semantic heads' share: SITREP_SEMANTIC_WEIGHT=0.65.
        weight: match std::env::var("SITREP_SEMANTIC_WEIGHT") {
            Ok(w) => w
                .parse()
                .ok()
                .filter(|w: &f32| (0.0..=1.0).contains(w))
                .with_context(|| format!("SITREP_SEMANTIC_WEIGHT={w}: expected 0 to 1"))?,
            Err(_) => sitrep_pipeline::classify::SEMANTIC_WEIGHT,
        },
    })
}

/// The semantic heads fitted by `scripts/train_model.sh` (compiled in with the feature).
#[cfg(feature = "semantic")]
fn bundled_semantic_heads() -> Result<(String, String)> {
    Ok((
        gunzip(include_bytes!(
            "../../../data/model/semantic_event_type.tsv.gz"
        ))?,
        gunzip(include_bytes!(
            "../../../data/model/semantic_sub_event_type.tsv.gz"
        ))?,
    ))
}

#[cfg(not(feature = "semantic"))]
fn bundled_semantic_heads() -> Result<(String, String)> {
    anyhow::bail!("this sitrep was built without the semantic layer")
}

/// Low-rank updates of the encoder's weights towards ACLED's sub-event types, trained by
/// `scripts/finetune_encoder.py` (the README's attribution says on what).
#[cfg(feature = "semantic")]
const BUNDLED_ADAPTERS: &[u8] = include_bytes!("../../../data/model/semantic_lora.safetensors");

/// The MiniLM sentence encoder from its folder.
#[cfg(feature = "semantic")]
pub fn encoder(dir: &Path) -> Result<Arc<dyn sitrep_pipeline::classify::TextEncoder>> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).with_context(|| {
            format!(
                "reading {} (scripts/fetch_encoder.sh fetches the encoder)",
                path.display()
            )
        })
    };
    let config = String::from_utf8(read("config.json")?).context("config.json is not UTF-8")?;
    // The bundled low-rank adapters (scripts/finetune_encoder.py); tuning runs may swap them:
    // SITREP_ENCODER_ADAPTERS=FILE, or `none` for the plain encoder.
    let swapped: Option<Vec<u8>>;
    let adapters: Option<&[u8]> = match std::env::var("SITREP_ENCODER_ADAPTERS") {
        Ok(v) if v == "none" => None,
        Ok(path) => {
            swapped = Some(
                std::fs::read(&path)
                    .with_context(|| format!("SITREP_ENCODER_ADAPTERS: reading {path}"))?,
            );
            swapped.as_deref()
        }
        Err(_) => Some(BUNDLED_ADAPTERS),
    };
    let model = sitrep_pipeline::classify::minilm::MiniLm::from_bytes(
        &read("model.safetensors")?,
        &config,
        &read("tokenizer.json")?,
        adapters,
    )
    .map_err(anyhow::Error::msg)
    .with_context(|| format!("loading the sentence encoder in {}", dir.display()))?;
    Ok(Arc::new(model))
}

/// Without the `semantic` feature there is no encoder to load.
#[cfg(not(feature = "semantic"))]
pub fn encoder(dir: &Path) -> Result<Arc<dyn sitrep_pipeline::classify::TextEncoder>> {
    anyhow::bail!(
        "--encoder-dir {}: this sitrep was built without the semantic layer \
         (build it with `cargo build --release --features semantic`)",
        dir.display()
    )
}

fn gunzip(bytes: &[u8]) -> Result<String> {
    let mut out = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(bytes), &mut out)?;
    Ok(out)
}
