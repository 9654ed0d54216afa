//! Every event sitrep emits has the contract's shape (../shared/CONTRACT.md §3): its field
//! names, ACLED's spellings, and evidence that is exactly the text it points at.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::{jsonl, root, run, shared};

const FIELDS: &[&str] = &[
    "doc_id",
    "event_id",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "plover",
    "actor1",
    "actor2",
    "inter1",
    "inter2",
    "country",
    "country_code",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "geonameid",
    "fatalities",
    "wounded",
    "notes",
    "evidence",
    "confidence",
];

const TYPES: &[(&str, &[&str])] = &[
    (
        "Battles",
        &[
            "Armed clash",
            "Government regains territory",
            "Non-state actor overtakes territory",
        ],
    ),
    (
        "Explosions/Remote violence",
        &[
            "Chemical weapon",
            "Air/drone strike",
            "Suicide bomb",
            "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED",
            "Grenade",
        ],
    ),
    (
        "Violence against civilians",
        &[
            "Sexual violence",
            "Attack",
            "Abduction/forced disappearance",
        ],
    ),
    (
        "Protests",
        &[
            "Peaceful protest",
            "Protest with intervention",
            "Excessive force against protesters",
        ],
    ),
    ("Riots", &["Violent demonstration", "Mob violence"]),
    (
        "Strategic developments",
        &[
            "Agreement",
            "Arrests",
            "Change to group/activity",
            "Disrupted weapons use",
            "Headquarters or base established",
            "Looting/property destruction",
            "Non-violent transfer of territory",
            "Other",
        ],
    ),
];

/// The text of each document, exactly as `sitrep text` prints it.
fn texts(args: &[&str], ids: &BTreeSet<String>) -> HashMap<String, String> {
    ids.iter()
        .map(|id| {
            let mut a: Vec<&str> = vec!["text"];
            a.extend_from_slice(args);
            a.extend_from_slice(&["--id", id]);
            let out = run(&a);
            assert!(
                out.status.success(),
                "sitrep text --id {id}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            (
                id.clone(),
                String::from_utf8(out.stdout).expect("text is UTF-8"),
            )
        })
        .collect()
}

fn check_event(e: &Value, texts: &HashMap<String, String>) {
    let obj = e.as_object().expect("event is an object");
    let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(keys, FIELDS.iter().copied().collect(), "field names of {e}");
    let et = e["event_type"].as_str();
    let st = e["sub_event_type"].as_str();
    match (et, st) {
        (Some(t), Some(s)) => {
            let subs = TYPES
                .iter()
                .find(|(x, _)| *x == t)
                .unwrap_or_else(|| panic!("unknown event type {t}"))
                .1;
            assert!(subs.contains(&s), "{s} is not a sub-event type of {t}");
        }
        (None, None) => assert!(
            e["plover"].is_string(),
            "an event without ACLED type needs a PLOVER type: {e}"
        ),
        _ => panic!("event type and sub-event type must both be set or both null: {e}"),
    }
    for k in ["inter1", "inter2"] {
        let v = e[k].as_u64().expect("inter code");
        assert!(v <= 8, "{k} {v}");
    }
    match e["event_date"].as_str() {
        Some(d) => {
            assert!(
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok(),
                "date {d}"
            );
            assert!(
                matches!(e["time_precision"].as_u64(), Some(1..=3)),
                "time precision of {e}"
            );
        }
        None => assert!(e["time_precision"].is_null()),
    }
    if e["latitude"].is_number() {
        let (lat, lon) = (
            e["latitude"].as_f64().unwrap_or(99.0),
            e["longitude"].as_f64().unwrap_or(999.0),
        );
        assert!(
            (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon),
            "coordinates {lat},{lon}"
        );
        assert!(
            matches!(e["geo_precision"].as_u64(), Some(1..=3)),
            "geo precision of {e}"
        );
    }
    let c = e["confidence"].as_f64().expect("confidence");
    assert!((0.0..=1.0).contains(&c));
    assert!(!e["notes"].as_str().unwrap_or("").is_empty(), "notes");
    let doc = e["doc_id"].as_str().expect("doc_id");
    let text = &texts[doc];
    let evidence = e["evidence"].as_array().expect("evidence list");
    assert!(
        !evidence.is_empty(),
        "an event rests on at least one sentence"
    );
    for ev in evidence {
        let (start, end) = (
            ev["start"].as_u64().expect("start") as usize,
            ev["end"].as_u64().expect("end") as usize,
        );
        assert!(
            start < end && end <= text.len(),
            "evidence {start}..{end} outside {doc} ({} bytes)",
            text.len()
        );
        let slice = text
            .get(start..end)
            .unwrap_or_else(|| panic!("evidence {start}..{end} not on char boundaries"));
        assert_eq!(ev["text"].as_str(), Some(slice), "evidence text of {doc}");
        assert_eq!(ev["doc_id"].as_str(), Some(doc));
    }
}

fn check_corpus(args: &[&str]) -> usize {
    let mut a = vec!["extract"];
    a.extend_from_slice(args);
    let out = run(&a);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "extract failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = jsonl(&out);
    let ids: BTreeSet<String> = events
        .iter()
        .filter_map(|e| e["doc_id"].as_str().map(str::to_string))
        .collect();
    let texts = texts(args, &ids);
    for e in &events {
        check_event(e, &texts);
    }
    events.len()
}

#[test]
fn example_corpus_events_have_the_contract_shape() {
    let n = check_corpus(&["examples/", "--manifest", "examples/manifest.jsonl"]);
    assert!(n >= 20, "the examples should yield events, got {n}");
}

#[test]
fn seed_events_have_the_contract_shape() {
    let Some(shared) = shared() else { return };
    let seeds = shared.join("seeds");
    let n = check_corpus(&[
        &seeds.display().to_string(),
        "--manifest",
        &seeds.join("manifest.jsonl").display().to_string(),
    ]);
    assert!(n >= 10);
}

#[test]
fn csv_and_geojson_carry_the_same_acled_events() {
    let base = [
        "extract",
        "examples/",
        "--manifest",
        "examples/manifest.jsonl",
    ];
    let json = jsonl(&run(&base));
    let acled = json.iter().filter(|e| e["event_type"].is_string()).count();
    let mut csv_args = base.to_vec();
    csv_args.extend_from_slice(&["--format", "csv"]);
    let csv = run(&csv_args);
    let mut rdr = csv::Reader::from_reader(csv.stdout.as_slice());
    let headers = rdr.headers().expect("csv header").clone();
    assert_eq!(&headers[0], "event_id_cnty");
    assert_eq!(&headers[5], "event_type");
    assert_eq!(
        rdr.records().count(),
        acled,
        "CSV leaves out only PLOVER-only events"
    );
    let mut geo_args = base.to_vec();
    geo_args.extend_from_slice(&["--format", "geojson"]);
    let geo: Value = serde_json::from_slice(&run(&geo_args).stdout).expect("GeoJSON parses");
    assert_eq!(geo["type"], "FeatureCollection");
    assert_eq!(geo["features"].as_array().map(Vec::len), Some(json.len()));
    let _ = root();
}
