//! The PostgreSQL store (cargo feature `postgres`, `--db postgres://…`): SQLite's schema and
//! behaviour on a server, so several `sitrep ingest` workers on different machines share one
//! database.
//!
//! - Schema: [`schema::MIGRATIONS`], applied under an advisory lock so workers starting
//!   together migrate once. Geometry is plain lat/lon columns with B-tree indexes: a stock
//!   server works, no PostGIS.
//! - The queue: [`PgStore::enqueue`] adds documents (idempotent, by id and content hash, like
//!   SQLite's ingest); the order they are first queued is the ingest order. [`PgStore::work`]
//!   claims queued documents with `FOR UPDATE SKIP LOCKED`, so workers never take the same
//!   document, and stores what was extracted from them in the same transaction: a worker
//!   killed mid-batch leaves its documents queued for the next.
//! - Fusion is incremental and order-dependent, so it runs under one advisory lock
//!   ([`PgStore::lock_fusion`]) and only up to the first document not yet extracted (the
//!   horizon): whoever fuses last fuses the rest, and the incidents are those one worker
//!   ingesting alone would make.
//! - Reads and fusion go through [`crate::Backend`], the trait SQLite's [`crate::Store`] shares.

mod read;
pub mod schema;
#[cfg(test)]
mod tests;

use std::sync::{Mutex, MutexGuard, PoisonError};

use postgres::error::SqlState;
use postgres::{Client, NoTls, Transaction};
use sitrep_model::{Claim, ControlReport, Document, EventRecord, Span};

use crate::{Error, Presence, Result, Store, day_number};

/// Advisory lock keys (arbitrary, sitrep's own).
const MIGRATION_LOCK: i64 = 0x5175_7265_7001;
const FUSION_LOCK: i64 = 0x5175_7265_7002;
/// Attempts at a queueing transaction that deadlocked with another worker's.
const RETRIES: usize = 8;

/// What was read from one claimed document (`None` from the extractor: it could not be read,
/// and leaves the queue unstored, as SQLite's ingest skips it).
#[derive(Debug, Clone, Default)]
pub struct DocumentOutput {
    /// Most salient first.
    pub events: Vec<EventRecord>,
    pub control: Vec<ControlReport>,
    pub claims: Vec<Claim>,
}

/// A connection to a PostgreSQL store.
pub struct PgStore {
    client: Mutex<Client>,
    /// The URL without its password, for messages.
    url: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("url", &self.url).finish()
    }
}

/// `url` with its password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}{tail}")
        }
        _ => url.to_string(),
    }
}

/// `url` naming database `name` instead of its own.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[start..].find('/') {
        Some(i) => &base[..start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Creates database `name` on the server `url` points at (the role needs CREATEDB) and
/// returns its URL; an existing one is dropped first. For tests and first setups.
pub fn create_database(url: &str, name: &str) -> Result<String> {
    let shown = redact(url);
    let mut c = Client::connect(url, NoTls).map_err(pg_err(&shown))?;
    // Two statements, two calls: neither may run inside a transaction, and a batch of
    // several is one implicit transaction.
    let quoted = quote_ident(name);
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        .map_err(pg_err(&shown))?;
    c.batch_execute(&format!("CREATE DATABASE {quoted}"))
        .map_err(pg_err(&shown))?;
    Ok(with_database(url, name))
}

/// Drops database `name` on the server `url` points at.
pub fn drop_database(url: &str, name: &str) -> Result<()> {
    let shown = redact(url);
    let mut c = Client::connect(url, NoTls).map_err(pg_err(&shown))?;
    c.batch_execute(&format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_ident(name)
    ))
    .map_err(pg_err(&shown))
}

fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub(crate) fn pg_err(url: &str) -> impl Fn(postgres::Error) -> Error + use<> {
    let url = url.to_string();
    move |source| Error::Postgres {
        url: url.clone(),
        source,
    }
}

