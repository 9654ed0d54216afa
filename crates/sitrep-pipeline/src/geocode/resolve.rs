//! Toponym resolution: choosing one gazetteer entry per mention.
//!
//! The score of candidate `c` for mention `m` is a sum of evidence (see DESIGN.md):
//!
//! ```text
//! score(m, c) = prior(c)                      population, feature class, main-name match
//!             + hint(m, c)                    "Anbar province" wants an admin-1 area
//!             + w_country · share_country(c)  leave-one-out share of the document's
//!             + w_admin1  · share_admin1(c)   country / admin-1 votes from other mentions
//!             + pattern(m, c)                 "X, Y" and "X in Y" containment
//!             + w_space   · coherence(m, c)   closeness to the other resolved places
//! ```
//! Votes are soft (each mention spreads one vote over its candidates by softmax of
//! their priors), so an ambiguous name votes weakly. Mentions sharing a name are
//! decided together, and the spatial term is refined over two rounds.

use rustc_hash::FxHashMap;

use sitrep_gazetteer::normalize::{fold_into, folds_to};
use sitrep_gazetteer::{Entry, EntryKind, Gazetteer, NONE, Posting};

use super::{MentionRole, PlaceMention, Resolution};
use crate::geo::EARTH_RADIUS_KM;

/// Weights of the resolution score. `Default` holds the tuned values.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResolveConfig {
    pub w_population: f64,
    pub w_country: f64,
    pub w_admin1: f64,
    pub w_pattern: f64,
    pub w_space: f64,
    /// Distance (km) at which spatial coherence falls to 1/e.
    pub space_scale_km: f64,
    /// Share of the other mentions that have some reading in the candidate's province.
    pub w_cover_admin1: f64,
    /// Share of the other mentions that have some reading in the candidate's country.
    pub w_cover_country: f64,
    /// Bonus of a province or state none of whose same-named places lies inside it: a bare
    /// "California" in a story about Pennsylvania is the state, not California, Pennsylvania
    /// (while a bare "Raqqa" is the city in Raqqa province).
    pub w_admin1_alone: f64,
    /// Bonus of countries, provinces and regions for a name right before "border" or
    /// "frontier": "the Mexico border" is the country's, not Mexico, Missouri's.
    pub w_border: f64,
    /// Bonus of a town lying in a county or district the story names elsewhere, and of the
    /// district holding a town the story names: "Paris" beside "Henry County" is Paris,
    /// Tennessee, the county's seat, not Paris, Texas.
    pub w_district: f64,
}

impl Default for ResolveConfig {
    fn default() -> Self {
        Self {
            w_population: 0.4,
            w_country: 3.0,
            w_admin1: 2.0,
            w_pattern: 3.0,
            w_space: 1.5,
            space_scale_km: 250.0,
            w_cover_admin1: 1.0,
            w_cover_country: 0.0,
            w_admin1_alone: 1.5,
            w_border: 1.5,
            w_district: W_DISTRICT,
        }
    }
}

/// Default of [`ResolveConfig::w_district`].
const W_DISTRICT: f64 = 1.5;

/// Synthetic ids of sitrep's curated supplement start here.
const CURATED_IDS: u32 = 90_000_000;

/// Score of an entry before any document context. `exact`: the mention's text is the entry's
/// own name (not only one of its alternate names).
fn prior(
    cfg: &ResolveConfig,
    e: &Entry,
    primary: bool,
    bare: bool,
    exact: bool,
    hint: Option<u8>,
) -> f64 {
    let kind = match e.kind {
        EntryKind::Country => 2.0,
        // A bare province name usually means its capital when one shares the name; "X province" gets the hint bonus.
        // An area's population is the sum of its towns': scaled down to compete with its
        // capital on equal terms (a bare "Raqqa" is the city).
        EntryKind::Admin1 => -0.6,
        // Regions, seas and deserts carry no population; their kind stands for their prominence.
        EntryKind::Region => 3.5,
        EntryKind::Admin2 => -0.6,
        EntryKind::Place => match &*e.feature_code {
            "PPLC" => 2.0,
            "PPLA" => 0.8,
            "PPLA2" => 0.4,
            "PPLA3" | "PPLA4" => 0.2,
            c if c.starts_with("PPL") => 0.0,
            _ => -0.3,
        },
    };
    let hint_score = match (hint, e.kind) {
        (Some(1), EntryKind::Admin1) | (Some(2), EntryKind::Admin2) => 3.0,
        (Some(2), EntryKind::Admin1) => 1.0,
        (Some(_), _) => -1.0,
        (None, _) => 0.0,
    };
    let name = if bare && hint.is_none() {
        -1.5
    } else if exact {
        1.5
    } else if primary {
        0.5
    } else {
        0.0
    };
    // Curated entries were added because news names them and cities500 lacks them.
    let curated = if e.geonameid >= CURATED_IDS { 2.0 } else { 0.0 };
    kind + hint_score + name + curated + cfg.w_population * (f64::from(e.population) + 1.0).log10()
}

