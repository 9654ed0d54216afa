//! The compatibility score of two event records: how likely they report one real-world event.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sitrep_model::{EventRecord, EventType, SubEventType};

use crate::geo::haversine_km;

/// The knobs of fusion. `Default` is what `sitrep ingest` uses.
#[derive(Debug, Clone, PartialEq)]
pub struct FuseConfig {
    /// A record joins the best incident whose score is at least this.
    pub threshold: f64,
    /// Two precise places further apart than this are different events.
    pub place_km: f64,
    /// Territorial events ("ISIS took Qaim") are about one named place: two towns a few
    /// kilometres apart (Qaim and Husaybah) are two events.
    pub territory_km: f64,
    /// Complete linkage compares a record with at most this many members of an incident
    /// (the first ones and the latest ones), so that large incidents stay cheap.
    pub max_compared: usize,
    pub weights: Weights,
}

/// How much each part counts in the total; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub event_type: f64,
    pub place: f64,
    pub date: f64,
    pub actors: f64,
    pub casualties: f64,
    pub text: f64,
}

impl Default for FuseConfig {
    fn default() -> Self {
        Self {
            threshold: 0.66,
            place_km: 25.0,
            territory_km: 3.0,
            max_compared: 12,
            weights: Weights {
                event_type: 0.15,
                place: 0.30,
                date: 0.25,
                actors: 0.10,
                casualties: 0.05,
                text: 0.15,
            },
        }
    }
}

/// Why two records cannot be one event, whatever the rest says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Veto {
    /// Two records of one document: extraction already merged what it could.
    SameDocument,
    /// Event types that cannot describe the same event (a protest and an airstrike; a
    /// capture and a clash).
    EventType,
    /// A record without a date: it never fuses.
    NoDate,
    /// Date windows that do not overlap.
    Date,
    /// One record has a place and the other none.
    NoPlace,
    /// Places too far apart (or, for territorial events, not the same place).
    Place,
    /// Two different named groups taking one place are two events.
    Actors,
    /// Specific death tolls too far apart to be one event (70 and 11).
    Casualties,
}

impl Veto {
    pub fn describe(self) -> &'static str {
        match self {
            Veto::SameDocument => "both come from the same document",
            Veto::EventType => "the event types cannot describe one event",
            Veto::NoDate => "a report has no date",
            Veto::Date => "the date windows do not overlap",
            Veto::NoPlace => "only one report has a place",
            Veto::Place => "the places are too far apart",
            Veto::Actors => "different named groups took the place",
            Veto::Casualties => "the specific death tolls are too far apart",
        }
    }
}

/// Each part of the score, in 0..1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Parts {
    pub event_type: f64,
    pub place: f64,
    pub date: f64,
    pub actors: f64,
    pub casualties: f64,
    pub text: f64,
}

/// The compatibility of two records: a weighted sum of [`Parts`], or a [`Veto`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Weighted sum of the parts; 0 when vetoed.
    pub total: f64,
    pub veto: Option<Veto>,
    pub parts: Parts,
    /// Great-circle distance between the two places, when both have one.
    pub km: Option<f64>,
    /// Days between the two dates, when both have one.
    pub days: Option<i64>,
}

impl Score {
    fn vetoed(veto: Veto, parts: Parts, km: Option<f64>, days: Option<i64>) -> Self {
        Self {
            total: 0.0,
            veto: Some(veto),
            parts,
            km: km.map(|k| (k * 10.0).round() / 10.0),
            days,
        }
    }

    pub fn is_vetoed(&self) -> bool {
        self.veto.is_some()
    }
}

