//! Faults a user meets: `ingest` killed at random moments (SIGKILL, 50 times in a row), a full
//! disk, a read-only database, and `extract` writing to a full standard output. Each time the
//! store stays sound and holds whole documents only, a re-run finishes the job, and the message
//! names the file and says what is wrong.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::store::{counts, db_in, ingest, read};
use crate::{jsonl, root, run, sitrep};

/// A deterministic pseudo-random sequence (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// A corpus of `n` short reports on towns of Iraq and Syria in June 2014, as JSONL.
fn synthetic_corpus(n: usize, path: &Path) {
    let towns = [
        "Mosul", "Ramadi", "Fallujah", "Tikrit", "Baiji", "Samarra", "Haditha", "Rawah", "Anah",
        "Qaim", "Rutba", "Hit", "Kirkuk", "Tal Afar", "Sinjar", "Raqqa", "Palmyra", "Aleppo",
        "Homs", "Baqubah",
    ];
    let actors = [
        "ISIS militants",
        "Iraqi troops",
        "Kurdish Peshmerga fighters",
        "gunmen",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut out = String::new();
    for i in 0..n {
        let day = 1 + rng.next() % 28;
        let town = rng.pick(&towns);
        let other = rng.pick(&towns);
        let actor = rng.pick(&actors);
        let killed = 1 + rng.next() % 30;
        let text = format!(
            "Fighting near {town}\n\n{actor} attacked a checkpoint in {town} on June {day}, \
             killing {killed} people, officials said. Clashes also erupted in {other} on \
             June {}, where {} soldiers were wounded. ISIS took control of {other} on June {}, \
             a local official said. {town} lies about {} kilometers from {other}.",
            1 + (day + 1) % 28,
            rng.next() % 20,
            1 + (day + 2) % 28,
            10 + rng.next() % 400
        );
        let doc = serde_json::json!({
            "id": format!("synthetic-{i:04}"),
            "text": text,
            "published": format!("2014-06-{:02}", (day + 2).min(30)),
        });
        out += &doc.to_string();
        out.push('\n');
    }
    std::fs::write(path, out).expect("write corpus");
}

/// What the store holds, in a form two stores can be compared by.
fn state(db: &str) -> (sitrep_store::Counts, Vec<Value>, Vec<Value>, Vec<Value>) {
    (
        counts(db),
        read(&["incidents"], db),
        read(&["control"], db),
        read(&["claims"], db),
    )
}

/// One stored document: its id and content hash, what went in with it (events, evidence spans,
/// control reports, claims), and how many of its events are in an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StoredDoc {
    id: String,
    hash: String,
    events: i64,
    evidence: i64,
    control: i64,
    claims: i64,
    fused: i64,
}

/// The documents of a store, in ingest order, after checking that the file is sound
/// (`PRAGMA integrity_check`, foreign keys) and that no incident is without members.
fn documents(db: &str) -> Vec<StoredDoc> {
    counts(db); // opens through the store (recovering the WAL) and runs the integrity check
    let conn = rusqlite::Connection::open(db).expect("open the store file");
    let mut check = conn
        .prepare("PRAGMA foreign_key_check")
        .expect("foreign key check");
    let broken_keys = check
        .query_map([], |_| Ok(()))
        .expect("foreign key check")
        .count();
    drop(check);
    assert_eq!(broken_keys, 0, "{db}: rows pointing at nothing");
    let empty: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM incidents i WHERE NOT EXISTS
                 (SELECT 1 FROM incident_members m WHERE m.incident_key = i.incident_key)",
            [],
            |r| r.get(0),
        )
        .expect("incidents without members");
    assert_eq!(
        empty, 0,
        "{db}: an incident without members (half a fusion step)"
    );
    let mut stmt = conn
        .prepare(
            "SELECT d.doc_id, d.content_hash,
                 (SELECT COUNT(*) FROM events e WHERE e.doc_key = d.doc_key),
                 (SELECT COUNT(*) FROM evidence v WHERE v.doc_key = d.doc_key),
                 (SELECT COUNT(*) FROM control_reports c WHERE c.doc_key = d.doc_key),
                 (SELECT COUNT(*) FROM claims c WHERE c.doc_key = d.doc_key),
                 (SELECT COUNT(*) FROM events e JOIN incident_members m
                      ON m.event_key = e.event_key WHERE e.doc_key = d.doc_key)
             FROM documents d ORDER BY d.doc_key",
        )
        .expect("documents query");
    stmt.query_map([], |r| {
        Ok(StoredDoc {
            id: r.get(0)?,
            hash: r.get(1)?,
            events: r.get(2)?,
            evidence: r.get(3)?,
            control: r.get(4)?,
            claims: r.get(5)?,
            fused: r.get(6)?,
        })
    })
    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
    .expect("documents")
}

