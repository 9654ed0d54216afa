use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A half-open range of UTF-8 byte offsets into a document's text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The text this span covers, or `""` when it does not fall on char boundaries of `text`.
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }

    pub const fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub const fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The smallest span covering both.
    pub fn cover(&self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// One input document, as every later stage sees it.
///
/// `text` is the exact text all offsets refer to (`sitrep text DOC` prints it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Document {
    pub id: String,
    pub title: Option<String>,
    pub text: String,
    /// Publication date: the reference for relative dates ("Saturday").
    pub published: Option<NaiveDate>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// Where the document came from: a path, `path:line` or `<stdin>:line`.
    pub origin: String,
    /// Spans given by the caller for resolution-only geocoding (`toponyms --given-spans`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_toponyms: Option<Vec<Span>>,
    /// Boilerplate ranges (share widgets, "Trending:" lines, comment policies): kept in the
    /// text so offsets stay true, but never read for events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<Span>,
    /// Problems met while reading the document that did not stop it (e.g. repaired UTF-8).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Document {
    /// Whether `span` overlaps a boilerplate range.
    pub fn is_excluded(&self, span: Span) -> bool {
        self.excluded.iter().any(|e| e.overlaps(span))
    }
}

/// An input that could not be turned into a document, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Path, `path:line` or `<stdin>:line`.
    pub origin: String,
    /// Document id when one could be read.
    pub doc_id: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.doc_id {
            Some(id) => write!(f, "{} (document {id}): {}", self.origin, self.reason),
            None => write!(f, "{}: {}", self.origin, self.reason),
        }
    }
}
