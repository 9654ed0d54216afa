//! score.py `score_events` / `print_events`.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::output::{Cell, Fig, Row, fmt_opt, header, line, table};
use crate::py::{
    Key, band, coords, fmean, get, haversine, int_or_none, inter, median, norm, norm_country,
    parse_day, py_eq, py_str, py_sum, ratio_n, truthy, type_ok,
};
use crate::{Accuracy, Prf};

/// The figures of `score.py events`.
#[derive(Clone, Debug, PartialEq)]
pub struct EventsReport {
    pub docs: usize,
    pub docs_with_prediction: usize,
    pub coverage: f64,
    /// Accuracies of the main event, in score.py's order of first use (its `--json` key order).
    pub main_event: Vec<(String, Accuracy)>,
    pub event_type_macro_f1: Option<f64>,
    pub sub_event_type_macro_f1: Option<f64>,
    pub plover_macro_f1: Option<f64>,
    pub geo_error_km: GeoError,
    pub fatalities_log_mae_covered: Option<f64>,
    pub event_level_strict: Prf,
    pub event_level_lenient: Prf,
    /// The sub-event types most often missed: (gold, its docs, errors, the commonest wrong
    /// predictions with counts). Printed in the table only; score.py has no such figure.
    pub worst_sub_event_types: Vec<Confusion>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Confusion {
    pub gold: String,
    pub n: usize,
    pub errors: usize,
    pub predicted: Vec<(String, usize)>,
}

/// Gold classes ranked by their number of errors, each with its commonest wrong predictions.
fn worst_classes(pairs: &[(Key, Key)], classes: usize, confusions: usize) -> Vec<Confusion> {
    let mut by_gold: BTreeMap<String, (usize, BTreeMap<String, usize>)> = BTreeMap::new();
    for (g, p) in pairs {
        let entry = by_gold.entry(g.json_key()).or_default();
        entry.0 += 1;
        if g != p {
            let label = if *p == Key::None {
                "(no event)".to_string()
            } else {
                p.json_key()
            };
            *entry.1.entry(label).or_default() += 1;
        }
    }
    let mut out: Vec<Confusion> = by_gold
        .into_iter()
        .map(|(gold, (n, wrong))| {
            let mut predicted: Vec<(String, usize)> = wrong.into_iter().collect();
            predicted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let errors = predicted.iter().map(|(_, c)| c).sum();
            predicted.truncate(confusions);
            Confusion {
                gold,
                n,
                errors,
                predicted,
            }
        })
        .filter(|c| c.errors > 0)
        .collect();
    out.sort_by(|a, b| b.errors.cmp(&a.errors).then_with(|| a.gold.cmp(&b.gold)));
    out.truncate(classes);
    out
}

/// Geocoding error of the main event, over docs where both it and the gold event have coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct GeoError {
    pub median: Option<f64>,
    pub mean: Option<f64>,
    pub n: usize,
}

/// score.py `Acc`: accuracy over every applicable gold doc and over the covered ones.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Acc {
    n: usize,
    ok: usize,
    n_cov: usize,
    ok_cov: usize,
}

impl Acc {
    pub(crate) fn add(&mut self, ok: bool, covered: bool) {
        self.n += 1;
        self.ok += usize::from(ok);
        if covered {
            self.n_cov += 1;
            self.ok_cov += usize::from(ok);
        }
    }

    pub(crate) fn n(&self) -> usize {
        self.n
    }

    pub(crate) fn out(&self) -> Accuracy {
        Accuracy {
            all: ratio_n(self.ok, self.n),
            covered: ratio_n(self.ok_cov, self.n_cov),
            n: self.n,
            n_covered: self.n_cov,
        }
    }
}

