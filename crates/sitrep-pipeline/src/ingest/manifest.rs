//! Manifests: JSONL lines with `"file"` plus optional document fields, which
//! attach metadata (id, date, source) to plain files that cannot carry it.

use std::collections::HashMap;

use serde_json::{Map, Value};
use sitrep_model::Skipped;

use super::{
    DocMeta,
    decode::decode_utf8,
    jsonl::{optional_string, parse_object, parse_published, read_id, type_name},
};

/// A parsed manifest.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    entries: Vec<DocMeta>,
    /// Normalised relative path → entry index.
    by_path: HashMap<String, usize>,
    /// File name → entry index, `None` when several entries share the name.
    by_name: HashMap<String, Option<usize>>,
}

impl Manifest {
    /// Bad lines are returned as Skipped (origin "manifest-path:line") while good lines are kept.
    pub fn parse(origin: &str, text: &str) -> (Manifest, Vec<Skipped>) {
        let mut manifest = Manifest::default();
        let mut skipped = Vec::new();
        let mut first_line_of: HashMap<String, usize> = HashMap::new();
        for (index, line) in text.trim_start_matches('\u{feff}').split('\n').enumerate() {
            let line_no = index + 1;
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let origin = format!("{origin}:{line_no}");
            match parse_line(line) {
                Ok((file, _)) if first_line_of.contains_key(&file) => {
                    let first = first_line_of.get(&file).copied().unwrap_or_default();
                    let reason =
                        format!("duplicate entry for \"{file}\" (first given on line {first})");
                    skipped.push(Skipped {
                        origin,
                        doc_id: None,
                        reason,
                    });
                }
                Ok((file, meta)) => {
                    first_line_of.insert(file.clone(), line_no);
                    manifest.insert(file, meta);
                }
                Err((doc_id, reason)) => skipped.push(Skipped {
                    origin,
                    doc_id,
                    reason,
                }),
            }
        }
        (manifest, skipped)
    }

