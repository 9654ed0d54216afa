//! The schema, as an ordered list of migrations. The store records the number applied in
//! `schema_version`; opening a store applies the missing ones, each in its own transaction.
//! Never edit a released migration: append a new one.

/// Migration `i` brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: documents, event records and their evidence, incidents, control, claims.
    r#"
CREATE TABLE documents (
    doc_key      INTEGER PRIMARY KEY,       -- ingest order
    doc_id       TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,             -- sha256 of id, NUL, text
    title        TEXT,
    published    TEXT,
    source       TEXT,
    url          TEXT,
    language     TEXT,
    origin       TEXT NOT NULL,
    text         TEXT NOT NULL
);

CREATE TABLE events (
    event_key      INTEGER PRIMARY KEY,
    event_id       TEXT NOT NULL UNIQUE,
    doc_key        INTEGER NOT NULL REFERENCES documents(doc_key),
    rank           INTEGER NOT NULL,        -- 0 = the document's main event
    event_date     TEXT,
    day            INTEGER,                 -- days from the common era of event_date
    time_precision INTEGER,
    event_type     TEXT,
    sub_event_type TEXT,
    plover         TEXT,
    actor1         TEXT,
    actor2         TEXT,
    country        TEXT,
    country_code   TEXT,
    admin1         TEXT,
    location       TEXT,
    latitude       REAL,
    longitude      REAL,
    geonameid      INTEGER,
    fatalities     INTEGER NOT NULL,
    record         TEXT NOT NULL            -- the EventRecord as JSON (contract §3)
);
CREATE INDEX events_by_doc ON events(doc_key, rank);
CREATE INDEX events_by_day ON events(day);
CREATE VIRTUAL TABLE events_where_when USING rtree(
    event_key, min_lon, max_lon, min_lat, max_lat, min_day, max_day
);

-- The spans each event rests on (text = documents.text[start..end], UTF-8 bytes).
CREATE TABLE evidence (
    event_key INTEGER NOT NULL REFERENCES events(event_key),
    ord       INTEGER NOT NULL,
    doc_key   INTEGER NOT NULL REFERENCES documents(doc_key),
    start     INTEGER NOT NULL,
    end       INTEGER NOT NULL,
    PRIMARY KEY (event_key, ord)
) WITHOUT ROWID;

CREATE TABLE incidents (
    incident_key   INTEGER PRIMARY KEY,     -- creation order
    incident_id    TEXT NOT NULL UNIQUE,
    day            INTEGER,
    event_type     TEXT,
    sub_event_type TEXT,
    plover         TEXT,
    country        TEXT,
    country_code   TEXT,
    admin1         TEXT,
    latitude       REAL,
    longitude      REAL,
    reports        INTEGER NOT NULL,
    record         TEXT NOT NULL            -- the Incident as JSON (contract §5)
);
CREATE INDEX incidents_by_day ON incidents(day);
CREATE VIRTUAL TABLE incidents_where_when USING rtree(
    incident_key, min_lon, max_lon, min_lat, max_lat, min_day, max_day
);

-- Which incident each event joined, in which order, and why (the fusion score).
CREATE TABLE incident_members (
    event_key    INTEGER PRIMARY KEY REFERENCES events(event_key),
    incident_key INTEGER NOT NULL REFERENCES incidents(incident_key),
    ord          INTEGER NOT NULL,
    explanation  TEXT NOT NULL
);
CREATE INDEX members_by_incident ON incident_members(incident_key, ord);

-- Statements of who holds a place, as extracted (with their evidence span).
CREATE TABLE control_reports (
    report_key INTEGER PRIMARY KEY,
    doc_key    INTEGER NOT NULL REFERENCES documents(doc_key),
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    record     TEXT NOT NULL
);
CREATE INDEX control_reports_by_doc ON control_reports(doc_key);

-- The control timeline, recomputed after every ingest.
CREATE TABLE control_periods (
    period_key INTEGER PRIMARY KEY,
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
    claim_key INTEGER PRIMARY KEY,
    doc_key   INTEGER NOT NULL REFERENCES documents(doc_key),
    start     INTEGER NOT NULL,
    end       INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    verdict   TEXT NOT NULL,
    record    TEXT NOT NULL
);
CREATE INDEX claims_by_doc ON claims(doc_key);
"#,
];
