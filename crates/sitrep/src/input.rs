//! Turning command-line paths into documents: directory walks, file reads, stdin,
//! manifests. Every input ends as a document or a [`Skipped`] with its reason.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sitrep_model::{Document, Skipped};
use sitrep_pipeline::ingest::{self, DocMeta, Format, MAX_DOCUMENT_BYTES, Manifest};
use walkdir::WalkDir;

/// What the walk found that was not a document (reported, not counted as skipped).
#[derive(Debug, Default)]
pub struct WalkNotes {
    pub ignored_files: Vec<PathBuf>,
}

/// A manifest and the folder its `file` entries are relative to.
struct LoadedManifest {
    manifest: Manifest,
    base: PathBuf,
    path: PathBuf,
}

/// One file to read, with what the walk knows about it.
#[derive(Debug)]
struct Source {
    path: PathBuf,
    default_id: String,
    format: Format,
    meta: Option<DocMeta>,
}

/// Reads every input named by `paths`, calling `sink` once per document or skipped input, in a
/// stable order (arguments in order, directories sorted by name).
pub fn read_inputs(
    paths: &[PathBuf],
    manifest: Option<&Path>,
    sink: &mut dyn FnMut(Result<Document, Skipped>),
) -> Result<WalkNotes> {
    read_inputs_counted(paths, manifest, &|_| {}, sink)
}

/// [`read_inputs`], telling `counted` how many bytes of input each step consumed (progress).
pub fn read_inputs_counted(
    paths: &[PathBuf],
    manifest: Option<&Path>,
    counted: &dyn Fn(u64),
    sink: &mut dyn FnMut(Result<Document, Skipped>),
) -> Result<WalkNotes> {
    let mut notes = WalkNotes::default();
    let explicit = match manifest {
        Some(p) => Some(load_manifest(p, sink)?),
        None => None,
    };
    for path in paths {
        if path.as_os_str() == "-" {
            read_jsonl_stream("<stdin>", std::io::stdin().lock(), counted, sink);
            continue;
        }
        let auto;
        let manifest = match &explicit {
            Some(m) => Some(m),
            None if path.is_dir() && path.join("manifest.jsonl").is_file() => {
                auto = load_manifest(&path.join("manifest.jsonl"), sink)?;
                Some(&auto)
            }
            None => None,
        };
        for source in sources(path, manifest, sink, &mut notes) {
            read_source(&source, counted, sink);
        }
    }
    Ok(notes)
}

fn load_manifest(
    path: &Path,
    sink: &mut dyn FnMut(Result<Document, Skipped>),
) -> Result<LoadedManifest> {
    // Bytes, not a String: invalid UTF-8 costs the bad lines (reported), not the whole run.
    let bytes =
        std::fs::read(path).with_context(|| format!("reading manifest {}", path.display()))?;
    let (manifest, bad) = Manifest::parse_bytes(&path.display().to_string(), &bytes);
    for s in bad {
        sink(Err(s));
    }
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(LoadedManifest {
        manifest,
        base: absolute(&base),
        path: absolute(path),
    })
}

fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The files under `path` (or `path` itself), in a stable order.
fn sources(
    path: &Path,
    manifest: Option<&LoadedManifest>,
    sink: &mut dyn FnMut(Result<Document, Skipped>),
    notes: &mut WalkNotes,
) -> Vec<Source> {
    let origin = path.display().to_string();
    let meta_for = |file: &Path| -> Option<DocMeta> {
        let m = manifest?;
        let abs = absolute(file);
        let rel = abs
            .strip_prefix(&m.base)
            .ok()
            .map(|r| r.to_string_lossy().replace('\\', "/"));
        rel.as_deref().and_then(|r| m.manifest.lookup(r)).cloned()
    };
    let is_manifest = |file: &Path| manifest.is_some_and(|m| absolute(file) == m.path);
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            sink(Err(skip(&origin, format!("cannot read: {e}"))));
            return Vec::new();
        }
    };
    if !meta.is_dir() {
        let format = Format::from_path(path).unwrap_or_else(|| sniff_format(path));
        let default_id = path
            .file_stem()
            .map_or_else(|| origin.clone(), |s| s.to_string_lossy().into_owned());
        return vec![Source {
            path: path.to_path_buf(),
            default_id,
            format,
            meta: meta_for(path),
        }];
    }
    let mut out = Vec::new();
    let walk = WalkDir::new(path).follow_links(true).sort_by_file_name();
    for entry in walk {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .map_or_else(|| origin.clone(), |p| p.display().to_string());
                let reason = if e.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    e.io_error()
                        .map_or_else(|| e.to_string(), |io| format!("cannot read: {io}"))
                };
                sink(Err(skip(&at, reason)));
                continue;
            }
        };
        if !entry.file_type().is_file() || is_hidden(entry.path()) || is_manifest(entry.path()) {
            continue;
        }
        let file = entry.path();
        // In a directory only document formats count; notes and READMEs are passed over.
        let format = match Format::from_path(file) {
            // Notes and READMEs are not documents; JSON documents come as .jsonl.
            Some(f) if !has_extension(file, "md") && !has_extension(file, "json") => f,
            _ => {
                notes.ignored_files.push(file.to_path_buf());
                continue;
            }
        };
        let rel = file.strip_prefix(path).unwrap_or(file).with_extension("");
        let default_id = rel.to_string_lossy().replace('\\', "/");
        out.push(Source {
            path: file.to_path_buf(),
            default_id,
            format,
            meta: meta_for(file),
        });
    }
    out
}

