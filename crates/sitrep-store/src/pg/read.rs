//! [`Backend`] for PostgreSQL: fusion steps, the control timeline and the filtered reads, in
//! the same order SQLite gives them (ingest order: `doc_key`, then rank).

use chrono::NaiveDate;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use sitrep_model::{Claim, ControlPeriod, ControlReport, EventRecord, Incident};

use super::PgStore;
use crate::backend::Sink;
use crate::{
    Backend, Counts, Error, Filter, IncidentDetail, Join, PendingDocument, Result, StoredEvent,
    StoredIncident, day_number,
};

type Param = Box<dyn ToSql + Sync>;

/// SQL conditions (joined with AND) over alias `a`, with `$n` placeholders, and their values.
/// The same filter as SQLite's; a bounding box also requires a day, as SQLite's R*Tree does.
fn conditions(f: &Filter, a: &str, actor_in_record: bool) -> (String, Vec<Param>) {
    let mut conds: Vec<String> = vec!["TRUE".into()];
    let mut params: Vec<Param> = Vec::new();
    let p = |v: Param, params: &mut Vec<Param>| {
        params.push(v);
        format!("${}", params.len())
    };
    if let Some([min_lon, min_lat, max_lon, max_lat]) = f.bbox {
        let (w, e) = (
            p(Box::new(min_lon), &mut params),
            p(Box::new(max_lon), &mut params),
        );
        let (s, n) = (
            p(Box::new(min_lat), &mut params),
            p(Box::new(max_lat), &mut params),
        );
        conds.push(format!(
            "{a}.longitude BETWEEN {w} AND {e} AND {a}.latitude BETWEEN {s} AND {n} \
             AND {a}.day IS NOT NULL"
        ));
    }
    if let Some(lo) = f.from.map(day_number) {
        conds.push(format!("{a}.day >= {}", p(Box::new(lo), &mut params)));
    }
    if let Some(hi) = f.to.map(day_number) {
        conds.push(format!("{a}.day <= {}", p(Box::new(hi), &mut params)));
    }
    if let Some(c) = &f.country {
        let c = p(Box::new(c.clone()), &mut params);
        conds.push(format!(
            "(lower({a}.country) = lower({c}) OR lower({a}.country_code) = lower({c}))"
        ));
    }
    if let Some(t) = &f.event_type {
        let t = p(Box::new(t.clone()), &mut params);
        conds.push(format!(
            "({a}.event_type = {t} OR {a}.sub_event_type = {t} OR {a}.plover = {t})"
        ));
    }
    if let Some(actor) = &f.actor {
        let like = p(Box::new(format!("%{}%", escape_like(actor))), &mut params);
        conds.push(if actor_in_record {
            format!("{a}.record ILIKE {like}")
        } else {
            format!("({a}.actor1 ILIKE {like} OR {a}.actor2 ILIKE {like})")
        });
    }
    if let Some(q) = &f.q {
        let like = p(Box::new(format!("%{}%", escape_like(q))), &mut params);
        conds.push(format!("{a}.record ILIKE {like}"));
    }
    (conds.join(" AND "), params)
}

/// `LIKE` patterns escape with a backslash, PostgreSQL's default.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn limit_clause(f: &Filter) -> String {
    match (f.limit, f.offset) {
        (None, None) => String::new(),
        (limit, offset) => format!(
            " LIMIT {} OFFSET {}",
            limit.map_or("ALL".to_string(), |n| n.to_string()),
            offset.unwrap_or(0)
        ),
    }
}

fn refs(params: &[Param]) -> impl ExactSizeIterator<Item = &(dyn ToSql + Sync)> {
    params.iter().map(|b| b.as_ref())
}

impl PgStore {
    /// Every `record` of a one-column query, parsed.
    fn records<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        what: &'static str,
    ) -> Result<Vec<T>> {
        let json = self.json_err(what);
        let rows = self.client().query(query, &[]).map_err(self.err())?;
        rows.iter()
            .map(|r| serde_json::from_str(r.get::<_, &str>(0)).map_err(&json))
            .collect()
    }
}

