//! Scoring of sitrep outputs against the benchmark packs: a faithful port of the reference scorer
//! `bench/score.py` (standard-library Python), so that `sitrep eval` prints the same figures.
//!
//! ```no_run
//! use std::path::Path;
//! use sitrep_eval::{Split, Task, filter_split, gold_path, read_jsonl, score};
//! let pack = Path::new("/work/shared/bench/acled-dev");
//! let gold = filter_split(read_jsonl(&gold_path(pack))?, Split::Test);
//! let pred = read_jsonl(Path::new("pred.jsonl"))?;
//! let report = score(Task::Events, &gold, &pred, false);
//! print!("{}", report.to_table(&sitrep_eval::display_name(pack, Split::Test)));
//! # Ok::<(), sitrep_eval::EvalError>(())
//! ```
//!
//! Every metric follows score.py line by line: the same Python semantics for loosely typed JSON
//! (truthiness, `==`, dict keys, `float()` of strings, half-to-even `round`), the same order of
//! floating-point operations (plain left-to-right `sum`, `math.fsum` in means), the same table text.

mod classify;
mod events;
mod incidents;
mod output;
mod py;
mod toponyms;

use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

pub use classify::ClassifyReport;
pub use events::{EventsReport, GeoError};
pub use incidents::{Bcubed, IncidentsReport};
pub use toponyms::{GeonameidMatch, ResolutionStats, ToponymsReport};

use output::Fig;
use py::{get, py_str, ratio, ratio_n};

/// What is scored: score.py's sub-commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Task {
    /// `sitrep extract --format jsonl` output against event gold (ACLED, GVA, PLOVER packs).
    Events,
    /// `sitrep toponyms` output against geoparsing gold.
    Toponyms,
    /// `sitrep incidents --format jsonl` output against incident gold.
    Incidents,
    /// `sitrep extract --format jsonl` output against sub-event-type labels (CASE 2021 task 2).
    Classify,
}

impl Task {
    /// score.py's name of the task ("events", "toponyms", "incidents", "classify").
    pub fn name(self) -> &'static str {
        match self {
            Task::Events => "events",
            Task::Toponyms => "toponyms",
            Task::Incidents => "incidents",
            Task::Classify => "classify",
        }
    }

    pub fn from_name(name: &str) -> Option<Task> {
        [
            Task::Events,
            Task::Toponyms,
            Task::Incidents,
            Task::Classify,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }
}

/// The fixed public split of score.py (`split_of`): the key is the gold `incident_id` where the pack
/// has one (so an incident's articles never straddle the split), else the `doc_id`; a key whose SHA-1
/// hex digest starts with 8 digits whose value is divisible by 5 is `Test`, every other key `Train`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Split {
    All,
    Train,
    Test,
}

impl Split {
    /// score.py's name of the split ("all", "train", "test").
    pub fn name(self) -> &'static str {
        match self {
            Split::All => "all",
            Split::Train => "train",
            Split::Test => "test",
        }
    }

    pub fn from_name(name: &str) -> Option<Split> {
        [Split::All, Split::Train, Split::Test]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// score.py `split_of(gold_line)`: `Train` or `Test`.
pub fn split_of(gold_line: &Value) -> Split {
    // str(gold_line.get("incident_id") or gold_line["doc_id"])
    let inc = get(gold_line, "incident_id");
    let key = if py::truthy(inc) {
        py_str(inc)
    } else {
        py_str(get(gold_line, "doc_id"))
    };
    let hex = sha1_smol::Sha1::from(key.as_bytes()).digest().to_string();
    let head = u64::from_str_radix(&hex[..8], 16).unwrap_or(1);
    if head.is_multiple_of(5) {
        Split::Test
    } else {
        Split::Train
    }
}

/// score.py `main`'s `--split`: keeps the gold lines of the split (all of them for `Split::All`).
/// Predictions are not filtered: every task scores only the documents present in the gold it is given.
pub fn filter_split(gold: Vec<Value>, split: Split) -> Vec<Value> {
    match split {
        Split::All => gold,
        s => gold.into_iter().filter(|g| split_of(g) == s).collect(),
    }
}

/// Accuracy counted two ways (score.py `Acc`): over every applicable gold doc (a missing prediction
/// is wrong) and over the applicable docs that have a prediction.
#[derive(Clone, Debug, PartialEq)]
pub struct Accuracy {
    pub all: f64,
    pub covered: f64,
    pub n: usize,
    pub n_covered: usize,
}

impl Accuracy {
    fn fig(&self) -> Fig {
        Fig::Obj(vec![
            ("all".into(), Fig::Float(self.all)),
            ("covered".into(), Fig::Float(self.covered)),
            ("n".into(), Fig::int(self.n)),
            ("n_covered".into(), Fig::int(self.n_covered)),
        ])
    }

    fn detail_events(&self) -> String {
        format!(
            "n={}; covered-only {} (n={})",
            self.n,
            py::f3(self.covered),
            self.n_covered
        )
    }
}

/// Precision, recall and F1 of `tp` true positives (score.py `prf`).
#[derive(Clone, Debug, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub tp: usize,
    pub n_pred: usize,
    pub n_gold: usize,
}

