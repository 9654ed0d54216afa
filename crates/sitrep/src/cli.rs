//! Command-line interface: the raw arguments as clap parses them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// sitrep: conflict news in, sourced and geocoded event data out.
///
/// Exit status: 0 every document processed, 1 some documents skipped (each named on
/// stderr with its reason), 2 nothing could be done.
#[derive(Debug, Parser)]
#[command(name = "sitrep", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Use a gazetteer built by `sitrep gazetteer import` instead of the bundled one.
    #[arg(long, global = true, value_name = "FILE", env = "SITREP_GAZETTEER")]
    pub gazetteer: Option<PathBuf>,
    /// Load the event classifier from this folder (event_type.tsv.gz, sub_event_type.tsv.gz)
    /// instead of the bundled one.
    #[arg(long, global = true, value_name = "DIR", env = "SITREP_MODEL_DIR")]
    pub model_dir: Option<PathBuf>,
    /// Add the semantic layer: the MiniLM sentence encoder in this folder (model.safetensors,
    /// config.json, tokenizer.json; `scripts/fetch_encoder.sh` fetches it), mixed with the
    /// n-gram classifier. Needs a build with `--features semantic`.
    #[arg(long, global = true, value_name = "DIR", env = "SITREP_ENCODER_DIR")]
    pub encoder_dir: Option<PathBuf>,
    /// Print less on stderr (no summary, no progress).
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Documents in, events out (stdout); nothing is stored.
    Extract(ExtractArgs),
    /// Place mentions of each document, resolved against the gazetteer.
    Toponyms(ToponymsArgs),
    /// Print the text of a document exactly as offsets refer to it.
    Text(TextArgs),
    /// Score outputs against gold files of the benchmark packs.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Fit the event classifier on the train half of a pack (writes data/model/).
    Train(TrainArgs),
    /// Build or inspect gazetteers.
    #[command(subcommand)]
    Gazetteer(GazetteerCommand),
    /// Add documents to the store, extract, fuse incidents, update control and claims;
    /// re-ingesting the same documents adds nothing.
    Ingest(IngestArgs),
    /// Event records from the store (one report of one event in one document).
    Events(EventsArgs),
    /// Incidents: reports of one event from different documents, fused.
    Incidents(IncidentsArgs),
    /// Territorial control: who holds each place, since and until when.
    Control(ControlArgs),
    /// Numeric claims (distances, shares, counts) checked against the gazetteer.
    Claims(ClaimsArgs),
    /// Write everything in the store to a folder, in every format.
    Export(ExportArgs),
    /// Measure `extract` throughput (1 and 2 threads) against a bare Aho-Corasick scan over
    /// the gazetteer's names, on the packs' texts repeated to --size-mb; gazetteer load time
    /// and peak memory.
    Bench(BenchArgs),
    /// Web map, timeline and source viewer, and the JSON API, over the store (read-only
    /// unless --allow-ingest).
    Serve(ServeArgs),
}

/// The store.
#[derive(Debug, Args, Clone)]
pub struct DbArgs {
    /// SQLite file (created when missing), or a PostgreSQL URL `postgres://user:pass@host/db`
    /// (needs a build with `--features postgres`).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "sitrep.db",
        env = "SITREP_DB"
    )]
    pub db: PathBuf,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub store: DbArgs,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Documents fused per transaction (tests exercise incremental fusion with small steps).
    #[arg(long, default_value_t = 2000, hide = true)]
    pub fuse_chunk: usize,
    /// A testing knob: caps the store at this many pages (`PRAGMA max_page_count`), so a
    /// test can fill "the disk" without a small file system.
    #[arg(
        long,
        env = "SITREP_STORE_MAX_PAGES",
        hide = true,
        value_name = "PAGES"
    )]
    pub max_pages: Option<u64>,
}

