//! The store's read commands: `events`, `incidents` (and `--explain`), `control`, `claims`,
//! and `export`, in JSONL, ACLED-column CSV or GeoJSON.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use sitrep_model::{Claim, ControlPeriod, EventRecord, Incident};
use sitrep_store::{Backend, Filter, IncidentDetail, Store, StoredEvent, StoredIncident};

use crate::cli::{
    ClaimsArgs, Cli, ControlArgs, DbArgs, EventFormat, EventsArgs, ExportArgs, FilterArgs,
    IncidentsArgs,
};
use crate::output::{CSV_COLUMNS, EventWriter, csv_row, geojson_feature, write_jsonl};
use crate::report::Status;

type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// The store `--db` names: a SQLite file, or a PostgreSQL server (feature `postgres`).
fn open(db: &DbArgs) -> Result<Box<dyn Backend>> {
    if let Some(url) = super::ingest::postgres_url(&db.db) {
        return open_postgres(&url);
    }
    if !db.db.is_file() {
        bail!(
            "no store at {} (create one with `sitrep ingest PATH --db {}`)",
            db.db.display(),
            db.db.display()
        );
    }
    // A store the user may not write is still read, as it is (no schema upgrade).
    let store = match Store::open(&db.db) {
        Err(sitrep_store::Error::ReadOnly { .. }) => Store::open_read_only(&db.db),
        opened => opened,
    }
    .context("opening the store")?;
    Ok(Box::new(store))
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str) -> Result<Box<dyn Backend>> {
    // The store's errors name the URL (without its password) already.
    let store = sitrep_store::pg::PgStore::connect(url).context("opening the PostgreSQL store")?;
    Ok(Box::new(store))
}

#[cfg(not(feature = "postgres"))]
fn open_postgres(_url: &str) -> Result<Box<dyn Backend>> {
    bail!(
        "this sitrep was built without PostgreSQL support; \
         rebuild it with `cargo build --release --features postgres` to use --db postgres://…"
    )
}

fn filter(f: &FilterArgs) -> Result<Filter> {
    let bbox = match f.bbox.as_deref() {
        None => None,
        Some([w, s, e, n]) => Some([*w, *s, *e, *n]),
        Some(_) => bail!("--bbox takes four numbers: min_lon,min_lat,max_lon,max_lat"),
    };
    Ok(Filter {
        from: f.from,
        to: f.to,
        bbox,
        country: f.country.clone(),
        event_type: f.event_type.clone(),
        actor: f.actor.clone(),
        q: f.q.clone(),
        limit: f.limit,
        offset: None,
    })
}

fn stdout() -> BufWriter<crate::output::Stdout> {
    crate::output::stdout()
}

pub fn events(cli: &Cli, args: &EventsArgs) -> Result<Status> {
    let store = open(&args.store)?;
    let n = write_events(
        store.as_ref(),
        &filter(&args.filter)?,
        args.format,
        stdout(),
    )?;
    note(cli, n, "events");
    Ok(Status::Ok)
}

pub(crate) fn write_events(
    store: &dyn Backend,
    f: &Filter,
    format: EventFormat,
    out: impl Write,
) -> Result<usize> {
    let mut w = EventWriter::new(out, format)?;
    let n = store.events(f, &mut |e: StoredEvent| -> Result<(), SinkError> {
        w.write(&e.record, e.source.as_deref())
            .map(|_| ())
            .map_err(|e| e.into())
    })?;
    w.finish()?;
    Ok(n)
}

fn note(cli: &Cli, n: usize, what: &str) {
    if !cli.quiet && n > 0 {
        eprintln!("sitrep: {n} {what}");
    }
}

