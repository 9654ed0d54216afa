//! Fusion: reports of one real-world event in different documents become one [`Incident`](sitrep_model::Incident).
//!
//! [`Incidents`] takes records document by document, in ingest order, and assigns each to the
//! best compatible existing incident or opens a new one:
//!
//! 1. **Blocking.** Incidents are indexed by place cell (0.25° grid, probed over the
//!    neighbouring cells that cover [`FuseConfig::place_km`]) and by 8-day date bucket over each
//!    member's date window; province-level members are also indexed by admin1, placeless
//!    (political) ones by country, political acts of a state by that state. Only incidents
//!    sharing a block are scored.
//! 2. **Scoring.** A record's score against an incident is the *lowest* [`compatibility`] with
//!    its members (complete linkage, over at most [`FuseConfig::max_compared`] of them): one
//!    veto against any member keeps the record out, so chains of near-matches never drift.
//! 3. **Assignment.** The record joins the incident with the highest score at or above
//!    [`FuseConfig::threshold`] (ties: the older incident), unless that incident already holds
//!    a record of the same document; otherwise it opens an incident.
//!
//! Determinism: the same records in the same order give the same incidents, and an incident's
//! id is a hash of its first record's `event_id`, so ids never change when documents join
//! later. Incremental ingest seeds the builder with the stored incidents of the date range
//! concerned ([`Incidents::seed`]) and adds the new documents: the result equals a fusion of
//! everything from scratch in ingest order, because no incident outside the seeded range can
//! share a date window with the new records.
//!
//! [`summarize`] turns an incident's member records into the `Incident` output: the most
//! precise report's fields, ACLED's conservative fatality figure, and the disagreements.

mod score;
mod summary;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sitrep_model::EventRecord;

pub use score::{
    FuseConfig, FuseKey, Parts, Score, Veto, Weights, actor_key, compatibility, compatibility_with,
    content_words, hash64, is_vague,
};
pub use summary::{conservative, summarize};

/// Grid cell size in degrees.
const CELL_DEG: f64 = 0.25;
/// Date bucket size in days.
const BUCKET_DAYS: i32 = 8;

/// Where a record went, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub event_id: String,
    pub incident_id: String,
    /// Whether the record opened the incident.
    pub opened: bool,
    /// The record's score against the incident it joined (its weakest link), with the
    /// member that link was to.
    pub score: Option<Score>,
    pub weakest: Option<String>,
    /// The best incident that was considered but not joined, and why.
    pub runner_up: Option<(String, Score)>,
}

/// One incident being built: the fusion keys of its members.
#[derive(Debug, Clone)]
struct Cluster {
    id: String,
    members: Vec<(FuseKey, String)>,
}

/// The incremental incident builder.
#[derive(Debug, Clone)]
pub struct Incidents {
    cfg: FuseConfig,
    clusters: Vec<Cluster>,
    by_id: HashMap<String, u32>,
    index: HashMap<Block, Vec<u32>>,
    /// Per cluster, the last query that saw it (deduplicates candidates without a set).
    seen: Vec<u32>,
    query: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Block {
    Cell(i32, i32, i32),
    CoarseAdmin(u64, i32),
    Admin(u64, i32),
    Country(u64, i32),
    State(u64, i32),
}

impl Default for Incidents {
    fn default() -> Self {
        Self::new(FuseConfig::default())
    }
}

impl Incidents {
    pub fn new(cfg: FuseConfig) -> Self {
        Self {
            cfg,
            clusters: Vec::new(),
            by_id: HashMap::new(),
            index: HashMap::new(),
            seen: Vec::new(),
            query: 0,
        }
    }

    pub fn config(&self) -> &FuseConfig {
        &self.cfg
    }

