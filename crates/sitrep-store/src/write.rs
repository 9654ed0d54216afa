//! Writes: documents with everything read from them, fusion steps, the control timeline.

use rusqlite::{OptionalExtension, Params, Transaction, params};
use sitrep_model::{Claim, ControlPeriod, ControlReport, Document, EventRecord, Incident};

use crate::{Result, Store, day_number, json_err};

/// A document and everything extracted from it, stored together or not at all.
#[derive(Debug, Clone, Copy)]
pub struct DocumentBundle<'a> {
    pub doc: &'a Document,
    /// Most salient first, as extraction lists them.
    pub events: &'a [EventRecord],
    pub control: &'a [ControlReport],
    pub claims: &'a [Claim],
}

/// A stored document whose events are not fused yet.
#[derive(Debug, Clone)]
pub struct PendingDocument {
    pub doc_key: i64,
    /// `(event_key, record)`, most salient first.
    pub events: Vec<(i64, EventRecord)>,
}

/// One event joining an incident, with the fusion's explanation (JSON).
#[derive(Debug, Clone)]
pub struct Join {
    pub event_key: i64,
    pub incident_id: String,
    pub explanation: String,
}

impl Store {
    /// Stores a document with its events, evidence spans, control reports and claims in one
    /// transaction. Returns `false` (and changes nothing) when the id is already stored.
    pub fn insert_document(&mut self, b: &DocumentBundle<'_>) -> Result<bool> {
        let path = self.path.clone();
        let sql = |e| crate::store_err(&path, e);
        let json = |what| json_err(&path, what);
        let tx = self.conn.transaction().map_err(sql)?;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT doc_key FROM documents WHERE doc_id = ?1",
                [&b.doc.id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?;
        if exists.is_some() {
            return Ok(false);
        }
        let d = b.doc;
        exec(
            &tx,
            "INSERT INTO documents (doc_id, content_hash, title, published, source, url, language,
                                    origin, text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                d.id,
                Store::content_hash(d),
                d.title,
                d.published.map(|p| p.to_string()),
                d.source,
                d.url,
                d.language,
                d.origin,
                d.text
            ],
        )
        .map_err(sql)?;
        let doc_key = tx.last_insert_rowid();
        for (rank, e) in b.events.iter().enumerate() {
            let record = serde_json::to_string(e).map_err(json("event"))?;
            insert_event(&tx, doc_key, rank, e, &record).map_err(sql)?;
        }
        for c in b.control {
            let mut c = c.clone();
            // A statement without a date of its own holds on the day it was published.
            c.date = c.date.or(d.published);
            exec(
                &tx,
                "INSERT INTO control_reports (doc_key, start, end, record) VALUES (?1, ?2, ?3, ?4)",
                params![
                    doc_key,
                    c.evidence.start as i64,
                    c.evidence.end as i64,
                    serde_json::to_string(&c).map_err(json("control report"))?
                ],
            )
            .map_err(sql)?;
        }
        for c in b.claims {
            exec(
                &tx,
                "INSERT INTO claims (doc_key, start, end, kind, verdict, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    doc_key,
                    c.start as i64,
                    c.end as i64,
                    enum_str(&c.kind),
                    enum_str(&c.verdict),
                    serde_json::to_string(c).map_err(json("claim"))?
                ],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(true)
    }

    /// Documents with events not yet in an incident, in ingest order, at most `limit` of them.
    pub fn pending_documents(&self, limit: usize) -> Result<Vec<PendingDocument>> {
        let sql = self.sql();
        let json = json_err(&self.path, "event");
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.doc_key, e.event_key, e.record FROM events e
                 WHERE e.doc_key IN (
                     SELECT DISTINCT x.doc_key FROM events x
                     WHERE NOT EXISTS (SELECT 1 FROM incident_members m
                                       WHERE m.event_key = x.event_key)
                     ORDER BY x.doc_key LIMIT ?1)
                   AND NOT EXISTS (SELECT 1 FROM incident_members m
                                   WHERE m.event_key = e.event_key)
                 ORDER BY e.doc_key, e.rank",
            )
            .map_err(&sql)?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(&sql)?;
        let mut out: Vec<PendingDocument> = Vec::new();
        for row in rows {
            let (doc_key, event_key, record) = row.map_err(&sql)?;
            let rec: EventRecord = serde_json::from_str(&record).map_err(&json)?;
            match out.last_mut() {
                Some(p) if p.doc_key == doc_key => p.events.push((event_key, rec)),
                _ => out.push(PendingDocument {
                    doc_key,
                    events: vec![(event_key, rec)],
                }),
            }
        }
        Ok(out)
    }

