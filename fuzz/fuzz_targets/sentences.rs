//! The sentence splitter: trimmed, ordered, bounded, non-empty spans inside the range.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use sitrep_pipeline::sentences::{MAX_SENTENCE_BYTES, split};

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else {
        return;
    };
    let text = common::text_of(rest);
    let range = common::range_from(&text, *a, *b);
    let mut last_end = range.start;
    for s in split(&text, range) {
        common::check_span_in(&text, range, s, "sentence");
        let piece = s.slice(&text);
        assert!(!piece.is_empty() && piece.trim() == piece, "{piece:?}");
        assert!(s.len() <= MAX_SENTENCE_BYTES, "{} bytes", s.len());
        assert!(s.start >= last_end, "sentences overlap or go backwards");
        last_end = s.end;
    }
});
