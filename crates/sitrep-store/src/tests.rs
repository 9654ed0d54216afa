use chrono::NaiveDate;
use sitrep_model::{Document, EventRecord, EventType, Evidence, SubEventType};

use crate::{DocumentBundle, Filter, Join, Presence, Store};

pub(crate) fn doc(id: &str, text: &str) -> Document {
    Document {
        id: id.into(),
        text: text.into(),
        published: NaiveDate::from_ymd_opt(2014, 6, 22),
        origin: format!("{id}.txt"),
        ..Document::default()
    }
}

pub(crate) fn event(doc: &str, n: usize, lat: f64, lon: f64, date: &str) -> EventRecord {
    EventRecord {
        doc_id: doc.into(),
        event_id: format!("{doc}-{n}"),
        event_date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
        time_precision: Some(1),
        event_type: Some(EventType::Battles),
        sub_event_type: Some(SubEventType::ArmedClash),
        plover: None,
        actor1: Some("Islamic State".into()),
        actor2: None,
        inter1: 2,
        inter2: 0,
        country: Some("Iraq".into()),
        country_code: Some("IQ".into()),
        admin1: Some("Anbar".into()),
        admin2: None,
        location: Some("Al Qaim".into()),
        latitude: Some(lat),
        longitude: Some(lon),
        geo_precision: Some(1),
        geonameid: Some(92138),
        fatalities: 3,
        wounded: None,
        notes: String::new(),
        evidence: vec![Evidence {
            doc_id: doc.into(),
            start: 0,
            end: 4,
            text: "Qaim".into(),
        }],
        confidence: 0.8,
    }
}

#[test]
fn documents_are_stored_once_and_read_back_by_filters() {
    let mut s = Store::open_in_memory().expect("open");
    assert_eq!(
        s.schema_version().expect("version"),
        crate::schema::MIGRATIONS.len()
    );
    let d = doc("a", "Qaim fell.");
    let events = [
        event("a", 0, 34.37, 41.09, "2014-06-21"),
        event("a", 1, 36.34, 43.13, "2014-06-10"),
    ];
    let b = DocumentBundle {
        doc: &d,
        events: &events,
        control: &[],
        claims: &[],
    };
    assert_eq!(s.presence(&d).expect("presence"), Presence::New);
    assert!(s.insert_document(&b).expect("insert"));
    assert!(!s.insert_document(&b).expect("insert again"));
    assert_eq!(s.presence(&d).expect("presence"), Presence::Stored);
    assert!(matches!(
        s.presence(&doc("a", "changed")).expect("presence"),
        Presence::Changed { .. }
    ));

    let read = |f: &Filter| {
        let mut ids = Vec::new();
        s.events(f, &mut |e| {
            ids.push(e.record.event_id);
            Ok(())
        })
        .expect("read");
        ids
    };
    assert_eq!(read(&Filter::default()), ["a-0", "a-1"]);
    let june20 = Filter {
        from: NaiveDate::from_ymd_opt(2014, 6, 20),
        to: NaiveDate::from_ymd_opt(2014, 6, 30),
        bbox: Some([40.0, 33.0, 42.0, 35.0]),
        ..Filter::default()
    };
    assert_eq!(read(&june20), ["a-0"]);
    let mosul_box = Filter {
        bbox: Some([43.0, 36.0, 44.0, 37.0]),
        ..Filter::default()
    };
    assert_eq!(read(&mosul_box), ["a-1"]);
    let typed = Filter {
        event_type: Some("Armed clash".into()),
        country: Some("iq".into()),
        ..Filter::default()
    };
    assert_eq!(read(&typed).len(), 2);

    // Fusion steps.
    let pending = s.pending_documents(10).expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].events.len(), 2);
    let inc = sitrep_pipeline::fuse::summarize("inc-1", &events[..1]);
    let joins = [Join {
        event_key: pending[0].events[0].0,
        incident_id: "inc-1".into(),
        explanation: "{}".into(),
    }];
    s.apply_fusion(&joins, &[inc]).expect("fuse");
    assert_eq!(s.pending_documents(10).expect("pending")[0].events.len(), 1);
    let lo = crate::day_number(NaiveDate::from_ymd_opt(2014, 6, 1).expect("date"));
    let seeded = s.incidents_overlapping(lo, lo + 60).expect("seed");
    assert_eq!(seeded.len(), 1);
    assert_eq!(seeded[0].1[0].event_id, "a-0");
    let detail = s.incident_detail("inc-1").expect("detail").expect("found");
    assert_eq!(detail.members.len(), 1);
    let c = s.counts().expect("counts");
    assert_eq!(
        (c.documents, c.events, c.evidence, c.incidents, c.members),
        (1, 2, 2, 1, 1)
    );
    assert_eq!(s.integrity_check().expect("check"), "ok");
}

#[test]
fn reopening_a_file_keeps_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.db");
    Store::open(&path).expect("create");
    let s = Store::open(&path).expect("reopen");
    assert_eq!(
        s.schema_version().expect("version"),
        crate::schema::MIGRATIONS.len()
    );
}

#[test]
fn a_full_or_read_only_file_is_named_and_left_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.db");
    let mut s = Store::open(&path).expect("create");
    let small = doc("small", "Qaim fell.");
    let bundle = |d| DocumentBundle {
        doc: d,
        events: &[],
        control: &[],
        claims: &[],
    };
    assert!(s.insert_document(&bundle(&small)).expect("insert"));
    // A document of 1 MB does not fit under a cap a few pages above the current size.
    let pages: i64 = s
        .conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .expect("page_count");
    s.limit_pages(pages as u64 + 4).expect("cap");
    let big = doc("big", &"Mosul. ".repeat(150_000));
    let err = s.insert_document(&bundle(&big)).expect_err("full");
    assert!(matches!(err, crate::Error::Full { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(s.presence(&big).expect("presence"), Presence::New);
    assert_eq!(s.presence(&small).expect("presence"), Presence::Stored);
    assert_eq!(s.integrity_check().expect("check"), "ok");
    drop(s);

    let uri = format!("file:{}?mode=ro", path.display());
    let err = Store::open(std::path::Path::new(&uri)).expect_err("read-only");
    assert!(matches!(err, crate::Error::ReadOnly { .. }), "{err:?}");
    assert!(err.to_string().contains("read-only"), "{err}");
    // Still readable as it is.
    let r = Store::open_read_only(std::path::Path::new(&uri)).expect("read");
    assert_eq!(r.counts().expect("counts").documents, 1);
}