    /// Every incident with a member dated within `[lo, hi]` (day numbers), with all its member
    /// records in the order they joined; incidents in creation order.
    pub fn incidents_overlapping(
        &self,
        lo: i64,
        hi: i64,
    ) -> Result<Vec<(String, Vec<EventRecord>)>> {
        let sql = self.sql();
        let json = json_err(&self.path, "event");
        let mut stmt = self
            .conn
            .prepare(
                "WITH hit AS (
                     SELECT DISTINCT m.incident_key FROM events e
                     JOIN incident_members m ON m.event_key = e.event_key
                     WHERE e.day BETWEEN ?1 AND ?2)
                 SELECT i.incident_id, e.record FROM hit
                 JOIN incidents i ON i.incident_key = hit.incident_key
                 JOIN incident_members m ON m.incident_key = hit.incident_key
                 JOIN events e ON e.event_key = m.event_key
                 ORDER BY m.incident_key, m.ord",
            )
            .map_err(&sql)?;
        let rows = stmt
            .query_map([lo, hi], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(&sql)?;
        let mut out: Vec<(String, Vec<EventRecord>)> = Vec::new();
        for row in rows {
            let (id, record) = row.map_err(&sql)?;
            let rec: EventRecord = serde_json::from_str(&record).map_err(&json)?;
            match out.last_mut() {
                Some((last, members)) if *last == id => members.push(rec),
                _ => out.push((id, vec![rec])),
            }
        }
        Ok(out)
    }

    /// Stores one fusion step in one transaction: the incidents created or changed (new ones
    /// in the order they were opened) and the events that joined them.
    pub fn apply_fusion(&mut self, joins: &[Join], incidents: &[Incident]) -> Result<()> {
        let path = self.path.clone();
        let sql = |e| crate::store_err(&path, e);
        let json = json_err(&path, "incident");
        let tx = self.conn.transaction().map_err(sql)?;
        for inc in incidents {
            let e = &inc.event;
            let record = serde_json::to_string(inc).map_err(&json)?;
            let day = e.event_date.map(day_number);
            exec(
                &tx,
                "INSERT INTO incidents (incident_id, day, event_type, sub_event_type, plover,
                                        country, country_code, admin1, latitude, longitude,
                                        reports, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT(incident_id) DO UPDATE SET
                     day = excluded.day, event_type = excluded.event_type,
                     sub_event_type = excluded.sub_event_type, plover = excluded.plover,
                     country = excluded.country, country_code = excluded.country_code,
                     admin1 = excluded.admin1, latitude = excluded.latitude,
                     longitude = excluded.longitude, reports = excluded.reports,
                     record = excluded.record",
                params![
                    inc.incident_id,
                    day,
                    e.event_type.map(|t| t.as_str()),
                    e.sub_event_type.map(|t| t.as_str()),
                    e.plover.map(|t| t.as_str()),
                    e.country,
                    e.country_code,
                    e.admin1,
                    e.latitude,
                    e.longitude,
                    inc.reports as i64,
                    record
                ],
            )
            .map_err(sql)?;
            let key: i64 = tx
                .query_row(
                    "SELECT incident_key FROM incidents WHERE incident_id = ?1",
                    [&inc.incident_id],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            exec(
                &tx,
                "DELETE FROM incidents_where_when WHERE incident_key = ?1",
                [key],
            )
            .map_err(sql)?;
            if let (Some(lat), Some(lon), Some(day)) = (e.latitude, e.longitude, day) {
                exec(
                    &tx,
                    "INSERT INTO incidents_where_when VALUES (?1, ?2, ?2, ?3, ?3, ?4, ?4)",
                    params![key, lon, lat, day as f64],
                )
                .map_err(sql)?;
            }
        }
        for j in joins {
            let key: i64 = tx
                .query_row(
                    "SELECT incident_key FROM incidents WHERE incident_id = ?1",
                    [&j.incident_id],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            let ord: i64 = tx
                .query_row(
                    "SELECT COUNT(*) FROM incident_members WHERE incident_key = ?1",
                    [key],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            exec(
                &tx,
                "INSERT INTO incident_members (event_key, incident_key, ord, explanation)
                 VALUES (?1, ?2, ?3, ?4)",
                params![j.event_key, key, ord, j.explanation],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(())
    }

    /// Incidents that may change who holds a place: territorial sub-event types and
    /// withdrawals (PLOVER `RETREAT`), in creation order.
    pub fn territorial_incidents(&self) -> Result<Vec<Incident>> {
        let sql = self.sql();
        let json = json_err(&self.path, "incident");
        let mut stmt = self
            .conn
            .prepare(
                "SELECT record FROM incidents
                 WHERE sub_event_type IN ('Non-state actor overtakes territory',
                                          'Government regains territory',
                                          'Non-violent transfer of territory')
                    OR plover = 'RETREAT'
                 ORDER BY incident_key",
            )
            .map_err(&sql)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(&sql)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r.map_err(&sql)?).map_err(&json)?);
        }
        Ok(out)
    }

    /// Every control report, in ingest order (dated by publication when the text gave no date).
    pub fn control_reports(&self) -> Result<Vec<ControlReport>> {
        let sql = self.sql();
        let json = json_err(&self.path, "control report");
        let mut stmt = self
            .conn
            .prepare("SELECT record FROM control_reports ORDER BY report_key")
            .map_err(&sql)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(&sql)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r.map_err(&sql)?).map_err(&json)?);
        }
        Ok(out)
    }

    /// Replaces the control timeline in one transaction.
    pub fn replace_control(&mut self, periods: &[ControlPeriod]) -> Result<()> {
        let path = self.path.clone();
        let sql = |e| crate::store_err(&path, e);
        let json = json_err(&path, "control period");
        let tx = self.conn.transaction().map_err(sql)?;
        exec(&tx, "DELETE FROM control_periods", []).map_err(sql)?;
        for p in periods {
            exec(
                &tx,
                "INSERT INTO control_periods (place_key, location, admin1, country, holder, since,
                                              until, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    place_key(p),
                    p.place.location,
                    p.place.admin1,
                    p.place.country,
                    p.holder,
                    p.since.map(|d| d.to_string()),
                    p.until.map(|d| d.to_string()),
                    serde_json::to_string(p).map_err(&json)?
                ],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(())
    }
}

