//! Territorial control: who holds each place, since when and until when, and the incidents
//! behind each change.
//!
//! [`timeline`] reads two kinds of evidence:
//!
//! - **Territorial incidents**: "Non-state actor overtakes territory" and "Government regains
//!   territory" hand the place to `actor1` (taken from `actor2` when named); "Non-violent
//!   transfer of territory" and PLOVER `RETREAT` are withdrawals of `actor1`, handing the place
//!   to `actor2` when named.
//! - **Control statements** ([`ControlReport`]): "ISIS controlled Qaim" (dated by the text or,
//!   failing that, by publication), and denials ("ISIS doesn't control that town").
//!
//! Per place, in date order (on one day: changes, then statements, then denials, each kind
//! from the least to the most confident, so that conflicting reports of one day end with the
//! best-attested one):
//!
//! - a capture by the current holder only confirms the period; by anyone else it closes the
//!   period (`until` = the day) and opens the captor's;
//! - a withdrawal matters only when the withdrawing actor holds the place or nobody is known
//!   to: a withdrawal reported after a capture ("the security forces in Qaim withdrew") is the
//!   same change told from the loser's side. The successor is `actor2`, or a statement of the
//!   same days naming the new holder, or else **`Unidentified Armed Group (Country)`** (ACLED's
//!   name for an armed actor it cannot identify) with low confidence: the place is known to
//!   have left the withdrawing actor's hands, not whose hands it is in — Haditha after the
//!   army's overnight withdrawal, where local tribal leaders took over security;
//! - a statement naming the current holder confirms; naming someone else opens a period at the
//!   statement's date (the change happened by then, exact day unknown), unless a change
//!   reported as an event opened the current period that same day;
//! - a denial of the current holder closes its period.
//!
//! Holders are compared after actor normalisation (`fuse::actor_key`), so the army and the
//! police of one state are one holder.
//!
//! [`statements`] adds the control statements extraction does not read yet: "under the
//! control of X", "held by X", negations ("ISIS doesn't control that town", "ISIL has not
//! entered Hadithah"), and takeovers of security ("tribal leaders took over security for
//! the town").

mod statements;

pub use statements::{readable_sentences, statements, statements_with};

use std::collections::HashMap;

use chrono::NaiveDate;
use sitrep_model::{ControlPeriod, ControlPlace, ControlReport, Incident, Plover, SubEventType};

use crate::fuse::actor_key;

/// Confidence of a period opened by a statement alone.
const STATEMENT_CONFIDENCE: f64 = 0.6;
/// Confidence of a period whose holder is unknown after a withdrawal.
const UNKNOWN_SUCCESSOR_CONFIDENCE: f64 = 0.4;

/// What one piece of evidence says about a place.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Capture {
        holder: String,
        from: Option<String>,
    },
    Withdrawal {
        by: String,
        to: Option<String>,
    },
    Statement {
        holder: String,
    },
    Denial {
        holder: String,
    },
}

impl Kind {
    /// Order of evidence on one day.
    fn rank(&self) -> u8 {
        match self {
            Kind::Capture { .. } | Kind::Withdrawal { .. } => 0,
            Kind::Statement { .. } => 1,
            Kind::Denial { .. } => 2,
        }
    }
}

#[derive(Debug, Clone)]
struct Observation {
    date: NaiveDate,
    kind: Kind,
    incident_id: Option<String>,
    confidence: f64,
}

