//! A softmax classifier over a dense vector (a sentence embedding): the semantic layer's
//! two heads. Fitted by the same L-BFGS minimiser as the n-gram model, stored as text.

use std::collections::HashMap;

use super::{fit, softmax_in_place};

/// Labels and, per label, one weight per input dimension followed by a bias.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseModel {
    pub labels: Vec<String>,
    dim: usize,
    /// `labels.len()` rows of `dim + 1` weights (the last is the bias).
    weights: Vec<f32>,
}

/// Settings of [`DenseModel::train`].
#[derive(Debug, Clone, Copy)]
pub struct DenseConfig {
    pub iterations: usize,
    /// L2 penalty against the summed loss.
    pub l2: f32,
}

impl Default for DenseConfig {
    fn default() -> Self {
        // 1/16: the penalty a scikit-learn probe on the notes' cross-validation preferred
        // (C = 16) for unit-length MiniLM embeddings.
        Self {
            iterations: 500,
            l2: 1.0 / 16.0,
        }
    }
}

impl DenseModel {
    /// Fits on `(vector, label, weight)` examples; every vector must have the same length.
    pub fn train(examples: &[(&[f32], &str, f32)], cfg: DenseConfig) -> Result<Self, String> {
        let dim = examples.first().map_or(0, |(v, _, _)| v.len());
        if let Some((v, l, _)) = examples.iter().find(|(v, _, _)| v.len() != dim) {
            return Err(format!(
                "an example of {l:?} has {} dimensions, the first has {dim}",
                v.len()
            ));
        }
        let (labels, label_ix) = super::label_table(examples.iter().map(|(_, l, _)| *l));
        // Features 0..dim are the vector's dimensions, feature `dim` the bias.
        let all: Vec<usize> = (0..=dim).collect();
        let rows: Vec<fit::Row> = examples
            .iter()
            .map(|(v, l, w)| fit::Row {
                features: all.clone(),
                values: v.iter().map(|&x| f64::from(x)).chain([1.0]).collect(),
                label: label_ix[*l],
                weight: f64::from(*w),
            })
            .collect();
        let k = labels.len();
        let w = fit::minimise(&rows, dim + 1, k, f64::from(cfg.l2), cfg.iterations);
        // The minimiser stores by feature; the model by label.
        let mut weights = vec![0f32; k * (dim + 1)];
        for f in 0..=dim {
            for c in 0..k {
                weights[c * (dim + 1) + f] = w[f * k + c] as f32;
            }
        }
        Ok(Self {
            labels,
            dim,
            weights,
        })
    }

    /// Label probabilities for a vector, in `labels` order (uniform when its length is
    /// not the model's).
    pub fn predict(&self, x: &[f32]) -> Vec<f32> {
        let k = self.labels.len();
        if x.len() != self.dim {
            return vec![1.0 / k.max(1) as f32; k];
        }
        let mut scores: Vec<f32> = self
            .weights
            .chunks_exact(self.dim + 1)
            .map(|row| row[self.dim] + row.iter().zip(x).map(|(w, v)| w * v).sum::<f32>())
            .collect();
        softmax_in_place(&mut scores);
        scores
    }

    /// The stored form: a comment, a `labels` line, a `dim` line, then one line per label
    /// of its `dim + 1` weights separated by commas.
    pub fn to_tsv(&self) -> String {
        let mut out = String::from(
            "# sitrep semantic classifier: softmax over a sentence embedding (last weight is the bias)\n",
        );
        out.push_str(&format!(
            "labels\t{}\ndim\t{}\n",
            self.labels.join("|"),
            self.dim
        ));
        for (label, row) in self
            .labels
            .iter()
            .zip(self.weights.chunks_exact(self.dim + 1))
        {
            let cells: Vec<String> = row.iter().map(|x| format!("{x:.5}")).collect();
            out.push_str(&format!("{label}\t{}\n", cells.join(",")));
        }
        out
    }

    /// Reads [`DenseModel::to_tsv`] output; a malformed line is an error naming it.
    pub fn from_tsv(tsv: &str) -> Result<Self, String> {
        let mut labels: Vec<String> = Vec::new();
        let mut dim: Option<usize> = None;
        let mut rows: HashMap<&str, Vec<f32>> = HashMap::new();
        for (i, line) in tsv.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line
                .split_once('\t')
                .ok_or_else(|| format!("semantic model line {}: no tab", i + 1))?;
            match k {
                "labels" => labels = v.split('|').map(str::to_string).collect(),
                "dim" => {
                    dim = Some(v.parse().map_err(|_| {
                        format!("semantic model line {}: bad dimension {v:?}", i + 1)
                    })?)
                }
                label => {
                    let row = v
                        .split(',')
                        .map(str::parse::<f32>)
                        .collect::<Result<Vec<f32>, _>>()
                        .map_err(|e| format!("semantic model line {}: {e}", i + 1))?;
                    rows.insert(label, row);
                }
            }
        }
        let dim = dim.ok_or("semantic model has no dim line")?;
        if labels.is_empty() {
            return Err("semantic model has no labels line".into());
        }
        let mut weights = Vec::with_capacity(labels.len() * (dim + 1));
        for l in &labels {
            let row = rows
                .get(l.as_str())
                .ok_or_else(|| format!("semantic model has no weights for {l:?}"))?;
            if row.len() != dim + 1 {
                return Err(format!(
                    "semantic model: {l:?} has {} weights, expected {}",
                    row.len(),
                    dim + 1
                ));
            }
            weights.extend_from_slice(row);
        }
        Ok(Self {
            labels,
            dim,
            weights,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two directions, two labels: the fitted model sends each direction to its label, and
    /// the stored form reads back to the same predictions.
    #[test]
    fn learns_directions_and_round_trips() {
        let a: &[f32] = &[1.0, 0.0];
        let b: &[f32] = &[0.0, 1.0];
        let ex = [(a, "east", 1.0), (b, "north", 1.0), (a, "east", 1.0)];
        let m = DenseModel::train(&ex, DenseConfig::default()).expect("a model");
        assert_eq!(m.labels, ["east", "north"]);
        assert!(m.predict(a)[0] > 0.5 && m.predict(b)[1] > 0.5);
        let back = DenseModel::from_tsv(&m.to_tsv()).expect("reads back");
        for x in [a, b] {
            let (p, q) = (m.predict(x), back.predict(x));
            assert!(p.iter().zip(&q).all(|(u, v)| (u - v).abs() < 1e-3));
        }
    }

    #[test]
    fn ragged_examples_and_short_rows_are_errors() {
        let ex = [(&[1.0f32, 0.0][..], "a", 1.0), (&[1.0f32][..], "b", 1.0)];
        assert!(DenseModel::train(&ex, DenseConfig::default()).is_err());
        let bad = "labels\ta|b\ndim\t2\na\t0.1,0.2,0.3\nb\t0.1\n";
        let err = DenseModel::from_tsv(bad).expect_err("b is short");
        assert!(err.contains("\"b\" has 1 weights"), "{err}");
    }
}