/// score.py's `defaultdict(Acc)`, keeping the order of first use.
#[derive(Default)]
struct AccMap(Vec<(&'static str, Acc)>);

impl AccMap {
    fn add(&mut self, key: &'static str, ok: bool, covered: bool) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, a)) => a.add(ok, covered),
            None => {
                let mut a = Acc::default();
                a.add(ok, covered);
                self.0.push((key, a));
            }
        }
    }
}

const ET: &str = "event_type";
const ST: &str = "sub_event_type";
const PL: &str = "plover";
const ACC25: &str = "acc@25km (gold geo_precision 1)";
const ACC161: &str = "acc@161km";
const ADMIN1: &str = "admin1";
const COUNTRY: &str = "country";
const DATE_EXACT: &str = "date exact (gold time_precision 1)";
const DATE_1: &str = "date +-1 day";
const FAT_EXACT: &str = "fatalities exact";
const FAT_BAND: &str = "fatalities band";
const INTER1: &str = "inter1 (actor1 category)";
const INTER2: &str = "inter2 (actor2 category)";
const ORDER: [&str; 13] = [
    ET, ST, PL, ACC25, ACC161, ADMIN1, COUNTRY, DATE_EXACT, DATE_1, FAT_EXACT, FAT_BAND, INTER1,
    INTER2,
];

/// score.py `gold_events`: a gold line's events; incidents-style gold (GVA) gives one event per article.
fn gold_events(line: &Value) -> Vec<Value> {
    if let Value::Array(evs) = get(line, "events") {
        return evs.clone();
    }
    match line {
        Value::Object(m) if m.contains_key("incident_id") => {
            let date = get(line, "date");
            let lat = get(line, "latitude");
            let mut ev = Map::new();
            ev.insert("event_date".into(), date.clone());
            ev.insert(
                "time_precision".into(),
                if truthy(date) {
                    Value::from(1)
                } else {
                    Value::Null
                },
            );
            ev.insert("latitude".into(), lat.clone());
            ev.insert("longitude".into(), get(line, "longitude").clone());
            ev.insert(
                "geo_precision".into(),
                if lat.is_null() {
                    Value::Null
                } else {
                    Value::from(1)
                },
            );
            ev.insert("fatalities".into(), get(line, "killed").clone());
            ev.insert("admin1".into(), get(line, "admin1").clone());
            ev.insert("country".into(), get(line, "country").clone());
            ev.insert("location".into(), get(line, "location").clone());
            ev.insert("event_type".into(), Value::Null);
            ev.insert("sub_event_type".into(), Value::Null);
            vec![Value::Object(ev)]
        }
        _ => Vec::new(),
    }
}

/// score.py `pred_by_doc`: predicted events by doc id; `{"doc_id", "events": [...]}` lines are
/// flattened (an event's own `doc_id` wins over the line's).
pub(crate) fn pred_by_doc(preds: &[Value]) -> HashMap<Key, Vec<Value>> {
    let mut by: HashMap<Key, Vec<Value>> = HashMap::new();
    for p in preds {
        if let Value::Array(evs) = get(p, "events") {
            for e in evs {
                let mut e = match e {
                    Value::Object(m) => m.clone(),
                    _ => Map::new(),
                };
                if !e.contains_key("doc_id") {
                    e.insert("doc_id".into(), get(p, "doc_id").clone());
                }
                let e = Value::Object(e);
                by.entry(Key::of(get(&e, "doc_id"))).or_default().push(e);
            }
        } else {
            by.entry(Key::of(get(p, "doc_id")))
                .or_default()
                .push(p.clone());
        }
    }
    by
}

/// `int_or_none(v) or 1`.
fn or_one(v: &Value) -> i128 {
    match int_or_none(v) {
        None | Some(0) => 1,
        Some(x) => x,
    }
}

fn date_tolerance(g: &Value) -> i64 {
    match or_one(get(g, "time_precision")) {
        2 => 7,
        3 => 31,
        _ => 1,
    }
}

fn distance(a: Option<(f64, f64)>, b: Option<(f64, f64)>) -> Option<f64> {
    Some(haversine(a?, b?))
}

/// score.py `match_cost`: lower is better; chooses the gold event the main predicted event is compared with.
fn match_cost(p: &Value, g: &Value) -> f64 {
    let mut cost = 0.0;
    let (gs, gt) = (get(g, ST), get(g, ET));
    if truthy(gs) && py_eq(get(p, ST), gs) {
    } else if truthy(gt) && type_ok(get(p, ET), gt) {
        cost += 0.5;
    } else if truthy(gt) || truthy(gs) {
        cost += 1.0;
    }
    cost += match distance(coords(p), coords(g)) {
        Some(d) => (d / 100.0).min(1.0),
        None => 1.0,
    };
    let days = match (
        parse_day(get(p, "event_date")),
        parse_day(get(g, "event_date")),
    ) {
        (Some(pd), Some(gd)) => ((pd - gd).abs() as f64 / 7.0).min(1.0),
        _ => 1.0,
    };
    cost += 0.5 * days;
    cost
}

/// score.py `pair_compatible`: the sort key of a compatible (pred, gold) pair, or None.
fn pair_compatible(p: &Value, g: &Value, strict: bool) -> Option<(u8, f64, i64)> {
    let (gs, gt) = (get(g, ST), get(g, ET));
    if strict && truthy(gs) {
        if !py_eq(get(p, ST), gs) {
            return None;
        }
    } else if truthy(gt) && !type_ok(get(p, ET), gt) {
        return None;
    }
    let gc = coords(g);
    let dist = distance(coords(p), gc);
    let gp = or_one(get(g, "geo_precision"));
    let mut place_ok = dist.is_some_and(|d| d <= 25.0);
    let g_admin1 = get(g, "admin1");
    if !place_ok && (gp > 1 || gc.is_none()) && truthy(g_admin1) {
        let ng = norm(g_admin1);
        place_ok = norm(get(p, "admin1")) == ng && !ng.is_empty();
    }
    if !place_ok && gc.is_none() && !truthy(g_admin1) {
        place_ok = true; // gold has no place to compare with
    }
    if !place_ok {
        return None;
    }
    let mut dd = 0;
    if let Some(gd) = parse_day(get(g, "event_date")) {
        let pd = parse_day(get(p, "event_date"))?;
        if (pd - gd).abs() > date_tolerance(g) {
            return None;
        }
        dd = (pd - gd).abs();
    }
    let same_sub = truthy(gs) && py_eq(get(p, ST), gs);
    Some((if same_sub { 0 } else { 1 }, dist.unwrap_or(1e9), dd))
}

/// score.py `greedy_match`: one-to-one matches, best keys first.
fn greedy_match(preds: &[Value], golds: &[Value], strict: bool) -> usize {
    let mut cands = Vec::new();
    for (i, p) in preds.iter().enumerate() {
        for (j, g) in golds.iter().enumerate() {
            if let Some(k) = pair_compatible(p, g, strict) {
                cands.push((k, i, j));
            }
        }
    }
    cands.sort_by(|(a, i, j), (b, k, l)| {
        a.0.cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(i.cmp(k))
            .then(j.cmp(l))
    });
    let mut used_p = vec![false; preds.len()];
    let mut used_g = vec![false; golds.len()];
    let mut n = 0;
    for (_, i, j) in cands {
        if used_p[i] || used_g[j] {
            continue;
        }
        used_p[i] = true;
        used_g[j] = true;
        n += 1;
    }
    n
}

/// score.py `macro_f1`: per-label F1 over the labels present in gold (sorted), and their mean.
pub(crate) fn macro_f1(pairs: &[(Key, Key)]) -> (f64, Vec<(Key, f64)>) {
    let mut labels: Vec<Key> = pairs.iter().map(|(g, _)| g.clone()).collect();
    labels.sort();
    labels.dedup();
    if labels.is_empty() {
        return (0.0, Vec::new());
    }
    // (tp, fp, fn) per label in one pass: a pair is a tp of its gold label when the labels agree,
    // else a fn of its gold label and a fp of its predicted label
    let mut counts: HashMap<&Key, (usize, usize, usize)> = HashMap::new();
    for (g, p) in pairs {
        if g == p {
            counts.entry(g).or_default().0 += 1;
        } else {
            counts.entry(p).or_default().1 += 1;
            counts.entry(g).or_default().2 += 1;
        }
    }
    let per: Vec<(Key, f64)> = labels
        .into_iter()
        .map(|lab| {
            let (tp, fp, fn_) = counts.get(&lab).copied().unwrap_or_default();
            let f = ratio_n(2 * tp, 2 * tp + fp + fn_);
            (lab, f)
        })
        .collect();
    let mean = py_sum(per.iter().map(|(_, f)| *f)) / per.len() as f64;
    (mean, per)
}

/// score.py `weighted_f1`: F1 per gold label weighted by its gold support.
pub(crate) fn weighted_f1(pairs: &[(Key, Key)]) -> f64 {
    let (_, per) = macro_f1(pairs);
    let mut support: Vec<(Key, usize)> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for (g, _) in pairs {
        match index.get(g) {
            Some(&i) => support[i].1 += 1,
            None => {
                index.insert(g.clone(), support.len());
                support.push((g.clone(), 1));
            }
        }
    }
    let total: usize = support.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return 0.0;
    }
    let f1: HashMap<&Key, f64> = per.iter().map(|(l, f)| (l, *f)).collect();
    py_sum(
        support
            .iter()
            .map(|(lab, n)| f1.get(lab).copied().unwrap_or(0.0) * *n as f64),
    ) / total as f64
}

