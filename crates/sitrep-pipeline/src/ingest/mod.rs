//! The ingest stage: bytes of one input (a text, HTML, JSONL or feed file, or
//! one JSONL line) in, [`Document`]s and [`Skipped`] reasons out. No I/O: the
//! binary reads files and hands their bytes here.
//!
//! One submodule per format (`text`, `html`, `jsonl`, `feed`); all of
//! them share `decode` (bytes to text) and `boilerplate` (spans kept in
//! the text but excluded from reading); `markup` guards the HTML parser
//! against pathological nesting, `dom` builds its tree without keeping its
//! error messages, and `manifest` attaches metadata to plain files.
//!
//! [`read_document_bytes_into`] hands documents on as they are read (a feed's
//! entries one at a time), so reading never holds more than one file's bytes and
//! one document in progress; [`read_document_bytes`] collects them.

mod boilerplate;
mod decode;
mod dom;
mod feed;
mod html;
mod jsonl;
mod manifest;
mod markup;
mod text;

use std::path::Path;

use chrono::NaiveDate;
use sitrep_model::{Document, Skipped};

pub use boilerplate::boilerplate_spans;
pub use decode::decode_text;
pub use manifest::Manifest;

/// Inputs larger than this are skipped rather than held in memory (32 MiB).
/// For JSONL the limit applies per line, since each line is one document.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;

/// Markup (HTML files, feeds, a JSONL line's `html`) costs its parser several times its size,
/// so it has a lower limit (16 MiB): with it, reading the largest input and extracting
/// others at the same time stays within a few hundred MB.
pub const MAX_MARKUP_BYTES: usize = 16 * 1024 * 1024;

/// Text read from one document (256 KiB, some 40,000 words; news reports are a few KiB, the
/// longest in the benchmark packs 100 KB). Extraction holds up to ~250 bytes of working data
/// per byte of text when every line names a place, so longer texts are cut here, at a line or
/// sentence end, with a warning: memory stays bounded whatever the input, and every offset
/// still points into `Document::text`.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;

/// The input formats sitrep reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Html,
    Jsonl,
    Feed,
}

impl Format {
    /// By extension: .txt/.text/.md → Text, .html/.htm/.xhtml → Html,
    /// .jsonl/.ndjson/.json → Jsonl, .xml/.rss/.atom → Feed; None otherwise.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" | "md" => Some(Format::Text),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "xml" | "rss" | "atom" => Some(Format::Feed),
            _ => None,
        }
    }
}

/// Metadata a manifest line (or the caller) attaches to a plain file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocMeta {
    pub id: Option<String>,
    pub title: Option<String>,
    pub published: Option<NaiveDate>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
}

/// Documents read from one source, and what could not be read.
#[derive(Debug, Default)]
pub struct Batch {
    pub documents: Vec<Document>,
    pub skipped: Vec<Skipped>,
}

/// Reads a whole file's bytes in the given format.
///
/// `origin` is the path for messages, `default_id` the id to use when neither
/// the content nor `meta` gives one. For one-document formats (text, HTML)
/// `meta` wins over what the content says; for JSONL and feeds it only fills
/// fields the content leaves empty, and never sets ids.
pub fn read_document_bytes(
    origin: &str,
    default_id: &str,
    bytes: &[u8],
    format: Format,
    meta: Option<&DocMeta>,
) -> Batch {
    let mut batch = Batch::default();
    read_document_bytes_into(
        origin,
        default_id,
        bytes,
        format,
        meta,
        &mut |item| match item {
            Ok(doc) => batch.documents.push(doc),
            Err(skipped) => batch.skipped.push(skipped),
        },
    );
    batch
}

