//! The PostgreSQL store (feature `postgres`) against a real server named by
//! `SITREP_TEST_POSTGRES` (`.ci/run` installs and starts one): two `sitrep ingest` workers
//! sharing one database and queue make the incidents one SQLite run makes.

use std::collections::BTreeSet;
use std::process::Stdio;

use serde_json::Value;
use sitrep_store::pg::{create_database, drop_database};

use crate::{jsonl, root, run, shared, sitrep};

/// Database dropped when the test ends, pass or fail.
struct TestDb {
    server: String,
    name: String,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        drop_database(&self.server, &self.name).ok();
    }
}

fn read(cmd: &str, db: &str) -> Vec<Value> {
    let out = run(&[cmd, "--db", db, "--format", "jsonl", "-q"]);
    assert!(
        out.status.success(),
        "{cmd} --db {db}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    jsonl(&out)
}

/// Each incident as the set of its members' event ids.
fn memberships(incidents: &[Value]) -> BTreeSet<BTreeSet<String>> {
    incidents
        .iter()
        .map(|i| {
            i["event_ids"]
                .as_array()
                .expect("event_ids")
                .iter()
                .map(|e| e.as_str().expect("an event id").to_string())
                .collect()
        })
        .collect()
}

/// What one worker's summary line says it extracted.
fn extracted_by(stderr: &str) -> usize {
    stderr
        .split("this worker extracted ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no worker summary in stderr:\n{stderr}"))
}

#[test]
fn two_postgres_workers_make_the_incidents_of_one_sqlite_run() {
    let Ok(server) = std::env::var("SITREP_TEST_POSTGRES") else {
        eprintln!("SITREP_TEST_POSTGRES is not set: the two-worker PostgreSQL test is skipped");
        return;
    };
    let Some(shared) = shared() else {
        eprintln!("../shared not found: the two-worker PostgreSQL test is skipped");
        return;
    };
    let corpus = shared.join("bench/gva-dev/docs.jsonl");
    let corpus = corpus.display().to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = dir.path().join("reference.db").display().to_string();
    let out = run(&["ingest", &corpus, "--db", &sqlite, "-q"]);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "SQLite ingest: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let name = format!("sitrep_it_gva_{}", std::process::id());
    let url = create_database(&server, &name).expect("create the test database");
    let _db = TestDb {
        server: server.clone(),
        name,
    };
    let workers: Vec<_> = (0..2)
        .map(|_| {
            sitrep()
                .args(["ingest", &corpus, "--db", &url, "-j", "1"])
                .current_dir(root())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start an ingest worker")
        })
        .collect();
    let mut extracted = Vec::new();
    for w in workers {
        let out = w.wait_with_output().expect("ingest worker ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "PostgreSQL ingest worker: {stderr}"
        );
        extracted.push(extracted_by(&stderr));
    }
    eprintln!("documents extracted by each worker: {extracted:?}");
    let stored = sitrep_store::Store::open(std::path::Path::new(&sqlite))
        .and_then(|s| s.counts())
        .expect("the SQLite store's counts")
        .documents;
    assert_eq!(
        extracted.iter().sum::<usize>(),
        stored,
        "every document extracted by exactly one worker"
    );

    let want = read("incidents", &sqlite);
    let got = read("incidents", &url);
    assert!(!want.is_empty());
    assert_eq!(got.len(), want.len(), "number of incidents");
    assert_eq!(
        memberships(&got),
        memberships(&want),
        "incident memberships differ between two PostgreSQL workers and one SQLite run"
    );
    // The same incidents, field for field, and the same events, control periods and claims.
    assert_eq!(got, want, "incidents differ");
    assert_eq!(
        read("events", &url),
        read("events", &sqlite),
        "events differ"
    );
    assert_eq!(read("control", &url), read("control", &sqlite));
    assert_eq!(read("claims", &url), read("claims", &sqlite));
}