/// Compatibility of two records with the default configuration.
///
/// The score is the weighted sum (weights in [`FuseConfig::default`]) of six parts, each 0..1:
///
/// - **type**: 1 for the same ACLED sub-event type (or, for PLOVER-only records, the same
///   PLOVER category); 0.6 for two sub-types of one ACLED type; 0.4 for two of armed clash,
///   attack and mob violence (sources often disagree on whether the victims fought back or who
///   the assailants were). Anything else is a veto, and so is any difference involving a
///   territorial sub-type.
/// - **place**: 1 for the same gazetteer entry, falling linearly to 0 at
///   [`FuseConfig::place_km`]; 0.5 when one side is only placed at province level
///   (`geo_precision` 3) in the other's admin1. Further apart is a veto; territorial events
///   need the same place (within [`FuseConfig::territory_km`]). Political acts of one state
///   naming its government score 0.5 wherever they are placed (a capital, a dateline,
///   nowhere).
/// - **date**: each date stands for a window by its ACLED time precision (1: ±1 day, 2: ±7
///   days, 3: its month). Windows that do not overlap are a veto; otherwise
///   `1 − |Δdays| / (1 + half-width a + half-width b)`.
/// - **actors**: actor names are normalised (years dropped; state forces, police and
///   government of one country are one key; "Unidentified …", civilians, protesters and rioters
///   name nobody). 1 when the named actors overlap, 0.5 when a side names nobody, 0 when both
///   name different ones; different named groups taking one place is a veto.
/// - **casualties**: fatalities and wounded compared where both sides give a specific figure:
///   1 equal, 0.7 within a factor 2, 0.3 otherwise; 0.5 when nothing is comparable. Specific
///   death tolls more than three times apart (plus 5) are a veto: 70 dead and 11 dead are two
///   events. Zero means "not reported" and vague figures ("dozens") are not specific.
/// - **text**: the overlap coefficient of the two evidence vocabularies (content words and
///   numbers): names of victims, streets and units recur across reports of one event.
pub fn compatibility(a: &EventRecord, b: &EventRecord) -> Score {
    let cfg = FuseConfig::default();
    compatibility_with(&cfg, &FuseKey::of(a), &FuseKey::of(b))
}

/// What fusion reads of a record, precomputed once.
#[derive(Debug, Clone, PartialEq)]
pub struct FuseKey {
    pub doc: u64,
    /// Days from the common era of the event date, and the half-width of its window.
    pub day: Option<i32>,
    pub window: (i32, i32),
    pub precision: u8,
    pub sub_event_type: Option<SubEventType>,
    pub event_type: Option<EventType>,
    pub plover: Option<sitrep_model::Plover>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub geonameid: Option<u64>,
    pub geo_precision: u8,
    pub admin1: u64,
    pub country: u64,
    /// Normalised named actors (hashes), actor1's first.
    pub actors: Vec<u64>,
    /// Actor1 when it is a named non-state group.
    pub named_actor1: Option<u64>,
    /// The states whose forces or government the record names (hashes of their actor keys),
    /// and whether one of them acts as a government ("Government of Iraq").
    pub states: Vec<u64>,
    pub government: bool,
    pub fatalities: Option<u32>,
    pub wounded: Option<u32>,
    /// Sorted, deduplicated hashes of the evidence's content words.
    pub words: Vec<u32>,
}

impl FuseKey {
    pub fn of(r: &EventRecord) -> Self {
        let day = r.event_date.map(|d| d.num_days_from_ce());
        let precision = r.time_precision.unwrap_or(2);
        let window = match (r.event_date, precision) {
            (Some(d), 3) => month_window(d),
            (Some(d), 1) => (d.num_days_from_ce() - 1, d.num_days_from_ce() + 1),
            (Some(d), _) => (d.num_days_from_ce() - 7, d.num_days_from_ce() + 7),
            (None, _) => (0, -1),
        };
        let mut actors = Vec::new();
        for a in [&r.actor1, &r.actor2].into_iter().flatten() {
            if let Some(k) = actor_key(a) {
                let h = hash64(k.as_bytes());
                if !actors.contains(&h) {
                    actors.push(h);
                }
            }
        }
        let named_actor1 = r
            .actor1
            .as_deref()
            .filter(|_| matches!(r.inter1, 2..=4))
            .and_then(actor_key)
            .map(|k| hash64(k.as_bytes()));
        let mut states: Vec<u64> = [&r.actor1, &r.actor2]
            .into_iter()
            .flatten()
            .filter_map(|a| actor_key(a))
            .filter(|k| k.starts_with("state:"))
            .map(|k| hash64(k.as_bytes()))
            .collect();
        states.dedup();
        let government = [&r.actor1, &r.actor2]
            .into_iter()
            .flatten()
            .any(|a| a.starts_with("Government of "));
        let evidence: String = r
            .evidence
            .iter()
            .map(|e| e.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let vague = is_vague(&evidence, r.fatalities);
        Self {
            doc: hash64(r.doc_id.as_bytes()),
            day,
            window,
            precision,
            sub_event_type: r.sub_event_type,
            event_type: r.event_type,
            plover: r.plover,
            lat: r.latitude,
            lon: r.longitude,
            geonameid: r.geonameid,
            geo_precision: r.geo_precision.unwrap_or(1),
            admin1: r.admin1.as_deref().map_or(0, |a| {
                hash64(format!("{:?}/{a}", r.country_code).as_bytes())
            }),
            country: r
                .country_code
                .as_deref()
                .map_or(0, |c| hash64(c.as_bytes())),
            actors,
            named_actor1,
            states,
            government,
            fatalities: (r.fatalities > 0 && !vague).then_some(r.fatalities),
            wounded: r.wounded.filter(|&w| w > 0 && !is_vague(&evidence, w)),
            words: content_words(&evidence),
        }
    }

    /// Whether the record is placed only at province level.
    pub fn coarse(&self) -> bool {
        self.geo_precision >= 3
    }

    pub fn territorial(&self) -> bool {
        self.sub_event_type.is_some_and(|s| s.transfers_territory())
    }

    /// A political act (PLOVER only) that names a state.
    pub fn state_act(&self) -> bool {
        self.sub_event_type.is_none() && !self.states.is_empty()
    }
}

/// Two political acts of one state where one names its government ("Maliki's government
/// asked for airstrikes", "Iraq requested U.S. air power"): where the text places them (the
/// capital, a dateline, nowhere) says nothing about the act.
fn national_act(a: &FuseKey, b: &FuseKey) -> bool {
    a.state_act()
        && b.state_act()
        && (a.government || b.government)
        && a.states.iter().any(|s| b.states.contains(s))
}

fn month_window(d: NaiveDate) -> (i32, i32) {
    let first = d.with_day(1).unwrap_or(d);
    let next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    }
    .unwrap_or(d);
    (first.num_days_from_ce(), next.num_days_from_ce() - 1)
}