/// [`read_document_bytes`], handing each document or skipped input to `sink` as soon as it
/// is read. A feed's entries are parsed one at a time, so memory does not grow with their
/// number; the other formats hand over their documents, then their skips.
pub fn read_document_bytes_into(
    origin: &str,
    default_id: &str,
    bytes: &[u8],
    format: Format,
    meta: Option<&DocMeta>,
    sink: &mut dyn FnMut(Result<Document, Skipped>),
) {
    let limit = match format {
        Format::Html | Format::Feed => MAX_MARKUP_BYTES,
        Format::Text | Format::Jsonl => MAX_DOCUMENT_BYTES,
    };
    if format != Format::Jsonl && bytes.len() > limit {
        let doc_id = meta
            .and_then(|m| m.id.clone())
            .unwrap_or_else(|| default_id.to_owned());
        return sink(Err(too_large(origin, Some(doc_id), bytes.len(), limit)));
    }
    let mut finished = |item: Result<Document, Skipped>| {
        sink(item.map(|mut doc| {
            finish_document(&mut doc);
            doc
        }));
    };
    let batch = match format {
        Format::Text => text::read(origin, default_id, bytes, meta),
        Format::Html => html::read(origin, default_id, bytes, meta),
        Format::Jsonl => jsonl::read_all(origin, bytes, meta),
        Format::Feed => return feed::read(origin, default_id, bytes, meta, &mut finished),
    };
    batch.documents.into_iter().map(Ok).for_each(&mut finished);
    batch.skipped.into_iter().map(Err).for_each(finished);
}

/// One JSONL line (works alone, for streaming). `line_no` is 1-based; blank lines give `Ok(None)`.
pub fn read_jsonl_line(
    origin: &str,
    line_no: usize,
    line: &[u8],
) -> Result<Option<Document>, Skipped> {
    let mut doc = jsonl::read_line(origin, line_no, line)?;
    if let Some(doc) = doc.as_mut() {
        finish_document(doc);
    }
    Ok(doc)
}

/// Every document, whatever its format: text cut to [`MAX_TEXT_BYTES`], then boilerplate
/// marked.
fn finish_document(doc: &mut Document) {
    limit_text(doc, MAX_TEXT_BYTES);
    doc.excluded = boilerplate_spans(&doc.text);
}

/// Cuts `doc.text` to at most `max` bytes (see [`text_limit`]), with a warning. Given
/// toponym spans past the cut are dropped.
pub fn limit_text(doc: &mut Document, max: usize) {
    let len = doc.text.len();
    let cut = text_limit(&doc.text, max);
    if cut == len {
        return;
    }
    doc.text.truncate(cut);
    doc.text.shrink_to_fit();
    if let Some(spans) = doc.given_toponyms.as_mut() {
        spans.retain(|s| s.end <= cut);
    }
    doc.warnings.push(limit_warning(len, cut, max));
}

/// Where a text longer than `max` bytes is cut: at the last line end of the last 64 KiB
/// before the limit, or else the last sentence end there, or else a character boundary.
/// `text.len()` when it fits.
pub(crate) fn text_limit(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    let hard = text.floor_char_boundary(max);
    let window = text.floor_char_boundary(hard.saturating_sub(64 * 1024));
    let tail = &text[window..hard];
    tail.rfind('\n')
        .map(|i| window + i + 1)
        .or_else(|| tail.rfind(". ").map(|i| window + i + 1))
        .unwrap_or(hard)
}

pub(crate) fn limit_warning(len: usize, cut: usize, max: usize) -> String {
    format!(
        "text is {len} bytes; only the first {cut} are read (at most {} KiB of one document)",
        max / 1024
    )
}

fn too_large(origin: &str, doc_id: Option<String>, len: usize, limit: usize) -> Skipped {
    let reason = format!(
        "too large: {len} bytes (limit {} MiB)",
        limit / (1024 * 1024)
    );
    Skipped {
        origin: origin.to_owned(),
        doc_id,
        reason,
    }
}

/// Meta given for a one-document file wins over what the content says.
fn override_from_meta(doc: &mut Document, meta: Option<&DocMeta>) {
    let Some(meta) = meta else { return };
    if let Some(id) = &meta.id {
        doc.id.clone_from(id);
    }
    let pairs = [
        (&mut doc.title, &meta.title),
        (&mut doc.source, &meta.source),
        (&mut doc.url, &meta.url),
        (&mut doc.language, &meta.language),
    ];
    for (field, given) in pairs {
        if given.is_some() {
            field.clone_from(given);
        }
    }
    doc.published = meta.published.or(doc.published);
}

