//! Whole feed files: one document or skip per input, never a panic.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use sitrep_pipeline::ingest::{Format, read_document_bytes};

fuzz_target!(|data: &[u8]| {
    let batch = read_document_bytes("fuzz.feed", "fuzz", data, Format::Feed, None);
    let units = common::check_batch(&batch);
    assert!(units >= 1, "a feed is at least one unit");
});