/// After an interruption: the store holds the first documents of an uninterrupted run, each
/// whole (the same events, evidence, control reports and claims), each fused whole or not at
/// all, fused ones first. Returns its documents.
fn assert_whole_prefix(db: &str, want: &[StoredDoc], when: &str) -> Vec<StoredDoc> {
    let got = documents(db);
    assert!(
        got.len() <= want.len(),
        "{when}: more documents than the input has"
    );
    let mut fusing = true;
    for (g, w) in got.iter().zip(want) {
        assert_eq!(
            g.id, w.id,
            "{when}: documents out of input order, or one lost"
        );
        assert_eq!(
            (g.hash.as_str(), g.events, g.evidence, g.control, g.claims),
            (w.hash.as_str(), w.events, w.evidence, w.control, w.claims),
            "{when}: document {} is half-written",
            g.id
        );
        assert!(
            g.fused == 0 || g.fused == g.events,
            "{when}: document {} half fused ({} of {} events)",
            g.id,
            g.fused,
            g.events
        );
        if g.events > 0 {
            assert!(
                fusing || g.fused == 0,
                "{when}: document {} fused after an unfused one",
                g.id
            );
            fusing &= g.fused > 0;
        }
    }
    got
}

/// A number from the environment (decimal, or hexadecimal after `0x`).
fn env_number(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

/// Milliseconds a run of `sitrep ARGS` takes (it must succeed).
fn timed_ingest(db: &str, args: &[&str]) -> u64 {
    let start = Instant::now();
    ingest(db, args);
    start.elapsed().as_millis() as u64
}

/// Documents in the kill-and-resume corpus: enough that an ingest lasts a few seconds in a
/// debug build, so random moments fall in extraction, storing and fusion alike.
const KILL_DOCS: usize = 160;

/// SIGKILL at random moments of `ingest`, 50 kills in a row (`SITREP_KILLS` changes the
/// number). After every kill the store is sound (`PRAGMA integrity_check`) and holds whole
/// documents and whole fusion steps only; a re-run then finishes the job, and the store equals
/// the one an uninterrupted run writes: the same documents, events, incidents, control periods
/// and claims, nothing twice. Each round starts a fresh store and kills up to three runs in a
/// row, each resuming what the last one left, at a moment drawn within what is left of the
/// job (killed runs fuse in small steps, `--fuse-chunk`, so incremental fusion is checked
/// against fusion in one go as well). The schedule's seed is printed; `SITREP_KILL_SEED`
/// repeats it (the moments then fall on the same milliseconds, not the same instructions).
#[cfg(unix)]
#[test]
fn ingest_killed_at_random_moments_loses_and_duplicates_nothing() {
    let wanted = env_number("SITREP_KILLS").unwrap_or(50) as usize;
    let seed = env_number("SITREP_KILL_SEED").unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    eprintln!("kill schedule seed {seed} (SITREP_KILL_SEED={seed} repeats it)");
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus.jsonl");
    synthetic_corpus(KILL_DOCS, &corpus);
    let corpus = corpus.display().to_string();
    let reference = db_in(dir.path(), "reference.db");
    // The shorter of two uninterrupted runs: a busy machine slows one, and kill moments drawn
    // past the real end of a run are wasted.
    let full = timed_ingest(&reference, &[&corpus, "-q"]);
    let again = db_in(dir.path(), "reference-again.db");
    let full = full.min(timed_ingest(&again, &[&corpus, "-q"]));
    // A run with nothing left to do: start-up, the presence checks, the control timeline.
    let idle = timed_ingest(&reference, &[&corpus, "-q"]);
    let want_docs = documents(&reference);
    assert_eq!(
        documents(&again),
        want_docs,
        "two uninterrupted runs differ"
    );
    let want = state(&reference);
    let want_events = read(&["events"], &reference);
    assert_eq!(want.0.documents, KILL_DOCS);
    assert!(want.0.events > KILL_DOCS && want.0.incidents > 0 && want.0.claims > 0);
    assert!(want_docs.iter().all(|d| d.fused == d.events));

    let started = Instant::now();
    let mut rng = Rng(seed | 1);
    let (mut kills, mut rounds, mut finished) = (0, 0, 0);
    let with_events = want_docs.iter().filter(|d| d.events > 0).count();
    // Kills that left: no document, some documents, all documents but not all fused, all fused.
    let mut left_at = [0; 4];
    let killed_run = |db: &str| {
        sitrep()
            .args(["ingest", &corpus, "--db", db, "-q", "--fuse-chunk", "10"])
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn ingest")
    };
    while kills < wanted {
        rounds += 1;
        let db = db_in(dir.path(), &format!("round-{rounds}.db"));
        // Milliseconds of work the killed runs of this round did past start-up.
        let mut done = 0;
        for _ in 0..3 {
            if kills == wanted {
                break;
            }
            let left = idle + full.saturating_sub(idle + done);
            let delay = rng.next() % left.max(1);
            let mut child = killed_run(&db);
            std::thread::sleep(Duration::from_millis(delay));
            if child.try_wait().expect("poll").is_some() {
                // It finished first: nothing was killed, and the job is done.
                finished += 1;
                break;
            }
            child.kill().expect("SIGKILL");
            let status = child.wait().expect("reap");
            if std::os::unix::process::ExitStatusExt::signal(&status) != Some(9) {
                // It ended between the poll and the signal.
                finished += 1;
                break;
            }
            kills += 1;
            done += delay.saturating_sub(idle);
            let when = format!("kill {kills} (round {rounds}, after {delay} ms)");
            let docs = assert_whole_prefix(&db, &want_docs, &when);
            let (stored, fused) = (docs.len(), docs.iter().filter(|d| d.fused > 0).count());
            let phase = match stored {
                0 => 0,
                n if n < KILL_DOCS => 1,
                _ if fused < with_events => 2,
                _ => 3,
            };
            left_at[phase] += 1;
            eprintln!("{when}: sound, {stored} whole documents, {fused} fused");
        }
        let out = run(&["ingest", &corpus, "--db", &db, "-q", "--fuse-chunk", "10"]);
        assert!(
            out.status.success(),
            "round {rounds}: the re-run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_same_store(
            &db,
            &want_docs,
            &want,
            &want_events,
            &format!("round {rounds}"),
        );
    }
    eprintln!(
        "{kills} kills in {rounds} rounds ({finished} runs finished before their kill), all \
         sound and resumed; they left no document {}, some documents {}, documents not all \
         fused {}, all fused {}; uninterrupted ingest {full} ms (idle re-run {idle} ms), kill \
         loop {:.1} s",
        left_at[0],
        left_at[1],
        left_at[2],
        left_at[3],
        started.elapsed().as_secs_f64()
    );
}

type State = (sitrep_store::Counts, Vec<Value>, Vec<Value>, Vec<Value>);

/// The store at `db` equals the uninterrupted run's, with no document or event twice.
fn assert_same_store(
    db: &str,
    want_docs: &[StoredDoc],
    want: &State,
    want_events: &[Value],
    when: &str,
) {
    let docs = documents(db);
    assert_eq!(
        docs, want_docs,
        "{when}: documents differ from an uninterrupted run"
    );
    let got = state(db);
    assert_eq!(
        got.0, want.0,
        "{when}: counts differ from an uninterrupted run"
    );
    assert_eq!(got.1, want.1, "{when}: incidents differ");
    assert_eq!(got.2, want.2, "{when}: control periods differ");
    assert_eq!(got.3, want.3, "{when}: claims differ");
    let events = read(&["events"], db);
    let mut ids: Vec<&str> = events
        .iter()
        .map(|e| e["event_id"].as_str().expect("event_id"))
        .collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "{when}: an event stored twice");
    assert_eq!(events, want_events, "{when}: events differ");
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An error a user can act on: exit status 2, the file named, the condition said in words,
/// no panic and no raw SQLite message.
fn assert_clear_error(out: &Output, path: &str, says: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "a panic: {err}");
    assert!(
        err.contains(path),
        "the message does not name {path}: {err}"
    );
    assert!(
        err.contains(says),
        "the message does not say {says:?}: {err}"
    );
    for raw in [
        "attempt to write a readonly database",
        "database or disk is full",
        "code ",
    ] {
        assert!(!err.contains(raw), "a raw SQLite message: {err}");
    }
}

