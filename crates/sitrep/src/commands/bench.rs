//! `sitrep bench`: throughput of `extract` against the floor any geoparser must pay.
//!
//! 1. The corpus: the public packs' texts (`../shared/bench/*/docs.jsonl`) repeated until the
//!    texts reach `--size-mb`, each repetition with fresh ids, written under `target/` (never
//!    into the repository).
//! 2. Gazetteer load time: the median of five loads.
//! 3. `extract` at each thread count: the streaming pipeline of the `extract` command, events
//!    serialised as JSONL into a sink, so only stdout's cost is left out. Each run must see
//!    every document of the corpus and the same number of events as every other run, or the
//!    bench fails (a fast wrong answer is not a result).
//! 4. The floor: one Aho-Corasick automaton over every gazetteer key, run over the same texts
//!    normalised as the keys are (`skeleton`: folded case and diacritics, no spaces), JSON
//!    parsing and normalisation included, on one thread.
//!
//! Peak RSS is the process's high-water mark after the extract runs (before the automaton,
//! which is the floor's cost, not sitrep's).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};
use sitrep_gazetteer::normalize::skeleton_into;

use super::extract::{Extracted, stream, worker_pool};
use crate::cli::{BenchArgs, Cli, InputArgs};
use crate::output::write_jsonl;
use crate::progress::Progress;
use crate::report::Status;
use crate::resources;

