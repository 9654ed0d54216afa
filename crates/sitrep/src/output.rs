//! Output formats: JSONL, ACLED-column CSV and GeoJSON, written as a stream to stdout.

use std::io::{self, Write};

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};
use sitrep_model::EventRecord;

use crate::cli::EventFormat;

/// Whether an error is stdout closing under us (`sitrep extract … | head`): that is success.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Standard output, buffered, with errors that say they were writing to it: "writing to
/// standard output: No space left on device" rather than the bare OS message. The error kind
/// is kept, so a closed pipe is still recognised.
pub fn stdout() -> io::BufWriter<Stdout> {
    io::BufWriter::new(Stdout(io::stdout().lock()))
}

#[derive(Debug)]
pub struct Stdout(io::StdoutLock<'static>);

fn on_stdout(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("writing to standard output: {e}"))
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(on_stdout)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).map_err(on_stdout)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(on_stdout)
    }
}

/// Writes one JSON value per line.
pub fn write_jsonl<W: Write, T: Serialize>(out: &mut W, value: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// ACLED's export columns, in ACLED's order, then sitrep's additions.
pub const CSV_COLUMNS: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
    "doc_id",
    "country_code",
    "geonameid",
    "wounded",
    "plover",
    "confidence",
];

/// ACLED's disorder type for an event type.
fn disorder_type(event_type: &str) -> &'static str {
    match event_type {
        "Protests" | "Riots" => "Demonstrations",
        "Strategic developments" => "Strategic developments",
        _ => "Political violence",
    }
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// One CSV row for an event, or `None` for an event ACLED does not code (PLOVER-only).
pub fn csv_row(e: &EventRecord, source: Option<&str>) -> Option<Vec<String>> {
    let et = e.event_type?.as_str();
    let interaction = if e.inter2 > 0 {
        let (a, b) = (e.inter1.min(e.inter2), e.inter1.max(e.inter2));
        format!("{a}{b}")
    } else {
        format!("{}0", e.inter1)
    };
    let civilian = if e.inter2 == sitrep_model::inter::CIVILIANS {
        "Civilian targeting"
    } else {
        ""
    };
    Some(vec![
        e.event_id.clone(),
        opt(&e.event_date),
        e.event_date
            .map(|d| chrono::Datelike::year(&d).to_string())
            .unwrap_or_default(),
        opt(&e.time_precision),
        disorder_type(et).to_string(),
        et.to_string(),
        opt(&e.sub_event_type.map(|s| s.as_str())),
        opt(&e.actor1),
        String::new(),
        e.inter1.to_string(),
        opt(&e.actor2),
        String::new(),
        e.inter2.to_string(),
        interaction,
        civilian.to_string(),
        String::new(),
        String::new(),
        opt(&e.country),
        opt(&e.admin1),
        opt(&e.admin2),
        String::new(),
        opt(&e.location),
        opt(&e.latitude),
        opt(&e.longitude),
        opt(&e.geo_precision),
        source.unwrap_or_default().to_string(),
        String::new(),
        e.notes.clone(),
        e.fatalities.to_string(),
        String::new(),
        String::new(),
        e.doc_id.clone(),
        opt(&e.country_code),
        opt(&e.geonameid),
        opt(&e.wounded),
        opt(&e.plover.map(|p| p.as_str())),
        format!("{:.3}", e.confidence),
    ])
}

/// A GeoJSON feature for an event (geometry null when the event has no coordinates).
pub fn geojson_feature(e: &EventRecord) -> Result<Value> {
    let geometry = match (e.latitude, e.longitude) {
        (Some(lat), Some(lon)) => json!({"type": "Point", "coordinates": [lon, lat]}),
        _ => Value::Null,
    };
    let mut props = serde_json::to_value(e)?;
    if let Some(map) = props.as_object_mut() {
        map.remove("latitude");
        map.remove("longitude");
    }
    Ok(json!({"type": "Feature", "id": e.event_id, "geometry": geometry, "properties": props}))
}

/// Streams events in one of the three formats.
pub enum EventWriter<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
    Geojson { out: W, features: usize },
}

impl<W: Write> EventWriter<W> {
    pub fn new(mut out: W, format: EventFormat) -> Result<Self> {
        Ok(match format {
            EventFormat::Jsonl => Self::Jsonl(out),
            EventFormat::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(CSV_COLUMNS)?;
                Self::Csv(Box::new(w))
            }
            EventFormat::Geojson => {
                out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
                Self::Geojson { out, features: 0 }
            }
        })
    }

    /// Writes one event; returns whether it was written (CSV leaves PLOVER-only events out).
    pub fn write(&mut self, e: &EventRecord, source: Option<&str>) -> Result<bool> {
        match self {
            Self::Jsonl(out) => write_jsonl(out, e)?,
            Self::Csv(w) => {
                let Some(row) = csv_row(e, source) else {
                    return Ok(false);
                };
                w.write_record(&row)?;
            }
            Self::Geojson { out, features } => {
                if *features > 0 {
                    out.write_all(b",\n")?;
                }
                serde_json::to_writer(&mut *out, &geojson_feature(e)?)?;
                *features += 1;
            }
        }
        Ok(true)
    }

    pub fn finish(self) -> Result<()> {
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