impl Prf {
    fn new(tp: usize, n_pred: usize, n_gold: usize) -> Prf {
        let (p, r) = (ratio_n(tp, n_pred), ratio_n(tp, n_gold));
        Prf {
            precision: p,
            recall: r,
            f1: ratio(2.0 * p * r, p + r),
            tp,
            n_pred,
            n_gold,
        }
    }

    fn fig(&self) -> Fig {
        Fig::Obj(vec![
            ("precision".into(), Fig::Float(self.precision)),
            ("recall".into(), Fig::Float(self.recall)),
            ("f1".into(), Fig::Float(self.f1)),
            ("tp".into(), Fig::int(self.tp)),
            ("n_pred".into(), Fig::int(self.n_pred)),
            ("n_gold".into(), Fig::int(self.n_gold)),
        ])
    }
}

/// The figures of one task.
#[derive(Clone, Debug, PartialEq)]
pub enum Figures {
    Events(EventsReport),
    Toponyms(ToponymsReport),
    Incidents(IncidentsReport),
    Classify(ClassifyReport),
}

/// What score.py computes for one task.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub task: Task,
    pub figures: Figures,
}

/// Scores predicted lines against gold lines (one JSON value per JSONL line each). Only documents
/// present in `gold` are scored. `resolution_only` matters for `Task::Toponyms` alone (predictions
/// resolve the given gold spans: `sitrep toponyms --given-spans`). Malformed predictions never
/// panic: a missing or mistyped field counts as score.py counts it.
pub fn score(task: Task, gold: &[Value], pred: &[Value], resolution_only: bool) -> Report {
    let figures = match task {
        Task::Events => Figures::Events(events::score(gold, pred)),
        Task::Toponyms => Figures::Toponyms(toponyms::score(gold, pred, resolution_only)),
        Task::Incidents => Figures::Incidents(incidents::score(gold, pred)),
        Task::Classify => Figures::Classify(classify::score(gold, pred)),
    };
    Report { task, figures }
}

impl Report {
    fn fig(&self, pack_name: Option<&str>) -> Fig {
        let mut items = Vec::new();
        if let Some(name) = pack_name {
            items.push(("pack".to_string(), Fig::Str(name.to_string())));
        }
        items.push(("task".to_string(), Fig::Str(self.task.name().to_string())));
        items.extend(match &self.figures {
            Figures::Events(r) => r.fig(),
            Figures::Toponyms(r) => r.fig(),
            Figures::Incidents(r) => r.fig(),
            Figures::Classify(r) => r.fig(),
        });
        Fig::Obj(items)
    }

    /// The figures of score.py's `--json` output (with `"task"`, without `"pack"`). serde_json's map
    /// sorts keys; [`Report::to_json_text`] keeps score.py's order.
    pub fn to_json(&self) -> serde_json::Value {
        self.fig(None).to_value()
    }

    /// score.py's whole `--json` object, `"pack"` included.
    pub fn to_json_named(&self, pack_name: &str) -> serde_json::Value {
        self.fig(Some(pack_name)).to_value()
    }

    /// Exactly what `score.py ... --json` prints (`json.dump(indent=1)`, score.py's key order,
    /// Python float repr, ending with a newline).
    pub fn to_json_text(&self, pack_name: &str) -> String {
        let mut out = String::new();
        self.fig(Some(pack_name)).write_py_json(&mut out, 0);
        out.push('\n');
        out
    }

    /// For events: the sub-event types most often missed and what they were taken for
    /// (sitrep's own table, not score.py's); empty for the other tasks.
    pub fn confusion_table(&self) -> String {
        match &self.figures {
            Figures::Events(r) => r.confusion_table(),
            _ => String::new(),
        }
    }

    /// Exactly the table score.py prints (same labels, `%.3f` numbers, `-` for None, ending with
    /// the blank line). `pack_name` is the title's name, e.g. from [`display_name`].
    pub fn to_table(&self, pack_name: &str) -> String {
        match &self.figures {
            Figures::Events(r) => r.table(pack_name),
            Figures::Toponyms(r) => r.table(pack_name),
            Figures::Incidents(r) => r.table(pack_name),
            Figures::Classify(r) => r.table(pack_name),
        }
    }
}