/// The control timeline of every place the evidence names: periods ordered by place (in
/// first-seen order) and time; the periods of one place never overlap.
pub fn timeline(incidents: &[Incident], reports: &[ControlReport]) -> Vec<ControlPeriod> {
    let mut places: Vec<(String, ControlPlace)> = Vec::new();
    let mut obs: HashMap<String, Vec<Observation>> = HashMap::new();
    let mut add = |place: ControlPlace, o: Observation| {
        let key = place_key(&place);
        if !places.iter().any(|(k, _)| *k == key) {
            places.push((key.clone(), place));
        }
        obs.entry(key).or_default().push(o);
    };
    for inc in incidents {
        let e = &inc.event;
        let (Some(date), Some(actor1)) = (e.event_date, e.actor1.clone()) else {
            continue;
        };
        let Some(place) = incident_place(inc) else {
            continue;
        };
        let kind = match e.sub_event_type {
            Some(SubEventType::NonStateActorOvertakesTerritory)
            | Some(SubEventType::GovernmentRegainsTerritory) => Kind::Capture {
                holder: actor1,
                from: e.actor2.clone(),
            },
            Some(SubEventType::NonViolentTransferOfTerritory) => Kind::Withdrawal {
                by: actor1,
                to: e.actor2.clone(),
            },
            None if e.plover == Some(Plover::Retreat) => Kind::Withdrawal {
                by: actor1,
                to: e.actor2.clone(),
            },
            _ => continue,
        };
        add(
            place,
            Observation {
                date,
                kind,
                incident_id: Some(inc.incident_id.clone()),
                confidence: e.confidence,
            },
        );
    }
    for r in reports {
        let Some(date) = r.date else { continue };
        let kind = if r.negated {
            Kind::Denial {
                holder: r.holder.clone(),
            }
        } else {
            Kind::Statement {
                holder: r.holder.clone(),
            }
        };
        add(
            r.place.clone(),
            Observation {
                date,
                kind,
                incident_id: None,
                confidence: STATEMENT_CONFIDENCE,
            },
        );
    }
    let mut out = Vec::new();
    for (key, place) in places {
        let mut list = obs.remove(&key).unwrap_or_default();
        // On one day the best-attested change is applied last, so it holds.
        list.sort_by(|a, b| {
            (a.date, a.kind.rank())
                .cmp(&(b.date, b.kind.rank()))
                .then(a.confidence.total_cmp(&b.confidence))
        });
        out.extend(place_timeline(&place, &list));
    }
    out
}

/// The period in force on `date` for each place.
pub fn at(periods: &[ControlPeriod], date: NaiveDate) -> Vec<&ControlPeriod> {
    periods
        .iter()
        .filter(|p| p.since.is_none_or(|s| s <= date) && p.until.is_none_or(|u| u > date))
        .collect()
}

fn incident_place(inc: &Incident) -> Option<ControlPlace> {
    let e = &inc.event;
    // A province-level report says nothing about who holds a particular place.
    if e.geo_precision.unwrap_or(1) >= 3 {
        return None;
    }
    Some(ControlPlace {
        geonameid: e.geonameid,
        location: e.location.clone()?,
        admin1: e.admin1.clone(),
        country: e.country.clone(),
        latitude: e.latitude?,
        longitude: e.longitude?,
    })
}

fn place_key(p: &ControlPlace) -> String {
    match p.geonameid {
        Some(id) => id.to_string(),
        None => format!("{}@{:.2},{:.2}", p.location, p.latitude, p.longitude),
    }
}