/// A city of a million or more whose name is another name and "City" is named by the short
/// form as its own name: a bare "New York" is New York City before the state. (Where a
/// country shares the short form, "Mexico", "Kuwait", the caller does not ask.)
fn city_short_form(e: &Entry, surface: &str, scratch: &mut String) -> bool {
    e.kind == EntryKind::Place
        && e.population >= 1_000_000
        && e.name
            .strip_suffix(" City")
            .is_some_and(|short| folds_to(short, surface, scratch))
}

fn softmax(scores: &[f64]) -> Vec<f64> {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.into_iter()
        .map(|e| if sum > 0.0 { e / sum } else { 0.0 })
        .collect()
}

/// Whether `container` (an area) contains `e`.
fn contains(gaz: &Gazetteer, container_idx: u32, e: &Entry, e_idx: u32) -> bool {
    if container_idx == e_idx {
        return false;
    }
    let c = gaz.entry(container_idx);
    match c.kind {
        EntryKind::Country => e.country == c.country && e.kind != EntryKind::Country,
        EntryKind::Admin1 => e.admin1 == container_idx,
        EntryKind::Admin2 => e.admin2 == container_idx,
        _ => false,
    }
}

/// Soft votes of all mentions for countries and admin-1 areas.
struct Votes {
    country: FxHashMap<u16, f64>,
    admin1: FxHashMap<u32, f64>,
    /// Each mention's own contribution (sorted by key), removed when scoring that mention.
    own_country: Vec<Tally<u16>>,
    own_admin1: Vec<Tally<u32>>,
    total: f64,
    own_total: Vec<f64>,
}

/// Votes per key, sorted by key. Built by [`tally`]: each key's votes are added in the order
/// they were cast, as a map filled in that order would add them.
type Tally<K> = Vec<(K, f64)>;

/// Sums `votes` per key; a stable sort keeps each key's votes in their order.
fn tally<K: Ord + Copy>(mut votes: Vec<(K, f64)>) -> Tally<K> {
    votes.sort_by_key(|&(k, _)| k);
    let mut out: Tally<K> = Vec::with_capacity(votes.len());
    for (k, x) in votes {
        match out.last_mut() {
            Some((last, sum)) if *last == k => *sum += x,
            _ => out.push((k, x)),
        }
    }
    out
}

fn tally_get<K: Ord>(t: &[(K, f64)], key: &K) -> f64 {
    t.binary_search_by(|(k, _)| k.cmp(key))
        .map_or(0.0, |i| t[i].1)
}

