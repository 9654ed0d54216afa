//! Data compiled into the binary: the gazetteer index (built by `build.rs` from
//! `data/gazetteer/`) and the word lists of `data/lexicon/`.

use std::path::Path;

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
        Some(dir) => {
            let read = |name: &str| -> Result<String> {
                let path = dir.join(name);
                let bytes =
                    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                gunzip(&bytes).with_context(|| format!("decompressing {}", path.display()))
            };
            (read("event_type.tsv.gz")?, read("sub_event_type.tsv.gz")?)
        }
    };
    let plover =
        gunzip(include_bytes!("../../../data/model/plover.tsv.gz")).context("PLOVER model")?;
    let sources = sitrep_pipeline::bundled::sources(Some((&types, &subs)), Some(&plover));
    let mut p = Pipeline::new(g, lexicon(), sources)
        .context("building the pipeline from the bundled dictionaries")?;
    // Tuning runs may override resolution weights: SITREP_RESOLVE='{"w_space": 2.0}'.
    if let Ok(json) = std::env::var("SITREP_RESOLVE") {
        p.resolve = serde_json::from_str(&json)
            .context("SITREP_RESOLVE: expected a JSON object of resolution weights")?;
    }
    Ok(p)
}

fn gunzip(bytes: &[u8]) -> Result<String> {
    let mut out = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(bytes), &mut out)?;
    Ok(out)
}
