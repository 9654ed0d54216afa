//! A linear event-type classifier over word n-grams: multinomial logistic regression,
//! trained by `sitrep train` on the train half of the public packs, stored as a sparse
//! weight table (`data/model/`). It scores a text (a sentence or a short report) over
//! labels — ACLED event types and sub-event types — and assembly combines those scores
//! with its rules, so every event still rests on its evidence sentences.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

mod dense;
mod fit;
#[cfg(feature = "semantic")]
pub mod minilm;

pub use dense::{DenseConfig, DenseModel};

/// Features of a text: lowercase word unigrams and bigrams, digits folded to `0`.
pub fn features(text: &str) -> Vec<String> {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .map(|c| if c.is_ascii_digit() { '0' } else { c })
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len() * 2 + 1);
    out.push("<bias>".to_string());
    for (i, w) in words.iter().enumerate() {
        out.push(w.clone());
        let prev = if i == 0 { "<s>" } else { &words[i - 1] };
        out.push(format!("{prev} {w}"));
    }
    out.sort();
    out.dedup();
    out
}

/// [`features`] without a string per feature: the words go into `buf` joined by single
/// spaces after `<s>`, so a bigram is the span from the previous word's start to the word's
/// end. Same features, same (sorted) order. Predictions use [`hits`]; this stays as the
/// tests' reference for its order.
#[cfg(test)]
fn feature_slices<'b>(text: &str, buf: &'b mut String) -> Vec<&'b str> {
    let words = words_of(text, buf);
    let buf: &'b str = buf;
    // Sorted by their first eight bytes as one integer, then by the whole string: the order
    // of sorting the strings, with most comparisons one integer compare instead of a memcmp.
    let mut keyed: Vec<(u64, &'b str)> = Vec::with_capacity(words.len() * 2 + 1);
    keyed.push((prefix_key("<bias>"), "<bias>"));
    let mut prev_start = 0;
    for &(start, end) in &words {
        for f in [&buf[start..end], &buf[prev_start..end]] {
            keyed.push((prefix_key(f), f));
        }
        prev_start = start;
    }
    keyed.sort_unstable();
    keyed.dedup();
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// The words of `text` joined into `buf` (see [`unicode_words`]), by the ASCII path when it
/// applies.
fn words_of(text: &str, buf: &mut String) -> Vec<(usize, usize)> {
    match ascii_words(text, buf) {
        Some(words) => words,
        None => unicode_words(text, buf),
    }
}

/// A feature's place in a weight table: its rank among the table's features in byte-wise
/// order, and its weights.
#[derive(Debug, Clone, Default)]
struct Ranked<R> {
    rank: u32,
    row: R,
}

/// A weight table keyed by a 64-bit hash of each feature's text, so a lookup compares one
/// integer held in the table instead of reading the key's string from elsewhere in memory
/// (that read was a cache miss per feature). The seed is the first that gives the table's
/// own features distinct keys. A feature the table lacks could share a key with one it has
/// (odds about n / 2^64 per lookup, some 10^-15 for 60,000 features) and read its weights.
#[derive(Debug, Clone, Default)]
struct FeatureTable<R> {
    seed: u64,
    rows: FxHashMap<u64, Ranked<R>>,
    /// The features, in rank order.
    names: Box<[Box<str>]>,
}

/// The 64-bit key of feature `f` under `seed`.
fn feature_key(seed: u64, f: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write_u64(seed);
    h.write(f.as_bytes());
    h.finish()
}

impl<R> FeatureTable<R> {
    /// `rows` with each feature's rank in byte-wise order (the order [`features`] sorts
    /// into), keyed under the first seed without a collision among them.
    fn new(rows: FxHashMap<Box<str>, R>) -> Self {
        let mut keyed: Vec<(Box<str>, R)> = rows.into_iter().collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let seed = (0u64..)
            .find(|&seed| {
                let mut seen = FxHashSet::default();
                keyed.iter().all(|(f, _)| seen.insert(feature_key(seed, f)))
            })
            .unwrap_or_default();
        let mut names = Vec::with_capacity(keyed.len());
        let mut table = FxHashMap::default();
        table.reserve(keyed.len());
        for (i, (f, row)) in keyed.into_iter().enumerate() {
            table.insert(
                feature_key(seed, &f),
                Ranked {
                    rank: i as u32,
                    row,
                },
            );
            names.push(f);
        }
        Self {
            seed,
            rows: table,
            names: names.into(),
        }
    }

    fn get(&self, f: &str) -> Option<&Ranked<R>> {
        self.rows.get(&feature_key(self.seed, f))
    }

    fn len(&self) -> usize {
        self.names.len()
    }

    /// Every feature and its row, in rank order.
    fn iter(&self) -> impl Iterator<Item = (&str, &R)> {
        self.names
            .iter()
            .filter_map(|f| self.get(f).map(|r| (&**f, &r.row)))
    }
}

/// The rows of `table` that the features of `text` (see [`features`]) find, each once, in
/// the features' sorted order, so weights add up in the same order as over the sorted
/// features: the ranks are sorted instead of the strings. `buf` is scratch.
fn hits<'m, R>(text: &str, buf: &mut String, table: &'m FeatureTable<R>) -> Vec<&'m Ranked<R>> {
    let words = words_of(text, buf);
    let mut found: Vec<&'m Ranked<R>> = Vec::with_capacity(words.len() * 2 + 1);
    found.extend(table.get("<bias>"));
    let mut prev_start = 0;
    for &(start, end) in &words {
        for f in [&buf[start..end], &buf[prev_start..end]] {
            found.extend(table.get(f));
        }
        prev_start = start;
    }
    found.sort_unstable_by_key(|r| r.rank);
    found.dedup_by_key(|r| r.rank);
    found
}

