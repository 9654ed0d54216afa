//! JSONL documents: one JSON object per line, `{"id": str, "text": str}` plus
//! optional fields (CONTRACT §1). Wrong required fields skip the line; wrong
//! optional fields are dropped with a warning on the document.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};
use sitrep_model::{Document, Skipped, Span};

use super::{
    Batch, DocMeta, MAX_DOCUMENT_BYTES, MAX_MARKUP_BYTES,
    decode::{check_not_binary, decode_utf8},
    fill_from_meta, html, too_large,
};

/// Reads a JSONL file. A `.json` file holding one pretty-printed object or an
/// array of objects is read too, rather than failing line by line.
pub(super) fn read_all(origin: &str, bytes: &[u8], meta: Option<&DocMeta>) -> Batch {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut batch = match check_not_binary(bytes) {
        Err(reason) => return file_skip(origin, reason),
        Ok(()) => whole_json(origin, bytes).unwrap_or_else(|| read_lines(origin, bytes)),
    };
    if batch.documents.is_empty() && batch.skipped.is_empty() {
        return file_skip(origin, "empty file (no JSON lines)".to_owned());
    }
    for doc in &mut batch.documents {
        fill_from_meta(doc, meta);
    }
    batch
}

fn file_skip(origin: &str, reason: String) -> Batch {
    Batch {
        documents: Vec::new(),
        skipped: vec![skipped(origin, None, reason)],
    }
}

fn read_lines(origin: &str, bytes: &[u8]) -> Batch {
    let mut batch = Batch::default();
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        match read_line(origin, index + 1, line) {
            Ok(Some(doc)) => batch.documents.push(doc),
            Ok(None) => {}
            Err(skipped) => batch.skipped.push(skipped),
        }
    }
    batch
}

/// One value spanning several lines: an array of documents (origin `path#N`)
/// or one pretty-printed object (origin `path:1`). `None` for ordinary JSONL.
fn whole_json(origin: &str, bytes: &[u8]) -> Option<Batch> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let first_line_end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
    let spans_lines = bytes[first_line_end..]
        .iter()
        .any(|b| !b.is_ascii_whitespace());
    let starts_array = bytes[start] == b'[';
    if !starts_array
        && (!spans_lines || serde_json::from_slice::<Value>(&bytes[start..first_line_end]).is_ok())
    {
        return None;
    }
    let (text, utf8_warning) = decode_utf8(bytes);
    let values = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(values)) => values
            .into_iter()
            .enumerate()
            .map(|(i, v)| (format!("{origin}#{}", i + 1), v))
            .collect(),
        Ok(value) => vec![(format!("{origin}:1"), value)],
        Err(_) if !starts_array => return None,
        Err(e) => return Some(file_skip(origin, format!("invalid JSON array: {e}"))),
    };
    let mut batch = Batch::default();
    for (origin, value) in values {
        let result = match value {
            Value::Object(object) => from_object(origin, &object, utf8_warning.clone()),
            other => Err(skipped(
                &origin,
                None,
                format!("expected a JSON object, found {}", type_name(&other)),
            )),
        };
        match result {
            Ok(doc) => batch.documents.push(doc),
            Err(skipped) => batch.skipped.push(skipped),
        }
    }
    Some(batch)
}

/// One line to one document (without boilerplate marking, which the caller adds).
pub(super) fn read_line(
    origin: &str,
    line_no: usize,
    line: &[u8],
) -> Result<Option<Document>, Skipped> {
    let origin = format!("{origin}:{line_no}");
    if line.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(&origin, None, line.len(), MAX_DOCUMENT_BYTES));
    }
    let (line, utf8_warning) = decode_utf8(line);
    let line = line.trim_start_matches('\u{feff}').trim();
    if line.is_empty() {
        return Ok(None);
    }
    let object = parse_object(line).map_err(|reason| skipped(&origin, None, reason))?;
    from_object(origin, &object, utf8_warning).map(Some)
}