/// The store file's size in pages.
fn pages(db: &str) -> u64 {
    let conn = rusqlite::Connection::open(db).expect("open the store file");
    let n: i64 = conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .expect("page_count");
    n as u64
}

/// A full disk, simulated with the store's page cap (`SITREP_STORE_MAX_PAGES`, a testing
/// knob; SQLite reports both as `SQLITE_FULL`): `ingest` stops with a message naming the file
/// and saying it is full; the store is sound and holds whole documents; once there is room, a
/// re-run finishes the job as if nothing had happened.
#[test]
fn a_full_disk_stops_ingest_cleanly_and_a_rerun_finishes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus.jsonl");
    synthetic_corpus(60, &corpus);
    let corpus = corpus.display().to_string();
    let reference = db_in(dir.path(), "reference.db");
    ingest(&reference, &[&corpus, "-q"]);
    let want_docs = documents(&reference);
    let want = state(&reference);
    let want_events = read(&["events"], &reference);

    // The first ten documents go in normally; the rest meet a disk with room for about a third
    // of what they need.
    let head = dir.path().join("head.jsonl");
    let text = std::fs::read_to_string(&corpus).expect("corpus");
    let first: Vec<&str> = text.lines().take(10).collect();
    std::fs::write(&head, first.join("\n") + "\n").expect("head");
    let db = db_in(dir.path(), "full.db");
    ingest(&db, &[&head.display().to_string(), "-q"]);
    let before = pages(&db);
    let cap = before + (pages(&reference) - before) / 3;
    let out = sitrep()
        .args(["ingest", &corpus, "--db", &db, "-q"])
        .env("SITREP_STORE_MAX_PAGES", cap.to_string())
        .current_dir(root())
        .output()
        .expect("sitrep runs");
    assert_clear_error(&out, &db, "full");
    let stored = assert_whole_prefix(&db, &want_docs, "after the disk filled").len();
    assert!(
        (10..60).contains(&stored),
        "{stored} documents stored when the disk filled"
    );
    eprintln!(
        "disk full after {stored} of 60 documents: {}",
        stderr(&out).trim()
    );

    let out = run(&["ingest", &corpus, "--db", &db, "-q"]);
    assert!(out.status.success(), "the re-run failed: {}", stderr(&out));
    assert_same_store(&db, &want_docs, &want, &want_events, "after the re-run");
}

