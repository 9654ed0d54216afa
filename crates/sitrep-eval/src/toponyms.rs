//! score.py `score_toponyms` / `print_toponyms`.

use std::collections::HashMap;

use serde_json::Value;

use crate::Prf;
use crate::output::{Cell, Fig, Row, header, line, table};
use crate::py::{
    Key, MAX_ERROR_KM, auc_log_error, coords, f3, fmean, get, haversine, int_or_none, median,
    ratio_n,
};

/// The figures of `score.py toponyms` (with or without `--resolution-only`).
#[derive(Clone, Debug, PartialEq)]
pub struct ToponymsReport {
    pub resolution_only: bool,
    pub docs: usize,
    pub gold_toponyms: usize,
    pub gold_with_coordinates: usize,
    pub predicted_toponyms: usize,
    /// Not in resolution-only mode.
    pub recognition_overlap: Option<Prf>,
    /// Not in resolution-only mode.
    pub recognition_exact: Option<Prf>,
    pub resolution: ResolutionStats,
    /// Resolution-only mode only.
    pub answered_with_coordinates: Option<f64>,
    /// Not in resolution-only mode.
    pub end_to_end_acc_161km: Option<f64>,
    pub geonameid_match: GeonameidMatch,
}

/// score.py `resolution_stats`: errors with unresolved toponyms counted at the maximum error.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolutionStats {
    pub n: usize,
    pub unresolved: usize,
    pub acc_161km: f64,
    pub acc_25km: f64,
    pub median_km: Option<f64>,
    pub mean_km: Option<f64>,
    pub auc: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GeonameidMatch {
    pub rate: f64,
    pub n: usize,
}

type Span<'a> = (i128, i128, &'a Value);

/// score.py `_spans`: (start, end, toponym) of the toponyms with a valid span.
fn spans<'a>(xs: impl IntoIterator<Item = &'a Value>) -> Vec<Span<'a>> {
    xs.into_iter()
        .filter_map(|t| {
            let s = int_or_none(get(t, "start"))?;
            let e = int_or_none(get(t, "end"))?;
            (e > s).then_some((s, e, t))
        })
        .collect()
}

/// score.py `match_spans`: one-to-one span matching; (pred_index, gold_index) pairs.
fn match_spans(preds: &[Span<'_>], golds: &[Span<'_>], exact_first: bool) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (i, &(ps, pe, _)) in preds.iter().enumerate() {
        for (j, &(gs, ge, _)) in golds.iter().enumerate() {
            let ov = pe.min(ge).saturating_sub(ps.max(gs));
            if ov > 0 {
                let exact = (ps, pe) == (gs, ge);
                let first = if exact || !exact_first { 0u8 } else { 1 };
                pairs.push((first, -ov, ps.saturating_sub(gs).saturating_abs(), i, j));
            }
        }
    }
    pairs.sort_unstable();
    let mut used_p = vec![false; preds.len()];
    let mut used_g = vec![false; golds.len()];
    let mut out = Vec::new();
    for (.., i, j) in pairs {
        if used_p[i] || used_g[j] {
            continue;
        }
        used_p[i] = true;
        used_g[j] = true;
        out.push((i, j));
    }
    out
}

fn resolution_stats(errors: &[f64], n_unresolved: usize) -> ResolutionStats {
    let mut all = errors.to_vec();
    all.extend(std::iter::repeat_n(MAX_ERROR_KM, n_unresolved));
    let n = all.len();
    ResolutionStats {
        n,
        unresolved: n_unresolved,
        acc_161km: ratio_n(all.iter().filter(|&&e| e <= 161.0).count(), n),
        acc_25km: ratio_n(all.iter().filter(|&&e| e <= 25.0).count(), n),
        median_km: median(&all),
        mean_km: fmean(&all),
        auc: auc_log_error(&all),
    }
}

/// `v not in (None, "")`.
fn present(v: &Value) -> bool {
    !(v.is_null() || v.as_str() == Some(""))
}

