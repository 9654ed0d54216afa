//! The store: `ingest` and the read commands end to end — the examples corpus against the
//! README's incident table, idempotency, and incident fusion on a fixed slice of gva-dev.
//! Crash safety and write errors are in `faults.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use sitrep_gazetteer::normalize::skeleton;
use sitrep_store::Store;

use crate::{jsonl, root, run, shared};

pub fn db_in(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

pub fn ingest(db: &str, args: &[&str]) -> Output {
    let mut a = vec!["ingest"];
    a.extend(args);
    a.extend(["--db", db]);
    let out = run(&a);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "ingest failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn read(cmd: &[&str], db: &str) -> Vec<Value> {
    let mut a = cmd.to_vec();
    a.extend(["--db", db, "--format", "jsonl", "-q"]);
    let out = run(&a);
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    jsonl(&out)
}

fn ingest_examples(db: &str) -> Output {
    ingest(
        db,
        &["examples", "--manifest", "examples/manifest.jsonl", "-q"],
    )
}

/// One line of `golden/incidents/examples.expected`.
#[derive(Debug)]
struct Expected {
    key: String,
    what: Vec<String>,
    place: Option<String>,
    dates: (String, String),
    docs: BTreeSet<String>,
    fatalities: Option<u64>,
}

fn doc_id(key: &str) -> &'static str {
    match key {
        "A" => "tigris-wire-0621",
        "B" => "levant-monitor-0622",
        "C" => "baghdad-ledger-0622",
        "D" => "ex-wire-0622",
        "E" => "desert-dispatch-0622",
        "F" => "ex-wire-0623",
        "G" => "euphrates-herald-0623",
        "H" => "mesopotamia-daily-0623",
        "I" => "two-rivers-review-0624",
        "J" => "crescent-post-0625",
        "K" => "https://frontierbriefing.example/iraq/2014/06/24/anbar-western-corridor",
        "L" => "https://frontierbriefing.example/iraq/2014/06/25/iraq-at-a-glance",
        other => panic!("unknown document key {other}"),
    }
}

fn expected_incidents() -> Vec<Expected> {
    let path = root().join("crates/sitrep/tests/golden/incidents/examples.expected");
    let text = std::fs::read_to_string(&path).expect("expected incidents");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(" | ").map(str::trim).collect();
            assert_eq!(f.len(), 6, "{l}");
            let (from, to) = f[3].split_once("..").expect("date window");
            Expected {
                key: f[0].to_string(),
                what: f[1].split('/').map(str::to_string).collect(),
                place: (f[2] != "-").then(|| skeleton(f[2])),
                dates: (from.to_string(), to.to_string()),
                docs: f[4]
                    .split_whitespace()
                    .map(|k| doc_id(k).to_string())
                    .collect(),
                fatalities: f[5].parse().ok(),
            }
        })
        .collect()
}

fn matches(e: &Expected, inc: &Value) -> bool {
    let s = |k: &str| inc[k].as_str().unwrap_or("");
    let what = [s("sub_event_type"), s("plover")];
    // "Other/MOBILIZE": a sub-event type when the incident has one, else its PLOVER category.
    let coded = if what[0].is_empty() { what[1] } else { what[0] };
    let date = s("event_date");
    e.what.iter().any(|w| w == coded)
        && e.place
            .as_ref()
            .is_none_or(|p| skeleton(s("location")) == *p)
        && !date.is_empty()
        && e.dates.0.as_str() <= date
        && date <= e.dates.1.as_str()
}

