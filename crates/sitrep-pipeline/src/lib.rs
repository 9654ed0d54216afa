//! sitrep's pure stages: text in, events out. No I/O: every input (document
//! bytes, gazetteer, dictionaries, reference dates) arrives as an argument.

pub mod dates;
pub mod geo;
pub mod geocode;
pub mod ingest;
pub mod quantities;
pub mod sentences;
pub mod tokens;