pub fn incidents(cli: &Cli, args: &IncidentsArgs) -> Result<Status> {
    let store = open(&args.store)?;
    if let Some(id) = &args.explain {
        let Some(detail) = store.incident_detail(id)? else {
            bail!("no incident {id} in {}", store.location());
        };
        let mut out = stdout();
        out.write_all(explain(&detail).as_bytes())?;
        out.flush()?;
        return Ok(Status::Ok);
    }
    let n = write_incidents(
        store.as_ref(),
        &filter(&args.filter)?,
        args.format,
        stdout(),
    )?;
    note(cli, n, "incidents");
    Ok(Status::Ok)
}

/// Incident columns appended to ACLED's in CSV.
const INCIDENT_COLUMNS: &[&str] = &[
    "incident_id",
    "sources",
    "reports",
    "event_ids",
    "disagreements",
];

pub(crate) fn write_incidents(
    store: &dyn Backend,
    f: &Filter,
    format: EventFormat,
    out: impl Write,
) -> Result<usize> {
    let mut w = IncidentWriter::new(out, format)?;
    let n = store.incidents(f, &mut |s: StoredIncident| -> Result<(), SinkError> {
        w.write(&s).map_err(|e| e.into())
    })?;
    w.finish()?;
    Ok(n)
}

/// Streams incidents in one of the three formats.
enum IncidentWriter<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
    Geojson { out: W, features: usize },
}

impl<W: Write> IncidentWriter<W> {
    fn new(mut out: W, format: EventFormat) -> Result<Self> {
        Ok(match format {
            EventFormat::Jsonl => Self::Jsonl(out),
            EventFormat::Csv => {
                let mut w = csv::Writer::from_writer(out);
                let mut header: Vec<&str> = CSV_COLUMNS.to_vec();
                header.extend(INCIDENT_COLUMNS);
                w.write_record(&header)?;
                Self::Csv(Box::new(w))
            }
            EventFormat::Geojson => {
                out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
                Self::Geojson { out, features: 0 }
            }
        })
    }

