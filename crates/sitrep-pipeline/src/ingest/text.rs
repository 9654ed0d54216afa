//! Plain-text files: the decoded content is the document text, exactly.

use sitrep_model::{Document, Skipped};

use std::borrow::Cow;

use super::{
    Batch, DocMeta, MAX_TEXT_BYTES, decode::decode_text_borrowed, limit_warning,
    override_from_meta, text_limit,
};

/// Titles are metadata for display; a first "line" that is a whole 50 MB
/// file without newlines must not be copied into it.
const MAX_TITLE_BYTES: usize = 1_000;

/// Reads one plain-text file: one document, or one skip with the reason.
pub(super) fn read(origin: &str, default_id: &str, bytes: &[u8], meta: Option<&DocMeta>) -> Batch {
    let id = meta
        .and_then(|m| m.id.clone())
        .unwrap_or_else(|| default_id.to_owned());
    let (text, warning) = match decode_text_borrowed(bytes) {
        Ok(decoded) => decoded,
        Err(reason) => {
            let skipped = Skipped {
                origin: origin.to_owned(),
                doc_id: Some(id),
                reason,
            };
            return Batch {
                documents: Vec::new(),
                skipped: vec![skipped],
            };
        }
    };
    let title = first_line_title(&text);
    let mut warnings: Vec<String> = warning.into_iter().collect();
    // Only the part that will be read is copied: a 16 MB file costs its bytes, not twice
    // that (the cut is the one `finish_document` would make).
    let cut = text_limit(&text, MAX_TEXT_BYTES);
    if cut < text.len() {
        warnings.push(limit_warning(text.len(), cut, MAX_TEXT_BYTES));
    }
    let text = match text {
        Cow::Borrowed(text) => text[..cut].to_owned(),
        Cow::Owned(mut text) => {
            text.truncate(cut);
            text.shrink_to_fit();
            text
        }
    };
    let mut doc = Document {
        id,
        title,
        origin: origin.to_owned(),
        warnings,
        text,
        ..Document::default()
    };
    override_from_meta(&mut doc, meta);
    Batch {
        documents: vec![doc],
        skipped: Vec::new(),
    }
}

/// The first non-empty line, trimmed (and capped at [`MAX_TITLE_BYTES`]).
pub(super) fn first_line_title(text: &str) -> Option<String> {
    let line = text.split('\n').map(str::trim).find(|l| !l.is_empty())?;
    Some(truncate_at_char(line, MAX_TITLE_BYTES).to_owned())
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub(super) fn truncate_at_char(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_first_non_empty_line() {
        let rows = [
            ("Title\nBody", Some("Title")),
            ("\n\n  Spaced title \r\nBody", Some("Spaced title")),
            ("  \n\t\n", None),
            ("Only line", Some("Only line")),
        ];
        for (text, expected) in rows {
            assert_eq!(first_line_title(text).as_deref(), expected, "{text:?}");
        }
    }

    #[test]
    fn text_is_kept_exactly() {
        let raw = "\u{feff}  Headline  \r\n\r\nBody line.\r\n";
        let batch = read("in/a.txt", "a", raw.as_bytes(), None);
        let doc = &batch.documents[0];
        assert_eq!(doc.text, "  Headline  \r\n\r\nBody line.\r\n");
        assert_eq!(doc.title.as_deref(), Some("Headline"));
        assert_eq!((doc.id.as_str(), doc.origin.as_str()), ("a", "in/a.txt"));
    }

    #[test]
    fn meta_overrides_id_and_title() {
        let meta = DocMeta {
            id: Some("seed-1".into()),
            title: Some("Given".into()),
            published: chrono::NaiveDate::from_ymd_opt(2014, 6, 22),
            source: Some("CNN".into()),
            ..DocMeta::default()
        };
        let batch = read("a.txt", "a", b"Headline\nBody", Some(&meta));
        let doc = &batch.documents[0];
        assert_eq!(
            (doc.id.as_str(), doc.title.as_deref()),
            ("seed-1", Some("Given"))
        );
        assert_eq!(
            (doc.published, doc.source.as_deref()),
            (meta.published, Some("CNN"))
        );
    }

    #[test]
    fn title_of_a_huge_line_is_capped() {
        let text = "é".repeat(5_000);
        let title = first_line_title(&text).expect("a title");
        assert!(title.len() <= MAX_TITLE_BYTES && text.starts_with(&title));
    }

    #[test]
    fn undecodable_file_is_skipped_with_id() {
        let batch = read("x.txt", "x", b"\x00\x01binary", None);
        assert!(batch.documents.is_empty());
        assert_eq!(batch.skipped[0].doc_id.as_deref(), Some("x"));
        assert!(batch.skipped[0].reason.starts_with("binary content"));
    }
}
