//! Data compiled into the binary: the gazetteer index (built by `build.rs` from
//! `data/gazetteer/`) and the word lists of `data/lexicon/`.

use std::path::Path;

use anyhow::{Context, Result};
use sitrep_gazetteer::Gazetteer;
use sitrep_pipeline::geocode::{Lexicon, LexiconSources};

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
    Lexicon::new(LexiconSources {
        common_words: include_str!("../../../data/lexicon/common_words.txt"),
        person_titles: include_str!("../../../data/lexicon/person_titles.txt"),
        org_heads: include_str!("../../../data/lexicon/org_heads.txt"),
        place_heads: include_str!("../../../data/lexicon/place_heads.txt"),
        media: include_str!("../../../data/lexicon/media.txt"),
        not_places: include_str!("../../../data/lexicon/not_places.txt"),
        first_names: include_str!("../../../data/lexicon/first_names.txt"),
    })
}