    /// Number of incidents.
    pub fn len(&self) -> usize {
        self.clusters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// Adds an incident that already exists (from the store), members in the order they joined.
    pub fn seed(&mut self, incident_id: &str, members: &[EventRecord]) {
        let keys = members
            .iter()
            .map(|r| (FuseKey::of(r), r.event_id.clone()))
            .collect();
        self.seed_keys(incident_id, keys);
    }

    /// [`Incidents::seed`] with precomputed keys.
    pub fn seed_keys(&mut self, incident_id: &str, members: Vec<(FuseKey, String)>) {
        let ci = match self.by_id.get(incident_id) {
            Some(&ci) => ci,
            None => self.open(incident_id.to_string()),
        };
        for (key, event_id) in members {
            self.join(ci, key, event_id);
        }
    }

    /// Assigns the records of one document (most salient first) to incidents.
    pub fn add_document(&mut self, records: &[EventRecord]) -> Vec<Assignment> {
        records
            .iter()
            .map(|r| self.add_key(FuseKey::of(r), r.event_id.clone()))
            .collect()
    }

    /// Assigns one record. Records of one document must be added one after another.
    pub fn add(&mut self, record: &EventRecord) -> Assignment {
        self.add_key(FuseKey::of(record), record.event_id.clone())
    }

    /// [`Incidents::add`] with a precomputed key.
    pub fn add_key(&mut self, key: FuseKey, event_id: String) -> Assignment {
        let mut best: Option<(u32, Score, usize)> = None;
        let mut runner: Option<(u32, Score)> = None;
        for ci in self.candidates(&key) {
            let Some((score, weakest)) = self.score_against(ci, &key) else {
                continue;
            };
            let eligible = !score.is_vetoed() && score.total >= self.cfg.threshold;
            let better = |s: &Score, other: &Score| s.total > other.total;
            if eligible && best.as_ref().is_none_or(|(_, b, _)| better(&score, b)) {
                if let Some((bi, bs, _)) = best.take() {
                    runner = pick_runner(runner, bi, bs);
                }
                best = Some((ci, score, weakest));
            } else {
                runner = pick_runner(runner, ci, score);
            }
        }
        let runner_up = runner.map(|(ci, s)| (self.clusters[ci as usize].id.clone(), s));
        match best {
            Some((ci, score, weakest)) => {
                let weakest = self.clusters[ci as usize].members[weakest].1.clone();
                self.join(ci, key, event_id.clone());
                Assignment {
                    event_id,
                    incident_id: self.clusters[ci as usize].id.clone(),
                    opened: false,
                    score: Some(score),
                    weakest: Some(weakest),
                    runner_up,
                }
            }
            None => {
                let id = incident_id_for(&event_id);
                let ci = self.open(id.clone());
                self.join(ci, key, event_id.clone());
                Assignment {
                    event_id,
                    incident_id: id,
                    opened: true,
                    score: None,
                    weakest: None,
                    runner_up,
                }
            }
        }
    }

    /// The weakest link of `key` to the cluster's members, or `None` when the cluster holds a
    /// record of the same document (never a candidate).
    fn score_against(&self, ci: u32, key: &FuseKey) -> Option<(Score, usize)> {
        let members = &self.clusters[ci as usize].members;
        if members.iter().any(|(m, _)| m.doc == key.doc) {
            return None;
        }
        let n = members.len();
        let cap = self.cfg.max_compared.max(2);
        let picked: Vec<usize> = if n <= cap {
            (0..n).collect()
        } else {
            // The first members (the incident as first reported) and the latest ones.
            (0..cap / 2).chain(n - (cap - cap / 2)..n).collect()
        };
        let mut worst: Option<(Score, usize)> = None;
        for i in picked {
            let s = compatibility_with(&self.cfg, &members[i].0, key);
            let vetoed = s.is_vetoed();
            if worst.as_ref().is_none_or(|(w, _)| s.total < w.total) {
                worst = Some((s, i));
            }
            if vetoed {
                break;
            }
        }
        worst
    }

    fn open(&mut self, id: String) -> u32 {
        let ci = self.clusters.len() as u32;
        self.by_id.insert(id.clone(), ci);
        self.clusters.push(Cluster {
            id,
            members: Vec::new(),
        });
        self.seen.push(0);
        ci
    }

    fn join(&mut self, ci: u32, key: FuseKey, event_id: String) {
        for b in self.blocks_of(&key) {
            let list = self.index.entry(b).or_default();
            if list.last() != Some(&ci) {
                list.push(ci);
            }
        }
        self.clusters[ci as usize].members.push((key, event_id));
    }

    /// The blocks a member is filed under.
    fn blocks_of(&self, key: &FuseKey) -> Vec<Block> {
        let mut out = Vec::new();
        if key.day.is_none() {
            return out;
        }
        for t in buckets(key) {
            if key.state_act() {
                out.extend(key.states.iter().map(|&s| Block::State(s, t)));
            }
            match (key.lat, key.lon) {
                (Some(lat), Some(lon)) => {
                    let (y, x) = cell(lat, lon);
                    out.push(Block::Cell(y, x, t));
                    if key.admin1 != 0 {
                        out.push(Block::Admin(key.admin1, t));
                        if key.coarse() {
                            out.push(Block::CoarseAdmin(key.admin1, t));
                        }
                    }
                }
                _ => out.push(Block::Country(key.country, t)),
            }
        }
        out
    }

    /// Clusters sharing a block with the record, oldest first.
    fn candidates(&mut self, key: &FuseKey) -> Vec<u32> {
        self.query = self.query.wrapping_add(1);
        let q = self.query;
        let mut out = Vec::new();
        if key.day.is_none() {
            return out;
        }
        let probe = |b: Block, seen: &mut Vec<u32>, out: &mut Vec<u32>| {
            if let Some(list) = self.index.get(&b) {
                for &ci in list {
                    if seen[ci as usize] != q {
                        seen[ci as usize] = q;
                        out.push(ci);
                    }
                }
            }
        };
        let mut seen = std::mem::take(&mut self.seen);
        for t in buckets(key) {
            if key.state_act() {
                for &s in &key.states {
                    probe(Block::State(s, t), &mut seen, &mut out);
                }
            }
            match (key.lat, key.lon) {
                (Some(lat), Some(lon)) => {
                    let (y, x) = cell(lat, lon);
                    let dy = (self.cfg.place_km / (111.0 * CELL_DEG)).ceil() as i32;
                    let coslat = lat.to_radians().cos().max(0.05);
                    let dx = (self.cfg.place_km / (111.0 * CELL_DEG * coslat)).ceil() as i32;
                    for yy in y - dy..=y + dy {
                        for xx in x - dx..=x + dx {
                            probe(Block::Cell(yy, wrap_lon(xx), t), &mut seen, &mut out);
                        }
                    }
                    if key.admin1 != 0 {
                        if key.coarse() {
                            probe(Block::Admin(key.admin1, t), &mut seen, &mut out);
                        } else {
                            probe(Block::CoarseAdmin(key.admin1, t), &mut seen, &mut out);
                        }
                    }
                }
                _ => probe(Block::Country(key.country, t), &mut seen, &mut out),
            }
        }
        self.seen = seen;
        out.sort_unstable();
        out
    }
}

fn pick_runner(runner: Option<(u32, Score)>, ci: u32, s: Score) -> Option<(u32, Score)> {
    match runner {
        Some((ri, rs)) if rs.total >= s.total && (rs.veto.is_none() || s.veto.is_some()) => {
            Some((ri, rs))
        }
        _ => Some((ci, s)),
    }
}

fn cell(lat: f64, lon: f64) -> (i32, i32) {
    (
        (lat / CELL_DEG).floor() as i32,
        wrap_lon((lon / CELL_DEG).floor() as i32),
    )
}

fn wrap_lon(x: i32) -> i32 {
    let n = (360.0 / CELL_DEG) as i32;
    x.rem_euclid(n)
}

fn buckets(key: &FuseKey) -> std::ops::RangeInclusive<i32> {
    key.window.0.div_euclid(BUCKET_DAYS)..=key.window.1.div_euclid(BUCKET_DAYS)
}

/// The id of the incident a record opens: stable, whatever joins later.
pub fn incident_id_for(first_event_id: &str) -> String {
    format!("inc-{:016x}", hash64(first_event_id.as_bytes()))
}

#[cfg(test)]
mod tests;
