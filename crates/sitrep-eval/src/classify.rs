//! score.py `score_classify` / `print_classify`.

use serde_json::{Map, Value};

use crate::Accuracy;
use crate::events::{Acc, macro_f1, pred_by_doc, weighted_f1};
use crate::output::{Cell, Fig, line, table};
use crate::py::{Key, f3, get, py_eq, ratio_n, truthy};

/// The figures of `score.py classify`.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassifyReport {
    pub docs: usize,
    pub acled_mappable_docs: usize,
    pub accuracy: Accuracy,
    pub event_type_accuracy: Accuracy,
    pub macro_f1: Option<f64>,
    pub weighted_f1: Option<f64>,
    /// F1 per gold sub-event type, labels sorted (keys as `json.dump` writes them).
    pub per_label_f1: Vec<(String, f64)>,
    pub unseen_label_docs: usize,
    pub unseen_docs_without_event: f64,
}

pub(crate) fn score(gold_lines: &[Value], preds: &[Value]) -> ClassifyReport {
    let by = pred_by_doc(preds);
    let (mut acc, mut acc_t) = (Acc::default(), Acc::default());
    let mut pairs: Vec<(Key, Key)> = Vec::new();
    let (mut n_unseen, mut unseen_no_event) = (0, 0);
    let empty = Value::Object(Map::new());
    for g in gold_lines {
        let pevs = by.get(&Key::of(get(g, "doc_id")));
        let pevs = pevs.map_or(&[][..], Vec::as_slice);
        let cov = !pevs.is_empty();
        let main = pevs.first().unwrap_or(&empty);
        let gs = get(g, "acled_sub_event_type");
        if truthy(gs) {
            let ps = if cov {
                get(main, "sub_event_type")
            } else {
                &Value::Null
            };
            acc.add(py_eq(ps, gs), cov);
            let gt = get(g, "acled_event_type");
            if truthy(gt) {
                acc_t.add(py_eq(get(main, "event_type"), gt), cov);
            }
            pairs.push((Key::of(gs), Key::of(ps)));
        } else {
            n_unseen += 1;
            unseen_no_event += usize::from(!cov);
        }
    }
    let (macro_, per) = if pairs.is_empty() {
        (None, Vec::new())
    } else {
        let (m, p) = macro_f1(&pairs);
        (Some(m), p)
    };
    ClassifyReport {
        docs: gold_lines.len(),
        acled_mappable_docs: acc.n(),
        accuracy: acc.out(),
        event_type_accuracy: acc_t.out(),
        macro_f1: macro_,
        weighted_f1: (!pairs.is_empty()).then(|| weighted_f1(&pairs)),
        per_label_f1: per.into_iter().map(|(k, f)| (k.json_key(), f)).collect(),
        unseen_label_docs: n_unseen,
        unseen_docs_without_event: ratio_n(unseen_no_event, n_unseen),
    }
}

impl ClassifyReport {
    pub(crate) fn fig(&self) -> Vec<(String, Fig)> {
        vec![
            ("docs".into(), Fig::int(self.docs)),
            (
                "acled_mappable_docs".into(),
                Fig::int(self.acled_mappable_docs),
            ),
            ("accuracy".into(), self.accuracy.fig()),
            ("event_type_accuracy".into(), self.event_type_accuracy.fig()),
            ("macro_f1".into(), Fig::opt(self.macro_f1)),
            ("weighted_f1".into(), Fig::opt(self.weighted_f1)),
            (
                "per_label_f1".into(),
                Fig::Obj(
                    self.per_label_f1
                        .iter()
                        .map(|(k, f)| (k.clone(), Fig::Float(*f)))
                        .collect(),
                ),
            ),
            ("unseen_label_docs".into(), Fig::int(self.unseen_label_docs)),
            (
                "unseen_docs_without_event".into(),
                Fig::Float(self.unseen_docs_without_event),
            ),
        ]
    }

    pub(crate) fn table(&self, name: &str) -> String {
        let (a, t) = (&self.accuracy, &self.event_type_accuracy);
        table(
            &format!("classify: {name}"),
            &[
                line("documents", Cell::Int(self.docs), ""),
                line(
                    "ACLED-mappable docs",
                    Cell::Int(self.acled_mappable_docs),
                    "",
                ),
                line(
                    "sub_event_type accuracy",
                    Cell::Float(Some(a.all)),
                    format!("covered-only {} (n={})", f3(a.covered), a.n_covered),
                ),
                line(
                    "sub_event_type macro-F1",
                    Cell::Float(self.macro_f1),
                    "over the labels present in gold",
                ),
                line(
                    "sub_event_type weighted F1",
                    Cell::Float(self.weighted_f1),
                    "weighted by gold support (CASE 2021 headline)",
                ),
                line(
                    "event_type accuracy",
                    Cell::Float(Some(t.all)),
                    format!("covered-only {}", f3(t.covered)),
                ),
                line(
                    "unseen-label docs with no event",
                    Cell::Float(Some(self.unseen_docs_without_event)),
                    format!(
                        "n={} (ORG_CRIME, disasters, DIPLO, ATTRIB)",
                        self.unseen_label_docs
                    ),
                ),
            ],
        )
    }
}