/// Compatibility of two precomputed keys (see [`compatibility`]).
pub fn compatibility_with(cfg: &FuseConfig, a: &FuseKey, b: &FuseKey) -> Score {
    let mut parts = Parts::default();
    let km = match (a.lat, a.lon, b.lat, b.lon) {
        _ if a.geonameid.is_some() && a.geonameid == b.geonameid => Some(0.0),
        (Some(la), Some(lo), Some(lb), Some(mb)) => Some(haversine_km(la, lo, lb, mb)),
        _ => None,
    };
    let days = match (a.day, b.day) {
        (Some(x), Some(y)) => Some(i64::from(x - y)),
        _ => None,
    };
    if a.doc == b.doc {
        return Score::vetoed(Veto::SameDocument, parts, km, days);
    }
    // Type.
    parts.event_type = match type_score(a, b) {
        Some(s) => s,
        None => return Score::vetoed(Veto::EventType, parts, km, days),
    };
    // Date.
    let (Some(da), Some(db)) = (a.day, b.day) else {
        return Score::vetoed(Veto::NoDate, parts, km, days);
    };
    if a.window.1 < b.window.0 || b.window.1 < a.window.0 {
        return Score::vetoed(Veto::Date, parts, km, days);
    }
    let half = |k: &FuseKey| f64::from(k.window.1 - k.window.0) / 2.0;
    parts.date = (1.0 - f64::from((da - db).abs()) / (1.0 + half(a) + half(b))).max(0.0);
    // Place.
    let territorial = a.territorial() || b.territorial();
    parts.place = match km {
        _ if national_act(a, b) => 0.5,
        None if a.lat.is_none() && b.lat.is_none() => {
            if a.country == b.country {
                0.3
            } else {
                return Score::vetoed(Veto::Place, parts, km, days);
            }
        }
        None => return Score::vetoed(Veto::NoPlace, parts, km, days),
        Some(d) if territorial => {
            if d <= cfg.territory_km && !a.coarse() && !b.coarse() {
                1.0
            } else {
                return Score::vetoed(Veto::Place, parts, km, days);
            }
        }
        Some(d) => {
            let near = if d <= cfg.place_km {
                1.0 - d / cfg.place_km
            } else {
                -1.0
            };
            let coarse_match = (a.coarse() || b.coarse()) && a.admin1 != 0 && a.admin1 == b.admin1;
            match (near >= 0.0, coarse_match) {
                (true, true) => near.max(0.5),
                (true, false) => near,
                (false, true) => 0.5,
                (false, false) => return Score::vetoed(Veto::Place, parts, km, days),
            }
        }
    };
    // Actors.
    parts.actors = if a.actors.is_empty() || b.actors.is_empty() {
        0.5
    } else if a.actors.iter().any(|x| b.actors.contains(x)) {
        1.0
    } else {
        0.0
    };
    if territorial
        && let (Some(x), Some(y)) = (a.named_actor1, b.named_actor1)
        && x != y
    {
        return Score::vetoed(Veto::Actors, parts, km, days);
    }
    // Casualties.
    if let (Some(x), Some(y)) = (a.fatalities, b.fatalities)
        && x.max(y) > 3 * x.min(y) + 5
    {
        return Score::vetoed(Veto::Casualties, parts, km, days);
    }
    let mut cas = Vec::with_capacity(2);
    for (x, y) in [(a.fatalities, b.fatalities), (a.wounded, b.wounded)] {
        if let (Some(x), Some(y)) = (x, y) {
            let (lo, hi) = (x.min(y), x.max(y));
            cas.push(if lo == hi {
                1.0
            } else if lo * 2 >= hi {
                0.7
            } else {
                0.3
            });
        }
    }
    parts.casualties = if cas.is_empty() {
        0.5
    } else {
        cas.iter().sum::<f64>() / cas.len() as f64
    };
    parts.text = overlap(&a.words, &b.words);
    let w = &cfg.weights;
    let total = w.event_type * parts.event_type
        + w.place * parts.place
        + w.date * parts.date
        + w.actors * parts.actors
        + w.casualties * parts.casualties
        + w.text * parts.text;
    Score {
        total: (total * 1000.0).round() / 1000.0,
        veto: None,
        parts,
        km: km.map(|k| (k * 10.0).round() / 10.0),
        days,
    }
}