/// Filters of the store's read commands.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// First day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<chrono::NaiveDate>,
    /// Last day (YYYY-MM-DD), inclusive.
    #[arg(long, value_name = "DATE")]
    pub to: Option<chrono::NaiveDate>,
    /// Country name or ISO alpha-2 code.
    #[arg(long)]
    pub country: Option<String>,
    /// Bounding box: min_lon,min_lat,max_lon,max_lat.
    #[arg(
        long,
        value_name = "W,S,E,N",
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub bbox: Option<Vec<f64>>,
    /// ACLED event type, sub-event type or PLOVER category.
    #[arg(long = "type", value_name = "TYPE")]
    pub event_type: Option<String>,
    /// Actor name (substring).
    #[arg(long)]
    pub actor: Option<String>,
    /// Text anywhere in the record (substring).
    #[arg(long)]
    pub q: Option<String>,
    /// At most this many.
    #[arg(long)]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    #[command(flatten)]
    pub store: DbArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// JSONL (contract §3), CSV in ACLED's column order, or GeoJSON.
    #[arg(long, value_enum, default_value_t = EventFormat::Jsonl)]
    pub format: EventFormat,
}

#[derive(Debug, Args)]
pub struct IncidentsArgs {
    #[command(flatten)]
    pub store: DbArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// JSONL (contract §5), CSV in ACLED's column order (plus sources), or GeoJSON.
    #[arg(long, value_enum, default_value_t = EventFormat::Jsonl)]
    pub format: EventFormat,
    /// Explain one incident: each report, and the score that merged it.
    #[arg(long, value_name = "INCIDENT_ID")]
    pub explain: Option<String>,
}

#[derive(Debug, Args)]
pub struct ControlArgs {
    #[command(flatten)]
    pub store: DbArgs,
    /// Who held each place on this day (default: the whole timeline).
    #[arg(long, value_name = "DATE")]
    pub at: Option<chrono::NaiveDate>,
    /// Only places in this province (admin1 name).
    #[arg(long, value_name = "NAME")]
    pub admin1: Option<String>,
    #[arg(long, value_enum, default_value_t = EventFormat::Jsonl)]
    pub format: EventFormat,
}

#[derive(Debug, Args)]
pub struct ClaimsArgs {
    #[command(flatten)]
    pub store: DbArgs,
    /// JSONL (contract §5) or CSV (GeoJSON is not available for claims).
    #[arg(long, value_enum, default_value_t = EventFormat::Jsonl)]
    pub format: EventFormat,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: DbArgs,
    /// Folder to write events, incidents, control and claims to (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: DbArgs,
    /// Address to listen on. The default is loopback only; any other address exposes the
    /// store to the network.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Accept `POST /api/ingest` (JSONL documents) from clients holding the token.
    #[arg(long, requires = "token")]
    pub allow_ingest: bool,
    /// Bearer token for `--allow-ingest` (at least 16 characters; prefer the environment
    /// variable to the command line, which other users can read).
    #[arg(
        long,
        env = "SITREP_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// Requests per second allowed (bursts of four times as many).
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub rate_limit: u32,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// A JSONL corpus to measure on (default: one built from --packs).
    #[arg(long, value_name = "FILE")]
    pub corpus: Option<PathBuf>,
    /// Folder of benchmark packs whose docs.jsonl texts make the corpus.
    #[arg(long, value_name = "DIR", default_value = "../shared/bench")]
    pub packs: PathBuf,
    /// Size of the corpus to build, in megabytes.
    #[arg(long, value_name = "MB", default_value_t = 50)]
    pub size_mb: u64,
    /// Where the corpus is written (reused when already there).
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    pub out_dir: PathBuf,
    /// Thread counts to run extract at.
    #[arg(
        long,
        value_name = "N,...",
        value_delimiter = ',',
        default_value = "1,2"
    )]
    pub threads: Vec<usize>,
    /// Runs per figure (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Where documents come from.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Files or directories (read recursively) of .txt, .html, .jsonl, RSS/Atom; `-` = JSONL on stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// JSONL file attaching id/published/source/... to plain files (by "file").
    /// A `manifest.jsonl` at the top of a directory is used when this is not given.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum EventFormat {
    #[default]
    Jsonl,
    Csv,
    Geojson,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format: JSONL (contract §3), CSV in ACLED's column order, or GeoJSON.
    #[arg(long, value_enum, default_value_t = EventFormat::Jsonl)]
    pub format: EventFormat,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ToponymsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Resolve exactly the `toponyms` spans each input document gives (resolution-only).
    #[arg(long)]
    pub given_spans: bool,
}

