use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::EventRecord;

/// One real-world event, fused from the reports of one or more documents (contract §5).
///
/// The event fields are those of the incident's representative record, with the
/// conservative fatality figure across its reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub incident_id: String,
    #[serde(flatten)]
    pub event: EventRecord,
    /// Documents reporting the incident, in first-seen order.
    pub sources: Vec<String>,
    pub reports: usize,
    pub event_ids: Vec<String>,
    pub disagreements: Vec<Disagreement>,
}

/// Sources giving different values for one field of an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    pub field: String,
    pub values: Vec<DisagreementValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisagreementValue {
    pub value: serde_json::Value,
    pub doc_ids: Vec<String>,
}

/// The place a control period is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlPlace {
    pub geonameid: Option<u64>,
    pub location: String,
    pub admin1: Option<String>,
    pub country: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
}

/// A sentence saying who holds a place (or denying it): the raw material of control periods,
/// alongside territorial events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlReport {
    pub doc_id: String,
    pub place: ControlPlace,
    pub holder: String,
    pub holder_inter: u8,
    /// "ISIS doesn't control that town".
    pub negated: bool,
    pub date: Option<NaiveDate>,
    pub evidence: crate::Evidence,
}

/// Who held a place from `since` until `until` (open-ended when `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlPeriod {
    pub place: ControlPlace,
    pub holder: String,
    pub previous_holder: Option<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub incident_ids: Vec<String>,
    pub confidence: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    Distance,
    Share,
    Count,
    Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Consistent,
    Inconsistent,
    Unverifiable,
}

/// A checkable numeric statement in a document, and what the gazetteer says of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub doc_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: ClaimKind,
    /// The figure as stated, e.g. `{"value": 100, "unit": "km"}`.
    pub stated: serde_json::Value,
    /// The figure computed from the gazetteer, e.g. `{"km": 331.2}`; null when unverifiable.
    pub computed: serde_json::Value,
    pub verdict: Verdict,
    pub explanation: String,
}
