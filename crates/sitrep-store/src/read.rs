//! Reads: events, incidents, control periods and claims, filtered.

use chrono::NaiveDate;
use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, params_from_iter};
use serde_json::Value;
use sitrep_model::{Claim, ControlPeriod, EventRecord, Incident};

use crate::{Error, Result, Store, day_number, json_err};

/// What to read. Every field narrows; the default reads everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// First and last day (inclusive) of `event_date`.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `[min_lon, min_lat, max_lon, max_lat]`.
    pub bbox: Option<[f64; 4]>,
    /// Country name or ISO alpha-2 code (case-insensitive).
    pub country: Option<String>,
    /// ACLED event type, sub-event type or PLOVER category.
    pub event_type: Option<String>,
    /// Substring of actor1 or actor2 (case-insensitive).
    pub actor: Option<String>,
    /// Substring of the stored record (notes, evidence, places; case-insensitive).
    pub q: Option<String>,
    pub limit: Option<usize>,
    /// Rows to pass over first (paging, with `limit`).
    pub offset: Option<usize>,
}

/// An event as stored, with its document's source (ACLED's `source` column).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub record: EventRecord,
    pub source: Option<String>,
}

/// An incident as stored, with the sources' outlets.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredIncident {
    pub incident: Incident,
    pub source: Option<String>,
}

/// An incident with its member records and why each joined.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentDetail {
    pub incident: Incident,
    /// In the order they joined: the record and the fusion's explanation (JSON).
    pub members: Vec<(EventRecord, Value)>,
}

/// How much the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub documents: usize,
    pub events: usize,
    pub evidence: usize,
    pub incidents: usize,
    pub members: usize,
    pub control_reports: usize,
    pub control_periods: usize,
    pub claims: usize,
}

/// The table being filtered.
#[derive(Clone, Copy)]
pub(crate) enum Table {
    Events,
    Incidents,
}