    /// Looks up by the file path relative to the manifest's folder (as written in "file"),
    /// then by file name alone (when only one entry has that name).
    pub fn lookup(&self, relative_path: &str) -> Option<&DocMeta> {
        let path = normalise(relative_path);
        let index = match self.by_path.get(&path) {
            Some(&index) => index,
            None => (*self.by_name.get(file_name(&path))?)?,
        };
        self.entries.get(index)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no line gave an entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn insert(&mut self, file: String, meta: DocMeta) {
        let index = self.entries.len();
        self.entries.push(meta);
        self.by_name
            .entry(file_name(&file).to_owned())
            .and_modify(|slot| *slot = None)
            .or_insert(Some(index));
        self.by_path.insert(file, index);
    }
}

impl Manifest {
    /// Parses manifest bytes, repairing invalid UTF-8; the repair is reported
    /// as a skip naming the manifest itself.
    pub fn parse_bytes(origin: &str, bytes: &[u8]) -> (Manifest, Vec<Skipped>) {
        let (text, warning) = decode_utf8(bytes);
        let (manifest, mut skipped) = Manifest::parse(origin, &text);
        if let Some(reason) = warning {
            skipped.insert(
                0,
                Skipped {
                    origin: origin.to_owned(),
                    doc_id: None,
                    reason,
                },
            );
        }
        (manifest, skipped)
    }
}

/// One line: the normalised file path and its metadata, or `(id if read, reason)`.
fn parse_line(line: &str) -> Result<(String, DocMeta), (Option<String>, String)> {
    let object = parse_object(line).map_err(|reason| (None, reason))?;
    let id = match object.get("id") {
        None | Some(Value::Null) => None,
        Some(_) => Some(read_id(&object).map_err(|reason| (None, reason))?),
    };
    let fail = |reason: String| (id.clone(), reason);
    let file = match object.get("file") {
        Some(Value::String(file)) if !file.trim().is_empty() => normalise(file),
        Some(Value::String(_)) => return Err(fail("\"file\" is empty".to_owned())),
        Some(other) => {
            return Err(fail(format!(
                "\"file\" must be a string, found {}",
                type_name(other)
            )));
        }
        None => return Err(fail("missing \"file\"".to_owned())),
    };
    let meta = read_meta(&object, id.clone()).map_err(fail)?;
    Ok((file, meta))
}

/// The optional fields; in a manifest a wrong type is an error, since the user wrote it by hand.
fn read_meta(object: &Map<String, Value>, id: Option<String>) -> Result<DocMeta, String> {
    let field = |key: &str| optional_string(object, key).map_err(|w| w.replacen("ignored ", "", 1));
    let published = match field("published")? {
        None => None,
        Some(value) => Some(parse_published(&value).ok_or_else(|| {
            format!("\"published\": {value:?} is neither YYYY-MM-DD nor RFC 3339")
        })?),
    };
    Ok(DocMeta {
        id,
        title: field("title")?,
        published,
        source: field("source")?,
        url: field("url")?,
        language: field("language")?,
    })
}

/// Forward slashes, no leading `./`, no trailing whitespace: how paths are compared.
fn normalise(path: &str) -> String {
    let path = path.trim().replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_owned()
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const MANIFEST: &str = r#"{"file": "000_8201ab0d632e2e49.txt", "id": "seed-000", "source": "web", "published": "2014-06-23", "published_precision": "approximate", "language": "en"}
{"file": "sub/003.txt", "id": "seed-003", "published": "2014-06-22T10:00:00+03:00", "title": "Taking Over"}

{"file": "a/dup.txt", "id": 7}
{"file": "b/dup.txt"}
{"file": "bad-date.txt", "id": "x", "published": "June 22"}
{"id": "no-file"}
{"file": 3}
{"file": "sub/003.txt", "id": "again"}
{"file": "t.txt", "title": ["not", "a", "string"]}
not json
"#;

    #[test]
    fn parses_good_lines_and_reports_bad_ones() {
        let (manifest, skipped) = Manifest::parse("seeds/manifest.jsonl", MANIFEST);
        assert_eq!(manifest.len(), 4);
        let rows: Vec<_> = skipped
            .iter()
            .map(|s| (s.origin.as_str(), s.doc_id.as_deref(), s.reason.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "seeds/manifest.jsonl:6",
                    Some("x"),
                    "\"published\": \"June 22\" is neither YYYY-MM-DD nor RFC 3339"
                ),
                (
                    "seeds/manifest.jsonl:7",
                    Some("no-file"),
                    "missing \"file\""
                ),
                (
                    "seeds/manifest.jsonl:8",
                    None,
                    "\"file\" must be a string, found a number"
                ),
                (
                    "seeds/manifest.jsonl:9",
                    None,
                    "duplicate entry for \"sub/003.txt\" (first given on line 2)"
                ),
                (
                    "seeds/manifest.jsonl:10",
                    None,
                    "\"title\": expected a string, found an array"
                ),
                (
                    "seeds/manifest.jsonl:11",
                    None,
                    "invalid JSON: expected ident at line 1 column 2"
                ),
            ]
        );
    }

    #[test]
    fn looks_up_by_path_then_name() {
        let (manifest, _) = Manifest::parse("m.jsonl", MANIFEST);
        let seed0 = manifest
            .lookup("000_8201ab0d632e2e49.txt")
            .expect("by path");
        assert_eq!(
            seed0,
            &DocMeta {
                id: Some("seed-000".into()),
                published: NaiveDate::from_ymd_opt(2014, 6, 23),
                source: Some("web".into()),
                language: Some("en".into()),
                ..DocMeta::default()
            }
        );
        let rows = [
            ("sub/003.txt", Some("seed-003")),
            ("./sub/003.txt", Some("seed-003")),
            ("sub\\003.txt", Some("seed-003")),
            ("other/003.txt", Some("seed-003")),
            ("nested/000_8201ab0d632e2e49.txt", Some("seed-000")),
            ("a/dup.txt", Some("7")),
            ("b/dup.txt", None),
            ("c/dup.txt", None),
            ("missing.txt", None),
        ];
        for (path, id) in rows {
            assert_eq!(
                manifest.lookup(path).and_then(|m| m.id.as_deref()),
                id,
                "{path}"
            );
        }
        assert_eq!(
            manifest.lookup("sub/003.txt").and_then(|m| m.published),
            NaiveDate::from_ymd_opt(2014, 6, 22)
        );
    }

    #[test]
    fn seed_manifest_parses_cleanly() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/seeds/manifest.jsonl");
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("skipping: {} not found", path.display());
            return;
        };
        let (manifest, skipped) = Manifest::parse_bytes("manifest.jsonl", &bytes);
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(
            manifest
                .lookup("003_3b05330a04664849.txt")
                .and_then(|m| m.id.as_deref()),
            Some("seed-003")
        );
    }
}
