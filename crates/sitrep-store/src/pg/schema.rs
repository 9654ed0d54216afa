//! The PostgreSQL schema: SQLite's tables and columns (`crate::schema`), in PostgreSQL types,
//! with lat/lon columns and B-tree indexes in place of SQLite's R*Tree (no PostGIS: a stock
//! server works), and two columns more on `documents` for the shared work queue.
//! Never edit a released migration: append a new one.

/// Migration `i` brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the tables of SQLite's migration 1, and the queue.
    r#"
CREATE TABLE documents (
    doc_key      BIGSERIAL PRIMARY KEY,     -- ingest order (the order documents were queued)
    doc_id       TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title        TEXT,
    published    TEXT,
    source       TEXT,
    url          TEXT,
    language     TEXT,
    origin       TEXT NOT NULL,
    text         TEXT NOT NULL,
    -- The queue: boilerplate spans as read (JSON), and whether a worker has extracted it.
    excluded     TEXT NOT NULL DEFAULT '[]',
    extracted    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX documents_queued ON documents(doc_key) WHERE NOT extracted;

CREATE TABLE events (
    event_key      BIGSERIAL PRIMARY KEY,
    event_id       TEXT NOT NULL UNIQUE,
    doc_key        BIGINT NOT NULL REFERENCES documents(doc_key),
    rank           BIGINT NOT NULL,
    event_date     TEXT,
    day            BIGINT,
    time_precision BIGINT,
    event_type     TEXT,
    sub_event_type TEXT,
    plover         TEXT,
    actor1         TEXT,
    actor2         TEXT,
    country        TEXT,
    country_code   TEXT,
    admin1         TEXT,
    location       TEXT,
    latitude       DOUBLE PRECISION,
    longitude      DOUBLE PRECISION,
    geonameid      BIGINT,
    fatalities     BIGINT NOT NULL,
    record         TEXT NOT NULL
);
CREATE INDEX events_by_doc ON events(doc_key, rank);
CREATE INDEX events_by_day ON events(day);
CREATE INDEX events_by_place ON events(longitude, latitude);

CREATE TABLE evidence (
    event_key BIGINT NOT NULL REFERENCES events(event_key),
    ord       BIGINT NOT NULL,
    doc_key   BIGINT NOT NULL REFERENCES documents(doc_key),
    start     BIGINT NOT NULL,
    "end"     BIGINT NOT NULL,
    PRIMARY KEY (event_key, ord)
);
CREATE INDEX evidence_by_doc ON evidence(doc_key);

CREATE TABLE incidents (
    incident_key   BIGSERIAL PRIMARY KEY,
    incident_id    TEXT NOT NULL UNIQUE,
    day            BIGINT,
    event_type     TEXT,
    sub_event_type TEXT,
    plover         TEXT,
    country        TEXT,
    country_code   TEXT,
    admin1         TEXT,
    latitude       DOUBLE PRECISION,
    longitude      DOUBLE PRECISION,
    reports        BIGINT NOT NULL,
    record         TEXT NOT NULL
);
CREATE INDEX incidents_by_day ON incidents(day);
CREATE INDEX incidents_by_place ON incidents(longitude, latitude);

CREATE TABLE incident_members (
    event_key    BIGINT PRIMARY KEY REFERENCES events(event_key),
    incident_key BIGINT NOT NULL REFERENCES incidents(incident_key),
    ord          BIGINT NOT NULL,
    explanation  TEXT NOT NULL
);
CREATE INDEX members_by_incident ON incident_members(incident_key, ord);

CREATE TABLE control_reports (
    report_key BIGSERIAL PRIMARY KEY,
    doc_key    BIGINT NOT NULL REFERENCES documents(doc_key),
    start      BIGINT NOT NULL,
    "end"      BIGINT NOT NULL,
    record     TEXT NOT NULL
);
CREATE INDEX control_reports_by_doc ON control_reports(doc_key);

CREATE TABLE control_periods (
    period_key BIGSERIAL PRIMARY KEY,
    place_key  TEXT NOT NULL,
    location   TEXT NOT NULL,
    admin1     TEXT,
    country    TEXT,
    holder     TEXT NOT NULL,
    since      TEXT,
    until      TEXT,
    record     TEXT NOT NULL
);
CREATE INDEX control_periods_by_place ON control_periods(place_key, since);

CREATE TABLE claims (
    claim_key BIGSERIAL PRIMARY KEY,
    doc_key   BIGINT NOT NULL REFERENCES documents(doc_key),
    start     BIGINT NOT NULL,
    "end"     BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    verdict   TEXT NOT NULL,
    record    TEXT NOT NULL
);
CREATE INDEX claims_by_doc ON claims(doc_key);
"#,
];

/// Columns the PostgreSQL store has beyond SQLite's: the work queue's.
pub const QUEUE_COLUMNS: &[(&str, &str)] = &[("documents", "excluded"), ("documents", "extracted")];