/// The words of `text` for [`feature_slices`]: lowercased, digits folded to `0`, joined by
/// single spaces after `<s>` into `buf`; returns each word's range in `buf`.
fn unicode_words(text: &str, buf: &mut String) -> Vec<(usize, usize)> {
    buf.clear();
    buf.push_str("<s>");
    let mut words: Vec<(usize, usize)> = Vec::new();
    for w in text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
    {
        buf.push(' ');
        let start = buf.len();
        for c in w.chars() {
            let c = if c.is_ascii_digit() { '0' } else { c };
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase());
            } else {
                buf.extend(c.to_lowercase());
            }
        }
        words.push((start, buf.len()));
    }
    words
}

/// What [`ascii_words`] writes for each byte: a word byte lowercased, a digit as `0`, and 0
/// for a byte that ends a word (every non-ASCII byte too, though those texts go elsewhere).
const WORD_BYTE: [u8; 256] = word_bytes();

const fn word_bytes() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_digit() {
            b'0'
        } else if c.is_ascii_alphabetic() || c == b'\'' || c == b'-' {
            c.to_ascii_lowercase()
        } else {
            0
        };
        b += 1;
    }
    table
}

/// [`unicode_words`] of an ASCII text, a byte at a time (most texts are ASCII, and there a
/// word character is an ASCII letter or digit, `'` or `-`). `None` for other texts.
fn ascii_words(text: &str, buf: &mut String) -> Option<Vec<(usize, usize)>> {
    if !text.is_ascii() {
        return None;
    }
    // `buf`'s allocation is reused as bytes.
    let mut joined = std::mem::take(buf).into_bytes();
    joined.clear();
    // "<s>", and at most a space before each byte.
    joined.reserve(3 + 2 * text.len());
    joined.extend_from_slice(b"<s>");
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for &b in text.as_bytes() {
        let w = WORD_BYTE[usize::from(b)];
        if w != 0 {
            if start.is_none() {
                joined.push(b' ');
                start = Some(joined.len());
            }
            joined.push(w);
        } else if let Some(s) = start.take() {
            words.push((s, joined.len()));
        }
    }
    if let Some(s) = start {
        words.push((s, joined.len()));
    }
    // ASCII bytes are valid UTF-8.
    *buf = String::from_utf8(joined).ok()?;
    Some(words)
}