/// `(v or "").upper()`.
fn upper(v: &Value) -> String {
    match v {
        _ if !truthy(v) => String::new(),
        Value::String(s) => s.to_uppercase(),
        other => py_str(other).to_uppercase(),
    }
}

fn sum_sat(xs: impl IntoIterator<Item = i128>) -> i128 {
    xs.into_iter().fold(0i128, i128::saturating_add)
}

pub(crate) fn score(gold_lines: &[Value], preds: &[Value]) -> EventsReport {
    let by = pred_by_doc(preds);
    let gold: Vec<(Key, Vec<Value>)> = gold_lines
        .iter()
        .map(|g| (Key::of(get(g, "doc_id")), gold_events(g)))
        .filter(|(_, evs)| !evs.is_empty())
        .collect();
    let no_events: Vec<Value> = Vec::new();
    let empty = Value::Object(Map::new());
    let mut a = AccMap::default();
    let (mut et_pairs, mut st_pairs, mut pl_pairs) = (Vec::new(), Vec::new(), Vec::new());
    let (mut errors, mut log_fat_err) = (Vec::new(), Vec::new());
    let mut covered = 0;
    let (mut strict_tp, mut lenient_tp, mut n_pred, mut n_gold) = (0, 0, 0, 0);
    for (doc_id, gevs) in &gold {
        let pevs = by.get(doc_id).unwrap_or(&no_events);
        let cov = !pevs.is_empty();
        covered += usize::from(cov);
        n_pred += pevs.len();
        n_gold += gevs.len();
        strict_tp += greedy_match(pevs, gevs, true);
        lenient_tp += greedy_match(pevs, gevs, false);
        let main = pevs.first().unwrap_or(&empty);
        let mut g = &gevs[0];
        if cov {
            let mut best = match_cost(main, g);
            for ge in &gevs[1..] {
                let c = match_cost(main, ge);
                if c < best {
                    best = c;
                    g = ge;
                }
            }
        }
        // types
        let g_et = get(g, ET);
        if truthy(g_et) {
            a.add(ET, type_ok(get(main, ET), g_et), cov);
            if !g_et.as_str().is_some_and(|s| s.contains('|')) {
                et_pairs.push((
                    Key::of(g_et),
                    if cov {
                        Key::of(get(main, ET))
                    } else {
                        Key::None
                    },
                ));
            }
        }
        let g_st = get(g, ST);
        if truthy(g_st) {
            a.add(ST, py_eq(get(main, ST), g_st), cov);
            st_pairs.push((
                Key::of(g_st),
                if cov {
                    Key::of(get(main, ST))
                } else {
                    Key::None
                },
            ));
        }
        let g_pl = get(g, PL);
        if truthy(g_pl) {
            let (gu, pu) = (upper(g_pl), upper(get(main, PL)));
            a.add(PL, pu == gu, cov);
            pl_pairs.push((
                Key::Str(gu),
                if pu.is_empty() {
                    Key::None
                } else {
                    Key::Str(pu)
                },
            ));
        }
        // place
        let gc = coords(g);
        let err = distance(coords(main), gc);
        if let Some(e) = err {
            errors.push(e);
        }
        if gc.is_some() {
            a.add(ACC161, err.is_some_and(|e| e <= 161.0), cov);
            if int_or_none(get(g, "geo_precision")) == Some(1) {
                a.add(ACC25, err.is_some_and(|e| e <= 25.0), cov);
            }
        }
        let g_admin1 = get(g, ADMIN1);
        if truthy(g_admin1) {
            a.add(
                ADMIN1,
                cov && norm(get(main, ADMIN1)) == norm(g_admin1),
                cov,
            );
        }
        let g_country = get(g, COUNTRY);
        if truthy(g_country) {
            a.add(
                COUNTRY,
                cov && norm_country(get(main, COUNTRY)) == norm_country(g_country),
                cov,
            );
        }
        // date
        if let Some(gd) = parse_day(get(g, "event_date"))
            && or_one(get(g, "time_precision")) == 1
        {
            let pd = parse_day(get(main, "event_date"));
            a.add(DATE_EXACT, pd == Some(gd), cov);
            a.add(DATE_1, pd.is_some_and(|pd| (pd - gd).abs() <= 1), cov);
        }
        // fatalities
        let gf: Vec<i128> = gevs
            .iter()
            .filter_map(|e| int_or_none(get(e, "fatalities")))
            .collect();
        if !gf.is_empty() {
            let gtot = if gevs.len() > 1 {
                sum_sat(gf.iter().copied())
            } else {
                gf[0]
            };
            let pf = if !cov {
                None
            } else if gevs.len() > 1 {
                Some(sum_sat(
                    pevs.iter()
                        .map(|e| int_or_none(get(e, "fatalities")).unwrap_or(0)),
                ))
            } else {
                Some(int_or_none(get(main, "fatalities")).unwrap_or(0))
            };
            a.add(FAT_EXACT, pf == Some(gtot), cov);
            a.add(FAT_BAND, pf.is_some_and(|p| band(p) == band(gtot)), cov);
            if let Some(p) = pf {
                log_fat_err.push(((p.max(0) as f64).ln_1p() - (gtot.max(0) as f64).ln_1p()).abs());
            }
        }
        // actors
        let gi1 = inter(get(g, "inter1")).filter(|&x| x != 0);
        if let Some(gi1) = gi1 {
            a.add(INTER1, inter(get(main, "inter1")) == Some(gi1), cov);
            if let Some(gi2) = inter(get(g, "inter2")) {
                a.add(
                    INTER2,
                    cov && inter(get(main, "inter2")).unwrap_or(0) == gi2,
                    cov,
                );
            }
        }
    }
    let f1_or_none = |pairs: &[(Key, Key)]| (!pairs.is_empty()).then(|| macro_f1(pairs).0);
    EventsReport {
        docs: gold.len(),
        docs_with_prediction: covered,
        coverage: ratio_n(covered, gold.len()),
        main_event: a
            .0
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.out()))
            .collect(),
        event_type_macro_f1: f1_or_none(&et_pairs),
        sub_event_type_macro_f1: f1_or_none(&st_pairs),
        worst_sub_event_types: worst_classes(&st_pairs, 8, 3),
        plover_macro_f1: f1_or_none(&pl_pairs),
        geo_error_km: GeoError {
            median: median(&errors),
            mean: fmean(&errors),
            n: errors.len(),
        },
        fatalities_log_mae_covered: fmean(&log_fat_err),
        event_level_strict: Prf::new(strict_tp, n_pred, n_gold),
        event_level_lenient: Prf::new(lenient_tp, n_pred, n_gold),
    }
}