/// Whether two holder names are one actor.
fn same_holder(a: &str, b: &str) -> bool {
    match (actor_key(a), actor_key(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn unknown_holder(place: &ControlPlace) -> String {
    match &place.country {
        Some(c) => format!("Unidentified Armed Group ({c})"),
        None => "Unidentified Armed Group".to_string(),
    }
}

fn place_timeline(place: &ControlPlace, list: &[Observation]) -> Vec<ControlPeriod> {
    let mut done: Vec<ControlPeriod> = Vec::new();
    let mut current: Option<ControlPeriod> = None;
    // Whether the current holder is a stand-in after a withdrawal with no known successor.
    let mut unknown = false;
    let open = |holder: String,
                previous: Option<String>,
                o: &Observation,
                confidence: f64|
     -> ControlPeriod {
        ControlPeriod {
            place: place.clone(),
            holder,
            previous_holder: previous,
            since: Some(o.date),
            until: None,
            incident_ids: o.incident_id.iter().cloned().collect(),
            confidence: round3(confidence),
        }
    };
    let confirm = |p: &mut ControlPeriod, o: &Observation| {
        if let Some(id) = &o.incident_id
            && !p.incident_ids.contains(id)
        {
            p.incident_ids.push(id.clone());
        }
        p.confidence = round3((p.confidence + 0.1).min(0.95));
    };
    for o in list {
        // Who held the place before a change on this day: a period opened the same day is
        // replaced, not succeeded.
        let holder_now = match &current {
            Some(p) if p.since == Some(o.date) => p.previous_holder.clone(),
            Some(p) => Some(p.holder.clone()),
            None => None,
        };
        match &o.kind {
            Kind::Capture { holder, from } => {
                if let Some(p) = current.as_mut().filter(|p| same_holder(&p.holder, holder)) {
                    confirm(p, o);
                    continue;
                }
                close(&mut current, &mut done, o.date);
                current = Some(open(
                    holder.clone(),
                    holder_now.or_else(|| from.clone()),
                    o,
                    o.confidence,
                ));
                unknown = false;
            }
            Kind::Withdrawal { by, to } => {
                let holds = current.as_ref().is_none_or(|p| same_holder(&p.holder, by));
                if !holds {
                    // The other side of a change already recorded: the loser leaving.
                    if let Some(p) = current
                        .as_mut()
                        .filter(|p| to.as_deref().is_some_and(|t| same_holder(&p.holder, t)))
                    {
                        confirm(p, o);
                    }
                    continue;
                }
                if unknown {
                    // Another report of the same withdrawal.
                    if let Some(p) = current.as_mut() {
                        confirm(p, o);
                    }
                    continue;
                }
                close(&mut current, &mut done, o.date);
                let (holder, confidence) = match to {
                    Some(t) => (t.clone(), o.confidence),
                    None => (unknown_holder(place), UNKNOWN_SUCCESSOR_CONFIDENCE),
                };
                unknown = to.is_none();
                current = Some(open(holder, Some(by.clone()), o, confidence));
            }
            Kind::Statement { holder } => match current.as_mut() {
                Some(p) if same_holder(&p.holder, holder) => confirm(p, o),
                // A change reported with its own event outweighs a statement of the same day.
                Some(p) if p.since == Some(o.date) && !p.incident_ids.is_empty() && !unknown => {}
                Some(p) if unknown => {
                    // The statement names who took over after the withdrawal.
                    p.holder = holder.clone();
                    p.confidence = round3(STATEMENT_CONFIDENCE);
                    unknown = false;
                }
                _ => {
                    close(&mut current, &mut done, o.date);
                    current = Some(open(holder.clone(), holder_now, o, o.confidence));
                    unknown = false;
                }
            },
            Kind::Denial { holder } => {
                if current
                    .as_ref()
                    .is_some_and(|p| same_holder(&p.holder, holder))
                {
                    close(&mut current, &mut done, o.date);
                    unknown = false;
                }
            }
        }
    }
    if let Some(p) = current {
        done.push(p);
    }
    done
}

/// Ends the current period on `date`. A period that would end the day it began is replaced,
/// not kept as a zero-length period.
fn close(current: &mut Option<ControlPeriod>, done: &mut Vec<ControlPeriod>, date: NaiveDate) {
    if let Some(mut p) = current.take()
        && p.since != Some(date)
    {
        p.until = Some(date);
        done.push(p);
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use sitrep_model::{EventRecord, Evidence};

    use super::*;

    fn place(name: &str, id: u64) -> ControlPlace {
        ControlPlace {
            geonameid: Some(id),
            location: name.into(),
            admin1: Some("Anbar".into()),
            country: Some("Iraq".into()),
            latitude: 34.0,
            longitude: 41.0,
        }
    }

    fn incident(id: &str, p: &ControlPlace, sub: SubEventType, a1: &str, date: &str) -> Incident {
        let mut e = crate::fuse::summarize("x", &[]).event;
        e = EventRecord {
            event_date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
            time_precision: Some(1),
            event_type: Some(sub.event_type()),
            sub_event_type: Some(sub),
            actor1: Some(a1.into()),
            location: Some(p.location.clone()),
            geonameid: p.geonameid,
            admin1: p.admin1.clone(),
            country: p.country.clone(),
            latitude: Some(p.latitude),
            longitude: Some(p.longitude),
            geo_precision: Some(1),
            confidence: 0.8,
            ..e
        };
        Incident {
            incident_id: id.into(),
            event: e,
            sources: vec![],
            reports: 1,
            event_ids: vec![],
            disagreements: vec![],
        }
    }

    fn report(p: &ControlPlace, holder: &str, negated: bool, date: &str) -> ControlReport {
        ControlReport {
            doc_id: "d".into(),
            place: p.clone(),
            holder: holder.into(),
            holder_inter: 2,
            negated,
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
            evidence: Evidence {
                doc_id: "d".into(),
                start: 0,
                end: 0,
                text: String::new(),
            },
        }
    }

    fn holder_on(periods: &[ControlPeriod], place: &str, date: &str) -> Option<String> {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
        at(periods, d)
            .into_iter()
            .find(|p| p.place.location == place)
            .map(|p| p.holder.clone())
    }

    const ISIS: &str = "Islamic State";
    const ARMY: &str = "Military Forces of Iraq (2006-2014)";

    #[test]
    fn the_anbar_timeline() {
        use SubEventType as S;
        let (qaim, haditha, bukamal) = (
            place("Al Qaim", 1),
            place("Haditha", 2),
            place("Al Bukamal", 3),
        );
        let incidents = [
            incident(
                "i1",
                &qaim,
                S::NonStateActorOvertakesTerritory,
                ISIS,
                "2014-06-21",
            ),
            // The army's side of the same change, a day later: no new holder.
            incident(
                "i2",
                &qaim,
                S::NonViolentTransferOfTerritory,
                ARMY,
                "2014-06-22",
            ),
            incident(
                "i3",
                &haditha,
                S::NonViolentTransferOfTerritory,
                ARMY,
                "2014-06-21",
            ),
        ];
        let reports = [
            report(&qaim, ISIS, false, "2014-06-21"),
            report(&bukamal, "Al Nusra Front", false, "2014-06-21"),
            report(&bukamal, ISIS, true, "2014-06-21"),
        ];
        let t = timeline(&incidents, &reports);
        assert_eq!(
            holder_on(&t, "Al Qaim", "2014-06-23").as_deref(),
            Some(ISIS)
        );
        assert_eq!(holder_on(&t, "Al Qaim", "2014-06-20"), None);
        assert_eq!(
            holder_on(&t, "Haditha", "2014-06-23").as_deref(),
            Some("Unidentified Armed Group (Iraq)")
        );
        assert_eq!(
            holder_on(&t, "Al Bukamal", "2014-06-23").as_deref(),
            Some("Al Nusra Front")
        );
        let q: Vec<_> = t.iter().filter(|p| p.place.location == "Al Qaim").collect();
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].incident_ids, ["i1"]);
    }

    #[test]
    fn the_best_attested_change_of_a_day_holds() {
        use SubEventType as S;
        let mosul = place("Mosul", 7);
        let mut taken = incident(
            "a",
            &mosul,
            S::NonStateActorOvertakesTerritory,
            ISIS,
            "2014-06-10",
        );
        taken.event.confidence = 0.9;
        let mut wrong = incident(
            "b",
            &mosul,
            S::GovernmentRegainsTerritory,
            ARMY,
            "2014-06-10",
        );
        wrong.event.confidence = 0.6;
        let t = timeline(&[taken, wrong], &[]);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].holder, ISIS);
        assert_eq!(t[0].previous_holder, None);
        // A withdrawal told the same day as the capture does not undo it.
        let qaim = place("Al Qaim", 1);
        let t = timeline(
            &[
                incident(
                    "c",
                    &qaim,
                    S::NonStateActorOvertakesTerritory,
                    ISIS,
                    "2014-06-21",
                ),
                incident(
                    "d",
                    &qaim,
                    S::NonViolentTransferOfTerritory,
                    ARMY,
                    "2014-06-21",
                ),
            ],
            &[],
        );
        assert_eq!(
            holder_on(&t, "Al Qaim", "2014-06-22").as_deref(),
            Some(ISIS)
        );
    }

    #[test]
    fn changes_close_periods_and_denials_end_them() {
        use SubEventType as S;
        let town = place("Town", 9);
        let incidents = [
            incident(
                "a",
                &town,
                S::NonStateActorOvertakesTerritory,
                ISIS,
                "2014-06-10",
            ),
            incident(
                "b",
                &town,
                S::GovernmentRegainsTerritory,
                ARMY,
                "2014-07-01",
            ),
        ];
        let reports = [report(&town, ARMY, true, "2014-08-01")];
        let t = timeline(&incidents, &reports);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].until, NaiveDate::from_ymd_opt(2014, 7, 1));
        assert_eq!(t[1].previous_holder.as_deref(), Some(ISIS));
        assert_eq!(t[1].until, NaiveDate::from_ymd_opt(2014, 8, 1));
        assert_eq!(holder_on(&t, "Town", "2014-08-02"), None);
    }
}