fn has_extension(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// The format of a file with an unknown extension, from its first bytes.
fn sniff_format(path: &Path) -> Format {
    let mut head = [0u8; 512];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let start = String::from_utf8_lossy(&head[..n])
        .trim_start()
        .to_ascii_lowercase();
    if start.starts_with('{') {
        Format::Jsonl
    } else if start.starts_with("<?xml") || start.starts_with("<rss") || start.starts_with("<feed")
    {
        Format::Feed
    } else if start.starts_with('<') {
        Format::Html
    } else {
        Format::Text
    }
}

fn skip(origin: &str, reason: String) -> Skipped {
    Skipped {
        origin: origin.to_string(),
        doc_id: None,
        reason,
    }
}

fn read_source(
    src: &Source,
    counted: &dyn Fn(u64),
    sink: &mut dyn FnMut(Result<Document, Skipped>),
) {
    let origin = src.path.display().to_string();
    let file = match File::open(&src.path) {
        Ok(f) => f,
        Err(e) => return sink(Err(skip(&origin, format!("cannot read: {e}")))),
    };
    if src.format == Format::Jsonl {
        return read_jsonl_stream(&origin, BufReader::new(file), counted, sink);
    }
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    counted(size);
    if size > MAX_DOCUMENT_BYTES as u64 {
        return sink(Err(skip(
            &origin,
            format!(
                "file is {size} bytes, over the {MAX_DOCUMENT_BYTES}-byte limit for one document"
            ),
        )));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    if let Err(e) = file
        .take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
    {
        return sink(Err(skip(&origin, format!("cannot read: {e}"))));
    }
    // Documents go to `sink` as they are read: a feed's entries one at a time, so a feed of
    // 100,000 items never becomes 100,000 documents in memory at once.
    ingest::read_document_bytes_into(
        &origin,
        &src.default_id,
        &bytes,
        src.format,
        src.meta.as_ref(),
        sink,
    );
}

/// Streams a JSONL input line by line, so a large file never sits in memory whole.
fn read_jsonl_stream(
    origin: &str,
    mut reader: impl BufRead,
    counted: &dyn Fn(u64),
    sink: &mut dyn FnMut(Result<Document, Skipped>),
) {
    let mut line = Vec::new();
    let mut line_no = 0;
    loop {
        line.clear();
        // A long line's buffer is not kept for the short ones after it.
        line.shrink_to(1 << 20);
        line_no += 1;
        match read_line_capped(&mut reader, &mut line, MAX_DOCUMENT_BYTES) {
            Ok(LineRead::Eof) => break,
            Ok(LineRead::TooLong(n)) => {
                counted(n as u64);
                sink(Err(skip(
                    &format!("{origin}:{line_no}"),
                    format!(
                        "line is {n} bytes, over the {MAX_DOCUMENT_BYTES}-byte limit for one document"
                    ),
                )))
            }
            Ok(LineRead::Line) => {
                counted(line.len() as u64 + 1);
                match ingest::read_jsonl_line(origin, line_no, &line) {
                    Ok(Some(doc)) => sink(Ok(doc)),
                    Ok(None) => {}
                    Err(s) => sink(Err(s)),
                }
            }
            Err(e) => {
                sink(Err(skip(
                    &format!("{origin}:{line_no}"),
                    format!("cannot read: {e}"),
                )));
                break;
            }
        }
    }
}

enum LineRead {
    Line,
    TooLong(usize),
    Eof,
}

/// Reads one line into `buf`, holding at most `cap` bytes; longer lines are consumed and reported.
fn read_line_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<LineRead> {
    let mut total = 0usize;
    let mut any = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (part, done) = match memchr_newline(chunk) {
            Some(i) => (&chunk[..i], Some(i + 1)),
            None => (chunk, None),
        };
        total += part.len();
        if total <= cap {
            buf.extend_from_slice(part);
        } else {
            buf.clear();
        }
        let used = done.unwrap_or(chunk.len());
        reader.consume(used);
        if done.is_some() {
            break;
        }
    }
    Ok(match (any, total > cap) {
        (false, _) => LineRead::Eof,
        (true, true) => LineRead::TooLong(total),
        (true, false) => LineRead::Line,
    })
}

fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory's manifest with invalid UTF-8 used to abort the whole run (exit 2).
    #[test]
    fn manifest_with_invalid_utf8_costs_only_its_bad_lines() {
        let dir = std::env::temp_dir().join(format!("sitrep-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("a.txt"), "Title\nQaim fell.").expect("write");
        std::fs::write(
            dir.join("manifest.jsonl"),
            b"{\"file\":\"a.txt\",\"id\":\"given\"}\n{\"file\":\"b\xff.txt\"}\n",
        )
        .expect("write");
        let (mut ids, mut skipped) = (Vec::new(), 0);
        let result = read_inputs(std::slice::from_ref(&dir), None, &mut |item| match item {
            Ok(doc) => ids.push(doc.id),
            Err(_) => skipped += 1,
        });
        std::fs::remove_dir_all(&dir).ok();
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(ids, ["given"]);
        assert!(skipped >= 1, "the UTF-8 repair is reported");
    }
}