fn sources(inc: &Value) -> BTreeSet<String> {
    inc["sources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// The examples corpus fused as examples/README.md says: no incident mixes documents of two
/// real events (strict), each expected incident gathers its reports (a floor: what extraction
/// finds bounds what fusion can join), and fused tolls follow ACLED's conservative rule.
#[test]
fn examples_incidents_follow_the_readme_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db_in(dir.path(), "examples.db");
    ingest_examples(&db);
    let incidents = read(&["incidents"], &db);
    let expected = expected_incidents();
    let mut wrong = Vec::new();
    let (mut found, mut wanted) = (0usize, 0usize);
    let mut table = String::new();
    for e in &expected {
        let candidates: Vec<&Value> = incidents.iter().filter(|i| matches(e, i)).collect();
        // Purity: an incident of this kind, place and time holds only this event's reports,
        // unless it is another expected event's incident (the ambush and the battle at Qaim).
        for inc in &candidates {
            let src = sources(inc);
            let home = expected
                .iter()
                .filter(|x| matches(x, inc))
                .max_by_key(|x| x.docs.intersection(&src).count())
                .expect("matches itself");
            if home.key == e.key && !src.is_subset(&e.docs) {
                let extra: Vec<_> = src.difference(&e.docs).collect();
                wrong.push(format!(
                    "{}: {} also holds {extra:?}",
                    e.key, inc["incident_id"]
                ));
            }
        }
        let best = candidates
            .iter()
            .max_by_key(|i| sources(i).intersection(&e.docs).count());
        let got = best.map_or(0, |i| sources(i).intersection(&e.docs).count());
        found += got;
        wanted += e.docs.len();
        table += &format!("  {:<16} {got}/{} reports\n", e.key, e.docs.len());
        if let (Some(want), Some(inc)) = (e.fatalities, best)
            && got >= 2
        {
            let f = inc["fatalities"].as_u64().unwrap_or(0);
            if f != want {
                wrong.push(format!("{}: fatalities {f}, want {want}", e.key));
            }
        }
    }
    let recall = found as f64 / wanted as f64;
    eprintln!("examples incidents:\n{table}  recall {found}/{wanted} = {recall:.2}");
    assert!(wrong.is_empty(), "wrong incidents:\n{}", wrong.join("\n"));
    // Measured 0.61 (the rest are reports extraction does not produce yet).
    assert!(
        recall >= 0.58,
        "fusion recall on examples fell to {recall:.2}"
    );
}

/// The claims table of examples/README.md: (document key, words of the claim, verdict); a
/// verdict starting with "not " only rules one out.
const EXAMPLE_CLAIMS: &[(&str, &str, &str)] = &[
    (
        "C",
        "roughly 200 kilometres west of Baghdad",
        "inconsistent",
    ),
    (
        "I",
        "barely 25 miles from the Jordanian frontier",
        "inconsistent",
    ),
    ("B", "about 330 kilometres", "consistent"),
    ("B", "a few kilometres west of Al Qa'im", "consistent"),
    ("E", "about 90 miles", "not inconsistent"),
    // "the dam" is not a place the gazetteer locates: unverifiable, never inconsistent.
    (
        "H",
        "within about 60 kilometres of the dam",
        "not inconsistent",
    ),
    ("I", "some 380 kilometres", "consistent"),
    ("J", "about 200 kilometres north of Baghdad", "consistent"),
];

#[test]
fn examples_claims_follow_the_readme_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db_in(dir.path(), "claims.db");
    ingest_examples(&db);
    let claims = read(&["claims"], &db);
    let mut wrong = Vec::new();
    for (key, words, verdict) in EXAMPLE_CLAIMS {
        let found: Vec<&Value> = claims
            .iter()
            .filter(|c| c["doc_id"] == doc_id(key) && c["kind"] == "distance")
            .filter(|c| c["text"].as_str().is_some_and(|t| t.contains(words)))
            .collect();
        let ok = found.iter().any(|c| match verdict.strip_prefix("not ") {
            Some(not) => c["verdict"] != *not,
            None => c["verdict"] == *verdict,
        });
        if !ok {
            wrong.push(format!(
                "{key} {words:?}: want {verdict}, got {:?}",
                found.iter().map(|c| &c["verdict"]).collect::<Vec<_>>()
            ));
        }
    }
    assert!(wrong.is_empty(), "claims:\n{}", wrong.join("\n"));
}

/// "Control on 2014-06-23" of examples/README.md.
#[test]
fn examples_control_on_june_23() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db_in(dir.path(), "control.db");
    ingest_examples(&db);
    let periods = read(&["control", "--at", "2014-06-23"], &db);
    let holder = |place: &str| -> Option<String> {
        let rows: Vec<&Value> = periods
            .iter()
            .filter(|p| p["place"]["location"].as_str().map(skeleton) == Some(skeleton(place)))
            .collect();
        assert!(rows.len() <= 1, "{place}: overlapping periods {rows:?}");
        rows.first()
            .and_then(|p| p["holder"].as_str().map(str::to_string))
    };
    let isis = |h: &Option<String>| h.as_deref().is_some_and(|h| h.contains("Islamic State"));
    for place in ["Qaim", "Husaybah", "Rawah", "Anah", "Rutbah", "Mosul"] {
        assert!(isis(&holder(place)), "{place}: {:?}", holder(place));
    }
    for place in ["Hadithah", "Albu Kamal"] {
        let h = holder(place);
        assert!(h.is_some() && !isis(&h), "{place}: {h:?}");
    }
}

