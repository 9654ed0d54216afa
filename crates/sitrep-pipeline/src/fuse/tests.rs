use chrono::NaiveDate;
use sitrep_model::{EventRecord, Evidence, SubEventType};

use super::*;

/// A record from a compact description: doc, sub-event type, date, precision, place, actor1,
/// fatalities, evidence text.
#[allow(clippy::too_many_arguments)]
fn rec(
    doc: &str,
    sub: SubEventType,
    date: &str,
    tp: u8,
    place: (&str, f64, f64, u8),
    actor1: &str,
    fatalities: u32,
    text: &str,
) -> EventRecord {
    let (location, lat, lon, gp) = place;
    EventRecord {
        doc_id: doc.to_string(),
        event_id: format!("{doc}-{location}-{}", sub.as_str()),
        event_date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
        time_precision: Some(tp),
        event_type: Some(sub.event_type()),
        sub_event_type: Some(sub),
        plover: None,
        actor1: Some(actor1.to_string()),
        actor2: None,
        inter1: if actor1.starts_with("Military") { 1 } else { 2 },
        inter2: 0,
        country: Some("Iraq".into()),
        country_code: Some("IQ".into()),
        admin1: Some("Anbar".into()),
        admin2: None,
        location: Some(location.to_string()),
        latitude: Some(lat),
        longitude: Some(lon),
        geo_precision: Some(gp),
        geonameid: Some(super::hash64(location.as_bytes()) % 1_000_000),
        fatalities,
        wounded: None,
        notes: String::new(),
        evidence: vec![Evidence {
            doc_id: doc.to_string(),
            start: 0,
            end: text.len(),
            text: text.to_string(),
        }],
        confidence: 0.8,
    }
}

const QAIM: (&str, f64, f64, u8) = ("Al Qaim", 34.369, 41.095, 1);
const HUSAYBAH: (&str, f64, f64, u8) = ("Husaybah", 34.385, 41.028, 1);
const RAWAH: (&str, f64, f64, u8) = ("Rawah", 34.480, 41.917, 1);
const ANBAR: (&str, f64, f64, u8) = ("Anbar", 33.0, 42.0, 3);
const ISIS: &str = "Islamic State";
const ARMY: &str = "Military Forces of Iraq (2006-2014)";

#[test]
fn compatibility_table() {
    use SubEventType as S;
    let take = |doc, date, tp, place, actor| {
        rec(
            doc,
            S::NonStateActorOvertakesTerritory,
            date,
            tp,
            place,
            actor,
            0,
            "fell to militants",
        )
    };
    let clash =
        |doc, date, tp, place, f, text| rec(doc, S::ArmedClash, date, tp, place, ARMY, f, text);
    // (left, right, expected veto, minimum total when not vetoed)
    let rows: Vec<(EventRecord, EventRecord, Option<Veto>, f64)> = vec![
        // One capture told by two outlets, one dated by its publication (precision 2).
        (
            take("a", "2014-06-21", 1, QAIM, ISIS),
            take("b", "2014-06-23", 2, QAIM, ISIS),
            None,
            0.66,
        ),
        // Two towns 6 km apart taken the same day are two captures.
        (
            take("a", "2014-06-21", 1, QAIM, ISIS),
            take("b", "2014-06-21", 1, HUSAYBAH, ISIS),
            Some(Veto::Place),
            0.0,
        ),
        // A capture and a clash at one place are different events.
        (
            take("a", "2014-06-21", 1, QAIM, ISIS),
            clash("b", "2014-06-21", 1, QAIM, 0, "clashes"),
            Some(Veto::EventType),
            0.0,
        ),
        // Day-precise dates three days apart.
        (
            clash("a", "2014-06-20", 1, QAIM, 11, "clashes in Qaim"),
            clash("b", "2014-06-23", 1, QAIM, 11, "clashes in Qaim"),
            Some(Veto::Date),
            0.0,
        ),
        // Different named groups taking one place.
        (
            take("a", "2014-06-21", 1, QAIM, ISIS),
            take("b", "2014-06-21", 1, QAIM, "Al Nusra Front"),
            Some(Veto::Actors),
            0.0,
        ),
        // Same document.
        (
            take("a", "2014-06-21", 1, QAIM, ISIS),
            take("a", "2014-06-21", 1, RAWAH, ISIS),
            Some(Veto::SameDocument),
            0.0,
        ),
        // A province-level report of a clash fits a precise one in its province.
        (
            clash(
                "a",
                "2014-06-20",
                1,
                QAIM,
                11,
                "eleven soldiers killed in clashes",
            ),
            clash(
                "b",
                "2014-06-20",
                1,
                ANBAR,
                12,
                "a dozen soldiers killed in clashes",
            ),
            None,
            0.66,
        ),
        // Far places.
        (
            clash("a", "2014-06-20", 1, QAIM, 11, "clashes"),
            clash("b", "2014-06-20", 1, RAWAH, 11, "clashes"),
            Some(Veto::Place),
            0.0,
        ),
        // An ambush with 70 dead is not the clash with 11 dead, whatever else agrees.
        (
            clash(
                "a",
                "2014-06-20",
                1,
                QAIM,
                11,
                "at least 11 soldiers killed",
            ),
            clash(
                "b",
                "2014-06-21",
                1,
                QAIM,
                70,
                "around 70 volunteers killed",
            ),
            Some(Veto::Casualties),
            0.0,
        ),
        // "Dozens" is not a specific toll: it does not veto.
        (
            clash(
                "a",
                "2014-06-21",
                1,
                QAIM,
                70,
                "around 70 volunteers were killed",
            ),
            clash(
                "b",
                "2014-06-21",
                1,
                QAIM,
                12,
                "dozens of volunteers were killed",
            ),
            None,
            0.66,
        ),
    ];
    for (i, (a, b, veto, min)) in rows.iter().enumerate() {
        let s = compatibility(a, b);
        assert_eq!(s.veto, *veto, "row {i}: {s:?}");
        if veto.is_none() {
            assert!(s.total >= *min, "row {i}: {s:?}");
        }
        // Symmetric.
        assert_eq!(compatibility(b, a).veto, s.veto, "row {i}");
    }
}