/// Violence against people that sources describe differently: whether the victims fought back
/// (clash or attack), whether the assailants were a crowd (mob violence).
const CONFUSABLE: &[SubEventType] = &[
    SubEventType::ArmedClash,
    SubEventType::Attack,
    SubEventType::MobViolence,
];

fn type_score(a: &FuseKey, b: &FuseKey) -> Option<f64> {
    match (a.sub_event_type, b.sub_event_type) {
        (Some(x), Some(y)) if x == y => Some(1.0),
        (Some(x), Some(y)) if x.transfers_territory() || y.transfers_territory() => None,
        (Some(x), Some(y)) if x.event_type() == y.event_type() => Some(0.6),
        (Some(x), Some(y)) if CONFUSABLE.contains(&x) && CONFUSABLE.contains(&y) => Some(0.4),
        (Some(_), _) | (_, Some(_)) => None,
        (None, None) => match (a.plover, b.plover) {
            (Some(x), Some(y)) if x == y => Some(1.0),
            _ => None,
        },
    }
}

/// `|a ∩ b| / min(|a|, |b|)` of two sorted sets.
fn overlap(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / n as f64
}

/// An actor name reduced to what identifies it, or `None` when it names nobody in
/// particular ("Unidentified Armed Group (Iraq)", "Civilians (Iraq)").
pub fn actor_key(name: &str) -> Option<String> {
    let generic = ["Unidentified", "Civilians", "Protesters", "Rioters"];
    if generic.iter().any(|g| name.starts_with(g)) {
        return None;
    }
    // "Military Forces of Iraq (2006-2014)" → "Military Forces of Iraq".
    let mut s = name.trim();
    if let Some(open) = s.rfind(" (")
        && s.ends_with(')')
        && s[open + 2..s.len() - 1]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-')
    {
        s = &s[..open];
    }
    for state in ["Military Forces of ", "Police Forces of ", "Government of "] {
        if let Some(rest) = s.strip_prefix(state) {
            return Some(format!("state:{}", rest.to_lowercase()));
        }
    }
    Some(s.to_lowercase())
}

/// Whether a casualty figure comes from a vague quantity ("dozens", "scores of"): the evidence
/// uses such a word and never states the figure itself.
pub fn is_vague(evidence: &str, figure: u32) -> bool {
    const VAGUE: &[&str] = &[
        "dozens",
        "scores of",
        "hundreds",
        "thousands",
        "several",
        "a number of",
        "tens of",
        "numerous",
        "many",
    ];
    let lower = evidence.to_lowercase();
    if !VAGUE.iter().any(|v| lower.contains(v)) {
        return false;
    }
    let digits = figure.to_string();
    !lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|t| t == digits)
}

const STOP: &[&str] = &[
    "about", "after", "also", "and", "are", "been", "but", "can", "could", "did", "for", "from",
    "had", "has", "have", "her", "his", "into", "its", "more", "not", "one", "said", "says", "she",
    "than", "that", "the", "their", "them", "then", "there", "they", "this", "two", "was", "were",
    "when", "where", "which", "while", "who", "will", "with", "would", "told", "says",
];

/// Hashes of the content words of `text`: lower-cased alphanumeric runs of three or more
/// characters (or any number), minus a short stop list.
pub fn content_words(text: &str) -> Vec<u32> {
    let mut out: Vec<u32> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 || w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .map(|w| hash64(w.as_bytes()) as u32)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// FNV-1a, 64 bits: stable across runs and platforms (ids are built from it).
pub fn hash64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
