//! The queue against a real server: `SITREP_TEST_POSTGRES` names one (a URL whose role may
//! create databases; `.ci/run` starts one). Each test works in a database of its own, dropped
//! at the end. Without the variable the tests say so on stderr and do nothing.

use std::sync::mpsc::channel;

use sitrep_model::Document;

use super::{DocumentOutput, PgStore, create_database, drop_database};
use crate::tests::{doc, event};
use crate::{Backend, Join, Presence};

/// A fresh database for one test, dropped when the test ends.
struct TestDb {
    server: String,
    name: String,
    url: String,
}

impl TestDb {
    fn new(test: &str) -> Option<Self> {
        let Ok(server) = std::env::var("SITREP_TEST_POSTGRES") else {
            eprintln!("SITREP_TEST_POSTGRES is not set: PostgreSQL test {test} skipped");
            return None;
        };
        let name = format!("sitrep_unit_{test}_{}", std::process::id());
        let url = create_database(&server, &name).expect("create the test database");
        Some(Self { server, name, url })
    }

    fn connect(&self) -> PgStore {
        PgStore::connect(&self.url).expect("connect")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        drop_database(&self.server, &self.name).ok();
    }
}

fn docs(n: usize) -> Vec<Document> {
    (0..n)
        .map(|i| doc(&format!("d{i}"), &format!("Qaim fell, report {i}.")))
        .collect()
}

/// Every document gets no events: what matters here is who claimed what.
fn nothing(docs: &[Document]) -> Vec<Option<DocumentOutput>> {
    docs.iter()
        .map(|_| Some(DocumentOutput::default()))
        .collect()
}

#[test]
fn migrations_run_once_and_enqueue_is_idempotent() {
    let Some(db) = TestDb::new("enqueue") else {
        return;
    };
    let a = db.connect();
    // A second worker connecting migrates nothing more.
    let b = db.connect();
    assert_eq!(
        b.schema_version().expect("version"),
        super::schema::MIGRATIONS.len()
    );
    let d = docs(3);
    assert_eq!(a.enqueue(&d).expect("enqueue"), vec![Presence::New; 3]);
    assert_eq!(a.enqueue(&d).expect("again"), vec![Presence::Stored; 3]);
    assert_eq!(
        b.enqueue(&d).expect("other worker"),
        vec![Presence::Stored; 3]
    );
    let changed = doc("d1", "Another text under the same id.");
    match b.enqueue(&[changed]).expect("changed").as_slice() {
        [Presence::Changed { stored_hash }] => {
            assert_eq!(*stored_hash, crate::Store::content_hash(&d[1]))
        }
        other => panic!("expected Changed, got {other:?}"),
    }
    assert_eq!(a.queued().expect("queued"), 3);
    assert_eq!(a.counts().expect("counts").documents, 3);
    // Extracted documents stay stored: queueing them again adds nothing.
    assert_eq!(a.work(10, &mut nothing).expect("work"), 3);
    assert_eq!(a.queued().expect("queued"), 0);
    assert_eq!(b.enqueue(&d).expect("after"), vec![Presence::Stored; 3]);
    assert_eq!(b.work(10, &mut nothing).expect("nothing left"), 0);
}

/// While one worker holds a claim, another claims the next documents, never the held ones;
/// and fusion waits at the first document still held (the horizon).
#[test]
fn claims_skip_locked_documents_and_fusion_waits_for_them() {
    let Some(db) = TestDb::new("skip_locked") else {
        return;
    };
    let a = db.connect();
    let mut b = db.connect();
    let d = docs(6);
    a.enqueue(&d).expect("enqueue");
    let (claimed_tx, claimed_rx) = channel::<Vec<String>>();
    let (go_tx, go_rx) = channel::<()>();
    let held = std::thread::spawn(move || {
        let n = a
            .work(2, &mut |docs: &[Document]| {
                claimed_tx
                    .send(docs.iter().map(|d| d.id.clone()).collect())
                    .expect("report the claim");
                go_rx.recv().expect("wait for the other worker");
                docs.iter()
                    .map(|d| {
                        Some(DocumentOutput {
                            events: vec![event(&d.id, 0, 34.37, 41.09, "2014-06-21")],
                            ..DocumentOutput::default()
                        })
                    })
                    .collect()
            })
            .expect("worker a");
        (a, n)
    });
    let first = claimed_rx.recv().expect("worker a claimed");
    assert_eq!(first, ["d0", "d1"]);
    let mut second = Vec::new();
    let n = b
        .work(10, &mut |docs: &[Document]| {
            second.extend(docs.iter().map(|d| d.id.clone()));
            docs.iter()
                .map(|d| {
                    Some(DocumentOutput {
                        events: vec![event(&d.id, 0, 34.37, 41.09, "2014-06-22")],
                        ..DocumentOutput::default()
                    })
                })
                .collect()
        })
        .expect("worker b");
    assert_eq!(n, 4);
    assert_eq!(second, ["d2", "d3", "d4", "d5"]);
    assert_eq!(b.queued().expect("queued"), 2, "d0 and d1 are still held");
    assert!(
        b.pending_documents(100).expect("pending").is_empty(),
        "fusion must not pass d0 while it is being extracted"
    );
    go_tx.send(()).expect("release worker a");
    let (a, n) = held.join().expect("worker a ends");
    assert_eq!(n, 2);
    assert_eq!(a.queued().expect("queued"), 0);
    let pending = b.pending_documents(100).expect("pending");
    let order: Vec<i64> = pending
        .iter()
        .flat_map(|p| &p.events)
        .map(|e| e.0)
        .collect();
    assert_eq!(order.len(), 6);
    let ids: Vec<&str> = pending
        .iter()
        .flat_map(|p| &p.events)
        .map(|e| e.1.doc_id.as_str())
        .collect();
    assert_eq!(ids, ["d0", "d1", "d2", "d3", "d4", "d5"], "ingest order");
    // One fusion step makes them members; nothing is pending after it.
    let joins: Vec<Join> = order
        .iter()
        .map(|k| Join {
            event_key: *k,
            incident_id: "i1".into(),
            explanation: "{}".into(),
        })
        .collect();
    let members: Vec<_> = pending
        .iter()
        .flat_map(|p| &p.events)
        .map(|e| e.1.clone())
        .collect();
    let incident = sitrep_pipeline::fuse::summarize("i1", &members);
    b.apply_fusion(&joins, &[incident]).expect("fusion");
    assert!(b.pending_documents(100).expect("pending").is_empty());
    let c = b.counts().expect("counts");
    assert_eq!((c.documents, c.events, c.incidents), (6, 6, 1));
}