#[test]
fn incremental_fusion_is_deterministic_and_keeps_ids() {
    use SubEventType as S;
    let docs = [
        vec![
            rec(
                "a",
                S::NonStateActorOvertakesTerritory,
                "2014-06-21",
                1,
                QAIM,
                ISIS,
                0,
                "Qaim fell",
            ),
            rec(
                "a",
                S::NonStateActorOvertakesTerritory,
                "2014-06-21",
                1,
                HUSAYBAH,
                ISIS,
                0,
                "Husaybah fell",
            ),
        ],
        vec![rec(
            "b",
            S::NonStateActorOvertakesTerritory,
            "2014-06-22",
            2,
            QAIM,
            ISIS,
            0,
            "Qaim was taken",
        )],
        vec![rec(
            "c",
            S::NonStateActorOvertakesTerritory,
            "2014-06-21",
            1,
            HUSAYBAH,
            ISIS,
            0,
            "the crossing",
        )],
    ];
    let mut all = Incidents::default();
    let ids: Vec<Vec<Assignment>> = docs.iter().map(|d| all.add_document(d)).collect();
    assert_eq!(all.len(), 2);
    assert_eq!(ids[1][0].incident_id, ids[0][0].incident_id);
    assert_eq!(ids[2][0].incident_id, ids[0][1].incident_id);
    assert!(ids[1][0].score.is_some());

    // The same, with the first document's incidents seeded as a store would.
    let mut inc = Incidents::default();
    inc.seed(&ids[0][0].incident_id, &docs[0][..1]);
    inc.seed(&ids[0][1].incident_id, &docs[0][1..]);
    let later: Vec<Vec<Assignment>> = docs[1..].iter().map(|d| inc.add_document(d)).collect();
    assert_eq!(later, ids[1..].to_vec());
}

#[test]
fn conservative_fatalities_follow_acled() {
    // (figure, vague) reports → fused figure.
    type Row<'a> = (&'a [(u32, bool)], Option<u32>);
    let rows: &[Row<'_>] = &[
        (&[(11, false), (12, false), (11, false)], Some(11)),
        (&[(70, false), (12, true), (70, false)], Some(70)),
        (&[(12, true)], Some(12)),
        (&[(0, false), (20, false)], Some(20)),
        (&[(0, false)], None),
        (&[], None),
    ];
    for (reports, want) in rows {
        assert_eq!(conservative(reports), *want, "{reports:?}");
    }
}

#[test]
fn summary_lists_disagreements() {
    use SubEventType as S;
    let a = rec(
        "a",
        S::ArmedClash,
        "2014-06-20",
        1,
        QAIM,
        ARMY,
        11,
        "at least 11 soldiers killed",
    );
    let b = rec(
        "b",
        S::ArmedClash,
        "2014-06-20",
        1,
        QAIM,
        ARMY,
        12,
        "a dozen soldiers killed",
    );
    let mut c = rec(
        "c",
        S::ArmedClash,
        "2014-06-21",
        1,
        QAIM,
        ARMY,
        11,
        "eleven soldiers died",
    );
    c.wounded = Some(21);
    let inc = summarize("inc-x", &[a, b, c]);
    assert_eq!(inc.event.fatalities, 11);
    assert_eq!(inc.sources, ["a", "b", "c"]);
    let fields: Vec<&str> = inc.disagreements.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["fatalities", "event_date"]);
    assert_eq!(inc.event.wounded, Some(21));
    // Vague "dozens" does not lower 70, nor is it listed against it.
    let e = rec(
        "e",
        S::Attack,
        "2014-06-21",
        1,
        QAIM,
        ISIS,
        70,
        "around 70 volunteers were killed",
    );
    let g = rec(
        "g",
        S::Attack,
        "2014-06-21",
        2,
        QAIM,
        ISIS,
        12,
        "dozens of volunteers were killed",
    );
    let inc = summarize("inc-y", &[g, e]);
    assert_eq!(inc.event.fatalities, 70);
    assert!(inc.disagreements.iter().all(|d| d.field != "fatalities"));
}

#[test]
fn actor_keys_normalise_state_forces_and_drop_generic_names() {
    let rows = [
        ("Military Forces of Iraq (2006-2014)", Some("state:iraq")),
        ("Police Forces of Iraq (2006-2014)", Some("state:iraq")),
        ("Islamic State", Some("islamic state")),
        ("Unidentified Armed Group (Iraq)", None),
        ("Civilians (Iraq)", None),
        ("Militia (Pro-Government)", Some("militia (pro-government)")),
    ];
    for (name, want) in rows {
        assert_eq!(actor_key(name).as_deref(), want, "{name}");
    }
}