/// Errors reading gold or prediction files.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// score.py: "%s line %d: not JSON (%s)".
    #[error("{} line {line}: not JSON ({message})", path.display())]
    NotJson {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// Reads a JSONL file as score.py does: lines split at `\n`, `\r\n` or `\r`, stripped, blank ones
/// skipped; a line that is not JSON is an error naming the file and the (1-based) line. `-` reads
/// standard input. Python's json also reads the bare `NaN`, `Infinity` and `-Infinity` tokens; they
/// are read here as null, which every metric treats as score.py treats the non-finite number.
pub fn read_jsonl(path: &Path) -> Result<Vec<Value>, EvalError> {
    let io = |source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        bytes = std::fs::read(path).map_err(io)?;
    }
    parse_jsonl(&bytes, path)
}

/// [`read_jsonl`] of bytes already read; `path` names the source in errors.
pub fn parse_jsonl(bytes: &[u8], path: &Path) -> Result<Vec<Value>, EvalError> {
    let mut out = Vec::new();
    for (n, raw) in split_lines(bytes).enumerate() {
        let err = |message: String| EvalError::NotJson {
            path: path.to_path_buf(),
            line: n + 1,
            message,
        };
        let text = std::str::from_utf8(raw).map_err(|e| err(format!("invalid UTF-8: {e}")))?;
        let text = py::py_strip(text);
        if text.is_empty() {
            continue;
        }
        out.push(parse_json_line(text).map_err(|e| err(e.to_string()))?);
    }
    Ok(out)
}

fn split_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(rest.len());
        let line = &rest[..end];
        let skip = match rest.get(end) {
            Some(b'\r') if rest.get(end + 1) == Some(&b'\n') => 2,
            Some(_) => 1,
            None => 0,
        };
        rest = &rest[end + skip..];
        Some(line)
    })
}

/// `json.loads` of one line: serde_json, falling back to reading the non-standard tokens `NaN`,
/// `Infinity` and `-Infinity` (outside strings) as null.
fn parse_json_line(text: &str) -> Result<Value, serde_json::Error> {
    match serde_json::from_str(text) {
        Ok(v) => Ok(v),
        Err(e) => {
            if !(text.contains("NaN") || text.contains("Infinity")) {
                return Err(e);
            }
            let mut fixed = String::with_capacity(text.len());
            let (mut in_str, mut esc) = (false, false);
            let mut i = 0;
            while i < text.len() {
                let rest = &text[i..];
                let c = rest.chars().next().unwrap_or(' ');
                if in_str {
                    if esc {
                        esc = false;
                    } else if c == '\\' {
                        esc = true;
                    } else if c == '"' {
                        in_str = false;
                    }
                } else if c == '"' {
                    in_str = true;
                } else {
                    let token = ["-Infinity", "Infinity", "NaN"]
                        .into_iter()
                        .find(|t| rest.starts_with(t));
                    if let Some(t) = token {
                        fixed.push_str("null");
                        i += t.len();
                        continue;
                    }
                }
                fixed.push(c);
                i += c.len_utf8();
            }
            serde_json::from_str(&fixed).map_err(|_| e)
        }
    }
}

/// score.py `gold_path`: a pack folder's `gold.jsonl`, or the path itself. A pack of our own
/// in the repository (`data/training/news-prose`) names its answers `labels.jsonl`, so that
/// `gold.jsonl` stays the name of the third-party benchmark packs' answers, read from
/// `../shared` only.
pub fn gold_path(pack_or_file: &Path) -> PathBuf {
    if pack_or_file.is_dir() {
        let labels = pack_or_file.join("labels.jsonl");
        if labels.is_file() && !pack_or_file.join("gold.jsonl").exists() {
            return labels;
        }
        pack_or_file.join("gold.jsonl")
    } else {
        pack_or_file.to_path_buf()
    }
}