/// A parsed JSON object to a document, or the reason it is not one.
fn from_object(
    origin: String,
    object: &Map<String, Value>,
    utf8_warning: Option<String>,
) -> Result<Document, Skipped> {
    let id = read_id(object).map_err(|reason| skipped(&origin, None, reason))?;
    let mut doc = Document {
        id,
        origin,
        ..Document::default()
    };
    doc.warnings.extend(utf8_warning);
    match read_text(object) {
        Ok(Body::Html(markup)) if markup.len() > MAX_MARKUP_BYTES => {
            return Err(too_large(
                &doc.origin,
                Some(doc.id),
                markup.len(),
                MAX_MARKUP_BYTES,
            ));
        }
        Ok(body) => set_body(&mut doc, body),
        Err(reason) => return Err(skipped(&doc.origin, Some(doc.id), reason)),
    }
    if doc.text.trim().is_empty() {
        let reason = "no text (\"text\" is empty or \"html\" has no visible text)".to_owned();
        return Err(skipped(&doc.origin, Some(doc.id), reason));
    }
    read_optional_fields(object, &mut doc);
    Ok(doc)
}

fn skipped(origin: &str, doc_id: Option<String>, reason: String) -> Skipped {
    Skipped {
        origin: origin.to_owned(),
        doc_id,
        reason,
    }
}

/// Parses a line into a JSON object, naming truncation separately since it is
/// the usual sign of a cut-off file.
pub(super) fn parse_object(line: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(format!(
            "expected a JSON object, found {}",
            type_name(&other)
        )),
        Err(e) if e.is_eof() => Err(format!(
            "truncated JSON (the line ends inside a value): {e}"
        )),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
}

/// The JSON type of a value, for messages.
pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The `"id"`: a non-empty string, or (leniently) an integer converted to one.
pub(super) fn read_id(object: &Map<String, Value>) -> Result<String, String> {
    match object.get("id") {
        None | Some(Value::Null) => Err("missing \"id\"".to_owned()),
        Some(Value::String(s)) if s.trim().is_empty() => Err("\"id\" is empty".to_owned()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        Some(other) => Err(format!(
            "\"id\" must be a string, found {}",
            type_name(other)
        )),
    }
}

/// Where the document text comes from.
enum Body<'a> {
    Text(&'a str),
    Html(&'a str),
}

fn read_text(object: &Map<String, Value>) -> Result<Body<'_>, String> {
    match (object.get("text"), object.get("html")) {
        (Some(Value::String(text)), _) => Ok(Body::Text(text)),
        (Some(other), _) if !other.is_null() => Err(format!(
            "\"text\" must be a string, found {}",
            type_name(other)
        )),
        (_, Some(Value::String(html))) => Ok(Body::Html(html)),
        (_, Some(other)) if !other.is_null() => Err(format!(
            "\"html\" must be a string, found {}",
            type_name(other)
        )),
        _ => Err("missing \"text\" (or \"html\")".to_owned()),
    }
}

fn set_body(doc: &mut Document, body: Body<'_>) {
    match body {
        // Only the part that will be read is copied (a huge line is cut here, not later).
        Body::Text(text) => {
            let cut = super::text_limit(text, super::MAX_TEXT_BYTES);
            doc.text = text[..cut].to_owned();
            if cut < text.len() {
                doc.warnings
                    .push(super::limit_warning(text.len(), cut, super::MAX_TEXT_BYTES));
            }
        }
        Body::Html(markup) => {
            let page = html::extract_page(markup);
            doc.text = page.text;
            doc.title = page.title;
            doc.published = page.published;
            doc.language = page.language;
            doc.warnings.extend(page.warnings);
        }
    }
}

/// Optional fields: a wrong type or an unreadable date drops the field with a warning.
fn read_optional_fields(object: &Map<String, Value>, doc: &mut Document) {
    let mut warnings = Vec::new();
    let mut string = |key: &str| {
        optional_string(object, key).unwrap_or_else(|w| {
            warnings.push(w);
            None
        })
    };
    if let Some(title) = string("title") {
        doc.title = Some(title);
    }
    let published = string("published");
    doc.source = string("source");
    doc.url = string("url");
    if let Some(language) = string("language") {
        doc.language = Some(language);
    }
    if let Some(published) = published {
        match parse_published(&published) {
            Some(date) => doc.published = Some(date),
            None => warnings.push(format!(
                "ignored \"published\": {published:?} is neither YYYY-MM-DD nor RFC 3339"
            )),
        }
    }
    if let Some(value) = object.get("toponyms").filter(|v| !v.is_null()) {
        doc.given_toponyms = read_toponyms(value, &doc.text, &mut warnings);
    }
    doc.warnings.extend(warnings);
}

/// A string field, `None` when absent or null, `Err(warning)` for another type.
pub(super) fn optional_string(
    object: &Map<String, Value>,
    key: &str,
) -> Result<Option<String>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(other) => Err(format!(
            "ignored \"{key}\": expected a string, found {}",
            type_name(other)
        )),
    }
}