/// A place's identity in the timeline: its geonameid, else its name and rounded coordinates.
pub(crate) fn place_key(p: &ControlPeriod) -> String {
    match p.place.geonameid {
        Some(id) => id.to_string(),
        None => format!(
            "{}@{:.2},{:.2}",
            p.place.location, p.place.latitude, p.place.longitude
        ),
    }
}

pub(crate) fn enum_str<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn insert_event(
    tx: &Transaction<'_>,
    doc_key: i64,
    rank: usize,
    e: &EventRecord,
    record: &str,
) -> rusqlite::Result<()> {
    let day = e.event_date.map(day_number);
    exec(
        tx,
        "INSERT INTO events (event_id, doc_key, rank, event_date, day, time_precision, event_type,
                             sub_event_type, plover, actor1, actor2, country, country_code,
                             admin1, location, latitude, longitude, geonameid, fatalities, record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20)",
        params![
            e.event_id,
            doc_key,
            rank as i64,
            e.event_date.map(|d| d.to_string()),
            day,
            e.time_precision,
            e.event_type.map(|t| t.as_str()),
            e.sub_event_type.map(|t| t.as_str()),
            e.plover.map(|t| t.as_str()),
            e.actor1,
            e.actor2,
            e.country,
            e.country_code,
            e.admin1,
            e.location,
            e.latitude,
            e.longitude,
            e.geonameid.map(|g| g as i64),
            i64::from(e.fatalities),
            record
        ],
    )?;
    let key = tx.last_insert_rowid();
    for (ord, ev) in e.evidence.iter().enumerate() {
        exec(
            tx,
            "INSERT INTO evidence (event_key, ord, doc_key, start, end) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key, ord as i64, doc_key, ev.start as i64, ev.end as i64],
        )?;
    }
    if let (Some(lat), Some(lon), Some(day)) = (e.latitude, e.longitude, day) {
        exec(
            tx,
            "INSERT INTO events_where_when VALUES (?1, ?2, ?2, ?3, ?3, ?4, ?4)",
            params![key, lon, lat, day as f64],
        )?;
    }
    Ok(())
}

/// Executes a statement through the connection's statement cache (ingest runs the same few
/// statements thousands of times).
fn exec(tx: &Transaction<'_>, sql: &str, p: impl Params) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(p)
}
