use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{EventType, Plover, SubEventType};

/// A sentence (or part of one) an output rests on, with its text copied for the reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub doc_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A gazetteer place an event or toponym was resolved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Place {
    pub geonameid: Option<u64>,
    /// The gazetteer's name for the place (ACLED's `location`).
    pub name: String,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    /// GeoNames feature code (`PPL`, `PPLA`, `ADM1`, `PCLI`, ...).
    pub feature_code: String,
    pub population: u64,
}

/// One report of one event in one document (contract §3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    pub doc_id: String,
    pub event_id: String,
    pub event_date: Option<NaiveDate>,
    pub time_precision: Option<u8>,
    pub event_type: Option<EventType>,
    pub sub_event_type: Option<SubEventType>,
    pub plover: Option<Plover>,
    pub actor1: Option<String>,
    pub actor2: Option<String>,
    pub inter1: u8,
    pub inter2: u8,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub location: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub geo_precision: Option<u8>,
    pub geonameid: Option<u64>,
    pub fatalities: u32,
    pub wounded: Option<u32>,
    pub notes: String,
    pub evidence: Vec<Evidence>,
    pub confidence: f64,
}

/// One place mention in a document (contract §4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Toponym {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub name: Option<String>,
    pub geonameid: Option<u64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub feature_code: Option<String>,
    pub country_code: Option<String>,
    pub admin1: Option<String>,
    pub confidence: f64,
}

/// The `toponyms` command's output line for one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToponymsLine {
    pub doc_id: String,
    pub toponyms: Vec<Toponym>,
}
