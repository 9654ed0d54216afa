//! Benchmarks of the store and of incident fusion, each checking its own result.
//!
//! `cargo bench -p sitrep-store` runs:
//! - `fuse_million`: 1,000,000 synthetic event records (250,000 events, each reported by four
//!   documents with jittered places, dates and wording) through the incremental builder; asserts
//!   exactly 250,000 incidents and prints the peak memory of the process;
//! - `date_bbox_query`: a one-month, one-degree query on a store of 1,000,000 events; asserts
//!   the number of events returned.

use std::sync::OnceLock;

use chrono::NaiveDate;
use sitrep_model::{Document, EventRecord, Evidence, SubEventType};
use sitrep_pipeline::fuse::{FuseConfig, Incidents};
use sitrep_store::{DocumentBundle, Filter, Store};

fn main() {
    divan::main();
}

const EVENTS: usize = 250_000;
const REPORTS: usize = 4;
/// Places on a grid of 40 × 40 cells half a degree apart (well beyond fusion's 25 km).
const GRID: usize = 40;
/// Events of one cell are 20 days apart (beyond the widest ±7-day window).
const SPACING_DAYS: i64 = 20;

/// A deterministic pseudo-random sequence (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn base_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("date")
}

const SUBS: [SubEventType; 4] = [
    SubEventType::ArmedClash,
    SubEventType::AirDroneStrike,
    SubEventType::Attack,
    SubEventType::PeacefulProtest,
];

/// Report `r` of event `e`, as document `doc` saw it.
fn report(e: usize, r: usize, doc: &str, rng: &mut Rng) -> EventRecord {
    let cell = e % (GRID * GRID);
    let slot = (e / (GRID * GRID)) as i64;
    let (lat0, lon0) = (
        10.0 + 0.5 * (cell / GRID) as f64,
        20.0 + 0.5 * (cell % GRID) as f64,
    );
    // Reports place the event within a few kilometres and date it within a day.
    let lat = lat0 + (rng.unit() - 0.5) * 0.04;
    let lon = lon0 + (rng.unit() - 0.5) * 0.04;
    let precise = r.is_multiple_of(2);
    let day =
        base_date() + chrono::Duration::days(slot * SPACING_DAYS + if precise { 0 } else { 1 });
    let sub = SUBS[e % SUBS.len()];
    let text = format!(
        "Report {r}: fighting near village {e} left {} dead, witness {} said.",
        e % 17,
        e % 1013
    );
    EventRecord {
        doc_id: doc.to_string(),
        event_id: format!("{doc}-{e}"),
        event_date: Some(day),
        time_precision: Some(if precise { 1 } else { 2 }),
        event_type: Some(sub.event_type()),
        sub_event_type: Some(sub),
        plover: None,
        actor1: Some(format!("Group {}", e % 50)),
        actor2: None,
        inter1: 2,
        inter2: 0,
        country: Some("Testland".into()),
        country_code: Some("TL".into()),
        admin1: Some(format!("Province {}", cell / 100)),
        admin2: None,
        location: Some(format!("Village {cell}")),
        latitude: Some(lat),
        longitude: Some(lon),
        geo_precision: Some(1),
        geonameid: None,
        fatalities: if r == 3 { 0 } else { (e % 17) as u32 },
        wounded: None,
        notes: String::new(),
        evidence: vec![Evidence {
            doc_id: doc.to_string(),
            start: 0,
            end: text.len(),
            text,
        }],
        confidence: 0.8,
    }
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Fusion of a million records: documents hold two reports each (of two different events),
/// and arrive round by round, so every event is still open when its last report comes.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn fuse_million(bencher: divan::Bencher) {
    bencher.bench(|| {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut inc = Incidents::new(FuseConfig::default());
        let mut n = 0usize;
        for r in 0..REPORTS {
            for d in 0..EVENTS / 2 {
                let doc = format!("doc-{r}-{d}");
                let records = [
                    report(2 * d, r, &doc, &mut rng),
                    report(2 * d + 1, r, &doc, &mut rng),
                ];
                n += inc.add_document(&records).len();
            }
        }
        assert_eq!(n, EVENTS * REPORTS);
        assert_eq!(
            inc.len(),
            EVENTS,
            "synthetic events fused into the wrong number"
        );
        eprintln!(
            "fused {n} records into {} incidents; peak memory {}",
            inc.len(),
            peak_memory()
        );
        inc.len()
    });
}