impl Votes {
    /// `groups`: mentions of one name. A name repeated fourteen times is one piece of evidence,
    /// not fourteen: a group votes once (its members' votes averaged), and no member hears its
    /// own group ("Dublin … Dublin … Ohio" is Dublin, Ohio).
    fn collect(
        gaz: &Gazetteer,
        mentions: &[PlaceMention],
        probs: &[Vec<f64>],
        groups: &[Vec<usize>],
    ) -> Self {
        let mut v = Votes {
            country: FxHashMap::default(),
            admin1: FxHashMap::default(),
            own_country: Vec::with_capacity(mentions.len()),
            own_admin1: Vec::with_capacity(mentions.len()),
            total: 0.0,
            own_total: Vec::with_capacity(mentions.len()),
        };
        let mut group_size = vec![1usize; mentions.len()];
        for g in groups {
            for &i in g {
                group_size[i] = g.len();
            }
        }
        for ((m, p), &size) in mentions.iter().zip(probs).zip(&group_size) {
            let weight = match m.role {
                MentionRole::Place if m.weak => 0.5,
                MentionRole::Place => 1.0,
                MentionRole::Demonym => 0.7,
                MentionRole::Embedded => 0.4,
            } / size as f64;
            let mut oc: Vec<(u16, f64)> = Vec::with_capacity(m.candidates.len());
            let mut oa: Vec<(u32, f64)> = Vec::with_capacity(m.candidates.len());
            for (cand, &pr) in m.candidates.iter().zip(p) {
                let e = gaz.entry(cand.entry());
                oc.push((e.country, weight * pr));
                if e.admin1 != NONE {
                    oa.push((e.admin1, weight * pr));
                }
            }
            let (oc, oa) = (tally(oc), tally(oa));
            for &(k, x) in &oc {
                *v.country.entry(k).or_default() += x;
            }
            for &(k, x) in &oa {
                *v.admin1.entry(k).or_default() += x;
            }
            let own = if m.candidates.is_empty() { 0.0 } else { weight };
            v.total += own;
            v.own_total.push(own);
            v.own_country.push(oc);
            v.own_admin1.push(oa);
        }
        // Each member leaves out its whole group.
        for g in groups.iter().filter(|g| g.len() > 1) {
            let oc = tally(
                g.iter()
                    .flat_map(|&i| v.own_country[i].iter().copied())
                    .collect(),
            );
            let oa = tally(
                g.iter()
                    .flat_map(|&i| v.own_admin1[i].iter().copied())
                    .collect(),
            );
            let own: f64 = g.iter().map(|&i| v.own_total[i]).fold(0.0, |a, b| a + b);
            for &i in g {
                v.own_country[i].clone_from(&oc);
                v.own_admin1[i].clone_from(&oa);
                v.own_total[i] = own;
            }
        }
        v
    }

    /// Leave-one-out share of a country among the other mentions' votes.
    fn country_share(&self, m: usize, country: u16) -> f64 {
        let rest = self.total - self.own_total[m];
        if rest <= 1e-9 {
            return 0.0;
        }
        let votes = self.country.get(&country).copied().unwrap_or(0.0)
            - tally_get(&self.own_country[m], &country);
        (votes / rest).clamp(0.0, 1.0)
    }

    fn admin1_share(&self, m: usize, admin1: u32) -> f64 {
        let rest = self.total - self.own_total[m];
        if rest <= 1e-9 || admin1 == NONE {
            return 0.0;
        }
        let votes = self.admin1.get(&admin1).copied().unwrap_or(0.0)
            - tally_get(&self.own_admin1[m], &admin1);
        (votes / rest).clamp(0.0, 1.0)
    }
}

/// Which provinces and countries each mention could lie in (any of its candidates): a story
/// naming Greene County, Webster County, Springfield and Rogersville is about the one state
/// where all four exist, whatever their populations elsewhere.
struct Coverage {
    admin1: FxHashMap<u32, usize>,
    country: FxHashMap<u16, usize>,
    own_admin1: Vec<Vec<u32>>,
    own_country: Vec<Vec<u16>>,
    n: usize,
}

impl Coverage {
    fn collect(gaz: &Gazetteer, mentions: &[PlaceMention]) -> Self {
        let mut c = Coverage {
            admin1: FxHashMap::default(),
            country: FxHashMap::default(),
            own_admin1: Vec::new(),
            own_country: Vec::new(),
            n: 0,
        };
        for m in mentions {
            let mut a1: Vec<u32> = Vec::new();
            let mut cc: Vec<u16> = Vec::new();
            if m.role != MentionRole::Embedded && !m.candidates.is_empty() {
                for p in &m.candidates {
                    let e = gaz.entry(p.entry());
                    if e.admin1 != NONE {
                        a1.push(e.admin1);
                    }
                    cc.push(e.country);
                }
                a1.sort_unstable();
                a1.dedup();
                cc.sort_unstable();
                cc.dedup();
                for &a in &a1 {
                    *c.admin1.entry(a).or_default() += 1;
                }
                for &k in &cc {
                    *c.country.entry(k).or_default() += 1;
                }
                c.n += 1;
            }
            c.own_admin1.push(a1);
            c.own_country.push(cc);
        }
        c
    }

    fn others(&self, m: usize) -> f64 {
        let own = usize::from(!self.own_country[m].is_empty());
        (self.n - own) as f64
    }

    fn admin1(&self, m: usize, a1: u32) -> f64 {
        let rest = self.others(m);
        if rest < 1.0 || a1 == NONE {
            return 0.0;
        }
        let own = usize::from(self.own_admin1[m].binary_search(&a1).is_ok());
        (self.admin1.get(&a1).copied().unwrap_or(0) - own) as f64 / rest
    }

