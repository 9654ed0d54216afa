//! Extraction benchmarks, each checking its own result (a fast wrong answer fails).
//!
//! `cargo bench -p sitrep-pipeline --bench extract` runs, on the pipeline the binary builds
//! (the whole bundled gazetteer, dictionaries and classifiers):
//! - `gazetteer_load`: the compiled gazetteer bytes into a `Gazetteer`; asserts its entries;
//! - `extract_examples`: the example reports (`examples/*.txt`), repeated to 100 documents,
//!   through `Pipeline::extract` on one thread; asserts the number of events;
//! - `geoparse_lgl`: recognition and resolution (`Pipeline::toponyms`) over the texts of the
//!   public LGL pack (`../shared/bench/geoparse-lgl`, read at run time, never copied into the
//!   repo) on one thread; asserts the number of toponyms. Skipped, with a note, when the pack is
//!   not beside the repo.
//!
//! `sitrep bench` measures the same on the packs' texts at 50 MB, against Aho-Corasick.

use std::io::Read;
use std::sync::OnceLock;

use sitrep_gazetteer::{Builder, Gazetteer};
use sitrep_model::Document;
use sitrep_pipeline::ingest::{self, Format};
use sitrep_pipeline::{Pipeline, bundled};

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

macro_rules! data {
    ($path:literal) => {
        include_str!(concat!("../../../data/", $path))
    };
}

/// Copies of the example reports extracted per iteration.
const DOCUMENTS: usize = 100;
/// Events those copies give (measured; update it with the golden files when extraction
/// changes on purpose).
const EVENTS: usize = 440;

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut out)
        .expect("bundled data decompresses");
    out
}

/// The gazetteer as `crates/sitrep/build.rs` compiles it.
fn gazetteer_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let mut b = Builder::new();
        b.add_divisions(&bundled::divisions(Some(data!("gazetteer/admin2.tsv"))))
            .expect("divisions");
        let places = gunzip(include_bytes!("../../../data/gazetteer/places.tsv.gz"));
        b.add_geonames("places.tsv.gz", places.as_bytes())
            .expect("places");
        b.add_geonames(
            "supplement.tsv",
            data!("gazetteer/supplement.tsv").as_bytes(),
        )
        .expect("supplement");
        b.add_demonyms(data!("gazetteer/demonyms.tsv"))
            .expect("demonyms");
        b.finish().expect("the gazetteer compiles")
    })
}

fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let g = Gazetteer::from_bytes(gazetteer_bytes()).expect("the gazetteer loads");
        let types = gunzip(include_bytes!("../../../data/model/event_type.tsv.gz"));
        let subs = gunzip(include_bytes!("../../../data/model/sub_event_type.tsv.gz"));
        let plover = gunzip(include_bytes!("../../../data/model/plover.tsv.gz"));
        let sources = bundled::sources(Some((&types, &subs)), Some(&plover));
        Pipeline::new(g, bundled::lexicon(), sources).expect("the bundled dictionaries are valid")
    })
}

/// The example reports that are plain text, in name order, repeated to [`DOCUMENTS`].
fn documents() -> &'static [Document] {
    static DOCS: OnceLock<Vec<Document>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("examples/")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        paths.sort();
        let one: Vec<Document> = paths
            .iter()
            .flat_map(|p| {
                let bytes = std::fs::read(p).expect("an example report");
                let name = p.display().to_string();
                ingest::read_document_bytes(&name, &name, &bytes, Format::Text, None).documents
            })
            .collect();
        assert!(!one.is_empty(), "no examples/*.txt");
        one.iter().cycle().take(DOCUMENTS).cloned().collect()
    })
}

/// Toponyms sitrep finds in the LGL texts (measured; update it when recognition changes on
/// purpose, with the figures in `docs/RESULTS.md`).
const LGL_TOPONYMS: usize = 5940;

/// The LGL pack's documents, or `None` when `../shared/bench` is not beside the repo.
fn lgl_documents() -> Option<&'static [Document]> {
    static DOCS: OnceLock<Option<Vec<Document>>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/bench/geoparse-lgl/docs.jsonl"
        );
        let bytes = std::fs::read(path).ok()?;
        let read = ingest::read_document_bytes(path, path, &bytes, Format::Jsonl, None);
        assert!(
            read.skipped.is_empty(),
            "LGL documents skipped: {:?}",
            read.skipped
        );
        Some(read.documents)
    })
    .as_deref()
}

#[divan::bench]
fn geoparse_lgl(bencher: divan::Bencher) {
    let Some(docs) = lgl_documents() else {
        eprintln!("geoparse_lgl skipped: ../shared/bench/geoparse-lgl is not beside the repo");
        return;
    };
    let p = pipeline();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let found: usize = docs.iter().map(|d| p.toponyms(d, false).len()).sum();
    assert_eq!(
        found,
        LGL_TOPONYMS,
        "toponyms from {} LGL texts",
        docs.len()
    );
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| {
            let n: usize = docs
                .iter()
                .map(|d| p.toponyms(divan::black_box(d), false).len())
                .sum();
            assert_eq!(n, found, "toponym count changed between runs");
        });
}

#[divan::bench]
fn gazetteer_load(bencher: divan::Bencher) {
    let bytes = gazetteer_bytes();
    let want = Gazetteer::from_bytes(bytes).expect("loads").entries().len();
    assert!(want > 100_000, "{want} gazetteer entries");
    bencher.bench(|| {
        let g = Gazetteer::from_bytes(divan::black_box(bytes)).expect("loads");
        assert_eq!(g.entries().len(), want);
        g
    });
}

#[divan::bench]
fn extract_examples(bencher: divan::Bencher) {
    let (p, docs) = (pipeline(), documents());
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    // Every copy of a report gives the same events as the first.
    let per_copy: Vec<usize> = docs.iter().map(|d| p.extract(d).events.len()).collect();
    let want: usize = per_copy.iter().sum();
    assert_eq!(want, EVENTS, "events from {DOCUMENTS} example reports");
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| {
            let n: usize = docs
                .iter()
                .map(|d| p.extract(divan::black_box(d)).events.len())
                .sum();
            assert_eq!(n, want, "event count changed between runs");
        });
}
