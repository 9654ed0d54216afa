//! Whole text files: one document or skip per input, never a panic.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use sitrep_pipeline::ingest::{Format, read_document_bytes};

fuzz_target!(|data: &[u8]| {
    let batch = read_document_bytes("fuzz.text", "fuzz", data, Format::Text, None);
    let units = common::check_batch(&batch);
    assert_eq!(units, 1, "one file, one unit: {batch:?}");
});
