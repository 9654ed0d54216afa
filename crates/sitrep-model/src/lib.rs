//! sitrep's vocabulary: the plain data types that flow from stage to stage.
//!
//! A [`Document`] is read by the ingest stage; the pipeline turns it into
//! [`EventRecord`]s (one report of one event in one document, each holding its
//! [`Evidence`]) and [`Toponym`]s; fusion groups records into [`Incident`]s,
//! from which [`ControlPeriod`]s and [`Claim`] checks are derived. Types here
//! carry no logic beyond small accessors, and serialise to the field names of
//! the user-facing contract (ACLED's names wherever ACLED has the field).

mod acled;
mod document;
mod event;
mod store;

pub use acled::{EventType, Plover, SubEventType};
pub use document::{Document, Skipped, Span};
pub use event::{EventRecord, Evidence, Place, Toponym, ToponymsLine};
pub use store::{
    Claim, ClaimKind, ControlPeriod, ControlPlace, ControlReport, Disagreement, DisagreementValue,
    Incident, Verdict,
};

/// ACLED actor categories ("inter" codes).
pub mod inter {
    /// No actor.
    pub const NONE: u8 = 0;
    /// State forces.
    pub const STATE: u8 = 1;
    /// Rebel groups.
    pub const REBEL: u8 = 2;
    /// Political militias.
    pub const POLITICAL_MILITIA: u8 = 3;
    /// Identity militias.
    pub const IDENTITY_MILITIA: u8 = 4;
    /// Rioters.
    pub const RIOTERS: u8 = 5;
    /// Protesters.
    pub const PROTESTERS: u8 = 6;
    /// Civilians.
    pub const CIVILIANS: u8 = 7;
    /// External/other forces.
    pub const EXTERNAL: u8 = 8;
}