pub fn counts(db: &str) -> sitrep_store::Counts {
    let s = Store::open(Path::new(db)).expect("open store");
    assert_eq!(s.integrity_check().expect("integrity check"), "ok");
    s.counts().expect("counts")
}

/// Re-ingesting the same documents adds nothing; `--explain` shows why reports merged.
#[test]
fn reingesting_adds_nothing_and_merges_are_explained() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db_in(dir.path(), "twice.db");
    ingest_examples(&db);
    let first = counts(&db);
    let incidents = read(&["incidents"], &db);
    let out = ingest_examples(&db);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(counts(&db), first);
    assert_eq!(read(&["incidents"], &db), incidents);
    assert!(first.documents == 12 && first.events > 0 && first.incidents > 0);

    let merged = incidents
        .iter()
        .max_by_key(|i| i["reports"].as_u64())
        .expect("an incident");
    let id = merged["incident_id"].as_str().expect("id");
    let out = run(&["incidents", "--db", &db, "--explain", id]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("opened the incident"), "{text}");
    assert!(text.contains("joined: score"), "{text}");
    assert!(
        text.contains("place") && text.contains("km apart"),
        "{text}"
    );

    // Filters and formats of the read commands.
    let csv = run(&["events", "--db", &db, "--format", "csv", "--country", "IQ"]);
    let csv = String::from_utf8_lossy(&csv.stdout);
    assert!(csv.starts_with("event_id_cnty,event_date,year,"), "{csv}");
    let anbar = read(&["events", "--bbox", "38.8,32.0,44.0,35.0"], &db);
    assert!(!anbar.is_empty() && anbar.len() < first.events);
    assert!(anbar.iter().all(|e| {
        e["latitude"]
            .as_f64()
            .is_some_and(|l| (32.0..=35.0).contains(&l))
    }));
    let geo = run(&["incidents", "--db", &db, "--format", "geojson"]);
    let geo: Value = serde_json::from_slice(&geo.stdout).expect("GeoJSON");
    assert_eq!(
        geo["features"].as_array().map(Vec::len),
        Some(first.incidents)
    );
    let at = read(&["control", "--at", "2014-06-23", "--admin1", "Anbar"], &db);
    assert!(!at.is_empty() && at.iter().all(|p| p["place"]["admin1"] == "Anbar"));
    let export = dir.path().join("export");
    let out = run(&[
        "export",
        "--db",
        &db,
        "--out-dir",
        &export.display().to_string(),
    ]);
    assert!(out.status.success());
    for f in [
        "events.csv",
        "incidents.geojson",
        "control.jsonl",
        "claims.jsonl",
    ] {
        assert!(export.join(f).is_file(), "{f} not exported");
    }
}

/// Incident fusion on a fixed slice of gva-dev (the first 600 documents), scored by the
/// reference scorer's port: a floor just under the figure measured when it was set.
#[test]
fn gva_dev_slice_incidents() {
    let Some(shared) = shared() else {
        eprintln!("../shared not found: gva-dev slice skipped");
        return;
    };
    let pack = shared.join("bench/gva-dev");
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(pack.join("docs.jsonl")).expect("docs");
    let slice: Vec<&str> = text.lines().take(600).collect();
    let path: PathBuf = dir.path().join("slice.jsonl");
    std::fs::write(&path, slice.join("\n") + "\n").expect("write slice");
    let ids: BTreeSet<String> = slice
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|d| d["id"].as_str().map(str::to_string))
        .collect();
    let db = db_in(dir.path(), "gva.db");
    ingest(&db, &[&path.display().to_string(), "-q"]);
    let preds = read(&["incidents"], &db);
    let gold: Vec<Value> = sitrep_eval::read_jsonl(&pack.join("gold.jsonl"))
        .expect("gold")
        .into_iter()
        .filter(|g| g["doc_id"].as_str().is_some_and(|d| ids.contains(d)))
        .collect();
    let report = sitrep_eval::score(sitrep_eval::Task::Incidents, &gold, &preds, false);
    let sitrep_eval::Figures::Incidents(r) = &report.figures else {
        panic!("incident figures expected");
    };
    eprintln!(
        "gva-dev first 600: B-cubed F1 {:.3} (P {:.3} R {:.3}), pairwise F1 {:.3}",
        r.bcubed.f1, r.bcubed.precision, r.bcubed.recall, r.pairwise.f1
    );
    // Measured 0.901 (the whole pack: 0.855).
    assert!(r.bcubed.f1 >= 0.89, "B-cubed F1 fell to {:.3}", r.bcubed.f1);
}