    fn country(&self, m: usize, c: u16) -> f64 {
        let rest = self.others(m);
        if rest < 1.0 {
            return 0.0;
        }
        let own = usize::from(self.own_country[m].binary_search(&c).is_ok());
        (self.country.get(&c).copied().unwrap_or(0) - own) as f64 / rest
    }
}

/// Bonuses from "X, Y" and "X in Y" where Y is an area containing X's candidate.
fn pattern_bonus(gaz: &Gazetteer, text: &str, mentions: &[PlaceMention]) -> Vec<Vec<f64>> {
    let mut bonus: Vec<Vec<f64>> = mentions
        .iter()
        .map(|m| vec![0.0; m.candidates.len()])
        .collect();
    for a in 0..mentions.len().saturating_sub(1) {
        let b = a + 1;
        let (ma, mb) = (&mentions[a], &mentions[b]);
        if ma.sentence != mb.sentence || ma.full_span.end > mb.span.start {
            continue;
        }
        let between = text
            .get(ma.full_span.end..mb.span.start)
            .unwrap_or("")
            .trim();
        let linked = matches!(
            between,
            "," | "in" | "of" | "in the" | ", in" | "province," | ",the"
        );
        if !linked {
            continue;
        }
        for (ia, ca) in ma.candidates.iter().enumerate() {
            let ea = gaz.entry(ca.entry());
            for (ib, cb) in mb.candidates.iter().enumerate() {
                if contains(gaz, cb.entry(), ea, ca.entry()) {
                    bonus[a][ia] = 1.0;
                    bonus[b][ib] = bonus[b][ib].max(0.5);
                }
            }
        }
    }
    bonus
}

/// Bonuses (`weight` or 0) of towns lying in a district (county) that another name of the story
/// can be read as, and of districts holding a town that another name can be read as: "Paris"
/// and "Henry County" together are Paris, Tennessee and the Tennessee county it is the seat of.
/// Empty (no bonus) when no name can be read as a district.
fn district_bonus(
    gaz: &Gazetteer,
    text: &str,
    mentions: &[PlaceMention],
    weight: f64,
) -> Vec<Vec<f64>> {
    if weight == 0.0 {
        return Vec::new();
    }
    // A name is known by its first candidate (mentions of one name share their candidates).
    let key = |m: &PlaceMention| m.candidates.first().map(|p| p.entry());
    // (district, name): districts a name can be read as, and districts holding a reading.
    let mut named: Vec<(u32, u32)> = Vec::new();
    let mut holding: Vec<(u32, u32)> = Vec::new();
    for m in mentions.iter().filter(|m| m.role != MentionRole::Embedded) {
        let Some(k) = key(m) else { continue };
        // Only a name given as a district ("Henry County"), not a bare one ("Leicestershire",
        // whose towns are too many to say anything).
        let as_district = names_district(m.span.slice(text));
        for p in &m.candidates {
            let e = gaz.entry(p.entry());
            match e.kind {
                EntryKind::Admin2 if as_district => named.push((p.entry(), k)),
                EntryKind::Place if e.admin2 != NONE => holding.push((e.admin2, k)),
                _ => {}
            }
        }
    }
    if named.is_empty() {
        return Vec::new();
    }
    named.sort_unstable();
    named.dedup();
    holding.sort_unstable();
    holding.dedup();
    // Whether a name other than `own` is paired with `district` in `list`.
    let other = |list: &[(u32, u32)], district: u32, own: Option<u32>| {
        let from = list.partition_point(|&(d, _)| d < district);
        list[from..]
            .iter()
            .take_while(|&&(d, _)| d == district)
            .any(|&(_, k)| Some(k) != own)
    };
    mentions
        .iter()
        .map(|m| {
            let own = key(m);
            m.candidates
                .iter()
                .map(|p| {
                    let e = gaz.entry(p.entry());
                    let hit = match e.kind {
                        EntryKind::Admin2 => other(&holding, p.entry(), own),
                        EntryKind::Place if e.admin2 != NONE => other(&named, e.admin2, own),
                        _ => false,
                    };
                    if hit { weight } else { 0.0 }
                })
                .collect()
        })
        .collect()
}

/// The name ends in a district's head word: "Henry County", "Orleans Parish".
fn names_district(surface: &str) -> bool {
    let last = surface
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    ["county", "parish", "borough", "district"]
        .iter()
        .any(|h| last.eq_ignore_ascii_case(h))
}

