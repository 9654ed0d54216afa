//! The date reader over any text and range, with and without a reference date.
#![no_main]

mod common;

use chrono::{Datelike, NaiveDate};
use libfuzzer_sys::fuzz_target;
use sitrep_pipeline::dates::DateReader;
use std::sync::OnceLock;

static READER: OnceLock<DateReader> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let [a, b, y0, y1, y2, m, d, rest @ ..] = data else {
        return;
    };
    let text = common::text_of(rest);
    let range = common::range_from(&text, *a, *b);
    // Any calendar date chrono can hold (years -262143..=262142), its ends included, or none.
    let year = i32::from_le_bytes([*y0, *y1, *y2, 0]) - 262_144;
    let reference = NaiveDate::from_ymd_opt(year, u32::from(*m % 13), u32::from(*d % 32));
    let reader = READER.get_or_init(DateReader::new);
    for found in [
        reader.find(&text, range, reference),
        reader.find(&text, range, None),
    ] {
        for mention in found {
            common::check_span_in(&text, range, mention.span, "date");
            assert!((1..=3).contains(&mention.precision), "{mention:?}");
            let _ = mention.date.year();
        }
    }
});
