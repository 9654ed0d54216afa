//! Invariants every fuzz target checks: offsets inside the text and on char boundaries,
//! every input accounted for (a document or a skip with a reason).

#![allow(dead_code)]

use sitrep_model::{Document, Span};
use sitrep_pipeline::ingest::Batch;

/// `span` is a non-inverted byte range of `text` on char boundaries.
pub fn check_span(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end, "{what}: inverted span {span:?}");
    assert!(
        text.get(span.start..span.end).is_some(),
        "{what}: span {span:?} outside the text ({} bytes) or off a char boundary",
        text.len()
    );
}

/// `span` also lies inside `range`.
pub fn check_span_in(text: &str, range: Span, span: Span, what: &str) {
    check_span(text, span, what);
    assert!(
        range.contains(span),
        "{what}: {span:?} outside the range {range:?}"
    );
}

pub fn check_document(doc: &Document) {
    assert!(!doc.id.is_empty(), "empty id: {doc:?}");
    assert!(
        !doc.text.trim().is_empty(),
        "document without text: {doc:?}"
    );
    assert!(!doc.origin.is_empty());
    for &s in &doc.excluded {
        check_span(&doc.text, s, "excluded");
    }
    for &s in doc.given_toponyms.iter().flatten() {
        check_span(&doc.text, s, "given toponym");
        assert!(s.start < s.end, "empty given toponym {s:?}");
    }
}

/// Every document is sound and every skip names its input and a reason.
pub fn check_batch(batch: &Batch) -> usize {
    for doc in &batch.documents {
        check_document(doc);
    }
    for s in &batch.skipped {
        assert!(!s.origin.is_empty() && !s.reason.is_empty(), "{s:?}");
    }
    batch.documents.len() + batch.skipped.len()
}

/// A range of `text` chosen by two fuzzed bytes (possibly off a char boundary, or empty).
pub fn range_from(text: &str, a: u8, b: u8) -> Span {
    let len = text.len();
    let start = len * usize::from(a) / 255;
    let end = start + (len - start) * usize::from(b) / 255;
    Span::new(start, end)
}

/// Text from fuzzed bytes: lossy UTF-8, as the ingest stage would give it.
pub fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}