/// Chooses an entry for every mention with candidates.
///
/// `prior`: country votes from outside the place names (actors tied to one country), added to
/// the votes of the mentions.
///
/// `memo` carries what one document's resolutions share (resolving again after dropping
/// mentions asks the same questions); use a fresh one per document and weights.
pub(crate) fn resolve(
    gaz: &Gazetteer,
    cfg: &ResolveConfig,
    text: &str,
    mentions: &mut [PlaceMention],
    country_prior: &[(u16, f64)],
    memo: &mut ResolveMemo,
) {
    let mut name = String::new();
    let mut surface = String::new();
    let mut priors: Vec<Vec<f64>> = Vec::with_capacity(mentions.len());
    for m in mentions.iter() {
        fold_into(m.span.slice(text), &mut surface);
        if let Some(rest) = surface.strip_prefix("the ") {
            surface = rest.to_string();
        }
        let key = (surface, m.level_hint);
        if let Some((candidates, row)) = memo.priors.get(&key)
            && *candidates == m.candidates
        {
            priors.push(row.clone());
            surface = key.0;
            continue;
        }
        let surface_ref = key.0.as_str();
        let no_country = !m
            .candidates
            .iter()
            .any(|p| gaz.entry(p.entry()).kind == EntryKind::Country);
        let row: Vec<f64> = m
            .candidates
            .iter()
            .map(|p| {
                let e = gaz.entry(p.entry());
                let exact = folds_to(&e.name, surface_ref, &mut name)
                    || (no_country && city_short_form(e, surface_ref, &mut name));
                let alone = e.kind == EntryKind::Admin1
                    && exact
                    && !m.candidates.iter().any(|q| {
                        let f = gaz.entry(q.entry());
                        f.kind == EntryKind::Place && f.admin1 == p.entry()
                    });
                prior(cfg, e, p.is_primary(), p.is_bare(), exact, m.level_hint)
                    + if alone { cfg.w_admin1_alone } else { 0.0 }
            })
            .collect();
        priors.push(row.clone());
        surface = key.0.clone();
        memo.priors.insert(key, (m.candidates.clone(), row));
    }
    if cfg.w_border != 0.0 {
        for (m, row) in mentions.iter().zip(priors.iter_mut()) {
            if before_border(text, m.full_span.end) {
                for (p, x) in m.candidates.iter().zip(row.iter_mut()) {
                    if matches!(
                        gaz.entry(p.entry()).kind,
                        EntryKind::Country | EntryKind::Admin1 | EntryKind::Region
                    ) {
                        *x += cfg.w_border;
                    }
                }
            }
        }
    }
    let probs: Vec<Vec<f64>> = priors.iter().map(|p| softmax(p)).collect();
    let groups = name_groups(mentions);
    let mut votes = Votes::collect(gaz, mentions, &probs, &groups);
    for &(c, w) in country_prior {
        *votes.country.entry(c).or_default() += w;
        votes.total += w;
    }
    let patterns = pattern_bonus(gaz, text, mentions);
    let districts = district_bonus(gaz, text, mentions, cfg.w_district);
    let cover = Coverage::collect(gaz, mentions);
    // The bundled weights give the country coverage no weight: skip its lookups then (adding
    // the zero it would give changes nothing).
    let cover_country = |mi: usize, country: u16| {
        if cfg.w_cover_country == 0.0 {
            0.0
        } else {
            cfg.w_cover_country * cover.country(mi, country)
        }
    };
    let mut scores: Vec<Vec<f64>> = Vec::with_capacity(mentions.len());
    for (mi, m) in mentions.iter().enumerate() {
        let row = m
            .candidates
            .iter()
            .enumerate()
            .map(|(ci, p)| {
                let e = gaz.entry(p.entry());
                let country = votes.country_share(mi, e.country);
                // A country has no province: its own share stands in, so that countries compete
                // with the towns in them on equal terms.
                let admin1 = if e.kind == EntryKind::Country {
                    country
                } else {
                    votes.admin1_share(mi, e.admin1)
                };
                priors[mi][ci]
                    + cfg.w_country * country
                    + cfg.w_admin1 * admin1
                    + cfg.w_pattern * patterns[mi][ci]
                    + districts.get(mi).map_or(0.0, |row| row[ci])
                    + cfg.w_cover_admin1 * cover.admin1(mi, e.admin1)
                    + cover_country(mi, e.country)
            })
            .collect();
        scores.push(row);
    }
    let mut choice = decide(&scores, &groups);
    let mut closeness = Closeness::new(gaz, cfg, mentions, &mut memo.points);
    let mut refined = scores.clone();
    for _ in 0..2 {
        let spatial = coherence(gaz, mentions, &choice, &mut closeness, Rows::Whole);
        for ((out, row), sp) in refined.iter_mut().zip(&scores).zip(&spatial) {
            for ((x, s), c) in out.iter_mut().zip(row).zip(sp) {
                *x = s + cfg.w_space * c;
            }
        }
        choice = decide(&refined, &groups);
    }
    // Only the chosen reading's closeness is read from here on.
    let spatial = coherence(gaz, mentions, &choice, &mut closeness, Rows::Picked);
    for (mi, m) in mentions.iter_mut().enumerate() {
        let Some(ci) = choice.picks[mi] else { continue };
        let e = gaz.entry(m.candidates[ci].entry());
        let country = votes.country_share(mi, e.country);
        let support =
            country + votes.admin1_share(mi, e.admin1) + patterns[mi][ci] + spatial[mi][ci];
        m.resolved = Some(Resolution {
            entry: m.candidates[ci].entry(),
            confidence: choice.confidence[mi],
            support,
            context: votes.total - votes.own_total[mi],
        });
    }
}