impl PgStore {
    /// Connects to the store at `url` and brings its schema up to date.
    pub fn connect(url: &str) -> Result<Self> {
        let shown = redact(url);
        let client = Client::connect(url, NoTls).map_err(pg_err(&shown))?;
        let store = Self {
            client: Mutex::new(client),
            url: shown,
        };
        store.migrate()?;
        Ok(store)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn client(&self) -> MutexGuard<'_, Client> {
        self.client.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn err(&self) -> impl Fn(postgres::Error) -> Error + use<> {
        pg_err(&self.url)
    }

    pub(crate) fn json_err(
        &self,
        what: &'static str,
    ) -> impl Fn(serde_json::Error) -> Error + use<> {
        crate::json_err(std::path::Path::new(&self.url), what)
    }

    /// Number of migrations applied.
    pub fn schema_version(&self) -> Result<usize> {
        let v: i64 = self
            .client()
            .query_one("SELECT version FROM schema_version", &[])
            .map_err(self.err())?
            .get(0);
        Ok(v as usize)
    }

    fn migrate(&self) -> Result<()> {
        let sql = self.err();
        let mut c = self.client();
        let mut tx = c.transaction().map_err(&sql)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .map_err(&sql)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL);
             INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);",
        )
        .map_err(&sql)?;
        let v: i64 = tx
            .query_one("SELECT version FROM schema_version", &[])
            .map_err(&sql)?
            .get(0);
        let (v, known) = (v as usize, schema::MIGRATIONS.len());
        if v > known {
            return Err(Error::TooNew {
                path: self.url.clone().into(),
                found: v,
                known,
            });
        }
        for step in &schema::MIGRATIONS[v..] {
            tx.batch_execute(step).map_err(&sql)?;
        }
        tx.execute("UPDATE schema_version SET version = $1", &[&(known as i64)])
            .map_err(&sql)?;
        tx.commit().map_err(&sql)
    }

    /// Queues documents in the given order; for each, whether it was new (queued now), stored
    /// already with the same content, or stored under its id with other content (not queued).
    /// One transaction, retried when it deadlocks with another worker queueing the same
    /// documents in another order.
    pub fn enqueue(&self, docs: &[Document]) -> Result<Vec<Presence>> {
        let rows: Vec<(String, String)> = docs
            .iter()
            .map(|d| {
                let excluded = serde_json::to_string(&d.excluded)
                    .map_err(self.json_err("boilerplate spans"))?;
                Ok((Store::content_hash(d), excluded))
            })
            .collect::<Result<_>>()?;
        let mut attempt = 0;
        loop {
            match self.try_enqueue(docs, &rows) {
                Err(e) if attempt < RETRIES && is_transient(&e) => attempt += 1,
                r => return r.map_err(self.err()),
            }
        }
    }

    fn try_enqueue(
        &self,
        docs: &[Document],
        rows: &[(String, String)],
    ) -> Result<Vec<Presence>, postgres::Error> {
        let mut c = self.client();
        let mut tx = c.transaction()?;
        let insert = tx.prepare(
            "INSERT INTO documents (doc_id, content_hash, title, published, source, url,
                                    language, origin, text, excluded)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (doc_id) DO NOTHING RETURNING doc_key",
        )?;
        let stored = tx.prepare("SELECT content_hash FROM documents WHERE doc_id = $1")?;
        let mut out = Vec::with_capacity(docs.len());
        for (d, (hash, excluded)) in docs.iter().zip(rows) {
            let published = d.published.map(|p| p.to_string());
            let inserted = tx.query_opt(
                &insert,
                &[
                    &d.id,
                    hash,
                    &d.title,
                    &published,
                    &d.source,
                    &d.url,
                    &d.language,
                    &d.origin,
                    &d.text,
                    excluded,
                ],
            )?;
            out.push(if inserted.is_some() {
                Presence::New
            } else {
                let h: String = tx.query_one(&stored, &[&d.id])?.get(0);
                if &h == hash {
                    Presence::Stored
                } else {
                    Presence::Changed { stored_hash: h }
                }
            });
        }
        tx.commit()?;
        Ok(out)
    }

    /// Claims up to `limit` queued documents that no other worker holds (`FOR UPDATE SKIP
    /// LOCKED`), in queue order, hands them to `extract`, and stores what it returns for each
    /// (events with their evidence, control reports, claims) and marks them done, in one
    /// transaction. Returns how many were claimed: 0 when nothing is left to claim.
    pub fn work(
        &self,
        limit: usize,
        extract: &mut dyn FnMut(&[Document]) -> Vec<Option<DocumentOutput>>,
    ) -> Result<usize> {
        let sql = self.err();
        let json = self.json_err("extraction");
        let mut c = self.client();
        let mut tx = c.transaction().map_err(&sql)?;
        let rows = tx
            .query(
                "SELECT doc_key, doc_id, title, published, source, url, language, origin, text,
                        excluded
                 FROM documents WHERE NOT extracted ORDER BY doc_key LIMIT $1
                 FOR UPDATE SKIP LOCKED",
                &[&(limit as i64)],
            )
            .map_err(&sql)?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut keys: Vec<i64> = Vec::with_capacity(rows.len());
        let mut docs: Vec<Document> = Vec::with_capacity(rows.len());
        for r in &rows {
            keys.push(r.get(0));
            let published: Option<String> = r.get(3);
            let excluded: String = r.get(9);
            docs.push(Document {
                id: r.get(1),
                title: r.get(2),
                published: published.and_then(|p| p.parse().ok()),
                source: r.get(4),
                url: r.get(5),
                language: r.get(6),
                origin: r.get(7),
                text: r.get(8),
                excluded: serde_json::from_str::<Vec<Span>>(&excluded)
                    .map_err(self.json_err("boilerplate spans"))?,
                ..Document::default()
            });
        }
        let outputs = extract(&docs);
        for ((key, doc), out) in keys.iter().zip(&docs).zip(outputs) {
            match out {
                Some(o) => store_output(&mut tx, *key, doc, &o, &json).map_err(|e| match e {
                    Stored::Sql(e) => sql(e),
                    Stored::Json(e) => e,
                })?,
                None => {
                    tx.execute("DELETE FROM documents WHERE doc_key = $1", &[key])
                        .map_err(&sql)?;
                }
            }
        }
        tx.execute(
            "UPDATE documents SET extracted = TRUE WHERE doc_key = ANY($1)",
            &[&keys],
        )
        .map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        Ok(keys.len())
    }

    /// Documents queued and not yet extracted (including those a worker holds now).
    pub fn queued(&self) -> Result<usize> {
        let n: i64 = self
            .client()
            .query_one("SELECT COUNT(*) FROM documents WHERE NOT extracted", &[])
            .map_err(self.err())?
            .get(0);
        Ok(n as usize)
    }

    /// Waits for, then takes, the store's fusion lock: fusion and the control timeline are
    /// recomputed by one worker at a time. Held until [`PgStore::unlock_fusion`] or until the
    /// connection ends (a worker that dies releases it).
    pub fn lock_fusion(&self) -> Result<()> {
        self.client()
            .execute("SELECT pg_advisory_lock($1)", &[&FUSION_LOCK])
            .map(drop)
            .map_err(self.err())
    }

    pub fn unlock_fusion(&self) -> Result<()> {
        self.client()
            .execute("SELECT pg_advisory_unlock($1)", &[&FUSION_LOCK])
            .map(drop)
            .map_err(self.err())
    }
}

