//! Reads for browsing the store (`sitrep serve`): a document's text with the spans read from
//! it, counts of filtered rows for paging, and incidents per day for the timeline.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params_from_iter};
use sitrep_model::Claim;

use crate::read::Table;
use crate::{Filter, Result, Store, json_err};

/// A stored document, with what was read from it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDocument {
    pub doc_id: String,
    pub title: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// The text every offset refers to.
    pub text: String,
    /// The evidence spans of the document's events, in text order.
    pub evidence: Vec<EvidenceSpan>,
    /// The claims checked in the document, in text order.
    pub claims: Vec<Claim>,
}

/// One evidence span of one event, and the incident the event was fused into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceSpan {
    pub event_id: String,
    pub incident_id: Option<String>,
    /// UTF-8 byte offsets into [`StoredDocument::text`].
    pub start: usize,
    pub end: usize,
}

/// Incidents of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySummary {
    pub date: NaiveDate,
    pub incidents: usize,
    pub fatalities: u64,
}

impl Store {
    /// One document by id, with its evidence spans and claims.
    pub fn document(&self, doc_id: &str) -> Result<Option<StoredDocument>> {
        let sql = self.sql();
        let found = self
            .conn
            .query_row(
                "SELECT doc_key, doc_id, title, published, source, url, language, text
                 FROM documents WHERE doc_id = ?1",
                [doc_id],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        StoredDocument {
                            doc_id: r.get(1)?,
                            title: r.get(2)?,
                            published: r.get(3)?,
                            source: r.get(4)?,
                            url: r.get(5)?,
                            language: r.get(6)?,
                            text: r.get(7)?,
                            evidence: Vec::new(),
                            claims: Vec::new(),
                        },
                    ))
                },
            )
            .optional()
            .map_err(&sql)?;
        let Some((key, mut doc)) = found else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.event_id, i.incident_id, v.start, v.end FROM evidence v
                 JOIN events e ON e.event_key = v.event_key
                 LEFT JOIN incident_members m ON m.event_key = e.event_key
                 LEFT JOIN incidents i ON i.incident_key = m.incident_key
                 WHERE v.doc_key = ?1 ORDER BY v.start, v.end, e.event_key",
            )
            .map_err(&sql)?;
        let rows = stmt
            .query_map([key], |r| {
                Ok(EvidenceSpan {
                    event_id: r.get(0)?,
                    incident_id: r.get(1)?,
                    start: r.get::<_, i64>(2)? as usize,
                    end: r.get::<_, i64>(3)? as usize,
                })
            })
            .map_err(&sql)?;
        for row in rows {
            doc.evidence.push(row.map_err(&sql)?);
        }
        let json = json_err(&self.path, "claim");
        let mut stmt = self
            .conn
            .prepare("SELECT record FROM claims WHERE doc_key = ?1 ORDER BY start, claim_key")
            .map_err(&sql)?;
        let rows = stmt
            .query_map([key], |r| r.get::<_, String>(0))
            .map_err(&sql)?;
        for row in rows {
            doc.claims
                .push(serde_json::from_str(&row.map_err(&sql)?).map_err(&json)?);
        }
        Ok(Some(doc))
    }

    /// How many events match `filter` (its limit and offset aside).
    pub fn count_events(&self, filter: &Filter) -> Result<usize> {
        self.count(filter, Table::Events, "events e")
    }

    /// How many incidents match `filter` (its limit and offset aside).
    pub fn count_incidents(&self, filter: &Filter) -> Result<usize> {
        self.count(filter, Table::Incidents, "incidents i")
    }

    fn count(&self, filter: &Filter, table: Table, from: &str) -> Result<usize> {
        let (conds, params) = filter.conditions(table);
        let n: i64 = self
            .conn
            .query_row(
                &format!("SELECT COUNT(*) FROM {from} WHERE {conds}"),
                params_from_iter(params),
                |r| r.get(0),
            )
            .map_err(self.sql())?;
        Ok(n as usize)
    }

    /// Dated incidents matching `filter`, counted per day, in date order.
    pub fn incident_days(&self, filter: &Filter) -> Result<Vec<DaySummary>> {
        let sql = self.sql();
        let (conds, params) = filter.conditions(Table::Incidents);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT i.day, COUNT(*), SUM(COALESCE(json_extract(i.record, '$.fatalities'), 0))
                 FROM incidents i WHERE {conds} AND i.day IS NOT NULL
                 GROUP BY i.day ORDER BY i.day"
            ))
            .map_err(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(params), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(&sql)?;
        let mut out = Vec::new();
        for row in rows {
            let (day, n, dead) = row.map_err(&sql)?;
            let Some(date) = i32::try_from(day)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
            else {
                continue;
            };
            out.push(DaySummary {
                date,
                incidents: n as usize,
                fatalities: dead.max(0) as u64,
            });
        }
        Ok(out)
    }
}
