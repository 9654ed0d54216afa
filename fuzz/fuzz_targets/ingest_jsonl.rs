//! JSONL: the whole-file reader (arrays, pretty-printed objects) and the streaming line
//! reader agree that every non-blank line is one unit.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use sitrep_pipeline::ingest::{Format, read_document_bytes, read_jsonl_line};

fuzz_target!(|data: &[u8]| {
    let batch = read_document_bytes("fuzz.jsonl", "fuzz", data, Format::Jsonl, None);
    assert!(
        common::check_batch(&batch) >= 1,
        "a file is at least one unit"
    );
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        match read_jsonl_line("fuzz.jsonl", i + 1, line) {
            Ok(Some(doc)) => common::check_document(&doc),
            Ok(None) => {}
            Err(s) => assert!(!s.reason.is_empty()),
        }
    }
});