pub fn run(cli: &Cli, args: &BenchArgs) -> Result<Status> {
    let corpus = match &args.corpus {
        Some(c) => c.clone(),
        None => make_corpus(&args.packs, args.size_mb, &args.out_dir)?,
    };
    let (bytes, docs) = corpus_size(&corpus)?;
    let mb = bytes as f64 / 1e6;
    say(
        cli,
        &format!(
            "corpus {} ({mb:.1} MB of text, {docs} documents)",
            corpus.display()
        ),
    );

    // The first load is the one a new process pays (the embedded index is paged in); the
    // median of the next four is the load itself.
    let mut loads: Vec<Duration> = (0..5)
        .map(|_| -> Result<Duration> {
            let t = Instant::now();
            let g = resources::gazetteer(cli.gazetteer.as_deref())?;
            let d = t.elapsed();
            drop(g);
            Ok(d)
        })
        .collect::<Result<_>>()?;
    let cold = loads[0];
    let load = median(&mut loads[1..]);
    say(
        cli,
        &format!(
            "gazetteer load {:.3} s (first {:.3} s); load average {}",
            load.as_secs_f64(),
            cold.as_secs_f64(),
            load_average()
        ),
    );

    let pipeline = resources::pipeline(cli)?;
    let input = InputArgs {
        paths: vec![corpus.clone()],
        manifest: None,
    };
    let quiet = Progress::new(true, &[]);
    let mut runs_by_threads = Vec::new();
    let mut expected: Option<(usize, usize)> = None;
    for &threads in &args.threads {
        let pool = worker_pool(Some(threads))?;
        let mut times = Vec::new();
        let mut cpu_times = Vec::new();
        for run in 0..args.runs {
            let (mut n_docs, mut n_events) = (0usize, 0usize);
            let mut out = std::io::sink();
            let cpu = cpu_time();
            let t = Instant::now();
            stream(&pipeline, &pool, &input, &quiet, &mut |item| {
                if let Extracted::Document(_, events) = item {
                    n_docs += 1;
                    for e in &events {
                        write_jsonl(&mut out, e)?;
                    }
                    n_events += events.len();
                }
                Ok(())
            })?;
            let d = t.elapsed();
            let c = cpu_time().saturating_sub(cpu);
            ensure!(
                n_docs == docs,
                "extract at {threads} thread(s) saw {n_docs} documents of {docs}"
            );
            match expected {
                None => expected = Some((n_docs, n_events)),
                Some(e) => ensure!(
                    e == (n_docs, n_events),
                    "extract at {threads} thread(s), run {run}: {n_events} events, \
                     another run found {}",
                    e.1
                ),
            }
            say(
                cli,
                &format!(
                    "extract, {threads} thread(s), run {}: {:.2} s ({:.2} MB/s), {:.2} s of CPU; \
                     load average {}",
                    run + 1,
                    d.as_secs_f64(),
                    mb / d.as_secs_f64(),
                    c.as_secs_f64(),
                    load_average()
                ),
            );
            times.push(d);
            cpu_times.push(c);
        }
        runs_by_threads.push((threads, median(&mut times), median(&mut cpu_times)));
    }
    let peak_rss_mb = peak_rss_kb().map(|k| k as f64 / 1024.0);
    let events = expected.map_or(0, |e| e.1);

    let floor = aho_corasick_floor(cli, &corpus, args.runs)?;

    // Speed-ups and the floor ratio are taken against one thread.
    let one = runs_by_threads
        .iter()
        .find(|(t, _, _)| *t == 1)
        .map(|(_, d, _)| d.as_secs_f64());
    let rows: Vec<Value> = runs_by_threads
        .iter()
        .map(|(t, d, c)| {
            let s = d.as_secs_f64();
            json!({
                "threads": t,
                "seconds": s,
                "cpu_seconds": c.as_secs_f64(),
                "mb_per_cpu_s": mb / c.as_secs_f64(),
                "mb_per_s": mb / s,
                "docs_per_s": docs as f64 / s,
                "mb_per_s_per_thread": mb / s / *t as f64,
                "speedup": one.map(|s1| s1 / s),
            })
        })
        .collect();
    let floor_mb_s = mb / floor.seconds.as_secs_f64();
    let ratio = one.map(|s1| floor_mb_s / (mb / s1));
    let report = json!({
        "corpus": corpus.display().to_string(),
        "corpus_mb": mb,
        "documents": docs,
        "events": events,
        "gazetteer_load_s": load.as_secs_f64(),
        "gazetteer_first_load_s": cold.as_secs_f64(),
        "load_average": load_average(),
        "extract": rows,
        "peak_rss_mb": peak_rss_mb,
        "aho_corasick": {
            "keys": floor.keys,
            "build_s": floor.build.as_secs_f64(),
            "seconds": floor.seconds.as_secs_f64(),
            "mb_per_s": floor_mb_s,
            "scan_only_mb_per_s": mb / floor.scan_seconds.as_secs_f64(),
            "matches": floor.matches,
        },
        "extract_vs_floor": ratio,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    Ok(Status::Ok)
}

fn say(cli: &Cli, msg: &str) {
    if !cli.quiet {
        eprintln!("sitrep bench: {msg}");
    }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Writes `<out_dir>/corpus-text-<size>mb.jsonl` from every `docs.jsonl` under `packs`,
/// repeated until its texts hold `size_mb` megabytes; reused when it is already there.
fn make_corpus(packs: &Path, size_mb: u64, out_dir: &Path) -> Result<PathBuf> {
    let path = out_dir.join(format!("corpus-text-{size_mb}mb.jsonl"));
    let target = size_mb * 1_000_000;
    if path.is_file() && corpus_size(&path)?.0 >= target {
        return Ok(path);
    }
    let mut sources: Vec<PathBuf> = std::fs::read_dir(packs)
        .with_context(|| format!("reading the packs folder {}", packs.display()))?
        .filter_map(|e| e.ok().map(|e| e.path().join("docs.jsonl")))
        .filter(|p| p.is_file())
        .collect();
    sources.sort();
    if sources.is_empty() {
        bail!("no */docs.jsonl under {}", packs.display());
    }
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let tmp = path.with_extension("jsonl.part");
    let mut out =
        BufWriter::new(File::create(&tmp).with_context(|| format!("writing {}", tmp.display()))?);
    let mut written = 0u64;
    let mut round = 0;
    while written < target {
        for src in &sources {
            let f = File::open(src).with_context(|| format!("reading {}", src.display()))?;
            for line in BufReader::new(f).lines() {
                let line = line?;
                let Ok(mut doc) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                // Only what `extract` reads: the repetition gets ids of its own.
                let id = doc["id"].as_str().unwrap_or_default().to_string();
                doc["id"] = Value::String(format!("{id}~{round}"));
                if let Some(o) = doc.as_object_mut() {
                    o.remove("toponyms");
                }
                // The target counts text, not JSON: extract's throughput is over text.
                written += doc["text"].as_str().map_or(0, |t| t.len() as u64);
                let s = serde_json::to_string(&doc)?;
                out.write_all(s.as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        round += 1;
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// Text bytes and documents of a JSONL corpus.
fn corpus_size(path: &Path) -> Result<(u64, usize)> {
    let f = File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let (mut bytes, mut docs) = (0u64, 0usize);
    for line in BufReader::new(f).lines() {
        let line = line?;
        if let Ok(v) = serde_json::from_str::<Value>(&line)
            && let Some(t) = v["text"].as_str()
        {
            bytes += t.len() as u64;
            docs += 1;
        }
    }
    Ok((bytes, docs))
}

/// The bare scan's figures (median times).
struct Floor {
    /// JSON parsing, normalisation and scan.
    seconds: Duration,
    scan_seconds: Duration,
    build: Duration,
    keys: usize,
    matches: usize,
}

fn aho_corasick_floor(cli: &Cli, corpus: &Path, runs: usize) -> Result<Floor> {
    let g = resources::gazetteer(cli.gazetteer.as_deref())?;
    let keys = g.keys();
    drop(g);
    let t = Instant::now();
    let ac = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .match_kind(MatchKind::Standard)
        .build(&keys)
        .context("building the Aho-Corasick automaton")?;
    let build = t.elapsed();
    say(
        cli,
        &format!(
            "Aho-Corasick over {} keys built in {:.2} s ({} MB)",
            keys.len(),
            build.as_secs_f64(),
            ac.memory_usage() / 1_000_000
        ),
    );
    let mut times = Vec::new();
    let mut scans = Vec::new();
    let mut matches = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let (mut folded, mut key) = (String::new(), String::new());
        let mut n = 0usize;
        let mut scan = Duration::ZERO;
        let f = File::open(corpus)?;
        for line in BufReader::new(f).lines() {
            let line = line?;
            let Ok(doc) = serde_json::from_str::<TextOnly>(&line) else {
                continue;
            };
            skeleton_into(&doc.text, &mut folded, &mut key);
            let s = Instant::now();
            n += ac.find_iter(&key).count();
            scan += s.elapsed();
        }
        times.push(t.elapsed());
        scans.push(scan);
        ensure!(
            *matches.get_or_insert(n) == n,
            "the Aho-Corasick scan found {n} matches, another run {matches:?}"
        );
        say(
            cli,
            &format!(
                "Aho-Corasick floor: {:.2} s, of which the scan {:.2} s (the rest: JSON and \
                 normalisation); {n} matches",
                t.elapsed().as_secs_f64(),
                scan.as_secs_f64()
            ),
        );
    }
    Ok(Floor {
        seconds: median(&mut times),
        scan_seconds: median(&mut scans),
        build,
        keys: keys.len(),
        matches: matches.unwrap_or(0),
    })
}

/// CPU time of the whole process so far (user + system), from /proc.
fn cpu_time() -> Duration {
    // Fields 14 and 15 of /proc/self/stat, in clock ticks (100 per second on Linux).
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// The machine's load average (other processes compete for the cores being measured).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// A corpus line as the floor reads it: the text only.
#[derive(serde::Deserialize)]
struct TextOnly {
    text: String,
}

/// The process's peak resident set (`VmHWM`), where /proc has it.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn print_table(r: &Value) {
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    println!(
        "corpus\t{} ({:.1} MB of text, {} documents, {} events)",
        r["corpus"].as_str().unwrap_or_default(),
        f(&r["corpus_mb"]),
        r["documents"],
        r["events"]
    );
    println!(
        "gazetteer load\t{:.3} s\t(first load in the process {:.3} s)",
        f(&r["gazetteer_load_s"]),
        f(&r["gazetteer_first_load_s"])
    );
    for row in r["extract"].as_array().into_iter().flatten() {
        println!(
            "extract, {} thread(s)\t{:.2} MB/s\t{:.0} docs/s\t{:.2} MB/s per thread\t{:.2} MB per CPU-second\tspeed-up {:.2}x",
            row["threads"],
            f(&row["mb_per_s"]),
            f(&row["docs_per_s"]),
            f(&row["mb_per_s_per_thread"]),
            f(&row["mb_per_cpu_s"]),
            f(&row["speedup"]),
        );
    }
    let ac = &r["aho_corasick"];
    println!(
        "Aho-Corasick floor\t{:.2} MB/s\t(scan alone {:.2} MB/s; {} keys, built in {:.2} s, {} matches)",
        f(&ac["mb_per_s"]),
        f(&ac["scan_only_mb_per_s"]),
        ac["keys"],
        f(&ac["build_s"]),
        ac["matches"]
    );
    println!(
        "extract (1 thread) vs floor\t{:.1}x slower",
        f(&r["extract_vs_floor"])
    );
    println!("peak RSS (extract runs)\t{:.0} MB", f(&r["peak_rss_mb"]));
    println!(
        "load average at the end\t{}",
        r["load_average"].as_str().unwrap_or_default()
    );
}
