//! [`Backend`]: what fusion, the control timeline and the read commands need from a store,
//! so that they run unchanged on SQLite ([`Store`]) and on PostgreSQL (`pg::PgStore`, feature
//! `postgres`). Writing documents differs between the two (SQLite stores each document with
//! what was read from it; PostgreSQL queues documents for many workers) and stays outside.

use chrono::NaiveDate;
use sitrep_model::{Claim, ControlPeriod, ControlReport, EventRecord, Incident};

use crate::{
    Counts, Filter, IncidentDetail, Join, PendingDocument, Result, Store, StoredEvent,
    StoredIncident,
};

/// The caller's callback for streamed reads.
pub type Sink<'a, T> = &'a mut dyn FnMut(T) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A store, SQLite or PostgreSQL. Every list comes in ingest order (documents in the order
/// they were first added, events by rank within a document), so both give the same output.
pub trait Backend: std::fmt::Debug {
    /// Where the store is, for messages: a file, or a URL without its password.
    fn location(&self) -> String;
    /// Documents with events not yet in an incident, in ingest order, at most `limit`.
    fn pending_documents(&self, limit: usize) -> Result<Vec<PendingDocument>>;
    /// Incidents with a member dated within `[lo, hi]` (day numbers), members in join order.
    fn incidents_overlapping(&self, lo: i64, hi: i64) -> Result<Vec<(String, Vec<EventRecord>)>>;
    /// One fusion step, in one transaction.
    fn apply_fusion(&mut self, joins: &[Join], incidents: &[Incident]) -> Result<()>;
    /// Territorial incidents (and withdrawals), in creation order.
    fn territorial_incidents(&self) -> Result<Vec<Incident>>;
    /// Control reports in ingest order.
    fn control_reports(&self) -> Result<Vec<ControlReport>>;
    /// Replaces the control timeline in one transaction.
    fn replace_control(&mut self, periods: &[ControlPeriod]) -> Result<()>;
    /// Streams the events matching `filter`; returns how many.
    fn events(&self, filter: &Filter, sink: Sink<'_, StoredEvent>) -> Result<usize>;
    /// Streams the incidents matching `filter`, in creation order; returns how many.
    fn incidents(&self, filter: &Filter, sink: Sink<'_, StoredIncident>) -> Result<usize>;
    fn incident_detail(&self, incident_id: &str) -> Result<Option<IncidentDetail>>;
    fn control_periods(
        &self,
        at: Option<NaiveDate>,
        admin1: Option<&str>,
    ) -> Result<Vec<ControlPeriod>>;
    fn claims(&self) -> Result<Vec<Claim>>;
    fn counts(&self) -> Result<Counts>;
}

impl Backend for Store {
    fn location(&self) -> String {
        self.path().display().to_string()
    }

    fn pending_documents(&self, limit: usize) -> Result<Vec<PendingDocument>> {
        Store::pending_documents(self, limit)
    }

    fn incidents_overlapping(&self, lo: i64, hi: i64) -> Result<Vec<(String, Vec<EventRecord>)>> {
        Store::incidents_overlapping(self, lo, hi)
    }

    fn apply_fusion(&mut self, joins: &[Join], incidents: &[Incident]) -> Result<()> {
        Store::apply_fusion(self, joins, incidents)
    }

    fn territorial_incidents(&self) -> Result<Vec<Incident>> {
        Store::territorial_incidents(self)
    }

    fn control_reports(&self) -> Result<Vec<ControlReport>> {
        Store::control_reports(self)
    }

    fn replace_control(&mut self, periods: &[ControlPeriod]) -> Result<()> {
        Store::replace_control(self, periods)
    }

    fn events(&self, filter: &Filter, sink: Sink<'_, StoredEvent>) -> Result<usize> {
        Store::events(self, filter, sink)
    }

    fn incidents(&self, filter: &Filter, sink: Sink<'_, StoredIncident>) -> Result<usize> {
        Store::incidents(self, filter, sink)
    }

    fn incident_detail(&self, incident_id: &str) -> Result<Option<IncidentDetail>> {
        Store::incident_detail(self, incident_id)
    }

    fn control_periods(
        &self,
        at: Option<NaiveDate>,
        admin1: Option<&str>,
    ) -> Result<Vec<ControlPeriod>> {
        Store::control_periods(self, at, admin1)
    }

    fn claims(&self) -> Result<Vec<Claim>> {
        Store::claims(self)
    }

    fn counts(&self) -> Result<Counts> {
        Store::counts(self)
    }
}
