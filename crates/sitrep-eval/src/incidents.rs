//! score.py `score_incidents` / `print_incidents`.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::Prf;
use crate::output::{Cell, Fig, line, table};
use crate::py::{Key, f3, get, ratio, truthy};

/// The figures of `score.py incidents`.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentsReport {
    pub docs: usize,
    pub gold_incidents: usize,
    pub predicted_clusters: usize,
    pub docs_in_no_predicted_incident: usize,
    /// Extra (doc, incident) listings beyond a doc's first predicted incident.
    pub docs_in_several_predicted_incidents: usize,
    pub bcubed: Bcubed,
    pub pairwise: Prf,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bcubed {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// A predicted cluster: the predicted incident at this index, or a singleton of one doc.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Cluster {
    Predicted(usize),
    Single(Key),
}

/// `inc.get("sources") or []`, iterated as Python would (a list's items, a dict's keys, a string's
/// characters; anything else that Python could not iterate gives nothing).
fn sources(inc: &Value) -> Vec<Key> {
    let v = get(inc, "sources");
    if !truthy(v) {
        return Vec::new();
    }
    match v {
        Value::Array(a) => a.iter().map(Key::of).collect(),
        Value::Object(m) => m.keys().map(|k| Key::Str(k.clone())).collect(),
        Value::String(s) => s.chars().map(|c| Key::Str(c.to_string())).collect(),
        _ => Vec::new(),
    }
}

fn pairs(n: usize) -> usize {
    n * n.saturating_sub(1) / 2
}

pub(crate) fn score(gold_lines: &[Value], preds: &[Value]) -> IncidentsReport {
    // gold: doc -> incident, docs in order of first appearance, the last incident given wins
    let mut docs: Vec<Key> = Vec::new();
    let mut gold: HashMap<Key, Key> = HashMap::new();
    for g in gold_lines {
        let d = Key::of(get(g, "doc_id"));
        if !gold.contains_key(&d) {
            docs.push(d.clone());
        }
        gold.insert(d, Key::of(get(g, "incident_id")));
    }
    // predicted cluster of each gold doc: the largest predicted incident listing it (ties: first listed)
    let mut best: HashMap<Key, (usize, usize)> = HashMap::new();
    let mut multi = 0;
    for (k, inc) in preds.iter().enumerate() {
        let all = sources(inc);
        let size = all.iter().collect::<HashSet<_>>().len();
        let mut seen = HashSet::new();
        for s in all.iter().filter(|s| gold.contains_key(*s)) {
            if !seen.insert(s) {
                continue;
            }
            match best.get_mut(s) {
                Some(b) => {
                    multi += 1;
                    if size > b.0 {
                        *b = (size, k);
                    }
                }
                None => {
                    best.insert(s.clone(), (size, k));
                }
            }
        }
    }
    let pred_of = |d: &Key| match best.get(d) {
        Some(&(_, k)) => Cluster::Predicted(k),
        None => Cluster::Single(d.clone()),
    };
    let mut gc: HashMap<&Key, usize> = HashMap::new();
    let mut pc: HashMap<Cluster, usize> = HashMap::new();
    let mut cell: HashMap<(&Key, Cluster), usize> = HashMap::new();
    for d in &docs {
        let gi = &gold[d];
        *gc.entry(gi).or_default() += 1;
        *pc.entry(pred_of(d)).or_default() += 1;
        *cell.entry((gi, pred_of(d))).or_default() += 1;
    }
    let (mut bp, mut br) = (0.0, 0.0);
    for d in &docs {
        let gi = &gold[d];
        let p = pred_of(d);
        let inter = cell[&(gi, p.clone())] as f64;
        bp += inter / pc[&p] as f64;
        br += inter / gc[gi] as f64;
    }
    let n = docs.len();
    let (b3p, b3r) = (ratio(bp, n as f64), ratio(br, n as f64));
    let gp: usize = gc.values().map(|&m| pairs(m)).sum();
    let pp: usize = pc.values().map(|&m| pairs(m)).sum();
    let tp: usize = cell.values().map(|&m| pairs(m)).sum();
    IncidentsReport {
        docs: n,
        gold_incidents: gc.len(),
        predicted_clusters: pc.len(),
        docs_in_no_predicted_incident: docs.iter().filter(|d| !best.contains_key(*d)).count(),
        docs_in_several_predicted_incidents: multi,
        bcubed: Bcubed {
            precision: b3p,
            recall: b3r,
            f1: ratio(2.0 * b3p * b3r, b3p + b3r),
        },
        pairwise: Prf::new(tp, pp, gp),
    }
}

impl IncidentsReport {
    pub(crate) fn fig(&self) -> Vec<(String, Fig)> {
        vec![
            ("docs".into(), Fig::int(self.docs)),
            ("gold_incidents".into(), Fig::int(self.gold_incidents)),
            (
                "predicted_clusters".into(),
                Fig::int(self.predicted_clusters),
            ),
            (
                "docs_in_no_predicted_incident".into(),
                Fig::int(self.docs_in_no_predicted_incident),
            ),
            (
                "docs_in_several_predicted_incidents".into(),
                Fig::int(self.docs_in_several_predicted_incidents),
            ),
            (
                "bcubed".into(),
                Fig::Obj(vec![
                    ("precision".into(), Fig::Float(self.bcubed.precision)),
                    ("recall".into(), Fig::Float(self.bcubed.recall)),
                    ("f1".into(), Fig::Float(self.bcubed.f1)),
                ]),
            ),
            ("pairwise".into(), self.pairwise.fig()),
        ]
    }

    pub(crate) fn table(&self, name: &str) -> String {
        let (b, p) = (&self.bcubed, &self.pairwise);
        table(
            &format!("incidents: {name}"),
            &[
                line("documents", Cell::Int(self.docs), ""),
                line("gold incidents", Cell::Int(self.gold_incidents), ""),
                line(
                    "predicted clusters (incl. singletons)",
                    Cell::Int(self.predicted_clusters),
                    "",
                ),
                line(
                    "docs in no predicted incident",
                    Cell::Int(self.docs_in_no_predicted_incident),
                    "scored as singletons",
                ),
                line(
                    "B-cubed F1",
                    Cell::Float(Some(b.f1)),
                    format!("P {} R {}", f3(b.precision), f3(b.recall)),
                ),
                line(
                    "pairwise F1",
                    Cell::Float(Some(p.f1)),
                    format!(
                        "P {} R {} (tp {}, pred pairs {}, gold pairs {})",
                        f3(p.precision),
                        f3(p.recall),
                        p.tp,
                        p.n_pred,
                        p.n_gold
                    ),
                ),
            ],
        )
    }
}