/// Mentions that share their candidate list (the same name) are decided together.
fn name_groups(mentions: &[PlaceMention]) -> Vec<Vec<usize>> {
    // Same name and same head word ("Deir ez-Zor" and "Deir ez-Zor province" differ).
    let mut by_first: FxHashMap<(u32, usize, Option<u8>), Vec<usize>> = FxHashMap::default();
    for (i, m) in mentions.iter().enumerate() {
        if let Some(first) = m.candidates.first() {
            by_first
                .entry((first.entry(), m.candidates.len(), m.level_hint))
                .or_default()
                .push(i);
        }
    }
    let mut groups: Vec<Vec<usize>> = by_first.into_values().collect();
    groups.sort();
    groups
}

struct Choice {
    picks: Vec<Option<usize>>,
    confidence: Vec<f64>,
}

fn decide(scores: &[Vec<f64>], groups: &[Vec<usize>]) -> Choice {
    let mut picks = vec![None; scores.len()];
    let mut confidence = vec![0.0; scores.len()];
    let mut summed: Vec<f64> = Vec::new();
    for g in groups {
        let n = scores[g[0]].len();
        summed.clear();
        summed.extend((0..n).map(|ci| {
            g.iter()
                .map(|&mi| scores[mi].get(ci).copied().unwrap_or(0.0))
                .sum::<f64>()
                / g.len() as f64
        }));
        let best = (0..n).max_by(|&a, &b| summed[a].total_cmp(&summed[b]));
        let conf = best.map_or(0.0, |b| softmax_at(&summed, b));
        for &mi in g {
            picks[mi] = best;
            confidence[mi] = conf;
        }
    }
    Choice { picks, confidence }
}

/// `softmax(scores)[i]`, computed as [`softmax`] does, without the other entries.
fn softmax_at(scores: &[f64], i: usize) -> f64 {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = scores.iter().map(|s| (s - max).exp()).sum();
    let e = (scores[i] - max).exp();
    if sum > 0.0 { e / sum } else { 0.0 }
}

/// Coherence looks at the anchors at most this many mentions away on either side. News
/// articles have far fewer mentions, so for them every other mention counts; a hostile
/// 16 MB document with 10^5 mentions stays linear instead of quadratic.
const COHERENCE_WINDOW: usize = 128;