/// The first eight bytes of `s` as a big-endian integer, zero-padded: when two keys differ,
/// they order the strings as byte-wise comparison does (a shorter string that is a prefix of
/// a longer one pads with zeros, which sort first).
#[cfg(test)]
fn prefix_key(s: &str) -> u64 {
    let mut head = [0u8; 8];
    let n = s.len().min(8);
    head[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(head)
}

/// One feature's sparse weights: (label index, weight).
type WeightRow = Box<[(u16, f32)]>;

/// A trained model: per feature, sparse weights over labels.
#[derive(Debug, Clone, Default)]
pub struct LinearModel {
    pub labels: Vec<String>,
    weights: FeatureTable<WeightRow>,
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    /// Most iterations of the optimiser (it stops earlier once the objective settles).
    pub iterations: usize,
    /// L2 penalty on the weights, against the summed loss of all examples.
    pub l2: f32,
    /// Features seen in fewer examples are dropped.
    pub min_count: usize,
    /// Weights smaller than this are dropped from the stored model.
    pub prune: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        // l2 = 1/64: chosen by cross-validation over the ACLED notes' train half (1/4 and
        // 1/16 read fewer notes right, 1/256 no more).
        Self {
            iterations: 500,
            l2: 1.0 / 64.0,
            min_count: 2,
            prune: 0.02,
        }
    }
}

/// The distinct labels of some examples, sorted, and each one's index.
fn label_table<'a>(labels: impl Iterator<Item = &'a str>) -> (Vec<String>, HashMap<String, usize>) {
    let mut sorted: Vec<String> = labels.map(str::to_string).collect();
    sorted.sort();
    sorted.dedup();
    let index = sorted
        .iter()
        .enumerate()
        .map(|(i, l)| (l.clone(), i))
        .collect();
    (sorted, index)
}

/// Adds one feature's weights to the label scores.
fn add_row(scores: &mut [f32], row: &[(u16, f32)]) {
    for &(c, x) in row {
        if let Some(s) = scores.get_mut(c as usize) {
            *s += x;
        }
    }
}

fn softmax_in_place(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    if sum > 0.0 {
        for x in v.iter_mut() {
            *x /= sum;
        }
    }
}

impl LinearModel {
    /// Trains on `(text, label)` examples. Deterministic: examples are visited in a fixed
    /// shuffled order derived from their index.
    pub fn train(examples: &[(String, String)], cfg: TrainConfig) -> Self {
        let weighted: Vec<(&str, &str, f32)> = examples
            .iter()
            .map(|(t, l)| (t.as_str(), l.as_str(), 1.0))
            .collect();
        Self::train_weighted(&weighted, cfg)
    }

    /// Trains on `(text, label, weight)` examples: an example of weight 3 moves the weights
    /// as three copies would, but counts once towards `min_count`.
    pub fn train_weighted(examples: &[(&str, &str, f32)], cfg: TrainConfig) -> Self {
        let (labels, label_ix) = label_table(examples.iter().map(|(_, l, _)| *l));
        let feats: Vec<Vec<String>> = examples.iter().map(|(t, _, _)| features(t)).collect();
        let mut df: HashMap<&str, usize> = HashMap::new();
        for f in &feats {
            for x in f {
                *df.entry(x.as_str()).or_default() += 1;
            }
        }
        let mut vocab: Vec<&str> = df
            .iter()
            .filter(|(_, n)| **n >= cfg.min_count)
            .map(|(k, _)| *k)
            .collect();
        vocab.sort();
        let fix: HashMap<&str, usize> = vocab.iter().enumerate().map(|(i, f)| (*f, i)).collect();
        let k = labels.len();
        let rows: Vec<fit::Row> = feats
            .iter()
            .zip(examples)
            .map(|(f, (_, l, weight))| fit::Row {
                features: f
                    .iter()
                    .filter_map(|x| fix.get(x.as_str()).copied())
                    .collect(),
                values: Vec::new(),
                label: label_ix[*l],
                weight: f64::from(*weight),
            })
            .collect();
        let w: Vec<f32> = fit::minimise(&rows, vocab.len(), k, f64::from(cfg.l2), cfg.iterations)
            .into_iter()
            .map(|x| x as f32)
            .collect();
        let mut weights: FxHashMap<Box<str>, Box<[(u16, f32)]>> = FxHashMap::default();
        for (fi, f) in vocab.iter().enumerate() {
            let row: Vec<(u16, f32)> = w[fi * k..(fi + 1) * k]
                .iter()
                .enumerate()
                .filter(|(_, x)| x.abs() >= cfg.prune)
                .map(|(c, x)| (c as u16, (x * 1000.0).round() / 1000.0))
                .collect();
            if !row.is_empty() {
                weights.insert((*f).into(), row.into());
            }
        }
        Self {
            labels,
            weights: FeatureTable::new(weights),
        }
    }