/// Meta given for a many-document file only fills gaps (never the id).
fn fill_from_meta(doc: &mut Document, meta: Option<&DocMeta>) {
    let Some(meta) = meta else { return };
    let pairs = [
        (&mut doc.title, &meta.title),
        (&mut doc.source, &meta.source),
        (&mut doc.url, &meta.url),
        (&mut doc.language, &meta.language),
    ];
    for (field, given) in pairs {
        if field.is_none() {
            field.clone_from(given);
        }
    }
    doc.published = doc.published.or(meta.published);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_at_a_line_end_with_a_warning() {
        let line = "Gunmen attacked a checkpoint near Ramadi. ".repeat(40) + "\n";
        let text = line.repeat(200);
        let mut doc = Document {
            id: "long".into(),
            text: text.clone(),
            given_toponyms: Some(vec![
                sitrep_model::Span::new(0, 6),
                sitrep_model::Span::new(300_000, 300_006),
            ]),
            ..Document::default()
        };
        limit_text(&mut doc, 100_000);
        assert!(doc.text.len() <= 100_000 && doc.text.len() > 90_000);
        assert!(doc.text.ends_with('\n') && text.starts_with(&doc.text));
        assert_eq!(doc.given_toponyms.as_ref().map(Vec::len), Some(1));
        assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
        // One line without breaks: cut after a sentence; multibyte text: on a char boundary.
        let mut doc = Document {
            text: "Qā'im fell".repeat(20_000),
            ..Document::default()
        };
        limit_text(&mut doc, 50_001);
        assert!(doc.text.len() <= 50_001 && doc.text.is_char_boundary(doc.text.len()));
        let mut short = Document {
            text: "Qaim fell.".into(),
            ..Document::default()
        };
        limit_text(&mut short, 100);
        assert!(short.warnings.is_empty() && short.text == "Qaim fell.");
    }

    #[test]
    fn format_from_path() {
        let rows = [
            ("a.txt", Some(Format::Text)),
            ("a.TEXT", Some(Format::Text)),
            ("notes.md", Some(Format::Text)),
            ("dir/a.html", Some(Format::Html)),
            ("a.htm", Some(Format::Html)),
            ("a.xhtml", Some(Format::Html)),
            ("a.jsonl", Some(Format::Jsonl)),
            ("a.ndjson", Some(Format::Jsonl)),
            ("a.json", Some(Format::Jsonl)),
            ("a.xml", Some(Format::Feed)),
            ("a.rss", Some(Format::Feed)),
            ("a.Atom", Some(Format::Feed)),
            ("a.pdf", None),
            ("README", None),
            (".txt", None),
        ];
        for (path, expected) in rows {
            assert_eq!(Format::from_path(Path::new(path)), expected, "{path}");
        }
    }

    #[test]
    fn every_format_marks_boilerplate() {
        let text = "Headline\n\nQaim fell on Saturday.\n\nAdvertisement\n";
        let html = "<html><body><article><h1>Headline</h1><p>Qaim fell on Saturday.</p><p>Advertisement</p></article></body></html>";
        let jsonl = r#"{"id":"j1","text":"Headline\n\nQaim fell on Saturday.\n\nAdvertisement\n"}"#;
        let feed = r#"<rss version="2.0"><channel><title>F</title><item><title>Headline</title><description>&lt;p&gt;Qaim fell on Saturday.&lt;/p&gt;&lt;p&gt;Advertisement&lt;/p&gt;</description></item></channel></rss>"#;
        let inputs = [
            (Format::Text, text),
            (Format::Html, html),
            (Format::Jsonl, jsonl),
            (Format::Feed, feed),
        ];
        for (format, input) in inputs {
            let batch = read_document_bytes("in", "in", input.as_bytes(), format, None);
            assert!(batch.skipped.is_empty(), "{format:?}: {:?}", batch.skipped);
            let doc = &batch.documents[0];
            let excluded: Vec<_> = doc.excluded.iter().map(|s| s.slice(&doc.text)).collect();
            assert_eq!(excluded, ["Advertisement"], "{format:?}: {:?}", doc.text);
        }
    }

    #[test]
    fn oversized_input_is_skipped() {
        let bytes = vec![b'a'; MAX_DOCUMENT_BYTES + 1];
        let batch = read_document_bytes("big.txt", "big", &bytes, Format::Text, None);
        assert!(batch.documents.is_empty());
        assert!(
            batch.skipped[0].reason.starts_with("too large"),
            "{:?}",
            batch.skipped
        );
    }

    /// A 30 MB single line is read (under the input limit), its text cut to
    /// `MAX_TEXT_BYTES` with a warning; 50 MB is over the limit and skipped unread.
    #[test]
    fn huge_single_line_texts_are_cut_or_skipped() {
        let line = "Qaim fell to ISIS militants on Saturday. ";
        let bytes = line.repeat(30_000_000 / line.len()).into_bytes();
        let batch = read_document_bytes("big.txt", "big", &bytes, Format::Text, None);
        let doc = &batch.documents[0];
        assert!(doc.text.len() <= MAX_TEXT_BYTES && doc.text.len() > MAX_TEXT_BYTES - 64);
        assert!(doc.text.ends_with('.'), "cut after a sentence");
        assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
        let bytes = line.repeat(50_000_000 / line.len()).into_bytes();
        let batch = read_document_bytes("big.txt", "big", &bytes, Format::Text, None);
        assert!(batch.documents.is_empty());
        assert!(batch.skipped[0].reason.starts_with("too large"));
    }

    /// The non-blank lines of a document that overlap an excluded span.
    fn excluded_lines(doc: &Document) -> Vec<&str> {
        let mut start = 0;
        let mut lines = Vec::new();
        for line in doc.text.split('\n') {
            let span = sitrep_model::Span::new(start, start + line.len());
            start += line.len() + 1;
            if !line.trim().is_empty() && doc.is_excluded(span) {
                lines.push(line);
            }
        }
        lines
    }

    /// Arbitrary bytes in every format: skipped or read, never a panic.
    #[test]
    fn random_inputs_never_panic() {
        const PIECES: &[&str] = &[
            "<div>",
            "</div>",
            "<p>",
            "<script>",
            "</script>",
            "<!--",
            "-->",
            "&amp;",
            "&#x1F600;",
            "{\"id\":",
            "\"text\":",
            "\"x\"",
            "}",
            "[",
            "]",
            ",",
            "\n",
            "\u{0}",
            "\u{feff}",
            "é",
            "<rss version=\"2.0\">",
            "<item>",
            "<title>",
            "<entry>",
            "<feed>",
            "Trending: x",
            "Join the conversation",
            "\"toponyms\":[{\"start\":1,\"end\":9}]",
            " ",
            "<",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            usize::try_from(state >> 33).unwrap_or(0)
        };
        for _ in 0..300 {
            let len = next() % 40;
            let mut input: Vec<u8> = (0..len)
                .flat_map(|_| PIECES[next() % PIECES.len()].bytes())
                .collect();
            if next() % 4 == 0 {
                input.push(0xFF);
            }
            for format in [Format::Text, Format::Html, Format::Jsonl, Format::Feed] {
                let batch = read_document_bytes("r", "r", &input, format, None);
                for doc in &batch.documents {
                    assert!(
                        doc.excluded
                            .iter()
                            .all(|s| doc.text.get(s.start..s.end).is_some())
                    );
                }
            }
            let _ = read_jsonl_line("r", 1, &input);
            let _ = Manifest::parse("m", &String::from_utf8_lossy(&input));
        }
    }

    /// The seed article lives outside this repository (third-party text), so it is read at
    /// test time when present.
    #[test]
    fn seed_003_boilerplate() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/seeds/003_3b05330a04664849.txt");
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("skipping: {} not found", path.display());
            return;
        };
        let batch = read_document_bytes("003.txt", "003", &bytes, Format::Text, None);
        let doc = &batch.documents[0];
        let excluded = excluded_lines(doc);
        assert_eq!(excluded.len(), 4, "{excluded:#?}");
        assert!(excluded[0].starts_with("Trending:"));
        assert!(excluded[1].starts_with("This article continues at"));
        assert!(excluded[2].starts_with("Join the conversation!"));
        assert!(excluded[3].starts_with("We have no tolerance for comments"));
        assert_eq!(
            doc.title.as_deref(),
            Some("Taking Over: ISIS Takes Strategic Control Over Iraqi Towns")
        );
    }
}