/// For each candidate, how close it lies to the places chosen for the other mentions.
///
/// Mentions of one name that see the same anchors share one row (same additions in the same
/// order: the result is exact), and a pair of points is measured once per resolution
/// ([`Closeness`]).
fn coherence(
    gaz: &Gazetteer,
    mentions: &[PlaceMention],
    choice: &Choice,
    closeness: &mut Closeness,
    rows_wanted: Rows,
) -> Vec<Vec<f64>> {
    // Anchors: chosen points of places and districts (areas are too large to be points).
    let anchors: Vec<Anchor> = mentions
        .iter()
        .enumerate()
        .filter_map(|(mi, m)| {
            let ci = choice.picks[mi]?;
            let entry = m.candidates[ci].entry();
            let e = gaz.entry(entry);
            matches!(e.kind, EntryKind::Place | EntryKind::Admin2).then(|| Anchor {
                mention: mi,
                entry,
                weight: choice.confidence[mi],
                point: closeness.anchor(mi, ci),
            })
        })
        .collect();
    let own_key = |mi: usize| mentions[mi].candidates.first().map(|p| p.entry());
    // (own key, anchor window) → the mention whose row was computed for it.
    let mut shared: FxHashMap<(Option<u32>, usize, usize, Option<usize>), usize> =
        FxHashMap::default();
    let mut rows: Vec<Vec<f64>> = Vec::with_capacity(mentions.len());
    let mut near: Vec<&Anchor> = Vec::new();
    for (mi, m) in mentions.iter().enumerate() {
        let key = own_key(mi);
        let wanted = match rows_wanted {
            Rows::Whole => None,
            Rows::Picked => choice.picks[mi],
        };
        // Anchors are in mention order.
        let lo = anchors.partition_point(|a| a.mention + COHERENCE_WINDOW < mi);
        let hi = anchors.partition_point(|a| a.mention <= mi + COHERENCE_WINDOW);
        // Skipped anchors are this mention and those of its name, so every mention of the
        // name with the same window sees the same anchors.
        if let Some(&j) = shared.get(&(key, lo, hi, wanted))
            && mentions[j].candidates == m.candidates
        {
            let row = rows[j].clone();
            rows.push(row);
            continue;
        }
        near.clear();
        near.extend(
            anchors[lo..hi]
                .iter()
                .filter(|a| a.mention != mi && own_key(a.mention) != key),
        );
        let den: f64 = near.iter().map(|a| a.weight).sum();
        let row = m
            .candidates
            .iter()
            .enumerate()
            .map(|(ci, p)| {
                if near.is_empty() || (rows_wanted == Rows::Picked && wanted != Some(ci)) {
                    return 0.0;
                }
                let e = gaz.entry(p.entry());
                // Points are scored by distance; areas by whether the other places lie in them.
                let num: f64 = match e.kind {
                    EntryKind::Place | EntryKind::Admin2 => match closeness.slots[mi][ci] {
                        Some(slot) => near
                            .iter()
                            .map(|a| a.weight * a.point.map_or(0.0, |pt| closeness.get(slot, pt)))
                            .sum(),
                        None => 0.0,
                    },
                    EntryKind::Admin1 => near
                        .iter()
                        .filter(|a| gaz.entry(a.entry).admin1 == p.entry())
                        .map(|a| a.weight)
                        .sum(),
                    EntryKind::Country => near
                        .iter()
                        .filter(|a| gaz.entry(a.entry).country == e.country)
                        .map(|a| a.weight)
                        .sum(),
                    EntryKind::Region => 0.0,
                };
                if den > 0.0 { num / den } else { 0.0 }
            })
            .collect();
        shared.insert((key, lo, hi, wanted), mi);
        rows.push(row);
    }
    rows
}

/// Which candidates of each mention [`coherence`] scores (the others get 0).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rows {
    Whole,
    Picked,
}

/// A chosen place other mentions are scored against.
struct Anchor {
    mention: usize,
    entry: u32,
    weight: f64,
    point: Option<AnchorPoint>,
}

/// An anchor's point in [`Closeness`]: its slot, and its column of cached values.
#[derive(Clone, Copy)]
struct AnchorPoint {
    slot: u32,
    column: Option<usize>,
}

/// What the resolutions of one document share: the prior rows of its names and the
/// closeness of pairs of points.
#[derive(Default)]
pub(crate) struct ResolveMemo {
    priors: PriorRows,
    points: Points,
}

/// (folded surface, level hint) → the candidates a row of priors was computed for, and the row.
type PriorRows = FxHashMap<(String, Option<u8>), (Vec<Posting>, Vec<f64>)>;

/// Closeness, `exp(-distance / space_scale_km)`, of candidate points to anchor points: the
/// rounds of [`resolve`], the mentions of one name and a second resolution ask for the same
/// pairs again. Each point-like candidate entry has a slot and its unit vector (so a pair costs
/// one `asin`, not the haversine formula's four trigonometric calls); each slot that has been
/// an anchor has a column of cached values. Bounded: past [`Points::MAX_CACHED`] values, new
/// anchors are measured afresh each time, so a hostile document stays linear in memory.
#[derive(Default)]
struct Points {
    slot_of: FxHashMap<u32, u32>,
    points: Vec<[f64; 3]>,
    /// Anchor slot → start of its column in `cache` (a column has one value per slot).
    columns: FxHashMap<u32, usize>,
    /// NaN: not measured yet.
    cache: Vec<f64>,
}