const STORED: usize = 1_000_000;
const PER_DOC: usize = 10;

/// A store of a million events (built once, outside the timing).
fn store() -> &'static (tempfile::TempDir, std::path::PathBuf) {
    static STORE: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bench.db");
        let mut s = Store::open(&path).expect("store");
        let mut rng = Rng(42);
        for d in 0..STORED / PER_DOC {
            let id = format!("doc-{d}");
            let doc = Document {
                id: id.clone(),
                text: format!("Document {d}."),
                origin: id.clone(),
                ..Document::default()
            };
            let events: Vec<EventRecord> = (0..PER_DOC)
                .map(|k| report(d * PER_DOC + k, k % REPORTS, &id, &mut rng))
                .collect();
            s.insert_document(&DocumentBundle {
                doc: &doc,
                events: &events,
                control: &[],
                claims: &[],
            })
            .expect("insert");
        }
        (dir, path)
    })
}

/// The events expected in the query window: events of the cells in the box, in the slots
/// whose day falls within the dates.
fn expected(filter: &Filter) -> usize {
    let [w, s, e, n] = filter.bbox.expect("bbox");
    let (from, to) = (filter.from.expect("from"), filter.to.expect("to"));
    (0..STORED)
        .filter(|&ev| {
            let cell = ev % (GRID * GRID);
            let slot = (ev / (GRID * GRID)) as i64;
            let (lat, lon) = (
                10.0 + 0.5 * (cell / GRID) as f64,
                20.0 + 0.5 * (cell % GRID) as f64,
            );
            let precise = ((ev % PER_DOC) % REPORTS).is_multiple_of(2);
            let day = base_date()
                + chrono::Duration::days(slot * SPACING_DAYS + if precise { 0 } else { 1 });
            // Jitter is ±0.02°: the box edges sit between grid lines.
            lat > s && lat < n && lon > w && lon < e && day >= from && day <= to
        })
        .count()
}

fn query(bencher: divan::Bencher, filter: Filter) {
    let (_, path) = store();
    let s = Store::open(path).expect("open");
    let want = expected(&filter);
    assert!(want > 0);
    eprintln!("query returns {want} events");
    bencher.bench_local(|| {
        let mut n = 0;
        s.events(&filter, &mut |_| {
            n += 1;
            Ok(())
        })
        .expect("query");
        assert_eq!(n, want, "the query returned the wrong events");
        n
    });
}

/// One month in a 1° box (a few events).
#[divan::bench(sample_count = 20)]
fn date_bbox_query(bencher: divan::Bencher) {
    let start = base_date() + chrono::Duration::days(200 * SPACING_DAYS);
    query(
        bencher,
        Filter {
            from: Some(start),
            to: Some(start + chrono::Duration::days(30)),
            bbox: Some([24.75, 14.75, 25.75, 15.75]),
            ..Filter::default()
        },
    );
}

/// One year in a 5° box (a few thousand events, read and decoded).
#[divan::bench(sample_count = 20)]
fn date_bbox_query_year(bencher: divan::Bencher) {
    let start = base_date() + chrono::Duration::days(200 * SPACING_DAYS);
    query(
        bencher,
        Filter {
            from: Some(start),
            to: Some(start + chrono::Duration::days(365)),
            bbox: Some([21.75, 11.75, 26.75, 16.75]),
            ..Filter::default()
        },
    );
}