impl Backend for PgStore {
    fn location(&self) -> String {
        self.url.clone()
    }

    /// Only documents before the horizon (the first document not yet extracted) are pending:
    /// fusion follows ingest order even while other workers are still extracting.
    fn pending_documents(&self, limit: usize) -> Result<Vec<PendingDocument>> {
        let json = self.json_err("event");
        let rows = self
            .client()
            .query(
                "WITH horizon AS (
                     SELECT COALESCE(MIN(doc_key), 9223372036854775807) AS k
                     FROM documents WHERE NOT extracted)
                 SELECT e.doc_key, e.event_key, e.record FROM events e
                 WHERE e.doc_key IN (
                     SELECT DISTINCT x.doc_key FROM events x
                     WHERE x.doc_key < (SELECT k FROM horizon)
                       AND NOT EXISTS (SELECT 1 FROM incident_members m
                                       WHERE m.event_key = x.event_key)
                     ORDER BY x.doc_key LIMIT $1)
                   AND NOT EXISTS (SELECT 1 FROM incident_members m
                                   WHERE m.event_key = e.event_key)
                 ORDER BY e.doc_key, e.rank",
                &[&(limit as i64)],
            )
            .map_err(self.err())?;
        let mut out: Vec<PendingDocument> = Vec::new();
        for r in &rows {
            let (doc_key, event_key): (i64, i64) = (r.get(0), r.get(1));
            let rec: EventRecord = serde_json::from_str(r.get::<_, &str>(2)).map_err(&json)?;
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

    fn incidents_overlapping(&self, lo: i64, hi: i64) -> Result<Vec<(String, Vec<EventRecord>)>> {
        let json = self.json_err("event");
        let rows = self
            .client()
            .query(
                "WITH hit AS (
                     SELECT DISTINCT m.incident_key FROM events e
                     JOIN incident_members m ON m.event_key = e.event_key
                     WHERE e.day BETWEEN $1 AND $2)
                 SELECT i.incident_id, e.record FROM hit
                 JOIN incidents i ON i.incident_key = hit.incident_key
                 JOIN incident_members m ON m.incident_key = hit.incident_key
                 JOIN events e ON e.event_key = m.event_key
                 ORDER BY m.incident_key, m.ord",
                &[&lo, &hi],
            )
            .map_err(self.err())?;
        let mut out: Vec<(String, Vec<EventRecord>)> = Vec::new();
        for r in &rows {
            let id: String = r.get(0);
            let rec: EventRecord = serde_json::from_str(r.get::<_, &str>(1)).map_err(&json)?;
            match out.last_mut() {
                Some((last, members)) if *last == id => members.push(rec),
                _ => out.push((id, vec![rec])),
            }
        }
        Ok(out)
    }