impl Points {
    const MAX_CACHED: usize = 1 << 20;
}

/// [`Points`] as one resolution reads them: the slot of each mention's candidates.
struct Closeness<'m> {
    scale_km: f64,
    /// Per mention, per candidate: its slot (`None` for areas).
    slots: Vec<Vec<Option<u32>>>,
    memo: &'m mut Points,
}

impl<'m> Closeness<'m> {
    fn new(
        gaz: &Gazetteer,
        cfg: &ResolveConfig,
        mentions: &[PlaceMention],
        memo: &'m mut Points,
    ) -> Self {
        let known = memo.points.len();
        let slots = mentions
            .iter()
            .map(|m| {
                m.candidates
                    .iter()
                    .map(|p| {
                        let e = gaz.entry(p.entry());
                        if !matches!(e.kind, EntryKind::Place | EntryKind::Admin2) {
                            return None;
                        }
                        Some(*memo.slot_of.entry(p.entry()).or_insert_with(|| {
                            memo.points.push(unit_vector(e));
                            (memo.points.len() - 1) as u32
                        }))
                    })
                    .collect()
            })
            .collect();
        // Columns have one value per slot: new slots start them afresh.
        if memo.points.len() != known {
            memo.columns.clear();
            memo.cache.clear();
        }
        Self {
            scale_km: cfg.space_scale_km,
            slots,
            memo,
        }
    }

    /// Candidate `ci` of mention `mi` as an anchor (`None` for an area), with its column
    /// opened on first use while the cache has room.
    fn anchor(&mut self, mi: usize, ci: usize) -> Option<AnchorPoint> {
        let slot = self.slots[mi][ci]?;
        let memo = &mut *self.memo;
        let n = memo.points.len();
        let column = match memo.columns.get(&slot) {
            Some(&start) => Some(start),
            None if memo.cache.len() + n <= Points::MAX_CACHED => {
                let start = memo.cache.len();
                memo.cache.resize(start + n, f64::NAN);
                memo.columns.insert(slot, start);
                Some(start)
            }
            None => None,
        };
        Some(AnchorPoint { slot, column })
    }

    /// Closeness of the point in `slot` to `anchor`.
    fn get(&mut self, slot: u32, anchor: AnchorPoint) -> f64 {
        let scale_km = self.scale_km;
        let memo = &mut *self.memo;
        let measure = |points: &[[f64; 3]]| {
            let d = chord_km(points[slot as usize], points[anchor.slot as usize]);
            (-d / scale_km).exp()
        };
        match anchor.column {
            Some(start) => {
                let cell = &mut memo.cache[start + slot as usize];
                if cell.is_nan() {
                    *cell = measure(&memo.points);
                }
                *cell
            }
            None => measure(&memo.points),
        }
    }
}

/// An entry's point on the unit sphere.
fn unit_vector(e: &Entry) -> [f64; 3] {
    let (lat, lon) = (f64::from(e.lat).to_radians(), f64::from(e.lon).to_radians());
    let (sin_lat, cos_lat) = lat.sin_cos();
    let (sin_lon, cos_lon) = lon.sin_cos();
    [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]
}

/// Great-circle distance between two unit vectors: the haversine formula's distance up to
/// rounding (the haversine of the angle is a quarter of the squared chord); the last bits may
/// differ, the resolutions of the five public corpora do not.
fn chord_km(a: [f64; 3], b: [f64; 3]) -> f64 {
    let chord2 = (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2);
    2.0 * EARTH_RADIUS_KM * (chord2 / 4.0).sqrt().min(1.0).asin()
}

/// The words after `end` are "border" or "frontier" (not "border crossing", "border town"):
/// a border is between countries or provinces.
fn before_border(text: &str, end: usize) -> bool {
    let rest = text.get(end..).unwrap_or("");
    let mut words = rest
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or("");
    if !matches!(
        first.to_ascii_lowercase().as_str(),
        "border" | "borders" | "frontier"
    ) {
        return false;
    }
    // Only the next word, right after a space.
    if !rest.starts_with(' ') {
        return false;
    }
    let second = words.next().unwrap_or("").to_ascii_lowercase();
    !matches!(
        second.as_str(),
        "crossing"
            | "crossings"
            | "town"
            | "city"
            | "village"
            | "post"
            | "point"
            | "checkpoint"
            | "gate"
            | "market"
    )
}