/// `YYYY-MM-DD`, RFC 3339 (the date as written, in the writer's time zone),
/// or a zone-less `YYYY-MM-DDTHH:MM:SS`.
pub(super) fn parse_published(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(value)
                .ok()
                .map(|d| d.date_naive())
        })
        .or_else(|| {
            NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|d| d.date())
        })
}

/// `[{"start", "end"}]` byte spans; spans outside the text or off char boundaries are dropped.
fn read_toponyms(value: &Value, text: &str, warnings: &mut Vec<String>) -> Option<Vec<Span>> {
    let Value::Array(items) = value else {
        warnings.push(format!(
            "ignored \"toponyms\": expected an array, found {}",
            type_name(value)
        ));
        return None;
    };
    let mut spans = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match toponym_span(item, text) {
            Ok(span) => spans.push(span),
            Err(reason) => warnings.push(format!("dropped toponym #{}: {reason}", index + 1)),
        }
    }
    Some(spans)
}

fn toponym_span(item: &Value, text: &str) -> Result<Span, String> {
    let offset = |key: &str| -> Result<usize, String> {
        let value = item.get(key).ok_or_else(|| format!("missing \"{key}\""))?;
        value
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| format!("\"{key}\" must be a non-negative integer, found {value}"))
    };
    if !item.is_object() {
        return Err(format!("expected an object, found {}", type_name(item)));
    }
    let span = Span::new(offset("start")?, offset("end")?);
    if span.start >= span.end || span.end > text.len() {
        return Err(format!(
            "span {}..{} is empty or outside the text ({} bytes)",
            span.start,
            span.end,
            text.len()
        ));
    }
    if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
        return Err(format!(
            "span {}..{} does not fall on UTF-8 character boundaries",
            span.start, span.end
        ));
    }
    Ok(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Result<Option<Document>, Skipped> {
        super::super::read_jsonl_line("docs.jsonl", 7, text.as_bytes())
    }

    #[test]
    fn reads_full_document() {
        let doc = line(r#"{"id":"d1","text":"Qaim fell.","title":"T","published":"2014-06-22","source":"CNN","url":"https://x","language":"en","extra":1}"#)
            .expect("valid line")
            .expect("a document");
        assert_eq!(
            (doc.id.as_str(), doc.text.as_str(), doc.origin.as_str()),
            ("d1", "Qaim fell.", "docs.jsonl:7")
        );
        assert_eq!(
            (
                doc.title.as_deref(),
                doc.source.as_deref(),
                doc.url.as_deref(),
                doc.language.as_deref()
            ),
            (Some("T"), Some("CNN"), Some("https://x"), Some("en"))
        );
        assert_eq!(doc.published, NaiveDate::from_ymd_opt(2014, 6, 22));
        assert!(doc.warnings.is_empty() && doc.given_toponyms.is_none());
    }

    /// One row per bad line: (line, reason prefix, doc_id).
    #[test]
    fn bad_lines_are_skipped_with_reason() {
        let rows = [
            (r#"{"id":"a","text":"x"#, "truncated JSON", None),
            (r#"{"id":"a","text":"x"} trailing"#, "invalid JSON", None),
            ("not json", "invalid JSON", None),
            ("[1,2]", "expected a JSON object, found an array", None),
            (
                r#""just a string""#,
                "expected a JSON object, found a string",
                None,
            ),
            (r#"{"text":"x"}"#, "missing \"id\"", None),
            (r#"{"id":"","text":"x"}"#, "\"id\" is empty", None),
            (
                r#"{"id":1.5,"text":"x"}"#,
                "\"id\" must be a string, found a number",
                None,
            ),
            (
                r#"{"id":["a"],"text":"x"}"#,
                "\"id\" must be a string, found an array",
                None,
            ),
            (r#"{"id":"a"}"#, "missing \"text\"", Some("a")),
            (
                r#"{"id":"a","text":["x"]}"#,
                "\"text\" must be a string, found an array",
                Some("a"),
            ),
            (
                r#"{"id":"a","html":5}"#,
                "\"html\" must be a string, found a number",
                Some("a"),
            ),
            (r#"{"id":"a","text":"  "}"#, "no text", Some("a")),
            (
                r#"{"id":"a","html":"<script>x()</script>"}"#,
                "no text",
                Some("a"),
            ),
        ];
        for (input, reason, doc_id) in rows {
            let skipped = line(input).expect_err(input);
            assert_eq!(skipped.origin, "docs.jsonl:7", "{input}");
            assert!(
                skipped.reason.starts_with(reason),
                "{input}: {}",
                skipped.reason
            );
            assert_eq!(skipped.doc_id.as_deref(), doc_id, "{input}");
        }
    }

    #[test]
    fn lenient_where_harmless() {
        let rows = [
            (r#"{"id":42,"text":"x"}"#, "42", vec![]),
            (r#"  {"id":"a","text":"x"}  "#, "a", vec![]),
            (
                r#"{"id":"a","text":"x","title":7}"#,
                "a",
                vec!["ignored \"title\": expected a string, found a number"],
            ),
            (
                r#"{"id":"a","text":"x","published":"June 2014"}"#,
                "a",
                vec!["ignored \"published\": \"June 2014\" is neither YYYY-MM-DD nor RFC 3339"],
            ),
            (
                r#"{"id":"a","text":"x","published":null,"url":null}"#,
                "a",
                vec![],
            ),
        ];
        for (input, id, warnings) in rows {
            let doc = line(input).expect(input).expect(input);
            assert_eq!(doc.id, id, "{input}");
            assert_eq!(doc.warnings, warnings, "{input}");
        }
    }

    #[test]
    fn blank_lines_are_none() {
        for input in ["", "   ", "\r", "\u{feff}"] {
            assert_eq!(line(input), Ok(None), "{input:?}");
        }
    }

    #[test]
    fn published_formats() {
        let rows = [
            ("2014-06-22", Some((2014, 6, 22))),
            ("2014-06-22T23:30:00+03:00", Some((2014, 6, 22))),
            ("2014-06-22T23:30:00Z", Some((2014, 6, 22))),
            ("2014-06-22T23:30:00", Some((2014, 6, 22))),
            ("22/06/2014", None),
            ("2014-13-01", None),
        ];
        for (input, expected) in rows {
            let expected = expected.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
            assert_eq!(parse_published(input), expected, "{input}");
        }
    }

    #[test]
    fn given_toponyms_are_checked() {
        // "Qaim" 0..4, "Şam" 9..13 (Ş is two bytes).
        let input = r#"{"id":"t","text":"Qaim and Şam","toponyms":[{"start":0,"end":4},{"start":9,"end":13},{"start":10,"end":13},{"start":9,"end":99},{"start":4,"end":4},{"start":-1,"end":2},"x",{"end":3}]}"#;
        let doc = line(input).expect("valid").expect("doc");
        assert_eq!(
            doc.given_toponyms,
            Some(vec![Span::new(0, 4), Span::new(9, 13)])
        );
        assert_eq!(doc.warnings.len(), 6, "{:#?}", doc.warnings);
        assert!(doc.warnings[0].contains("character boundaries"));
        assert!(doc.warnings[1].contains("outside the text"));
    }

    #[test]
    fn empty_toponym_list_is_kept_as_given() {
        let doc = line(r#"{"id":"t","text":"Qaim","toponyms":[]}"#)
            .expect("valid")
            .expect("doc");
        assert_eq!(doc.given_toponyms, Some(vec![]));
    }

    #[test]
    fn html_field_is_extracted() {
        let input = r#"{"id":"h","html":"<html><head><title>Qaim falls</title><style>p{}</style></head><body><p>Qaim fell &amp; Rawa too.</p></body></html>"}"#;
        let doc = line(input).expect("valid").expect("doc");
        assert!(doc.text.contains("Qaim fell & Rawa too."), "{:?}", doc.text);
        assert!(!doc.text.contains("p{}"));
        assert_eq!(doc.title.as_deref(), Some("Qaim falls"));
    }

    #[test]
    fn invalid_utf8_is_repaired_with_warning() {
        let doc = super::super::read_jsonl_line("d", 1, b"{\"id\":\"u\",\"text\":\"caf\xE9\"}")
            .expect("valid")
            .expect("doc");
        assert_eq!(doc.text, "caf\u{FFFD}");
        assert_eq!(doc.warnings, ["invalid UTF-8 repaired: 1 bytes replaced"]);
    }

    #[test]
    fn json_array_and_pretty_object() {
        let array = "[\n  {\"id\": \"a\", \"text\": \"one\"},\n  {\"id\": \"b\"},\n  3\n]\n";
        let batch = read_all("a.json", array.as_bytes(), None);
        assert_eq!(
            batch
                .documents
                .iter()
                .map(|d| d.origin.as_str())
                .collect::<Vec<_>>(),
            ["a.json#1"]
        );
        let skipped: Vec<_> = batch
            .skipped
            .iter()
            .map(|s| (s.origin.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("a.json#2", "missing \"text\" (or \"html\")"),
                ("a.json#3", "expected a JSON object, found a number")
            ]
        );
        let pretty = "{\n  \"id\": \"p\",\n  \"text\": \"Qaim fell.\"\n}\n";
        let batch = read_all("p.json", pretty.as_bytes(), None);
        assert_eq!(
            (
                batch.documents[0].id.as_str(),
                batch.documents[0].origin.as_str()
            ),
            ("p", "p.json:1")
        );
        let broken = read_all("b.json", b"[{\"id\": \"a\",", None);
        assert!(
            broken.skipped[0].reason.starts_with("invalid JSON array"),
            "{:?}",
            broken.skipped
        );
        let binary = read_all("b.jsonl", b"\x00\x01\x02{}", None);
        assert!(
            binary.skipped[0].reason.starts_with("binary content"),
            "{:?}",
            binary.skipped
        );
    }

    #[test]
    fn whole_file_keeps_good_lines() {
        let file = "{\"id\":\"a\",\"text\":\"one\"}\n\nnot json\n{\"id\":\"b\",\"text\":[1]}\r\n{\"id\":\"c\",\"text\":\"three\"}\n{\"id\":\"d\",\"te";
        let meta = DocMeta {
            source: Some("wire".into()),
            id: Some("ignored".into()),
            ..DocMeta::default()
        };
        let batch = read_all("f.jsonl", file.as_bytes(), Some(&meta));
        let ids: Vec<_> = batch.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert!(
            batch
                .documents
                .iter()
                .all(|d| d.source.as_deref() == Some("wire"))
        );
        let skipped: Vec<_> = batch
            .skipped
            .iter()
            .map(|s| (s.origin.as_str(), s.reason.split(':').next().unwrap_or("")))
            .collect();
        assert_eq!(
            skipped,
            [
                ("f.jsonl:3", "invalid JSON"),
                ("f.jsonl:4", "\"text\" must be a string, found an array"),
                ("f.jsonl:6", "truncated JSON (the line ends inside a value)")
            ]
        );
    }
}