impl EventsReport {
    pub(crate) fn fig(&self) -> Vec<(String, Fig)> {
        vec![
            ("docs".into(), Fig::int(self.docs)),
            (
                "docs_with_prediction".into(),
                Fig::int(self.docs_with_prediction),
            ),
            ("coverage".into(), Fig::Float(self.coverage)),
            (
                "main_event".into(),
                Fig::Obj(
                    self.main_event
                        .iter()
                        .map(|(k, a)| (k.clone(), a.fig()))
                        .collect(),
                ),
            ),
            (
                "event_type_macro_f1".into(),
                Fig::opt(self.event_type_macro_f1),
            ),
            (
                "sub_event_type_macro_f1".into(),
                Fig::opt(self.sub_event_type_macro_f1),
            ),
            ("plover_macro_f1".into(), Fig::opt(self.plover_macro_f1)),
            (
                "geo_error_km".into(),
                Fig::Obj(vec![
                    ("median".into(), Fig::opt(self.geo_error_km.median)),
                    ("mean".into(), Fig::opt(self.geo_error_km.mean)),
                    ("n".into(), Fig::int(self.geo_error_km.n)),
                ]),
            ),
            (
                "fatalities_log_mae_covered".into(),
                Fig::opt(self.fatalities_log_mae_covered),
            ),
            ("event_level_strict".into(), self.event_level_strict.fig()),
            ("event_level_lenient".into(), self.event_level_lenient.fig()),
        ]
    }