impl Filter {
    /// SQL conditions (joined with AND) and their parameters.
    pub(crate) fn conditions(&self, table: Table) -> (String, Vec<SqlValue>) {
        let (alias, key, rtree) = match table {
            Table::Events => ("e", "event_key", "events_where_when"),
            Table::Incidents => ("i", "incident_key", "incidents_where_when"),
        };
        let mut conds: Vec<String> = vec!["1".into()];
        let mut params: Vec<SqlValue> = Vec::new();
        let lo = self.from.map(day_number);
        let hi = self.to.map(day_number);
        if let Some([min_lon, min_lat, max_lon, max_lat]) = self.bbox {
            // The R*Tree narrows on place and day at once (its bounds are f32, rounded
            // outwards); the exact comparison follows.
            conds.push(format!(
                "{alias}.{key} IN (SELECT {key} FROM {rtree}
                 WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?
                   AND max_day >= ? AND min_day <= ?)"
            ));
            params.extend([
                SqlValue::Real(min_lon),
                SqlValue::Real(max_lon),
                SqlValue::Real(min_lat),
                SqlValue::Real(max_lat),
                SqlValue::Real(lo.unwrap_or(i64::from(i32::MIN)) as f64),
                SqlValue::Real(hi.unwrap_or(i64::from(i32::MAX)) as f64),
            ]);
            conds.push(format!(
                "{alias}.longitude BETWEEN ? AND ? AND {alias}.latitude BETWEEN ? AND ?"
            ));
            params.extend([
                SqlValue::Real(min_lon),
                SqlValue::Real(max_lon),
                SqlValue::Real(min_lat),
                SqlValue::Real(max_lat),
            ]);
        }
        if let Some(lo) = lo {
            conds.push(format!("{alias}.day >= ?"));
            params.push(SqlValue::Integer(lo));
        }
        if let Some(hi) = hi {
            conds.push(format!("{alias}.day <= ?"));
            params.push(SqlValue::Integer(hi));
        }
        if let Some(c) = &self.country {
            conds.push(format!(
                "({alias}.country = ? COLLATE NOCASE OR {alias}.country_code = ? COLLATE NOCASE)"
            ));
            params.extend([SqlValue::Text(c.clone()), SqlValue::Text(c.clone())]);
        }
        if let Some(t) = &self.event_type {
            conds.push(format!(
                "({alias}.event_type = ? OR {alias}.sub_event_type = ? OR {alias}.plover = ?)"
            ));
            params.extend(std::iter::repeat_n(SqlValue::Text(t.clone()), 3));
        }
        if let Some(a) = &self.actor {
            let like = format!("%{}%", escape_like(a));
            match table {
                Table::Events => {
                    conds.push(format!(
                        "({alias}.actor1 LIKE ? ESCAPE '\\' OR {alias}.actor2 LIKE ? ESCAPE '\\')"
                    ));
                    params.extend([SqlValue::Text(like.clone()), SqlValue::Text(like)]);
                }
                Table::Incidents => {
                    conds.push(format!("{alias}.record LIKE ? ESCAPE '\\'"));
                    params.push(SqlValue::Text(like));
                }
            }
        }
        if let Some(q) = &self.q {
            conds.push(format!("{alias}.record LIKE ? ESCAPE '\\'"));
            params.push(SqlValue::Text(format!("%{}%", escape_like(q))));
        }
        (conds.join(" AND "), params)
    }

    fn limit_clause(&self) -> String {
        match (self.limit, self.offset) {
            (None, None) => String::new(),
            (limit, offset) => format!(
                " LIMIT {} OFFSET {}",
                limit.map_or(-1, |n| n as i64),
                offset.unwrap_or(0)
            ),
        }
    }
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Store {
    /// Calls `sink` with each event matching `filter`, in ingest order; returns how many.
    pub fn events(
        &self,
        filter: &Filter,
        sink: &mut dyn FnMut(StoredEvent) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
    ) -> Result<usize> {
        let sql = self.sql();
        let json = json_err(&self.path, "event");
        let (conds, params) = filter.conditions(Table::Events);
        let query = format!(
            "SELECT e.record, d.source FROM events e JOIN documents d ON d.doc_key = e.doc_key
             WHERE {conds} ORDER BY e.event_key{}",
            filter.limit_clause()
        );
        let mut stmt = self.conn.prepare(&query).map_err(&sql)?;
        let mut rows = stmt.query(params_from_iter(params)).map_err(&sql)?;
        let mut n = 0;
        while let Some(row) = rows.next().map_err(&sql)? {
            let record: String = row.get(0).map_err(&sql)?;
            let source: Option<String> = row.get(1).map_err(&sql)?;
            let record = serde_json::from_str(&record).map_err(&json)?;
            sink(StoredEvent { record, source }).map_err(Error::Sink)?;
            n += 1;
        }
        Ok(n)
    }

    /// Calls `sink` with each incident matching `filter`, in creation order; returns how many.
    pub fn incidents(
        &self,
        filter: &Filter,
        sink: &mut dyn FnMut(
            StoredIncident,
        ) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
    ) -> Result<usize> {
        let sql = self.sql();
        let json = json_err(&self.path, "incident");
        let (conds, params) = filter.conditions(Table::Incidents);
        let query = format!(
            "SELECT i.record,
                    (SELECT group_concat(DISTINCT d.source) FROM incident_members m
                     JOIN events e ON e.event_key = m.event_key
                     JOIN documents d ON d.doc_key = e.doc_key
                     WHERE m.incident_key = i.incident_key)
             FROM incidents i WHERE {conds} ORDER BY i.incident_key{}",
            filter.limit_clause()
        );
        let mut stmt = self.conn.prepare(&query).map_err(&sql)?;
        let mut rows = stmt.query(params_from_iter(params)).map_err(&sql)?;
        let mut n = 0;
        while let Some(row) = rows.next().map_err(&sql)? {
            let record: String = row.get(0).map_err(&sql)?;
            let source: Option<String> = row.get(1).map_err(&sql)?;
            let incident = serde_json::from_str(&record).map_err(&json)?;
            sink(StoredIncident { incident, source }).map_err(Error::Sink)?;
            n += 1;
        }
        Ok(n)
    }

    /// One incident with its members and the explanation of each join.
    pub fn incident_detail(&self, incident_id: &str) -> Result<Option<IncidentDetail>> {
        let sql = self.sql();
        let json = json_err(&self.path, "incident");
        let found: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT incident_key, record FROM incidents WHERE incident_id = ?1",
                [incident_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(&sql)?;
        let Some((key, record)) = found else {
            return Ok(None);
        };
        let incident: Incident = serde_json::from_str(&record).map_err(&json)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.record, m.explanation FROM incident_members m
                 JOIN events e ON e.event_key = m.event_key
                 WHERE m.incident_key = ?1 ORDER BY m.ord",
            )
            .map_err(&sql)?;
        let rows = stmt
            .query_map([key], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(&sql)?;
        let mut members = Vec::new();
        for row in rows {
            let (rec, expl) = row.map_err(&sql)?;
            members.push((
                serde_json::from_str(&rec).map_err(&json)?,
                serde_json::from_str(&expl).map_err(&json)?,
            ));
        }
        Ok(Some(IncidentDetail { incident, members }))
    }

    /// Control periods: all of them, or those in force on `at`; only places in `admin1` when
    /// given (case-insensitive). Ordered by place, then time.
    pub fn control_periods(
        &self,
        at: Option<NaiveDate>,
        admin1: Option<&str>,
    ) -> Result<Vec<ControlPeriod>> {
        let sql = self.sql();
        let json = json_err(&self.path, "control period");
        let mut conds = vec!["1".to_string()];
        let mut params: Vec<SqlValue> = Vec::new();
        if let Some(at) = at {
            conds.push("(since IS NULL OR since <= ?) AND (until IS NULL OR until > ?)".into());
            params.extend([
                SqlValue::Text(at.to_string()),
                SqlValue::Text(at.to_string()),
            ]);
        }
        if let Some(a) = admin1 {
            conds.push("admin1 = ? COLLATE NOCASE".into());
            params.push(SqlValue::Text(a.to_string()));
        }
        let query = format!(
            "SELECT record FROM control_periods WHERE {} ORDER BY period_key",
            conds.join(" AND ")
        );
        let mut stmt = self.conn.prepare(&query).map_err(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(params), |r| r.get::<_, String>(0))
            .map_err(&sql)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r.map_err(&sql)?).map_err(&json)?);
        }
        Ok(out)
    }

    /// Claim checks, in document order.
    pub fn claims(&self) -> Result<Vec<Claim>> {
        let sql = self.sql();
        let json = json_err(&self.path, "claim");
        let mut stmt = self
            .conn
            .prepare("SELECT record FROM claims ORDER BY doc_key, start, claim_key")
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

    /// How many rows each table holds.
    pub fn counts(&self) -> Result<Counts> {
        let sql = self.sql();
        let count = |table: &str| -> Result<usize> {
            let n: i64 = self
                .conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                .map_err(&sql)?;
            Ok(n as usize)
        };
        Ok(Counts {
            documents: count("documents")?,
            events: count("events")?,
            evidence: count("evidence")?,
            incidents: count("incidents")?,
            members: count("incident_members")?,
            control_reports: count("control_reports")?,
            control_periods: count("control_periods")?,
            claims: count("claims")?,
        })
    }
}
