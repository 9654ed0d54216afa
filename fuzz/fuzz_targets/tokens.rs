//! The tokenizer: ordered, non-empty, non-overlapping spans inside the range.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use sitrep_pipeline::tokens::tokenize;

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else {
        return;
    };
    let text = common::text_of(rest);
    let range = common::range_from(&text, *a, *b);
    let mut last_end = range.start;
    for t in tokenize(&text, range) {
        common::check_span_in(&text, range, t.span, "token");
        assert!(!t.span.is_empty(), "{t:?}");
        assert!(t.span.start >= last_end, "tokens overlap or go backwards");
        last_end = t.span.end;
        let _ = (t.is_capitalized(&text), t.is_word(), t.text(&text));
    }
});
