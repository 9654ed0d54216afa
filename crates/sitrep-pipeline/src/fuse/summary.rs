//! From an incident's member records to the [`Incident`] users see.

use std::collections::{BTreeSet, HashSet};

use serde_json::{Value, json};
use sitrep_model::{Disagreement, DisagreementValue, EventRecord, Incident};

use super::score::{actor_key, is_vague};

/// The incident of `members` (in the order they joined).
///
/// - The event fields are those of the most precise report (smallest `geo_precision`, then
///   `time_precision`, then highest confidence; the earlier report on ties), with the evidence
///   of every report.
/// - `fatalities` follows ACLED's conservative rule as [`conservative`] applies it; `wounded`
///   likewise.
/// - `disagreements` lists each field on which reports differ — `fatalities`, `wounded`,
///   `event_date` (between day-precise reports), `location` (between place-precise reports) and
///   `actors` (the named actors) — with the documents behind each value.
pub fn summarize(incident_id: &str, members: &[EventRecord]) -> Incident {
    let rep = members
        .iter()
        .enumerate()
        .min_by(|(i, a), (j, b)| {
            let key =
                |r: &EventRecord| (r.geo_precision.unwrap_or(9), r.time_precision.unwrap_or(9));
            key(a)
                .cmp(&key(b))
                .then(b.confidence.total_cmp(&a.confidence))
                .then(i.cmp(j))
        })
        .map(|(_, r)| r);
    let Some(rep) = rep else {
        return empty(incident_id);
    };
    let mut event = rep.clone();
    let evidence_text = |r: &EventRecord| {
        r.evidence
            .iter()
            .map(|e| e.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let fatal: Vec<(u32, bool)> = members
        .iter()
        .map(|r| (r.fatalities, is_vague(&evidence_text(r), r.fatalities)))
        .collect();
    event.fatalities = conservative(&fatal).unwrap_or(0);
    let wounded: Vec<(u32, bool)> = members
        .iter()
        .filter_map(|r| r.wounded.map(|w| (w, is_vague(&evidence_text(r), w))))
        .collect();
    event.wounded = conservative(&wounded).or(rep.wounded.filter(|_| wounded.is_empty()));
    // Sets, not scans of the lists so far: an incident may gather 10^5 reports.
    event.evidence = Vec::new();
    let mut seen = HashSet::new();
    for r in members {
        for e in &r.evidence {
            if seen.insert((e.doc_id.as_str(), e.start, e.end, e.text.as_str())) {
                event.evidence.push(e.clone());
            }
        }
    }
    let mut sources: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for r in members {
        if seen.insert(r.doc_id.as_str()) {
            sources.push(r.doc_id.clone());
        }
    }
    let best = members.iter().map(|r| r.confidence).fold(0.0, f64::max);
    event.confidence =
        ((best + 0.05 * (sources.len() as f64 - 1.0)).min(0.99) * 1000.0).round() / 1000.0;
    event.notes = crate::assemble::notes(&event);
    if sources.len() > 1 {
        event.notes = format!("{} Reported by {} sources.", event.notes, sources.len());
    }
    let disagreements = disagreements(members, &event, &evidence_text);
    Incident {
        incident_id: incident_id.to_string(),
        event,
        sources,
        reports: members.len(),
        event_ids: members.iter().map(|r| r.event_id.clone()).collect(),
        disagreements,
    }
}

/// ACLED's conservative figure from `(figure, vague)` reports: the lowest specific non-zero
/// figure; when no report is specific, the lowest vague one; `None` when every report is 0 or
/// none exists. A 0 means "not reported" in event records, so it never lowers a reported toll;
/// a vague figure ("dozens", coded 12) never lowers a specific one (70), because it fits it.
pub fn conservative(reports: &[(u32, bool)]) -> Option<u32> {
    let specific = reports
        .iter()
        .filter(|(f, v)| *f > 0 && !v)
        .map(|(f, _)| *f)
        .min();
    specific.or_else(|| {
        reports
            .iter()
            .filter(|(f, _)| *f > 0)
            .map(|(f, _)| *f)
            .min()
    })
}

fn empty(incident_id: &str) -> Incident {
    Incident {
        incident_id: incident_id.to_string(),
        event: EventRecord {
            doc_id: String::new(),
            event_id: String::new(),
            event_date: None,
            time_precision: None,
            event_type: None,
            sub_event_type: None,
            plover: None,
            actor1: None,
            actor2: None,
            inter1: 0,
            inter2: 0,
            country: None,
            country_code: None,
            admin1: None,
            admin2: None,
            location: None,
            latitude: None,
            longitude: None,
            geo_precision: None,
            geonameid: None,
            fatalities: 0,
            wounded: None,
            notes: String::new(),
            evidence: Vec::new(),
            confidence: 0.0,
        },
        sources: Vec::new(),
        reports: 0,
        event_ids: Vec::new(),
        disagreements: Vec::new(),
    }
}

/// Values reported for one field, each with its documents, in first-seen order; `seen` holds
/// (value index, document) pairs already listed.
#[derive(Default)]
struct Tally(Vec<(Value, Vec<String>)>, HashSet<(usize, String)>);

impl Tally {
    fn add(&mut self, value: Value, doc: &str) {
        let at = match self.0.iter().position(|(v, _)| *v == value) {
            Some(at) => at,
            None => {
                self.0.push((value, Vec::new()));
                self.0.len() - 1
            }
        };
        if self.1.insert((at, doc.to_string())) {
            self.0[at].1.push(doc.to_string());
        }
    }

    fn into_disagreement(self, field: &str) -> Option<Disagreement> {
        (self.0.len() > 1).then(|| Disagreement {
            field: field.to_string(),
            values: self
                .0
                .into_iter()
                .map(|(value, doc_ids)| DisagreementValue { value, doc_ids })
                .collect(),
        })
    }
}

fn disagreements(
    members: &[EventRecord],
    event: &EventRecord,
    evidence_text: &dyn Fn(&EventRecord) -> String,
) -> Vec<Disagreement> {
    let mut out = Vec::new();
    // Tolls: specific figures, and vague ones that do not fit the figure chosen.
    let mut fatal = Tally::default();
    for r in members.iter().filter(|r| r.fatalities > 0) {
        let vague = is_vague(&evidence_text(r), r.fatalities);
        if !vague || r.fatalities > event.fatalities {
            fatal.add(json!(r.fatalities), &r.doc_id);
        }
    }
    out.extend(fatal.into_disagreement("fatalities"));
    let mut wounded = Tally::default();
    for r in members {
        if let Some(w) = r.wounded.filter(|&w| w > 0) {
            let vague = is_vague(&evidence_text(r), w);
            if !vague || Some(w) > event.wounded {
                wounded.add(json!(w), &r.doc_id);
            }
        }
    }
    out.extend(wounded.into_disagreement("wounded"));
    let mut dates = Tally::default();
    for r in members.iter().filter(|r| r.time_precision == Some(1)) {
        if let Some(d) = r.event_date {
            dates.add(json!(d.to_string()), &r.doc_id);
        }
    }
    out.extend(dates.into_disagreement("event_date"));
    let mut places = Tally::default();
    for r in members.iter().filter(|r| r.geo_precision == Some(1)) {
        if let Some(l) = &r.location {
            places.add(json!(l), &r.doc_id);
        }
    }
    out.extend(places.into_disagreement("location"));
    // Actors: only sets that contradict each other (neither contains the other); a report
    // naming one side of a clash does not disagree with one naming both.
    let mut sets: Vec<(Vec<&str>, &str)> = Vec::new();
    for r in members {
        let mut named: Vec<&str> = [&r.actor1, &r.actor2]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .filter(|a| actor_key(a).is_some())
            .collect();
        named.sort_unstable();
        named.dedup();
        if !named.is_empty() {
            sets.push((named, &r.doc_id));
        }
    }
    let subset = |a: &[&str], b: &[&str]| a.iter().all(|x| b.contains(x));
    // Pairs of distinct sets only: equal sets never contradict each other.
    let distinct: Vec<&Vec<&str>> = sets
        .iter()
        .map(|(a, _)| a)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let conflict = distinct.iter().enumerate().any(|(i, a)| {
        distinct[i + 1..]
            .iter()
            .any(|b| !subset(a, b) && !subset(b, a))
    });
    let mut actors = Tally::default();
    if conflict {
        for (named, doc) in &sets {
            actors.add(json!(named), doc);
        }
    }
    out.extend(actors.into_disagreement("actors"));
    out
}
