//! sitrep's gazetteer: names of places normalised to transliteration-insensitive keys
//! ([`normalize`]), compiled by a [`Builder`] from GeoNames-format tables into bytes, and
//! loaded as an immutable [`Gazetteer`] (an FST from keys to [`Posting`]s over a table of
//! [`Entry`]s: places, administrative areas, countries and regions).
//!
//! This crate is small on purpose: the `sitrep` binary's build script uses it to compile the
//! bundled data into the executable, and `sitrep gazetteer import` uses it at run time.

mod builder;
mod index;
pub mod normalize;

pub use builder::{Builder, Divisions, ReadStats, usable_name};
pub use index::{Country, Entry, EntryKind, Gazetteer, NONE, Posting};

/// Errors reading gazetteer tables or a compiled gazetteer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{file}: line {line}: {reason}")]
    Row {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("gazetteer format: {0}")]
    Format(String),
    #[error("{0}")]
    Io(String),
}