pub(crate) fn score(
    gold_lines: &[Value],
    preds: &[Value],
    resolution_only: bool,
) -> ToponymsReport {
    let mut pmap: HashMap<Key, Vec<&Value>> = HashMap::new();
    for p in preds {
        let list = pmap.entry(Key::of(get(p, "doc_id"))).or_default();
        if let Value::Array(ts) = get(p, "toponyms") {
            list.extend(ts.iter());
        }
    }
    let (mut tp, mut n_pred, mut n_gold, mut exact_tp) = (0, 0, 0, 0);
    let (mut matched_err, mut unresolved_matched) = (Vec::new(), 0);
    let (mut e2e_ok, mut n_gold_coords) = (0, 0);
    let (mut ro_err, mut ro_missing) = (Vec::new(), 0);
    let (mut gid_ok, mut gid_n) = (0, 0);
    let no_preds: Vec<&Value> = Vec::new();
    for g in gold_lines {
        let gs = match get(g, "toponyms") {
            Value::Array(ts) => spans(ts),
            _ => Vec::new(),
        };
        let ps = spans(
            pmap.get(&Key::of(get(g, "doc_id")))
                .unwrap_or(&no_preds)
                .iter()
                .copied(),
        );
        n_gold += gs.len();
        n_pred += ps.len();
        let m = match_spans(&ps, &gs, resolution_only);
        tp += m.len();
        exact_tp += m
            .iter()
            .filter(|&&(i, j)| (ps[i].0, ps[i].1) == (gs[j].0, gs[j].1))
            .count();
        let mg: HashMap<usize, usize> = m.iter().map(|&(i, j)| (j, i)).collect();
        for (j, &(_, _, gt)) in gs.iter().enumerate() {
            let Some(gc) = coords(gt) else { continue };
            n_gold_coords += 1;
            let Some(&i) = mg.get(&j) else {
                ro_missing += 1;
                continue;
            };
            let pt = ps[i].2;
            if present(get(gt, "geonameid")) && present(get(pt, "geonameid")) {
                gid_n += 1;
                gid_ok += usize::from(
                    int_or_none(get(gt, "geonameid")) == int_or_none(get(pt, "geonameid")),
                );
            }
            let Some(pc) = coords(pt) else {
                unresolved_matched += 1;
                ro_missing += 1;
                continue;
            };
            let err = haversine(pc, gc);
            matched_err.push(err);
            ro_err.push(err);
            e2e_ok += usize::from(err <= 161.0);
        }
    }
    let geonameid_match = GeonameidMatch {
        rate: ratio_n(gid_ok, gid_n),
        n: gid_n,
    };
    let base = ToponymsReport {
        resolution_only,
        docs: gold_lines.len(),
        gold_toponyms: n_gold,
        gold_with_coordinates: n_gold_coords,
        predicted_toponyms: n_pred,
        recognition_overlap: None,
        recognition_exact: None,
        resolution: resolution_stats(&[], 0),
        answered_with_coordinates: None,
        end_to_end_acc_161km: None,
        geonameid_match,
    };
    if resolution_only {
        ToponymsReport {
            resolution: resolution_stats(&ro_err, ro_missing),
            answered_with_coordinates: Some(ratio_n(ro_err.len(), n_gold_coords)),
            ..base
        }
    } else {
        ToponymsReport {
            recognition_overlap: Some(Prf::new(tp, n_pred, n_gold)),
            recognition_exact: Some(Prf::new(exact_tp, n_pred, n_gold)),
            resolution: resolution_stats(&matched_err, unresolved_matched),
            end_to_end_acc_161km: Some(ratio_n(e2e_ok, n_gold_coords)),
            ..base
        }
    }
}

impl ResolutionStats {
    fn fig(&self) -> Fig {
        Fig::Obj(vec![
            ("n".into(), Fig::int(self.n)),
            ("unresolved".into(), Fig::int(self.unresolved)),
            ("acc@161km".into(), Fig::Float(self.acc_161km)),
            ("acc@25km".into(), Fig::Float(self.acc_25km)),
            ("median_km".into(), Fig::opt(self.median_km)),
            ("mean_km".into(), Fig::opt(self.mean_km)),
            ("auc".into(), Fig::opt(self.auc)),
        ])
    }
}