/// score.py `pack_name`: the pack folder's name, for a pack folder or a file inside one.
pub fn pack_name(pack_or_file: &Path) -> String {
    let abs = absolute(pack_or_file);
    let base = |p: &Path| {
        p.file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if abs.is_dir() {
        base(&abs)
    } else {
        abs.parent().map(base).unwrap_or_default()
    }
}

/// The name score.py prints: the pack name, with `" [train]"` or `" [test]"` for a split.
pub fn display_name(pack_or_file: &Path, split: Split) -> String {
    let name = pack_name(pack_or_file);
    match split {
        Split::All => name,
        s => format!("{name} [{}]", s.name()),
    }
}

/// `os.path.abspath`: joined to the current directory and normalised lexically.
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn split_of_matches_score_py() {
        // python3: score.split_of(...) for these lines
        for (line, split) in [
            (json!({"doc_id": "x"}), Split::Train),
            (json!({"doc_id": "z"}), Split::Test),
            (json!({"doc_id": "h"}), Split::Test),
            (json!({"doc_id": "acled-dev-00001"}), Split::Train),
            (
                json!({"doc_id": "x", "incident_id": "gva-104543"}),
                Split::Train,
            ),
            (json!({"doc_id": 7}), Split::Test),
            (json!({"doc_id": "a", "incident_id": 1.5}), Split::Train),
            (json!({"doc_id": true}), Split::Test),
            (json!({"doc_id": "z", "incident_id": ""}), Split::Test),
            (json!({"doc_id": "x", "incident_id": "z"}), Split::Test),
        ] {
            assert_eq!(split_of(&line), split, "{line}");
        }
        let gold = vec![
            json!({"doc_id": "x"}),
            json!({"doc_id": "z"}),
            json!({"doc_id": "h"}),
        ];
        assert_eq!(filter_split(gold.clone(), Split::Test).len(), 2);
        assert_eq!(filter_split(gold.clone(), Split::Train).len(), 1);
        assert_eq!(filter_split(gold, Split::All).len(), 3);
    }

    #[test]
    fn jsonl_reading() {
        let p = Path::new("p.jsonl");
        let v = parse_jsonl(b"{\"a\": 1}\r\n\n  \r{\"b\": NaN, \"s\": \"NaN\"}\r", p)
            .unwrap_or_default();
        assert_eq!(v, vec![json!({"a": 1}), json!({"b": null, "s": "NaN"})]);
        let e = parse_jsonl(b"{}\n\n{oops}\n", p)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("p.jsonl line 3: not JSON ("), "{e}");
    }

    #[test]
    fn malformed_predictions_do_not_panic() {
        let gold_ev = vec![
            json!({"doc_id": "d1", "events": [{"event_type": "Battles", "sub_event_type": "Armed clash",
                "latitude": 1.0, "longitude": 2.0, "geo_precision": 1, "event_date": "2020-01-02",
                "time_precision": 1, "fatalities": 3, "inter1": 1, "inter2": 2, "admin1": "X", "country": "Y",
                "plover": "ASSAULT"}]}),
            json!({"doc_id": "d2", "incident_id": "i1", "date": "2020-01-01", "latitude": 3, "longitude": 4}),
            json!({"doc_id": "d3", "label": "X", "acled_sub_event_type": "Attack", "acled_event_type": "V",
                "toponyms": [{"start": 0, "end": 3, "latitude": 1, "longitude": 1, "geonameid": 5}]}),
        ];
        let preds = vec![
            json!({"doc_id": "d1", "event_type": ["x"], "latitude": "abc", "longitude": {}, "fatalities": "x",
                "inter1": "rebel group", "inter2": [1], "event_date": 5, "admin1": 3, "country": null,
                "plover": 7, "sub_event_type": {"a": 1}}),
            json!({"doc_id": "d2", "events": [1, {"doc_id": null}, {"latitude": "3.0", "longitude": "4"}]}),
            json!({"doc_id": "d3", "events": "x", "toponyms": [{"start": "0", "end": 3.2}, 5, {"end": 1}],
                "sources": "d3"}),
            json!([1, 2]),
            json!("text"),
            json!({"sources": ["d1", "d2", ["x"], {"y": 1}, null], "toponyms": {"a": 1}}),
            json!(null),
        ];
        for task in [
            Task::Events,
            Task::Toponyms,
            Task::Incidents,
            Task::Classify,
        ] {
            for ro in [false, true] {
                let r = score(task, &gold_ev, &preds, ro);
                let _ = r.to_json();
                let _ = r.to_table("x");
                let _ = r.to_json_text("x");
                let r = score(
                    task,
                    &[json!(1), json!({"events": 3}), json!({})],
                    &preds,
                    ro,
                );
                let _ = r.to_table("x");
            }
        }
    }

    #[test]
    fn json_text_like_python() {
        let gold = vec![
            json!({"doc_id": "a", "incident_id": "1"}),
            json!({"doc_id": "b", "incident_id": "1"}),
        ];
        let pred = vec![json!({"sources": ["a", "b"]})];
        let r = score(Task::Incidents, &gold, &pred, false);
        let text = r.to_json_text("p\u{e9}");
        assert!(
            text.starts_with(
                "{\n \"pack\": \"p\\u00e9\",\n \"task\": \"incidents\",\n \"docs\": 2,\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("\"bcubed\": {\n  \"precision\": 1.0,\n"),
            "{text}"
        );
        assert!(text.ends_with("\n }\n}\n"), "{text}");
    }
}