    pub(crate) fn table(&self, name: &str) -> String {
        let mut rows: Vec<Row> = vec![
            line("documents", Cell::Int(self.docs), ""),
            line(
                "coverage (docs with >=1 event)",
                Cell::Float(Some(self.coverage)),
                format!("{} docs", self.docs_with_prediction),
            ),
            header("main event (first predicted event vs best-matching gold event of the doc)"),
        ];
        for k in ORDER {
            if let Some((_, o)) = self.main_event.iter().find(|(key, _)| key == k) {
                rows.push(line(k, Cell::Float(Some(o.all)), o.detail_events()));
            }
        }
        for (k, v) in [
            ("event type macro f1", self.event_type_macro_f1),
            ("sub event type macro f1", self.sub_event_type_macro_f1),
            ("plover macro f1", self.plover_macro_f1),
        ] {
            if v.is_some() {
                rows.push(line(k, Cell::Float(v), ""));
            }
        }
        let ge = &self.geo_error_km;
        rows.push(line(
            "geo error km (median)",
            Cell::Float(ge.median),
            format!("mean {}, n={}", fmt_opt(ge.mean), ge.n),
        ));
        rows.push(line(
            "fatalities |log1p diff| (mean)",
            Cell::Float(self.fatalities_log_mae_covered),
            "covered docs",
        ));
        rows.push(header(
            "event level (greedy one-to-one; <=25 km or same admin1 when gold geo_precision>1; date +-1 day)",
        ));
        for (e, lab) in [
            (&self.event_level_strict, "strict (same sub_event_type)"),
            (&self.event_level_lenient, "lenient (same event_type)"),
        ] {
            rows.push(line(
                format!("{lab} F1"),
                Cell::Float(Some(e.f1)),
                format!(
                    "P {} R {} (tp {}, pred {}, gold {})",
                    crate::py::f3(e.precision),
                    crate::py::f3(e.recall),
                    e.tp,
                    e.n_pred,
                    e.n_gold
                ),
            ));
        }
        table(&format!("events: {name}"), &rows)
    }
}

impl EventsReport {
    /// The sub-event types most often missed, as a table (sitrep's own; not in score.py).
    pub(crate) fn confusion_table(&self) -> String {
        let mut rows: Vec<Row> = Vec::new();
        {
            rows.push(header(
                "worst sub-event types of the main event (gold: errors/docs; commonest predictions)",
            ));
            for c in &self.worst_sub_event_types {
                let wrong: Vec<String> = c
                    .predicted
                    .iter()
                    .map(|(p, k)| format!("{p} {k}"))
                    .collect();
                rows.push(line(
                    c.gold.clone(),
                    Cell::Int(c.errors),
                    format!("of {}: {}", c.n, wrong.join(", ")),
                ));
            }
        }
        table("worst sub-event types", &rows)
    }
}
