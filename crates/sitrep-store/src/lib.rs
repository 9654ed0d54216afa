//! sitrep's store: one SQLite file (default `./sitrep.db`) holding documents, their event
//! records with evidence spans, the incidents fused from them, control reports and periods,
//! and claim checks.
//!
//! [`Store`] does SQL only; the analysis that fills it (extraction, fusion, control, claims)
//! lives in `sitrep-pipeline` and is driven by the binary's `ingest` command.
//!
//! - Schema: an ordered list of migrations ([`schema::MIGRATIONS`]) with the applied count in
//!   `schema_version`; [`Store::open`] applies what is missing.
//! - Durability: WAL journal; each document goes in with [`Store::insert_document`] in one
//!   transaction (document, events, evidence, control reports, claims), and each fusion step
//!   with [`Store::apply_fusion`] in one transaction, so a process killed at any moment leaves
//!   whole documents and whole fusion steps, never half of one.
//! - Idempotency: a document is identified by its id and a content hash (sha256 of id and
//!   text); [`Store::presence`] tells whether it is new, stored, or stored with other content.
//! - Errors name the file; those a user can fix have variants that say what to do
//!   ([`Error::ReadOnly`], [`Error::Full`], [`Error::CannotOpen`], [`Error::Io`]).
//!   [`Store::limit_pages`] caps the file so tests can fill "the disk".
//! - Reads take a [`Filter`] (date range, bounding box through an R*Tree over
//!   longitude, latitude and day, country, type, actor, text).
//! - [`Backend`]: fusion, the control timeline and the reads, shared with the PostgreSQL store
//!   (`pg::PgStore`, cargo feature `postgres`), where several ingest workers share one database
//!   and one queue of documents.

mod backend;
mod browse;
#[cfg(feature = "postgres")]
pub mod pg;
mod read;
pub mod schema;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use sitrep_model::Document;

pub use backend::{Backend, Sink};
pub use browse::{DaySummary, EvidenceSpan, StoredDocument};
pub use read::{Counts, Filter, IncidentDetail, StoredEvent, StoredIncident};
pub use write::{DocumentBundle, Join, PendingDocument};

