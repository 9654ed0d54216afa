//! sitrep's pure stages: text in, events out. No I/O: every input (document
//! bytes, gazetteer, dictionaries, reference dates) arrives as an argument.
//!
//! Data flows one way: [`ingest`] reads bytes into a `Document`; [`sentences`] and
//! [`tokens`] give spans; [`geocode`] finds and resolves place mentions; [`actors`],
//! [`triggers`], [`dates`] and [`quantities`] find the other mentions; [`assemble`]
//! codes them into `EventRecord`s (with [`classify`] scores) and control statements.
//! [`Pipeline`] holds every stage's compiled data. Across documents, [`fuse`] groups records
//! into incidents, [`control`] derives who holds each place, and [`claims`] checks numeric
//! statements against the gazetteer.

pub mod actors;
pub mod assemble;
pub mod bundled;
pub mod claims;
pub mod classify;
pub mod control;
pub mod dates;
pub mod fuse;
pub mod geo;
pub mod geocode;
pub mod ingest;
mod pipeline;
pub mod quantities;
pub mod sentences;
pub mod spans;
pub mod tokens;
pub mod triggers;

pub use pipeline::{Pipeline, PipelineError, PipelineSources};