impl ToponymsReport {
    pub(crate) fn fig(&self) -> Vec<(String, Fig)> {
        let mut out = vec![
            ("docs".into(), Fig::int(self.docs)),
            ("gold_toponyms".into(), Fig::int(self.gold_toponyms)),
            (
                "gold_with_coordinates".into(),
                Fig::int(self.gold_with_coordinates),
            ),
            (
                "predicted_toponyms".into(),
                Fig::int(self.predicted_toponyms),
            ),
        ];
        if self.resolution_only {
            out.push(("resolution".into(), self.resolution.fig()));
            out.push((
                "answered_with_coordinates".into(),
                Fig::opt(self.answered_with_coordinates),
            ));
        } else {
            if let Some(p) = &self.recognition_overlap {
                out.push(("recognition_overlap".into(), p.fig()));
            }
            if let Some(p) = &self.recognition_exact {
                out.push(("recognition_exact".into(), p.fig()));
            }
            out.push(("resolution".into(), self.resolution.fig()));
            out.push((
                "end_to_end_acc@161km".into(),
                Fig::opt(self.end_to_end_acc_161km),
            ));
        }
        out.push((
            "geonameid_match".into(),
            Fig::Obj(vec![
                ("rate".into(), Fig::Float(self.geonameid_match.rate)),
                ("n".into(), Fig::int(self.geonameid_match.n)),
            ]),
        ));
        out
    }

    pub(crate) fn table(&self, name: &str) -> String {
        let max = MAX_ERROR_KM as i64;
        let mut rows: Vec<Row> = vec![
            line("documents", Cell::Int(self.docs), ""),
            line(
                "gold toponyms",
                Cell::Int(self.gold_toponyms),
                format!("{} with coordinates", self.gold_with_coordinates),
            ),
            line("predicted toponyms", Cell::Int(self.predicted_toponyms), ""),
        ];
        if !self.resolution_only {
            for (e, lab) in [
                (&self.recognition_overlap, "recognition (span overlap)"),
                (&self.recognition_exact, "recognition (exact span)"),
            ] {
                if let Some(e) = e {
                    rows.push(line(
                        format!("{lab} F1"),
                        Cell::Float(Some(e.f1)),
                        format!("P {} R {} (tp {})", f3(e.precision), f3(e.recall), e.tp),
                    ));
                }
            }
            rows.push(header(format!(
                "resolution over recognised gold toponyms with coordinates (unresolved = {max} km)"
            )));
        } else {
            rows.push(header(format!(
                "resolution over all gold spans with coordinates (missing/unresolved = {max} km)"
            )));
            rows.push(line(
                "answered with coordinates",
                Cell::Float(self.answered_with_coordinates),
                "",
            ));
        }
        let z = &self.resolution;
        rows.push(line(
            "acc@161km",
            Cell::Float(Some(z.acc_161km)),
            format!("n={}, unresolved {}", z.n, z.unresolved),
        ));
        rows.push(line("acc@25km", Cell::Float(Some(z.acc_25km)), ""));
        rows.push(line("median error km", Cell::Float(z.median_km), ""));
        rows.push(line("mean error km", Cell::Float(z.mean_km), ""));
        rows.push(line(
            "AUC of ln(1+error) (lower is better)",
            Cell::Float(z.auc),
            "",
        ));
        if !self.resolution_only {
            rows.push(line(
                "end-to-end acc@161km (all gold with coords)",
                Cell::Float(self.end_to_end_acc_161km),
                "",
            ));
        }
        rows.push(line(
            "geonameid match",
            Cell::Float(Some(self.geonameid_match.rate)),
            format!("n={}", self.geonameid_match.n),
        ));
        let suffix = if self.resolution_only {
            " (resolution only)"
        } else {
            ""
        };
        table(&format!("toponyms: {name}{suffix}"), &rows)
    }
}
