//! Fitting the linear classifier: multinomial logistic regression with an L2 penalty,
//! minimised over the whole training set at once by L-BFGS (limited-memory quasi-Newton)
//! with a backtracking line search. Deterministic: the same examples give the same weights.
//!
//! Objective: `sum_i weight_i * (logsumexp(s_i) - s_i[y_i]) + l2 / 2 * |w|^2`, where `s_i`
//! is the sum of the weight rows of example `i`'s features, each scaled by its value.

use std::collections::VecDeque;

/// One training example: its feature indices, their values, its label index and its weight.
pub(super) struct Row {
    pub features: Vec<usize>,
    /// One value per feature, or empty when every listed feature has the value 1 (the
    /// n-gram model's binary features).
    pub values: Vec<f64>,
    pub label: usize,
    pub weight: f64,
}

/// How many past steps approximate the curvature.
const MEMORY: usize = 10;

/// The optimisation stops when an iteration lowers the objective by less than this share.
const RELATIVE_TOLERANCE: f64 = 1e-7;

/// Armijo's sufficient-decrease constant for the line search.
const ARMIJO: f64 = 1e-4;

/// The minimiser's weights, `n_features * labels` (row-major by feature).
pub(super) fn minimise(
    rows: &[Row],
    n_features: usize,
    labels: usize,
    l2: f64,
    max_iterations: usize,
) -> Vec<f64> {
    let n = n_features * labels;
    let mut w = vec![0f64; n];
    let mut g = vec![0f64; n];
    let mut f = loss_and_gradient(rows, labels, l2, &w, &mut g);
    let mut history: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::new();
    let mut w_new = vec![0f64; n];
    let mut g_new = vec![0f64; n];
    for _ in 0..max_iterations {
        let mut d = direction(&g, &history);
        let mut slope = dot(&g, &d);
        if slope >= 0.0 {
            // Not a descent direction (curvature went stale): start over from the gradient.
            history.clear();
            d = g.iter().map(|x| -x).collect();
            slope = -dot(&g, &g);
        }
        let mut step = if history.is_empty() {
            1.0 / norm(&g).max(1e-12)
        } else {
            1.0
        };
        let f_new = loop {
            for ((wn, wi), di) in w_new.iter_mut().zip(&w).zip(&d) {
                *wn = wi + step * di;
            }
            let f_try = loss_and_gradient(rows, labels, l2, &w_new, &mut g_new);
            if f_try <= f + ARMIJO * step * slope || step < 1e-12 {
                break f_try;
            }
            step *= 0.5;
        };
        let s: Vec<f64> = w_new.iter().zip(&w).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 {
            if history.len() == MEMORY {
                history.pop_front();
            }
            history.push_back((s, y, 1.0 / sy));
        }
        let decrease = f - f_new;
        std::mem::swap(&mut w, &mut w_new);
        std::mem::swap(&mut g, &mut g_new);
        f = f_new;
        if decrease <= RELATIVE_TOLERANCE * f.abs().max(1.0) {
            break;
        }
    }
    w
}

/// The quasi-Newton direction `-H g` by the two-loop recursion over the stored steps.
fn direction(g: &[f64], history: &VecDeque<(Vec<f64>, Vec<f64>, f64)>) -> Vec<f64> {
    let mut q = g.to_vec();
    let mut alphas = Vec::with_capacity(history.len());
    for (s, y, rho) in history.iter().rev() {
        let a = rho * dot(s, &q);
        axpy(-a, y, &mut q);
        alphas.push(a);
    }
    if let Some((s, y, _)) = history.back() {
        let gamma = dot(s, y) / dot(y, y).max(1e-12);
        q.iter_mut().for_each(|x| *x *= gamma);
    }
    for ((s, y, rho), a) in history.iter().zip(alphas.iter().rev()) {
        let b = rho * dot(y, &q);
        axpy(a - b, s, &mut q);
    }
    q.iter_mut().for_each(|x| *x = -*x);
    q
}

/// The objective at `w`, its gradient written into `g`.
fn loss_and_gradient(rows: &[Row], labels: usize, l2: f64, w: &[f64], g: &mut [f64]) -> f64 {
    for (gi, wi) in g.iter_mut().zip(w) {
        *gi = l2 * wi;
    }
    let mut loss = 0.5 * l2 * dot(w, w);
    let mut scores = vec![0f64; labels];
    for row in rows {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for (j, &f) in row.features.iter().enumerate() {
            let v = row.values.get(j).copied().unwrap_or(1.0);
            for (s, x) in scores.iter_mut().zip(&w[f * labels..(f + 1) * labels]) {
                *s += v * x;
            }
        }
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let log_sum = max + scores.iter().map(|s| (s - max).exp()).sum::<f64>().ln();
        loss += row.weight * (log_sum - scores[row.label]);
        for (c, s) in scores.iter_mut().enumerate() {
            let p = (*s - log_sum).exp();
            *s = row.weight * (p - if c == row.label { 1.0 } else { 0.0 });
        }
        for (j, &f) in row.features.iter().enumerate() {
            let v = row.values.get(j).copied().unwrap_or(1.0);
            for (gi, d) in g[f * labels..(f + 1) * labels].iter_mut().zip(&scores) {
                *gi += v * d;
            }
        }
    }
    loss
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// `y += a * x`.
fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two features, two labels: feature 0 says label 0, feature 1 label 1. The fitted
    /// weights separate them, and the gradient at the optimum is (near) zero.
    #[test]
    fn reaches_the_optimum_of_a_small_problem() {
        let rows: Vec<Row> = [(0, 0), (0, 0), (1, 1), (1, 1), (0, 1)]
            .iter()
            .map(|&(f, y)| Row {
                features: vec![f, 2],
                values: Vec::new(),
                label: y,
                weight: 1.0,
            })
            .collect();
        let w = minimise(&rows, 3, 2, 0.1, 200);
        assert!(w[0] > w[1], "feature 0 favours label 0: {w:?}");
        assert!(w[3] > w[2], "feature 1 favours label 1: {w:?}");
        let mut g = vec![0f64; w.len()];
        loss_and_gradient(&rows, 2, 0.1, &w, &mut g);
        assert!(norm(&g) < 1e-3, "gradient at the optimum: {g:?}");
    }
}