    /// Label probabilities for a text, in `labels` order.
    pub fn predict(&self, text: &str) -> Vec<f32> {
        let mut buf = String::with_capacity(text.len() + 8);
        let mut scores = vec![0f32; self.labels.len()];
        for r in hits(text, &mut buf, &self.weights) {
            add_row(&mut scores, &r.row);
        }
        softmax_in_place(&mut scores);
        scores
    }

    /// Label probabilities for features in [`features`] order (the tests' reference for
    /// [`LinearModel::predict`]).
    #[cfg(test)]
    fn predict_features(&self, features: &[&str]) -> Vec<f32> {
        let mut scores = vec![0f32; self.labels.len()];
        for &f in features {
            if let Some(r) = self.weights.get(f) {
                add_row(&mut scores, &r.row);
            }
        }
        softmax_in_place(&mut scores);
        scores
    }

    /// The probability of each label, as a map.
    pub fn predict_map(&self, text: &str) -> HashMap<&str, f32> {
        self.labels
            .iter()
            .map(String::as_str)
            .zip(self.predict(text))
            .collect()
    }

    /// The stored form: a `labels` line, then `feature<TAB>label-index:weight,...` lines.
    pub fn to_tsv(&self) -> String {
        let mut out = String::new();
        out.push_str("# sitrep linear event classifier: word uni/bigram features, multinomial logistic regression\n");
        out.push_str("labels\t");
        out.push_str(&self.labels.join("|"));
        out.push('\n');
        for (k, row) in self.weights.iter() {
            let cells: Vec<String> = row.iter().map(|(c, x)| format!("{c}:{x}")).collect();
            out.push_str(k);
            out.push('\t');
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    /// Reads [`LinearModel::to_tsv`] output; malformed lines are errors with their number.
    pub fn from_tsv(tsv: &str) -> Result<Self, String> {
        let mut labels = Vec::new();
        let mut weights: FxHashMap<Box<str>, Box<[(u16, f32)]>> = FxHashMap::default();
        for (i, line) in tsv.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line
                .split_once('\t')
                .ok_or_else(|| format!("model line {}: no tab", i + 1))?;
            if k == "labels" && labels.is_empty() {
                labels = v.split('|').map(str::to_string).collect();
                continue;
            }
            let mut row = Vec::new();
            for cell in v.split(',') {
                let (c, x) = cell
                    .split_once(':')
                    .ok_or_else(|| format!("model line {}: bad cell {cell:?}", i + 1))?;
                let c: u16 = c
                    .parse()
                    .map_err(|_| format!("model line {}: bad label index", i + 1))?;
                let x: f32 = x
                    .parse()
                    .map_err(|_| format!("model line {}: bad weight", i + 1))?;
                row.push((c, x));
            }
            weights.insert(k.into(), row.into_boxed_slice());
        }
        if labels.is_empty() {
            return Err("model has no labels line".into());
        }
        Ok(Self {
            labels,
            weights: FeatureTable::new(weights),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.weights.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_toy_problem_and_round_trips() {
        let ex: Vec<(String, String)> = [
            ("police arrested two men", "Arrests"),
            ("police arrested a suspect", "Arrests"),
            ("protesters marched peacefully", "Peaceful protest"),
            ("students marched and protested", "Peaceful protest"),
            ("police arrested protesters", "Arrests"),
            ("farmers protested peacefully", "Peaceful protest"),
        ]
        .iter()
        .map(|(t, l)| (t.to_string(), l.to_string()))
        .collect();
        let m = LinearModel::train(
            &ex,
            TrainConfig {
                min_count: 1,
                prune: 0.0,
                ..TrainConfig::default()
            },
        );
        let p = m.predict_map("the police arrested five");
        assert!(p["Arrests"] > 0.6, "{p:?}");
        let back = LinearModel::from_tsv(&m.to_tsv()).expect("model reads back");
        assert_eq!(back.labels, m.labels);
        let q = back.predict_map("the police arrested five");
        assert!((q["Arrests"] - p["Arrests"]).abs() < 0.01);
        assert!(LinearModel::from_tsv("labels\ta|b\nx\t0:zz").is_err());
    }

    #[test]
    fn feature_slices_are_the_features_in_the_same_order() {
        for text in [
            "",
            "Police arrested 12 protesters in Nairobi; police arrested 3 more.",
            "internationally internationalised international internationals intern",
            "Ärzte in Köln: ÖL-Preis, İstanbul's Σ 1,600 al-Qa'im <s> <bias>",
            "abcdefgh abcdefghi abcdefg abcdefgh",
            "  -- 'quoted' O'Neil's x-ray, 3-4 killed;12 AM.\t\nEnd-",
            "a",
        ] {
            let mut buf = String::new();
            let slices: Vec<String> = feature_slices(text, &mut buf)
                .into_iter()
                .map(str::to_string)
                .collect();
            assert_eq!(slices, features(text), "{text:?}");
            let (mut fast, mut slow) = (String::new(), String::new());
            if let Some(words) = ascii_words(text, &mut fast) {
                assert_eq!(words, unicode_words(text, &mut slow), "{text:?}");
                assert_eq!(fast, slow, "{text:?}");
            }
        }
    }

    #[test]
    fn the_joint_table_gives_each_heads_own_probabilities() {
        let model = |rows: &str| LinearModel::from_tsv(rows).expect("a toy model");
        let types = model("labels\ta|b\npolice\t0:0.5,1:-0.25\npolice arrested\t1:1.5\n");
        let subs = model("labels\tx|y|z\narrested\t2:0.75\npolice\t0:0.125,2:-1\n");
        let clf = EventClassifier::new(types.clone(), subs.clone());
        let text = "The police arrested two police officers";
        let mut buf = String::new();
        let feats = feature_slices(text, &mut buf);
        let (tp, sp) = clf.predict_text(text);
        assert_eq!(tp, types.predict_features(&feats));
        assert_eq!(sp, subs.predict_features(&feats));
        assert_eq!(types.predict(text), types.predict_features(&feats));
    }
}

/// Weight of the event-type head against the sub-event head in a sub-event type's score.
/// The type head learned from every note (the sub-event head only from those coded since
/// 2019), so it knows more of what makes a fight a riot or an attack a battle; above 1 it
/// wins such disagreements more often (cross-validated on the notes' train half: 1.5 gave
/// +0.14 points of event type for -0.13 of sub-event type, 2 no more type and -0.3 sub).
const TYPE_HEAD_WEIGHT: f32 = 1.5;

/// Mixes a probability with the uniform one over `k` labels (weight 0.2).
fn smooth(p: f32, k: usize) -> f32 {
    0.8 * p + 0.2 / k as f32
}

/// Turns texts into vectors of one length (the semantic layer's sentence encoder).
pub trait TextEncoder: Send + Sync + std::fmt::Debug {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String>;
}

/// The optional semantic layer: a sentence encoder and, over its vectors, one softmax head
/// per n-gram head with the same labels. Its probabilities are mixed with the n-gram
/// model's (a weighted geometric mean), so a report worded unlike the notes the n-grams
/// learned from still lands near notes of the same meaning.
#[derive(Debug, Clone)]
pub struct Semantic {
    pub encoder: Arc<dyn TextEncoder>,
    pub types: DenseModel,
    pub subs: DenseModel,
    /// The semantic heads' share in the mixed probabilities (0 = n-grams alone).
    pub weight: f32,
}

/// The default [`Semantic::weight`]. 0.5 read the most notes right in a scikit-learn probe
/// of the notes' cross-validation (classifier alone, sub-event type 0.853 -> 0.873; 0.35
/// and 0.65 within 0.2 points).
pub const SEMANTIC_WEIGHT: f32 = 0.5;

impl Semantic {
    /// The text's embedding; `None` when the encoder fails on it (the n-gram model then
    /// scores it alone). Texts scored again are served by the classifier's probability
    /// memo, so vectors are not kept here.
    fn embedding(&self, text: &str) -> Option<Vec<f32>> {
        self.encoder.embed(&[text]).ok()?.pop()
    }
}

/// `p` becomes the normalised geometric mean of `p` and `q`, `q` weighing `w`.
fn mix(p: &mut [f32], q: &[f32], w: f32) {
    for (a, b) in p.iter_mut().zip(q) {
        *a = a.max(1e-30).powf(1.0 - w) * b.max(1e-30).powf(w);
    }
    let sum: f32 = p.iter().sum();
    if sum > 0.0 {
        p.iter_mut().for_each(|x| *x /= sum);
    }
}

/// The two heads the assembly stage uses: ACLED event type (trained on every report) and
/// sub-event type (trained on the reports coded with one), combined so that a sub-event
/// type's score includes its event type's.
#[derive(Debug, Clone)]
pub struct EventClassifier {
    types: LinearModel,
    subs: LinearModel,
    /// Both heads' weights by feature: [`EventClassifier::scores`] runs on every sentence
    /// with an event, and one lookup per feature instead of one per head halves its hashing.
    joint: FeatureTable<JointRow>,
    semantic: Option<Semantic>,
    /// Names this classifier's entries in the per-thread `PROBABILITIES` cache: a clone
    /// scores as the original does and shares it; a classifier given a semantic layer gets
    /// a new one.
    id: u64,
}

/// Both heads' probabilities for one text, as one classifier scored it.
type HeadProbabilities = Rc<(Vec<f32>, Vec<f32>)>;

/// Texts whose probabilities a thread keeps: assembly asks about the same text several
/// times (the report's opening for its type, then its sub-event type; a sentence's window
/// once per event read in it), and scoring is most of the classifier's cost.
const PROBABILITY_CACHE: usize = 8;

thread_local! {
    static PROBABILITIES: RefCell<Vec<(u64, Box<str>, HeadProbabilities)>> =
        const { RefCell::new(Vec::new()) };
}

/// A number no other classifier in this process holds.
fn fresh_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The cached probabilities of `text` by classifier `id`, if this thread scored it lately.
fn remembered(id: u64, text: &str) -> Option<HeadProbabilities> {
    PROBABILITIES.with(|c| {
        c.borrow()
            .iter()
            .find(|(i, t, _)| *i == id && **t == *text)
            .map(|(_, _, p)| p.clone())
    })
}

/// Keeps `probs` as the probabilities of `text` by classifier `id`, forgetting the oldest
/// entry when the cache is full.
fn remember(id: u64, text: &str, probs: &HeadProbabilities) {
    PROBABILITIES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= PROBABILITY_CACHE {
            c.remove(0);
        }
        c.push((id, text.into(), probs.clone()));
    });
}

/// One feature's weights in each head (empty where a head lacks the feature).
#[derive(Debug, Clone, Default)]
struct JointRow {
    types: Box<[(u16, f32)]>,
    subs: Box<[(u16, f32)]>,
}

impl EventClassifier {
    pub fn new(types: LinearModel, subs: LinearModel) -> Self {
        let mut joint: FxHashMap<Box<str>, JointRow> = FxHashMap::default();
        for (f, row) in types.weights.iter() {
            joint.entry(f.into()).or_default().types = row.clone();
        }
        for (f, row) in subs.weights.iter() {
            joint.entry(f.into()).or_default().subs = row.clone();
        }
        let joint = FeatureTable::new(joint);
        Self {
            types,
            subs,
            joint,
            semantic: None,
            id: fresh_id(),
        }
    }

    /// The classifier with a semantic layer; its heads must list the n-gram heads' labels
    /// in the same order (`sitrep train` fits them together).
    pub fn with_semantic(mut self, semantic: Semantic) -> Result<Self, String> {
        for (name, dense, linear) in [
            ("event type", &semantic.types.labels, &self.types.labels),
            ("sub-event type", &semantic.subs.labels, &self.subs.labels),
        ] {
            if dense != linear {
                return Err(format!(
                    "the semantic {name} head's labels differ from the n-gram model's: retrain both together"
                ));
            }
        }
        self.semantic = Some(semantic);
        self.id = fresh_id();
        Ok(self)
    }

    /// Both heads' probabilities for a text, from this thread's cache when it scored the
    /// text lately.
    fn probabilities(&self, text: &str) -> HeadProbabilities {
        if let Some(p) = remembered(self.id, text) {
            return p;
        }
        let p = Rc::new(self.score_heads(text));
        remember(self.id, text, &p);
        p
    }

    /// Both heads' probabilities for a text: the n-gram model's, mixed with the semantic
    /// layer's when there is one.
    fn score_heads(&self, text: &str) -> (Vec<f32>, Vec<f32>) {
        let (mut tp, mut sp) = self.predict_text(text);
        if let Some(sem) = &self.semantic
            && let Some(e) = sem.embedding(text)
        {
            mix(&mut tp, &sem.types.predict(&e), sem.weight);
            mix(&mut sp, &sem.subs.predict(&e), sem.weight);
        }
        (tp, sp)
    }

    /// Both heads' n-gram probabilities for a text: the same sums, in the same order, as
    /// each head's [`LinearModel::predict`].
    fn predict_text(&self, text: &str) -> (Vec<f32>, Vec<f32>) {
        let mut buf = String::with_capacity(text.len() + 8);
        let mut tp = vec![0f32; self.types.labels.len()];
        let mut sp = vec![0f32; self.subs.labels.len()];
        for r in hits(text, &mut buf, &self.joint) {
            add_row(&mut tp, &r.row.types);
            add_row(&mut sp, &r.row.subs);
        }
        softmax_in_place(&mut tp);
        softmax_in_place(&mut sp);
        (tp, sp)
    }

    /// Log-scores of every sub-event type for a text, best first.
    pub fn scores(&self, text: &str) -> Vec<(sitrep_model::SubEventType, f32)> {
        // One feature extraction (and embedding) for both heads.
        let probs = self.probabilities(text);
        let (tp, sp) = (&probs.0, &probs.1);
        let mut out: Vec<(sitrep_model::SubEventType, f32)> = self
            .subs
            .labels
            .iter()
            .zip(sp.iter().copied())
            .filter_map(|(l, p)| {
                let s = sitrep_model::SubEventType::parse(l)?;
                let t = self.type_index(s.event_type()).map_or(0.0, |i| tp[i]);
                // Smoothed towards uniform, so one confident head cannot veto everything.
                Some((s, smooth(p, 25).ln() + TYPE_HEAD_WEIGHT * smooth(t, 6).ln()))
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    /// The probability of each event type for a text.
    pub fn type_probabilities(&self, text: &str) -> Vec<(sitrep_model::EventType, f32)> {
        self.types
            .labels
            .iter()
            .zip(self.probabilities(text).0.iter().copied())
            .filter_map(|(l, p)| Some((sitrep_model::EventType::parse(l)?, p)))
            .collect()
    }

    /// The sub-event-type head's own likeliest label for a text, with its probability.
    pub fn top_sub_event_type(&self, text: &str) -> Option<(sitrep_model::SubEventType, f32)> {
        self.subs
            .labels
            .iter()
            .zip(self.probabilities(text).1.iter().copied())
            .filter_map(|(l, p)| Some((sitrep_model::SubEventType::parse(l)?, p)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The probability that the text reports an event of the given type.
    pub fn type_probability(&self, text: &str, t: sitrep_model::EventType) -> f32 {
        self.type_index(t)
            .map_or(0.0, |i| self.probabilities(text).0[i])
    }

    /// Where the event-type head lists `t`.
    fn type_index(&self, t: sitrep_model::EventType) -> Option<usize> {
        self.types.labels.iter().position(|l| l == t.as_str())
    }

    /// The sub-event type for a text, given what the rules found: the rules' choice gets a
    /// bonus (in log space), so the classifier overrides it only when clearly more likely.
    ///
    /// A rule choice the classifier was never trained on (it cannot know it) is kept as is.
    pub fn refine(
        &self,
        text: &str,
        rule: Option<sitrep_model::SubEventType>,
        bonus: f32,
        penalty: impl Fn(sitrep_model::SubEventType) -> f32,
    ) -> Option<(sitrep_model::SubEventType, f32)> {
        if let Some(r) = rule
            && !self.subs.labels.iter().any(|l| l == r.as_str())
        {
            return Some((r, 0.0));
        }
        self.scores(text)
            .into_iter()
            .map(|(s, score)| (s, score + if Some(s) == rule { bonus } else { -penalty(s) }))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}
