//! Overlap queries against many spans in logarithmic time. Hostile documents hold 10^5
//! boilerplate lines, actor names or sentences; a linear scan per query made whole
//! documents quadratic.

use sitrep_model::Span;

/// Spans sorted by start, with the running maximum of their ends.
#[derive(Debug, Clone, Default)]
pub struct SpanSet {
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl SpanSet {
    pub fn new(spans: impl IntoIterator<Item = Span>) -> Self {
        let mut spans: Vec<Span> = spans.into_iter().collect();
        spans.sort_by_key(|s| s.start);
        let mut max = 0;
        let max_end = spans
            .iter()
            .map(|s| {
                max = max.max(s.end);
                max
            })
            .collect();
        Self {
            starts: spans.iter().map(|s| s.start).collect(),
            max_end,
        }
    }

    /// Whether any span of the set overlaps `span` (as [`Span::overlaps`]: a shared byte).
    pub fn overlaps(&self, span: Span) -> bool {
        let k = self.starts.partition_point(|&s| s < span.end);
        k > 0 && self.max_end[k - 1] > span.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_a_linear_scan() {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n).unwrap_or(0)
        };
        for _ in 0..200 {
            let spans: Vec<Span> = (0..next(12))
                .map(|_| {
                    let start = next(60);
                    Span::new(start, start + next(15))
                })
                .collect();
            let set = SpanSet::new(spans.iter().copied());
            for start in 0..70 {
                for len in 0..8 {
                    let q = Span::new(start, start + len);
                    let naive = spans.iter().any(|s| s.overlaps(q));
                    assert_eq!(set.overlaps(q), naive, "{q:?} against {spans:?}");
                }
            }
        }
        assert!(!SpanSet::default().overlaps(Span::new(0, 10)));
    }
}
