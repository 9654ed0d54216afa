//! The number reader and casualty statements over any sentence.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use sitrep_model::Span;
use sitrep_pipeline::quantities::{find_casualties, find_quantities, small_number};
use sitrep_pipeline::sentences::split;
use sitrep_pipeline::tokens::tokenize;

fuzz_target!(|data: &[u8]| {
    let text = common::text_of(data);
    let whole = Span::new(0, text.len());
    let toks = tokenize(&text, whole);
    for q in find_quantities(&text, &toks) {
        common::check_span(&text, q.span, "quantity");
        assert!(q.token < toks.len(), "{q:?}");
    }
    for sentence in split(&text, whole).into_iter().chain([whole]) {
        for c in find_casualties(&text, sentence) {
            common::check_span_in(&text, sentence, c.quantity, "casualty quantity");
            common::check_span_in(&text, sentence, c.verb, "casualty verb");
        }
    }
    for word in text.split_whitespace().take(64) {
        let _ = small_number(word);
    }
});