/// Errors of the store, naming the database file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// The file, its folder or its disk refuses writes (or the path is a `mode=ro` URI).
    #[error(
        "{path}: the database is read-only (check the permissions of the file and of its \
         folder, and whether the disk is mounted read-only)"
    )]
    ReadOnly { path: PathBuf },
    /// SQLite's `SQLITE_FULL`: the disk holding the database (or its `-wal` file) has no
    /// room left, or the database reached its page limit.
    #[error(
        "{path}: the disk or the database is full; what was stored before is intact (whole \
         documents only), and running the same command again once there is space finishes \
         the job"
    )]
    Full { path: PathBuf },
    /// Another failed read or write of the file or of the `-wal`/`-shm` files beside it.
    #[error(
        "{path}: the disk failed a read or a write (is it full, removed or failing?); SQLite \
         says \"{detail}\""
    )]
    Io { path: PathBuf, detail: String },
    /// SQLite could not open or create the file, or the `-wal`/`-shm` files beside it.
    #[error(
        "{path}: cannot open or create the database file; does its folder exist, and may \
         sitrep create files in it? (SQLite keeps `-wal` and `-shm` files beside the database)"
    )]
    CannotOpen { path: PathBuf },
    #[error("{path}: stored {what} is not valid JSON: {source}")]
    Json {
        path: PathBuf,
        what: &'static str,
        source: serde_json::Error,
    },
    #[error(
        "{path}: schema version {found} is newer than this sitrep knows ({known}); use a newer sitrep"
    )]
    TooNew {
        path: PathBuf,
        found: usize,
        known: usize,
    },
    #[error(
        "{path}: schema version {found} is older than this sitrep's ({known}); run `sitrep ingest` on it once to upgrade"
    )]
    Outdated {
        path: PathBuf,
        found: usize,
        known: usize,
    },
    /// PostgreSQL (the URL is shown without its password).
    #[cfg(feature = "postgres")]
    #[error("{url}: {source}")]
    Postgres {
        url: String,
        source: postgres::Error,
    },
    /// An error of the caller's callback while reading.
    #[error(transparent)]
    Sink(Box<dyn std::error::Error + Send + Sync>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a document is already in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    New,
    /// Stored with the same content: nothing to do.
    Stored,
    /// Stored under the same id with different text.
    Changed {
        stored_hash: String,
    },
}

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(|e| store_err(path, e))?;
        // SQLite falls back to read-only when it may not write the file; say so now rather
        // than at the first write.
        if conn
            .is_readonly(rusqlite::MAIN_DB)
            .map_err(|e| store_err(path, e))?
        {
            return Err(Error::ReadOnly {
                path: path.to_path_buf(),
            });
        }
        Self::init(conn, path.to_path_buf())
    }

    /// Opens an existing store for reading only: no migration, no journal change, and
    /// `query_only` set, so nothing done through this handle can write (`sitrep serve`).
    /// Like [`Store::open`], `path` may be a SQLite `file:` URI.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        let sql = |e| store_err(path, e);
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
                | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(sql)?;
        conn.execute_batch("PRAGMA query_only = ON;").map_err(sql)?;
        let store = Self {
            conn,
            path: path.to_path_buf(),
        };
        let (found, known) = (store.schema_version()?, schema::MIGRATIONS.len());
        if found > known {
            return Err(Error::TooNew {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        if found < known {
            return Err(Error::Outdated {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        Ok(store)
    }

    /// A store in memory (tests, benchmarks).
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(|source| Error::Sql {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        Self::init(conn, PathBuf::from(":memory:"))
    }

    fn init(conn: Connection, path: PathBuf) -> Result<Self> {
        let mut store = Self { conn, path };
        let sql = |e| store_err(&store.path, e);
        store
            .conn
            .busy_timeout(std::time::Duration::from_secs(30))
            .map_err(sql)?;
        // WAL: readers never block the writer, and a commit survives the process being killed.
        store
            .conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
            .map_err(sql)?;
        store
            .conn
            .execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(sql)?;
        store.migrate()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        |e| store_err(&self.path, e)
    }

    /// Number of migrations applied.
    pub fn schema_version(&self) -> Result<usize> {
        let v: i64 = self
            .conn
            .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
            .map_err(self.sql())?;
        Ok(v as usize)
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let sql = |e| store_err(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
             INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);",
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        loop {
            let tx = self.conn.transaction().map_err(sql)?;
            let v: i64 = tx
                .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
                .map_err(sql)?;
            let v = v as usize;
            if v > schema::MIGRATIONS.len() {
                return Err(Error::TooNew {
                    path: path.clone(),
                    found: v,
                    known: schema::MIGRATIONS.len(),
                });
            }
            let Some(step) = schema::MIGRATIONS.get(v) else {
                return Ok(());
            };
            tx.execute_batch(step).map_err(sql)?;
            tx.execute("UPDATE schema_version SET version = ?1", [v as i64 + 1])
                .map_err(sql)?;
            tx.commit().map_err(sql)?;
        }
    }

    /// The content hash that identifies a document: sha256 of its id, a NUL byte and its text.
    pub fn content_hash(doc: &Document) -> String {
        let mut h = Sha256::new();
        h.update(doc.id.as_bytes());
        h.update([0u8]);
        h.update(doc.text.as_bytes());
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    }

    /// Whether `doc` is new, already stored, or stored with different content.
    pub fn presence(&self, doc: &Document) -> Result<Presence> {
        let stored: Option<String> = self
            .conn
            .query_row(
                "SELECT content_hash FROM documents WHERE doc_id = ?1",
                [&doc.id],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql())?;
        Ok(match stored {
            None => Presence::New,
            Some(h) if h == Self::content_hash(doc) => Presence::Stored,
            Some(stored_hash) => Presence::Changed { stored_hash },
        })
    }

    /// Caps the database at `pages` pages (`PRAGMA max_page_count`, this connection only), so
    /// that a write past it fails as a full disk would. A testing knob: the binary applies it
    /// from `SITREP_STORE_MAX_PAGES`. A cap below the current size leaves the size as the cap.
    pub fn limit_pages(&self, pages: u64) -> Result<()> {
        self.conn
            .pragma_update_and_check(None, "max_page_count", pages as i64, |_| Ok(()))
            .map_err(self.sql())
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        let rows: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(self.sql())?;
        Ok(rows.join("\n"))
    }
}

/// An SQLite error naming the file; the conditions a user can fix (a read-only file, a full
/// disk, a file that cannot be opened) get errors of their own that say what to do.
fn store_err(path: &Path, source: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    let path = path.to_path_buf();
    let extended = match &source {
        rusqlite::Error::SqliteFailure(e, _) => e.extended_code,
        _ => 0,
    };
    match source.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => Error::ReadOnly { path },
        Some(ErrorCode::DiskFull) => Error::Full { path },
        // Growing the `-shm` file failed: on a local disk, that is a disk without room.
        Some(ErrorCode::SystemIoFailure) if extended == rusqlite::ffi::SQLITE_IOERR_SHMSIZE => {
            Error::Full { path }
        }
        Some(ErrorCode::SystemIoFailure) => Error::Io {
            path,
            detail: format!("{source} (extended code {extended})"),
        },
        Some(ErrorCode::CannotOpen) => Error::CannotOpen { path },
        _ => Error::Sql { path, source },
    }
}

fn json_err(path: &Path, what: &'static str) -> impl Fn(serde_json::Error) -> Error + use<> {
    let path = path.to_path_buf();
    move |source| Error::Json {
        path: path.to_path_buf(),
        what,
        source,
    }
}

/// Whether `db` names a PostgreSQL store (feature `postgres`) rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// Days from the common era, the integer the store indexes dates by.
pub fn day_number(d: chrono::NaiveDate) -> i64 {
    i64::from(chrono::Datelike::num_days_from_ce(&d))
}

#[cfg(test)]
mod tests;
