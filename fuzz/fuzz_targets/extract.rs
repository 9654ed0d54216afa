//! The whole pipeline over any text: evidence spans inside the text and equal to their
//! slice, and the same output twice.
#![no_main]

mod common;
#[path = "common/pipeline.rs"]
mod pipeline;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use sitrep_model::{Document, Span};
use sitrep_pipeline::Pipeline;
use std::sync::OnceLock;

static PIPELINE: OnceLock<Pipeline> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = common::text_of(rest);
    let mut doc = Document {
        id: "fuzz".into(),
        text,
        // No date, a usual one, or the ends of chrono's calendar.
        published: match flags & 12 {
            0 => None,
            4 => NaiveDate::from_ymd_opt(2014, 6, 14),
            8 => Some(NaiveDate::MIN),
            _ => Some(NaiveDate::MAX),
        },
        origin: "fuzz".into(),
        ..Document::default()
    };
    doc.excluded = sitrep_pipeline::ingest::boilerplate_spans(&doc.text);
    let p = PIPELINE.get_or_init(pipeline::pipeline);
    let first = p.extract(&doc);
    for e in &first.events {
        for ev in &e.evidence {
            common::check_span(&doc.text, Span::new(ev.start, ev.end), "evidence");
            assert_eq!(
                ev.text,
                doc.text[ev.start..ev.end],
                "evidence text is the slice"
            );
        }
    }
    if flags & 2 == 2 {
        let again = p.extract(&doc);
        assert_eq!(
            format!("{:?}", first.events),
            format!("{:?}", again.events),
            "deterministic"
        );
    }
    for t in p.toponyms(&doc, false) {
        common::check_span(&doc.text, Span::new(t.start, t.end), "toponym");
    }
});