#[derive(Debug, Args)]
pub struct TextArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Only the document with this id (default: every document, separated by a header line).
    #[arg(long)]
    pub id: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Geoparsing: run `toponyms` on a pack and score it like ../shared/bench/score.py.
    Toponyms(EvalArgs),
    /// Events: run `extract` on a pack (acled-dev, gva-dev, plover-gsr) and score it.
    Events(EvalArgs),
    /// Classification: run `extract` on a pack (case2021-task2) and score the first event's type.
    Classify(EvalArgs),
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Pack folder holding docs.jsonl and gold.jsonl.
    #[arg(value_name = "PACK")]
    pub pack: PathBuf,
    /// Which documents to score: the fixed split of score.py (test = one key in five).
    #[arg(long, value_enum, default_value_t = Split::All)]
    pub split: Split,
    /// Resolution-only geoparsing (`--given-spans`).
    #[arg(long)]
    pub resolution_only: bool,
    /// Score at most this many documents (the first N of the split, in pack order).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
    /// Events: also print the sub-event types most often missed and what they were taken for.
    #[arg(long)]
    pub confusion: bool,
    /// Write the predictions (JSONL) here as well.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// With `--split dev`/`fit`: which eighth of the train half is held out (0, the default,
    /// is the dev eighth; 1-7 serve cross-validation with `sitrep train --holdout --fold`).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..8))]
    pub fold: u8,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Pack folder holding docs.jsonl and gold.jsonl whose gold lines list `events` (acled-dev,
    /// plover-gsr); only its train half is read. Repeat to train on several packs; `DIR:N`
    /// counts a pack's examples N times. (case2021-task2 is a test set and is refused.)
    #[arg(long, value_name = "PACK[:N]", required = true, value_parser = parse_pack)]
    pub pack: Vec<(PathBuf, usize)>,
    /// Leave the dev eighth of the train half out (for tuning with `eval --split dev`).
    #[arg(long)]
    pub holdout: bool,
    /// With `--holdout`: which eighth to leave out (0, the default, is the dev eighth).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..8))]
    pub fold: u8,
    /// Where the weight tables go.
    #[arg(long, value_name = "DIR", default_value = "data/model")]
    pub out_dir: PathBuf,
    /// Most iterations of the optimiser (default: the bundled model's setting).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// L2 penalty on the weights against the summed loss of the examples (default: the
    /// bundled model's setting).
    #[arg(long)]
    pub l2: Option<f32>,
    /// Features seen in fewer examples are dropped (default: the bundled model's setting).
    #[arg(long)]
    pub min_count: Option<usize>,
    /// With `--encoder-dir`: keep the examples' embeddings in this file, and reuse those
    /// already there (cross-validation fits the same texts eight times). A file made with
    /// other encoder weights (new adapters) is noticed and filled anew.
    #[arg(long, value_name = "FILE")]
    pub embedding_cache: Option<PathBuf>,
}

/// `DIR` or `DIR:N` (N ≥ 1: how many times the pack's examples count).
fn parse_pack(s: &str) -> Result<(PathBuf, usize), String> {
    match s.rsplit_once(':') {
        Some((dir, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            let n: usize = n.parse().map_err(|e| format!("weight {n:?}: {e}"))?;
            if n == 0 {
                return Err("a pack's weight must be at least 1".to_string());
            }
            Ok((PathBuf::from(dir), n))
        }
        _ => Ok((PathBuf::from(s), 1)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Split {
    All,
    Train,
    Test,
    /// One eighth of the train half, held out for tuning (see `sitrep train --holdout`).
    Dev,
    /// The train half without the dev eighth.
    Fit,
}

#[derive(Debug, Subcommand)]
pub enum GazetteerCommand {
    /// Build a fuller gazetteer from a GeoNames dump (allCountries.txt format, plain or .gz),
    /// on top of the bundled one; use it with `--gazetteer FILE`.
    Import {
        /// GeoNames TSV file (19 columns).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Where to write the compiled gazetteer.
        #[arg(
            long,
            short,
            value_name = "FILE",
            default_value = "sitrep-gazetteer.bin"
        )]
        output: PathBuf,
    },
    /// Print the gazetteer's size and load time.
    Stats,
    /// Look a name up: every candidate entry, most populous first.
    Lookup { name: String },
}