    fn write(&mut self, s: &StoredIncident) -> Result<()> {
        let inc = &s.incident;
        match self {
            Self::Jsonl(out) => write_jsonl(out, inc)?,
            Self::Csv(w) => {
                let mut e: EventRecord = inc.event.clone();
                e.event_id = inc.incident_id.clone();
                if let Some(mut row) = csv_row(&e, s.source.as_deref()) {
                    row.extend([
                        inc.incident_id.clone(),
                        inc.sources.join(";"),
                        inc.reports.to_string(),
                        inc.event_ids.join(";"),
                        serde_json::to_string(&inc.disagreements)?,
                    ]);
                    w.write_record(&row)?;
                }
            }
            Self::Geojson { out, features } => {
                if *features > 0 {
                    out.write_all(b",\n")?;
                }
                serde_json::to_writer(&mut *out, &incident_feature(inc)?)?;
                *features += 1;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        match self {
            Self::Jsonl(mut out) => out.flush()?,
            Self::Csv(mut w) => w.flush()?,
            Self::Geojson { mut out, .. } => {
                out.write_all(b"\n]}\n")?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

fn incident_feature(inc: &Incident) -> Result<Value> {
    let mut f = geojson_feature(&inc.event)?;
    f["id"] = json!(inc.incident_id);
    let mut props = serde_json::to_value(inc)?;
    if let Some(m) = props.as_object_mut() {
        m.remove("latitude");
        m.remove("longitude");
    }
    f["properties"] = props;
    Ok(f)
}

/// The text of `incidents --explain`.
fn explain(d: &IncidentDetail) -> String {
    let inc = &d.incident;
    let e = &inc.event;
    let mut s = format!(
        "incident {}: {} at {} ({}), {}; {} report{} from {} source{}\n",
        inc.incident_id,
        e.sub_event_type
            .map(|t| t.as_str().to_string())
            .or(e.plover.map(|p| p.as_str().to_string()))
            .unwrap_or_default(),
        e.location.as_deref().unwrap_or("no place"),
        [e.admin1.as_deref(), e.country.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        e.event_date.map_or("no date".into(), |d| d.to_string()),
        inc.reports,
        if inc.reports == 1 { "" } else { "s" },
        inc.sources.len(),
        if inc.sources.len() == 1 { "" } else { "s" },
    );
    s += &format!("  {}\n", e.notes);
    s += &format!(
        "  fatalities {} (ACLED's conservative figure: the lowest specific report; vague \
         amounts and zeros do not lower it)\n",
        e.fatalities
    );
    for dis in &inc.disagreements {
        let vals: Vec<String> = dis
            .values
            .iter()
            .map(|v| format!("{} ({})", v.value, v.doc_ids.join(", ")))
            .collect();
        s += &format!("  disagreement on {}: {}\n", dis.field, vals.join(" vs "));
    }
    for (i, (r, x)) in d.members.iter().enumerate() {
        s += &format!(
            "{}. {} from {}: {} {}, {}, {}\n",
            i + 1,
            r.event_id,
            r.doc_id,
            r.event_date.map_or("undated".into(), |d| d.to_string()),
            r.time_precision
                .map_or(String::new(), |p| format!("(precision {p})")),
            r.location.as_deref().unwrap_or("no place"),
            [r.actor1.as_deref(), r.actor2.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" vs "),
        );
        if x["opened"].as_bool() == Some(true) {
            s += "   opened the incident (no stored incident was compatible enough)\n";
        } else {
            s += &format!(
                "   joined: score {} ≥ threshold {} (weakest link: {})\n   {}\n",
                x["score"]["total"],
                x["threshold"],
                x["weakest"].as_str().unwrap_or("?"),
                parts_text(&x["score"])
            );
        }
        if let Some(ru) = x.get("runner_up").filter(|v| !v.is_null()) {
            let sc = &ru["score"];
            let why = match sc["veto"].as_str() {
                Some(v) => format!("vetoed: {}", veto_text(v)),
                None => format!("score {}", sc["total"]),
            };
            s += &format!(
                "   next best: {} ({why}; {})\n",
                ru["incident_id"].as_str().unwrap_or("?"),
                distance_text(sc)
            );
        }
        for ev in &r.evidence {
            s += &format!("   “{}”\n", ev.text.trim());
        }
    }
    s
}

fn parts_text(score: &Value) -> String {
    let p = &score["parts"];
    let f = |k: &str| p[k].as_f64().map_or("?".into(), |v| format!("{v:.2}"));
    format!(
        "type {}, place {}, date {}, actors {}, casualties {}, text {} ({})",
        f("event_type"),
        f("place"),
        f("date"),
        f("actors"),
        f("casualties"),
        f("text"),
        distance_text(score)
    )
}

fn distance_text(score: &Value) -> String {
    let km = score["km"]
        .as_f64()
        .map_or("distance unknown".into(), |k| format!("{k} km apart"));
    let days = score["days"].as_i64().map_or("dates unknown".into(), |d| {
        format!("{} days apart", d.abs())
    });
    format!("{km}, {days}")
}

fn veto_text(v: &str) -> &'static str {
    use sitrep_pipeline::fuse::Veto;
    let veto: Option<Veto> = serde_json::from_value(json!(v)).ok();
    veto.map_or("incompatible", Veto::describe)
}

pub fn control(cli: &Cli, args: &ControlArgs) -> Result<Status> {
    let store = open(&args.store)?;
    let periods = store.control_periods(args.at, args.admin1.as_deref())?;
    write_control(&periods, args.format, stdout())?;
    note(cli, periods.len(), "control periods");
    Ok(Status::Ok)
}

const CONTROL_COLUMNS: &[&str] = &[
    "geonameid",
    "location",
    "admin1",
    "country",
    "latitude",
    "longitude",
    "holder",
    "previous_holder",
    "since",
    "until",
    "incident_ids",
    "confidence",
];

pub(crate) fn write_control(
    periods: &[ControlPeriod],
    format: EventFormat,
    mut out: impl Write,
) -> Result<()> {
    match format {
        EventFormat::Jsonl => {
            for p in periods {
                write_jsonl(&mut out, p)?;
            }
        }
        EventFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(CONTROL_COLUMNS)?;
            for p in periods {
                let opt = |v: Option<String>| v.unwrap_or_default();
                w.write_record([
                    opt(p.place.geonameid.map(|g| g.to_string())),
                    p.place.location.clone(),
                    opt(p.place.admin1.clone()),
                    opt(p.place.country.clone()),
                    p.place.latitude.to_string(),
                    p.place.longitude.to_string(),
                    p.holder.clone(),
                    opt(p.previous_holder.clone()),
                    opt(p.since.map(|d| d.to_string())),
                    opt(p.until.map(|d| d.to_string())),
                    p.incident_ids.join(";"),
                    format!("{:.3}", p.confidence),
                ])?;
            }
            w.flush()?;
        }
        EventFormat::Geojson => {
            let features: Vec<Value> = periods
                .iter()
                .map(|p| {
                    json!({"type": "Feature",
                           "geometry": {"type": "Point",
                                        "coordinates": [p.place.longitude, p.place.latitude]},
                           "properties": p})
                })
                .collect();
            serde_json::to_writer(
                &mut out,
                &json!({"type": "FeatureCollection", "features": features}),
            )?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(())
}

pub fn claims(cli: &Cli, args: &ClaimsArgs) -> Result<Status> {
    let store = open(&args.store)?;
    let claims = store.claims()?;
    write_claims(&claims, args.format, stdout())?;
    note(cli, claims.len(), "claims");
    Ok(Status::Ok)
}

fn write_claims(claims: &[Claim], format: EventFormat, mut out: impl Write) -> Result<()> {
    match format {
        EventFormat::Jsonl => {
            for c in claims {
                write_jsonl(&mut out, c)?;
            }
        }
        EventFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record([
                "doc_id",
                "start",
                "end",
                "text",
                "kind",
                "stated",
                "computed",
                "verdict",
                "explanation",
            ])?;
            for c in claims {
                let v = serde_json::to_value(c)?;
                let s = |k: &str| match &v[k] {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                w.write_record(
                    [
                        "doc_id",
                        "start",
                        "end",
                        "text",
                        "kind",
                        "stated",
                        "computed",
                        "verdict",
                        "explanation",
                    ]
                    .map(s),
                )?;
            }
            w.flush()?;
        }
        EventFormat::Geojson => bail!("claims have no GeoJSON form; use --format jsonl or csv"),
    }
    out.flush()?;
    Ok(())
}

pub fn export(cli: &Cli, args: &ExportArgs) -> Result<Status> {
    let store = open(&args.store)?;
    let dir = &args.out_dir;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let create = |name: &str| -> Result<BufWriter<File>> {
        let p = dir.join(name);
        Ok(BufWriter::new(
            File::create(&p).with_context(|| format!("creating {}", p.display()))?,
        ))
    };
    let all = Filter::default();
    for (ext, format) in [
        ("jsonl", EventFormat::Jsonl),
        ("csv", EventFormat::Csv),
        ("geojson", EventFormat::Geojson),
    ] {
        write_events(
            store.as_ref(),
            &all,
            format,
            create(&format!("events.{ext}"))?,
        )?;
        write_incidents(
            store.as_ref(),
            &all,
            format,
            create(&format!("incidents.{ext}"))?,
        )?;
        let periods = store.control_periods(None, None)?;
        write_control(&periods, format, create(&format!("control.{ext}"))?)?;
    }
    let claims = store.claims()?;
    write_claims(&claims, EventFormat::Jsonl, create("claims.jsonl")?)?;
    write_claims(&claims, EventFormat::Csv, create("claims.csv")?)?;
    if !cli.quiet {
        let c = store.counts()?;
        eprintln!(
            "sitrep: wrote {} events, {} incidents, {} control periods and {} claims to {}",
            c.events,
            c.incidents,
            c.control_periods,
            c.claims,
            display(dir)
        );
    }
    Ok(Status::Ok)
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