/// A deadlock or serialization failure: the transaction can simply be run again.
fn is_transient(e: &postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    })
}

enum Stored {
    Sql(postgres::Error),
    Json(Error),
}

impl From<postgres::Error> for Stored {
    fn from(e: postgres::Error) -> Self {
        Stored::Sql(e)
    }
}

/// Stores one document's events (with evidence), control reports and claims.
fn store_output(
    tx: &mut Transaction<'_>,
    doc_key: i64,
    doc: &Document,
    out: &DocumentOutput,
    json: &impl Fn(serde_json::Error) -> Error,
) -> Result<(), Stored> {
    for (rank, e) in out.events.iter().enumerate() {
        let record = to_json(e, json)?;
        let day = e.event_date.map(day_number);
        let key: i64 = tx
            .query_one(
                "INSERT INTO events (event_id, doc_key, rank, event_date, day, time_precision,
                                     event_type, sub_event_type, plover, actor1, actor2, country,
                                     country_code, admin1, location, latitude, longitude,
                                     geonameid, fatalities, record)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                         $17, $18, $19, $20)
                 RETURNING event_key",
                &[
                    &e.event_id,
                    &doc_key,
                    &(rank as i64),
                    &e.event_date.map(|d| d.to_string()),
                    &day,
                    &e.time_precision.map(i64::from),
                    &e.event_type.map(|t| t.as_str()),
                    &e.sub_event_type.map(|t| t.as_str()),
                    &e.plover.map(|t| t.as_str()),
                    &e.actor1,
                    &e.actor2,
                    &e.country,
                    &e.country_code,
                    &e.admin1,
                    &e.location,
                    &e.latitude,
                    &e.longitude,
                    &e.geonameid.map(|g| g as i64),
                    &i64::from(e.fatalities),
                    &record,
                ],
            )?
            .get(0);
        for (ord, ev) in e.evidence.iter().enumerate() {
            tx.execute(
                "INSERT INTO evidence (event_key, ord, doc_key, start, \"end\")
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &key,
                    &(ord as i64),
                    &doc_key,
                    &(ev.start as i64),
                    &(ev.end as i64),
                ],
            )?;
        }
    }
    for c in &out.control {
        let mut c = c.clone();
        // A statement without a date of its own holds on the day it was published.
        c.date = c.date.or(doc.published);
        tx.execute(
            "INSERT INTO control_reports (doc_key, start, \"end\", record) VALUES ($1, $2, $3, $4)",
            &[
                &doc_key,
                &(c.evidence.start as i64),
                &(c.evidence.end as i64),
                &to_json(&c, json)?,
            ],
        )?;
    }
    for c in &out.claims {
        tx.execute(
            "INSERT INTO claims (doc_key, start, \"end\", kind, verdict, record)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &doc_key,
                &(c.start as i64),
                &(c.end as i64),
                &crate::write::enum_str(&c.kind),
                &crate::write::enum_str(&c.verdict),
                &to_json(c, json)?,
            ],
        )?;
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(
    v: &T,
    json: &impl Fn(serde_json::Error) -> Error,
) -> Result<String, Stored> {
    serde_json::to_string(v).map_err(|e| Stored::Json(json(e)))
}