/// A store that may not be written: `ingest` refuses it at once, saying the file is
/// read-only, and leaves it as it was; the read commands still read it.
#[cfg(unix)]
#[test]
fn a_read_only_store_is_refused_with_a_clear_message() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus.jsonl");
    synthetic_corpus(12, &corpus);
    let corpus = corpus.display().to_string();
    let db = db_in(dir.path(), "store.db");
    let head = dir.path().join("head.jsonl");
    let text = std::fs::read_to_string(&corpus).expect("corpus");
    let first: Vec<&str> = text.lines().take(6).collect();
    std::fs::write(&head, first.join("\n") + "\n").expect("head");
    ingest(&db, &[&head.display().to_string(), "-q"]);
    let before = documents(&db);
    let events = read(&["events"], &db);

    // Opened read-only through a URI: what SQLite does with a file it may not write, whoever
    // runs the test (root may write a file whatever its mode).
    let uri = format!("file:{db}?mode=ro");
    let out = run(&["ingest", &corpus, "--db", &uri, "-q"]);
    assert_clear_error(&out, &uri, "read-only");
    assert_eq!(documents(&db), before);

    // The file itself made read-only. Root may write it whatever its mode: then the commands
    // run as `nobody` (through `setpriv`) when that is possible.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let privileged = std::fs::OpenOptions::new().write(true).open(&db).is_ok();
    let as_nobody = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ];
    let can_drop = privileged
        && Command::new(as_nobody[0])
            .args(&as_nobody[1..])
            .arg("true")
            .status()
            .is_ok_and(|s| s.success());
    let sitrep_as_user = |args: &[&str]| {
        let mut cmd = if can_drop {
            let mut c = Command::new(as_nobody[0]);
            c.args(&as_nobody[1..]).arg(env!("CARGO_BIN_EXE_sitrep"));
            c
        } else {
            sitrep()
        };
        cmd.args(args)
            .current_dir(root())
            .output()
            .expect("sitrep runs")
    };
    if privileged && !can_drop {
        eprintln!("a user who may write a 0444 file, and no setpriv: the chmod case is skipped");
    } else {
        let out = sitrep_as_user(&["ingest", &corpus, "--db", &db, "-q"]);
        assert_clear_error(&out, &db, "read-only");
        let out = sitrep_as_user(&["events", "--db", &db, "--format", "jsonl", "-q"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(jsonl(&out), events, "a read-only store is still read");
    }
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    assert_eq!(documents(&db), before);
}

/// `extract` writing into a full disk (`/dev/full` as standard output) stops with a message
/// saying so, not a panic.
#[cfg(unix)]
#[test]
fn extract_to_a_full_stdout_says_so() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("no /dev/full here: skipped");
        return;
    };
    let out = sitrep()
        .args(["extract", "examples", "-q"])
        .current_dir(root())
        .stdout(full)
        .output()
        .expect("sitrep runs");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "a panic: {err}");
    assert!(
        err.contains("writing to standard output") && err.contains("No space left on device"),
        "{err}"
    );
}