    fn apply_fusion(&mut self, joins: &[Join], incidents: &[Incident]) -> Result<()> {
        let sql = self.err();
        let json = self.json_err("incident");
        let mut c = self.client();
        let mut tx = c.transaction().map_err(&sql)?;
        for inc in incidents {
            let e = &inc.event;
            let record = serde_json::to_string(inc).map_err(&json)?;
            tx.execute(
                "INSERT INTO incidents (incident_id, day, event_type, sub_event_type, plover,
                                        country, country_code, admin1, latitude, longitude,
                                        reports, record)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT (incident_id) DO UPDATE SET
                     day = excluded.day, event_type = excluded.event_type,
                     sub_event_type = excluded.sub_event_type, plover = excluded.plover,
                     country = excluded.country, country_code = excluded.country_code,
                     admin1 = excluded.admin1, latitude = excluded.latitude,
                     longitude = excluded.longitude, reports = excluded.reports,
                     record = excluded.record",
                &[
                    &inc.incident_id,
                    &e.event_date.map(day_number),
                    &e.event_type.map(|t| t.as_str()),
                    &e.sub_event_type.map(|t| t.as_str()),
                    &e.plover.map(|t| t.as_str()),
                    &e.country,
                    &e.country_code,
                    &e.admin1,
                    &e.latitude,
                    &e.longitude,
                    &(inc.reports as i64),
                    &record,
                ],
            )
            .map_err(&sql)?;
        }
        for j in joins {
            let key: i64 = tx
                .query_one(
                    "SELECT incident_key FROM incidents WHERE incident_id = $1",
                    &[&j.incident_id],
                )
                .map_err(&sql)?
                .get(0);
            tx.execute(
                "INSERT INTO incident_members (event_key, incident_key, ord, explanation)
                 VALUES ($1, $2, (SELECT COUNT(*) FROM incident_members WHERE incident_key = $2),
                         $3)",
                &[&j.event_key, &key, &j.explanation],
            )
            .map_err(&sql)?;
        }
        tx.commit().map_err(&sql)
    }

    fn territorial_incidents(&self) -> Result<Vec<Incident>> {
        self.records(
            "SELECT record FROM incidents
             WHERE sub_event_type IN ('Non-state actor overtakes territory',
                                      'Government regains territory',
                                      'Non-violent transfer of territory')
                OR plover = 'RETREAT'
             ORDER BY incident_key",
            "incident",
        )
    }

    fn control_reports(&self) -> Result<Vec<ControlReport>> {
        // Workers store documents in any order; the reports' order is the documents'.
        self.records(
            "SELECT record FROM control_reports ORDER BY doc_key, report_key",
            "control report",
        )
    }

    fn replace_control(&mut self, periods: &[ControlPeriod]) -> Result<()> {
        let sql = self.err();
        let json = self.json_err("control period");
        let mut c = self.client();
        let mut tx = c.transaction().map_err(&sql)?;
        tx.execute("DELETE FROM control_periods", &[])
            .map_err(&sql)?;
        for p in periods {
            tx.execute(
                "INSERT INTO control_periods (place_key, location, admin1, country, holder, since,
                                              until, record)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &crate::write::place_key(p),
                    &p.place.location,
                    &p.place.admin1,
                    &p.place.country,
                    &p.holder,
                    &p.since.map(|d| d.to_string()),
                    &p.until.map(|d| d.to_string()),
                    &serde_json::to_string(p).map_err(&json)?,
                ],
            )
            .map_err(&sql)?;
        }
        tx.commit().map_err(&sql)
    }

    fn events(&self, filter: &Filter, sink: Sink<'_, StoredEvent>) -> Result<usize> {
        let sql = self.err();
        let json = self.json_err("event");
        let (conds, params) = conditions(filter, "e", false);
        let query = format!(
            "SELECT e.record, d.source FROM events e JOIN documents d ON d.doc_key = e.doc_key
             WHERE {conds} ORDER BY e.doc_key, e.rank{}",
            limit_clause(filter)
        );
        let mut c = self.client();
        let mut rows = c.query_raw(&query, refs(&params)).map_err(&sql)?;
        let mut n = 0;
        while let Some(row) = rows.next().map_err(&sql)? {
            let record = serde_json::from_str(row.get::<_, &str>(0)).map_err(&json)?;
            let source: Option<String> = row.get(1);
            sink(StoredEvent { record, source }).map_err(Error::Sink)?;
            n += 1;
        }
        Ok(n)
    }

    fn incidents(&self, filter: &Filter, sink: Sink<'_, StoredIncident>) -> Result<usize> {
        let sql = self.err();
        let json = self.json_err("incident");
        let (conds, params) = conditions(filter, "i", true);
        let query = format!(
            "SELECT i.record,
                    (SELECT string_agg(DISTINCT d.source, ',') FROM incident_members m
                     JOIN events e ON e.event_key = m.event_key
                     JOIN documents d ON d.doc_key = e.doc_key
                     WHERE m.incident_key = i.incident_key)
             FROM incidents i WHERE {conds} ORDER BY i.incident_key{}",
            limit_clause(filter)
        );
        let mut c = self.client();
        let mut rows = c.query_raw(&query, refs(&params)).map_err(&sql)?;
        let mut n = 0;
        while let Some(row) = rows.next().map_err(&sql)? {
            let incident = serde_json::from_str(row.get::<_, &str>(0)).map_err(&json)?;
            let source: Option<String> = row.get(1);
            sink(StoredIncident { incident, source }).map_err(Error::Sink)?;
            n += 1;
        }
        Ok(n)
    }

    fn incident_detail(&self, incident_id: &str) -> Result<Option<IncidentDetail>> {
        let sql = self.err();
        let json = self.json_err("incident");
        let mut c = self.client();
        let Some(found) = c
            .query_opt(
                "SELECT incident_key, record FROM incidents WHERE incident_id = $1",
                &[&incident_id],
            )
            .map_err(&sql)?
        else {
            return Ok(None);
        };
        let key: i64 = found.get(0);
        let incident: Incident = serde_json::from_str(found.get::<_, &str>(1)).map_err(&json)?;
        let rows = c
            .query(
                "SELECT e.record, m.explanation FROM incident_members m
                 JOIN events e ON e.event_key = m.event_key
                 WHERE m.incident_key = $1 ORDER BY m.ord",
                &[&key],
            )
            .map_err(&sql)?;
        let mut members = Vec::with_capacity(rows.len());
        for r in &rows {
            members.push((
                serde_json::from_str(r.get::<_, &str>(0)).map_err(&json)?,
                serde_json::from_str(r.get::<_, &str>(1)).map_err(&json)?,
            ));
        }
        Ok(Some(IncidentDetail { incident, members }))
    }

    fn control_periods(
        &self,
        at: Option<NaiveDate>,
        admin1: Option<&str>,
    ) -> Result<Vec<ControlPeriod>> {
        let json = self.json_err("control period");
        let mut conds = vec!["TRUE".to_string()];
        let mut params: Vec<Param> = Vec::new();
        if let Some(at) = at {
            params.push(Box::new(at.to_string()));
            conds.push("(since IS NULL OR since <= $1) AND (until IS NULL OR until > $1)".into());
        }
        if let Some(a) = admin1 {
            params.push(Box::new(a.to_string()));
            conds.push(format!("lower(admin1) = lower(${})", params.len()));
        }
        let query = format!(
            "SELECT record FROM control_periods WHERE {} ORDER BY period_key",
            conds.join(" AND ")
        );
        let mut c = self.client();
        let mut rows = c.query_raw(&query, refs(&params)).map_err(self.err())?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(self.err())? {
            out.push(serde_json::from_str(row.get::<_, &str>(0)).map_err(&json)?);
        }
        Ok(out)
    }

    fn claims(&self) -> Result<Vec<Claim>> {
        self.records(
            "SELECT record FROM claims ORDER BY doc_key, start, claim_key",
            "claim",
        )
    }

    fn counts(&self) -> Result<Counts> {
        let mut c = self.client();
        let row = c
            .query_one(
                "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM events),
                        (SELECT COUNT(*) FROM evidence), (SELECT COUNT(*) FROM incidents),
                        (SELECT COUNT(*) FROM incident_members),
                        (SELECT COUNT(*) FROM control_reports),
                        (SELECT COUNT(*) FROM control_periods), (SELECT COUNT(*) FROM claims)",
                &[],
            )
            .map_err(self.err())?;
        let n = |i: usize| row.get::<_, i64>(i) as usize;
        Ok(Counts {
            documents: n(0),
            events: n(1),
            evidence: n(2),
            incidents: n(3),
            members: n(4),
            control_reports: n(5),
            control_periods: n(6),
            claims: n(7),
        })
    }
}
