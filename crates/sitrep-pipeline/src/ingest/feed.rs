//! RSS and Atom feeds (feed-rs): one document per entry, its text the entry's
//! content or summary as plain paragraphs, headed by the entry title.
//!
//! A feed is read in two passes so that its entries never sit in memory together. First a
//! streaming XML reader (quick-xml) checks the feed and notes where the channel and each
//! entry lie ([`Outline`]); then feed-rs parses the channel without its entries, once, and
//! each entry on its own, wrapped in copies of the root's and channel's start tags so that
//! namespaces, `xml:base` and `xml:lang` apply as in the whole feed. Each document is handed
//! on before the next entry is parsed: a 15 MB feed of 100,000 items costs its text and one
//! entry, not feed-rs's tree of every entry and then every document.
//!
//! A feed that is not well-formed XML is one skip for the file, as it was when feed-rs read
//! it whole; an entry feed-rs cannot read (an unknown content type, a bad character
//! reference) is one skip for that entry, and the others are read.

use std::borrow::Cow;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

use encoding_rs::{Encoding, UTF_8};
use feed_rs::model::{Entry, Feed, Text};
use quick_xml::NsReader;
use quick_xml::events::Event;
use sitrep_model::{Document, Skipped};

use super::{
    DocMeta, fill_from_meta,
    html::{collapse_whitespace, fragment_paragraphs},
};

/// Reads a feed file, handing each entry's document (or the reason it was skipped) to `emit`
/// in feed order. A feed that does not parse is one skip for the file; an entry without
/// text, or one feed-rs cannot read, is one skip for that entry.
pub(super) fn read(
    origin: &str,
    default_id: &str,
    bytes: &[u8],
    meta: Option<&DocMeta>,
    emit: &mut dyn FnMut(Result<Document, Skipped>),
) {
    let mut entries = Entries {
        origin,
        base_id: meta.and_then(|m| m.id.as_deref()).unwrap_or(default_id),
        meta,
        count: 0,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return emit(Err(entries.file_skip("empty file".to_owned())));
    }
    // feed-rs reads a feed as JSON when `{` comes before any `<`; such a feed goes to it as is.
    if bytes.iter().find(|&&b| b == b'<' || b == b'{') == Some(&b'{') {
        return read_whole(bytes, entries, emit);
    }
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(reason) => return emit(Err(entries.file_skip(format!("malformed feed: {reason}")))),
    };
    let outline = match outline(&text) {
        Ok(Shape::Split(outline)) => outline,
        Ok(Shape::Whole { from }) => {
            let rest = text.as_bytes().get(from..).unwrap_or_default();
            return read_whole(rest, entries, emit);
        }
        Err(reason) => return emit(Err(entries.file_skip(format!("malformed feed: {reason}")))),
    };
    let channel = match parse(outline.header(&text).as_bytes()) {
        Ok(feed) => Channel::of(&feed),
        Err(e) => return emit(Err(entries.file_skip(format!("malformed feed: {e}")))),
    };
    let mut wrapped = String::new();
    for range in &outline.entries {
        wrapped.clear();
        // A long entry's buffer is not kept for the short ones after it.
        wrapped.shrink_to(1 << 20);
        wrapped.push_str(&outline.open);
        wrapped.push_str(text.get(range.clone()).unwrap_or_default());
        wrapped.push_str(&outline.close);
        match parse(wrapped.as_bytes()) {
            // One entry element gives at most one entry (none when feed-rs does not take it
            // for one, as it would not in the whole feed).
            Ok(feed) => {
                for entry in &feed.entries {
                    emit(entries.document(&channel, entry));
                }
            }
            Err(e) => {
                let line = line_at(&text, range.start);
                emit(Err(entries.entry_skip(format!(
                    "malformed feed entry (line {line}): {e}"
                ))));
            }
        }
    }
    if entries.count == 0 {
        emit(Err(entries.file_skip("feed has no entries".to_owned())));
    }
}

/// A feed that is not RSS or Atom with entries to split out (a JSON feed, a lone Atom entry,
/// an unknown root), read by feed-rs in one go as before.
fn read_whole(
    feed: &[u8],
    mut entries: Entries<'_>,
    emit: &mut dyn FnMut(Result<Document, Skipped>),
) {
    let feed = match parse(feed) {
        Ok(feed) => feed,
        Err(e) => return emit(Err(entries.file_skip(format!("malformed feed: {e}")))),
    };
    if feed.entries.is_empty() {
        return emit(Err(entries.file_skip("feed has no entries".to_owned())));
    }
    let channel = Channel::of(&feed);
    for entry in &feed.entries {
        emit(entries.document(&channel, entry));
    }
}

/// Parses feed XML with the settings sitrep uses: entries without an id get an empty one,
/// so that the fallbacks in [`entry_document`] (link, then `{id}#{n}`) apply instead of
/// feed-rs's hashes and random UUIDs. A fresh parser each time: feed-rs keeps per-entry
/// state that an entry failing half-way would leave behind.
fn parse(xml: &[u8]) -> Result<Feed, String> {
    let parser = feed_rs::parser::Builder::new()
        .id_generator(|_, _, _| String::new())
        .build();
    // feed-rs is a large parser of untrusted input: a panic in it costs this entry or file.
    catch_unwind(AssertUnwindSafe(|| parser.parse(xml)))
        .map_err(|_| "the feed parser panicked".to_owned())?
        .map_err(|e| e.to_string())
}

/// What the documents take from the feed itself.
struct Channel {
    title: Option<String>,
    language: Option<String>,
}

impl Channel {
    fn of(feed: &Feed) -> Channel {
        // A feed title is one line: a cut in it is not worth a warning on every document.
        let line = |title: &Text| text_line(title, &mut Vec::new());
        Channel {
            title: feed.title.as_ref().map(line).filter(|t| !t.is_empty()),
            language: feed.language.clone(),
        }
    }
}

/// Numbers a feed's entries (from 1, skipped ones included) and makes their documents.
struct Entries<'a> {
    origin: &'a str,
    base_id: &'a str,
    meta: Option<&'a DocMeta>,
    count: usize,
}

impl Entries<'_> {
    fn document(&mut self, channel: &Channel, entry: &Entry) -> Result<Document, Skipped> {
        self.count += 1;
        let n = self.count;
        let mut doc = entry_document(
            channel,
            entry,
            &format!("{}#{n}", self.origin),
            &format!("{}#{n}", self.base_id),
        )?;
        fill_from_meta(&mut doc, self.meta);
        Ok(doc)
    }

    /// The whole file could not be read (or held no entry).
    fn file_skip(&self, reason: String) -> Skipped {
        Skipped {
            origin: self.origin.to_owned(),
            doc_id: None,
            reason,
        }
    }

    /// The next entry could not be read; it keeps its number and its fallback id.
    fn entry_skip(&mut self, reason: String) -> Skipped {
        self.count += 1;
        let n = self.count;
        Skipped {
            origin: format!("{}#{n}", self.origin),
            doc_id: Some(format!("{}#{n}", self.base_id)),
            reason,
        }
    }
}

/// The feed as UTF-8. A byte-order mark decides the encoding; without one, the XML
/// declaration does (UTF-16 named over ASCII-like bytes is read as UTF-8, as browsers do),
/// else UTF-8. Bytes that are not valid in that encoding make the file a skip.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    use quick_xml::encoding::{DetectedEncoding, detect_encoding};
    let detected = detect_encoding(bytes).unwrap_or(DetectedEncoding::AsciiCompatible);
    let rest = &bytes[detected.bom_len()..];
    let encoding = match detected {
        DetectedEncoding::AsciiCompatible => declared_encoding(rest)
            .map(Encoding::output_encoding)
            .unwrap_or(UTF_8),
        other => other.encoding(),
    };
    encoding
        .decode_without_bom_handling_and_without_replacement(rest)
        .ok_or_else(|| format!("not valid {}", encoding.name()))
}

/// The encoding named by the XML declaration before the root element, if any and known.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    loop {
        match reader.read_event() {
            Ok(Event::Decl(decl)) => return decl.encoder(),
            Ok(Event::Start(_) | Event::Empty(_) | Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// What the first pass makes of a feed.
#[derive(Debug)]
enum Shape {
    /// RSS or Atom whose entries can be parsed one at a time.
    Split(Outline),
    /// Anything else, for feed-rs to read whole from byte `from` (past the XML declaration).
    Whole { from: usize },
}

/// Where the parts of an RSS or Atom feed lie in its text.
#[derive(Debug)]
struct Outline {
    /// The start tags of the root and, for RSS 0.9x/2.0, of the channel.
    open: String,
    /// Their end tags.
    close: String,
    /// The channel's content, entries included: between its start and end tags (for Atom
    /// and RSS 1.0 the root is the channel).
    body: Range<usize>,
    /// Each entry element (`<item>`, `<entry>`) from its start tag to its end tag, in order.
    entries: Vec<Range<usize>>,
}

impl Outline {
    /// The feed without its entries, for the channel's title and language.
    fn header(&self, text: &str) -> String {
        let mut header = self.open.clone();
        let mut at = self.body.start;
        for entry in &self.entries {
            header.push_str(text.get(at..entry.start).unwrap_or_default());
            at = entry.end;
        }
        header.push_str(text.get(at..self.body.end).unwrap_or_default());
        header.push_str(&self.close);
        header
    }
}

/// The first pass: one linear read of the feed with quick-xml, configured as feed-rs
/// configures it, so that a feed it would reject for its XML is rejected here, before any
/// entry is handed on. Reading stops at the end of the channel, as feed-rs's does.
fn outline(text: &str) -> Result<Shape, String> {
    let mut reader = NsReader::from_str(text);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.trim_markup_names_in_closing_tags = true;
    config.trim_text(false);
    let position =
        |reader: &NsReader<&[u8]>| usize::try_from(reader.buffer_position()).unwrap_or(text.len());
    // Where the text after the XML declaration starts (0 without one).
    let mut from = None;
    let mut depth = 0usize;
    // The element whose children are the entries: its depth, the entries' name, its name.
    let mut channel: Option<(usize, &'static str, String)> = None;
    let mut rss = false;
    let mut open = String::new();
    let mut close = String::new();
    let mut body_start = 0;
    let mut entry_start = None;
    let mut entries = Vec::new();
    loop {
        let before = position(&reader);
        let event = match reader.read_resolved_event() {
            Ok((_, event)) => event,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(before);
                return Err(format!("{e} (line {})", line_at(text, at)));
            }
        };
        let after = position(&reader);
        match event {
            // The declaration before the root chose the encoding and is left out of what
            // feed-rs sees. A later one that names another encoding is refused: feed-rs
            // would switch to it half-way through the text (or panic); one that names none
            // or UTF-8 changes nothing.
            Event::Decl(decl) if depth > 0 || from.is_some() => {
                if let Some(other) = decl.encoder().filter(|&e| e != UTF_8) {
                    return Err(format!(
                        "an XML declaration naming {} that is not at the start (line {})",
                        other.name(),
                        line_at(text, before)
                    ));
                }
            }
            Event::Decl(_) => from = Some(after),
            Event::Start(start) => {
                depth += 1;
                let name = start.local_name();
                // Events start and end at `<` and `>`: the slice is on char boundaries.
                let tag = text.get(before..after).unwrap_or_default();
                let qualified = || start.name().as_ref().to_owned();
                match (depth, &channel) {
                    (1, _) => match name.as_ref() {
                        "rss" => {
                            rss = true;
                            open.push_str(tag);
                            close = format!("</{}>", qualified());
                        }
                        "feed" => {
                            open.push_str(tag);
                            channel = Some((1, "entry", qualified()));
                            body_start = after;
                        }
                        "RDF" => {
                            open.push_str(tag);
                            channel = Some((1, "item", qualified()));
                            body_start = after;
                        }
                        _ => {}
                    },
                    (2, None) if rss && name.as_ref() == "channel" => {
                        open.push_str(tag);
                        channel = Some((2, "item", qualified()));
                        body_start = after;
                    }
                    (d, Some((at, entry, _))) if d == at + 1 && name.as_ref() == *entry => {
                        entry_start = Some(before);
                    }
                    _ => {}
                }
            }
            Event::End(_) => {
                match (&channel, entry_start) {
                    (Some((at, _, _)), Some(start)) if depth == at + 1 => {
                        entries.push(start..after);
                        entry_start = None;
                    }
                    (Some((at, _, name)), _) if depth == *at => {
                        return Ok(Shape::Split(Outline {
                            open,
                            close: format!("</{name}>{close}"),
                            body: body_start..before,
                            entries,
                        }));
                    }
                    _ => {}
                }
                depth -= 1;
            }
            Event::Eof if depth > 0 => {
                return Err(format!(
                    "the feed ends inside an element (line {})",
                    line_at(text, before)
                ));
            }
            Event::Eof => {
                return Ok(Shape::Whole {
                    from: from.unwrap_or(0),
                });
            }
            _ => {}
        }
    }
}

/// The 1-based line of byte `at` of `text`.
fn line_at(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..at]).count() + 1
}

fn entry_document(
    channel: &Channel,
    entry: &Entry,
    origin: &str,
    fallback_id: &str,
) -> Result<Document, Skipped> {
    let url = entry
        .links
        .first()
        .map(|l| l.href.trim().to_owned())
        .filter(|h| !h.is_empty());
    let id = [Some(entry.id.trim()), url.as_deref()]
        .into_iter()
        .flatten()
        .find(|s| !s.is_empty())
        .unwrap_or(fallback_id)
        .to_owned();
    let mut warnings = Vec::new();
    let title = entry
        .title
        .as_ref()
        .map(|t| text_line(t, &mut warnings))
        .filter(|t| !t.is_empty());
    let body = entry_paragraphs(entry, &mut warnings);
    if body.is_empty() {
        let reason = "entry has no text (no content or summary)".to_owned();
        return Err(Skipped {
            origin: origin.to_owned(),
            doc_id: Some(id),
            reason,
        });
    }
    let text = title
        .iter()
        .cloned()
        .chain(body)
        .collect::<Vec<_>>()
        .join("\n\n");
    Ok(Document {
        id,
        title,
        text,
        published: entry.published.or(entry.updated).map(|d| d.date_naive()),
        source: channel.title.clone(),
        url,
        language: entry.language.clone().or_else(|| channel.language.clone()),
        origin: origin.to_owned(),
        warnings,
        ..Document::default()
    })
}

/// The entry's content, else its summary, as plain paragraphs.
fn entry_paragraphs(entry: &Entry, warnings: &mut Vec<String>) -> Vec<String> {
    let content = entry.content.as_ref().and_then(|c| {
        let body = c.body.as_deref()?;
        Some(paragraphs(body, is_html(c.content_type.as_ref()), warnings))
    });
    match content.filter(|p| !p.is_empty()) {
        Some(content) => content,
        None => entry
            .summary
            .as_ref()
            .map(|s| text_paragraphs(s, warnings))
            .unwrap_or_default(),
    }
}

fn text_paragraphs(text: &Text, warnings: &mut Vec<String>) -> Vec<String> {
    paragraphs(&text.content, is_html(text.content_type.as_ref()), warnings)
}

/// A text construct (title, feed name) as one line.
fn text_line(text: &Text, warnings: &mut Vec<String>) -> String {
    text_paragraphs(text, warnings).join(" ")
}

fn is_html(media_type: &str) -> bool {
    media_type.contains("html")
}

/// HTML goes through the fragment extractor; plain text keeps its line breaks as paragraph breaks.
fn paragraphs(body: &str, html: bool, warnings: &mut Vec<String>) -> Vec<String> {
    if html {
        return fragment_paragraphs(body, warnings);
    }
    body.split('\n')
        .map(collapse_whitespace)
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Batch;
    use chrono::NaiveDate;

    /// Everything [`read`] hands on, documents and skips apart.
    fn read_all(origin: &str, id: &str, bytes: &[u8], meta: Option<&DocMeta>) -> Batch {
        let mut batch = Batch::default();
        read(origin, id, bytes, meta, &mut |item| match item {
            Ok(doc) => batch.documents.push(doc),
            Err(skipped) => batch.skipped.push(skipped),
        });
        batch
    }

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Iraq Wire</title>
  <link>https://wire.example/</link>
  <language>en</language>
  <item>
    <title>Qaim falls to ISIS</title>
    <link>https://wire.example/qaim</link>
    <guid>wire-1</guid>
    <pubDate>Sun, 22 Jun 2014 10:00:00 GMT</pubDate>
    <description>&lt;p&gt;Militants took &lt;b&gt;Qaim&lt;/b&gt; &amp;amp; Rawa.&lt;/p&gt;&lt;script&gt;leak()&lt;/script&gt;&lt;p&gt;Share this story&lt;/p&gt;</description>
  </item>
  <item>
    <title>Rutba captured</title>
    <link>https://wire.example/rutba</link>
    <description>Short summary only.</description>
    <content:encoded><![CDATA[<p>Rutba, 90 miles east of the Jordanian border, fell on Sunday.</p>]]></content:encoded>
  </item>
  <item>
    <title>No body here</title>
    <guid>wire-3</guid>
  </item>
  <item>
    <description>Untitled, unlinked item.</description>
  </item>
</channel>
</rss>"#;

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">Anbar Updates</title>
  <id>urn:anbar</id>
  <updated>2014-06-23T08:00:00Z</updated>
  <entry>
    <title type="html">Haditha &lt;em&gt;withdrawal&lt;/em&gt;</title>
    <id>urn:anbar:1</id>
    <link href="https://anbar.example/haditha"/>
    <updated>2014-06-23T07:00:00Z</updated>
    <summary type="text">Iraq's military withdrew overnight from Haditha.
Local tribes took over security.</summary>
  </entry>
  <entry>
    <title>Deir Ezzor</title>
    <id>urn:anbar:2</id>
    <published>2014-06-21T23:30:00Z</published>
    <updated>2014-06-22T01:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>ISIS controls at least three towns.</p></div></content>
  </entry>
</feed>"#;

    /// Feeds in `test_data/feeds`, each beside what is read from it (`NAME.expected`):
    /// documents and skips in the order they are handed on. `UPDATE_EXPECT=1` rewrites them.
    #[test]
    fn feed_fixtures_read_as_expected() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/feeds");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("fixture folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x != "expected"))
            .collect();
        files.sort();
        assert!(files.len() >= 9, "fixtures missing from {}", dir.display());
        for file in files {
            let bytes = std::fs::read(&file).expect("fixture");
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let name = name.unwrap_or_default();
            let mut rendered = String::new();
            crate::ingest::read_document_bytes_into(
                &name,
                "feed",
                &bytes,
                crate::ingest::Format::Feed,
                None,
                &mut |item| rendered.push_str(&render(&item)),
            );
            let expected = dir.join(format!("{name}.expected"));
            expect_test::expect_file![expected].assert_eq(&rendered);
        }
    }

    /// The first pass notes one range per entry and leaves the entries out of the header
    /// feed-rs reads for the channel, so a long feed is never parsed whole.
    #[test]
    fn a_long_feed_is_outlined_not_parsed_whole() {
        let items: String = (0..10_000)
            .map(|i| format!("<item><guid>g{i}</guid><description>{i} killed in Mosul.</description></item>\n"))
            .collect();
        let feed = format!(
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Many</title>\n{items}<language>en</language></channel></rss>"
        );
        let Ok(Shape::Split(outline)) = outline(&feed) else {
            panic!("an RSS feed is split")
        };
        assert_eq!(outline.entries.len(), 10_000);
        assert!(feed[outline.entries[9_999].clone()].starts_with("<item><guid>g9999<"));
        // What stays of the entries is the line breaks between them.
        let header = outline.header(&feed).replace('\n', "");
        assert_eq!(
            header,
            "<rss version=\"2.0\"><channel><title>Many</title><language>en</language></channel></rss>"
        );
        let mut documents = 0;
        read("many.rss", "many", feed.as_bytes(), None, &mut |item| {
            let doc = item.expect("every entry has text");
            documents += 1;
            assert_eq!(doc.id, format!("g{}", documents - 1));
            assert_eq!(doc.language.as_deref(), Some("en"));
        });
        assert_eq!(documents, 10_000);
    }

    /// A document as a header line and its text indented, or a skip on one line.
    fn render(item: &Result<Document, Skipped>) -> String {
        let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        match item {
            Ok(doc) => {
                let published = doc
                    .published
                    .map_or_else(|| "-".to_owned(), |d| d.to_string());
                let text: String = doc.text.lines().map(|l| format!("    {l}\n")).collect();
                format!(
                    "document {} ({})\n  title: {}\n  published: {published}\n  source: {}\n  url: {}\n  language: {}\n{text}",
                    doc.id,
                    doc.origin,
                    field(&doc.title),
                    field(&doc.source),
                    field(&doc.url),
                    field(&doc.language),
                )
            }
            Err(s) => format!(
                "skipped {} [{}]: {}\n",
                s.origin,
                field(&s.doc_id),
                s.reason
            ),
        }
    }

    #[test]
    fn reads_rss_items() {
        let batch = read_all("wire.rss", "wire", RSS.as_bytes(), None);
        let ids: Vec<_> = batch.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["wire-1", "https://wire.example/rutba", "wire#4"]);
        let first = &batch.documents[0];
        assert_eq!(
            first.text,
            "Qaim falls to ISIS\n\nMilitants took Qaim & Rawa.\n\nShare this story"
        );
        assert_eq!(
            (
                first.title.as_deref(),
                first.source.as_deref(),
                first.url.as_deref()
            ),
            (
                Some("Qaim falls to ISIS"),
                Some("Iraq Wire"),
                Some("https://wire.example/qaim")
            )
        );
        assert_eq!(
            (first.published, first.origin.as_str()),
            (NaiveDate::from_ymd_opt(2014, 6, 22), "wire.rss#1")
        );
        assert_eq!(first.language.as_deref(), Some("en"));
        assert_eq!(
            batch.documents[1].text,
            "Rutba captured\n\nRutba, 90 miles east of the Jordanian border, fell on Sunday."
        );
        assert_eq!(batch.documents[2].text, "Untitled, unlinked item.");
        assert_eq!(batch.skipped.len(), 1);
        let skipped = &batch.skipped[0];
        assert_eq!(
            (skipped.origin.as_str(), skipped.doc_id.as_deref()),
            ("wire.rss#3", Some("wire-3"))
        );
        assert!(skipped.reason.contains("no text"));
    }

    #[test]
    fn reads_atom_entries() {
        let meta = DocMeta {
            source: Some("ignored: feed has a title".into()),
            url: Some("https://given".into()),
            ..DocMeta::default()
        };
        let batch = read_all("anbar.atom", "anbar", ATOM.as_bytes(), Some(&meta));
        assert!(batch.skipped.is_empty(), "{:?}", batch.skipped);
        let [first, second] = &batch.documents[..] else {
            panic!("two entries expected: {:?}", batch.documents)
        };
        assert_eq!(first.id, "urn:anbar:1");
        assert_eq!(first.title.as_deref(), Some("Haditha withdrawal"));
        assert_eq!(
            first.text,
            "Haditha withdrawal\n\nIraq's military withdrew overnight from Haditha.\n\nLocal tribes took over security."
        );
        assert_eq!(first.published, NaiveDate::from_ymd_opt(2014, 6, 23));
        assert_eq!(first.source.as_deref(), Some("Anbar Updates"));
        assert_eq!(
            second.text,
            "Deir Ezzor\n\nISIS controls at least three towns."
        );
        assert_eq!(second.published, NaiveDate::from_ymd_opt(2014, 6, 21));
        assert_eq!(second.url.as_deref(), Some("https://given"));
    }

    /// Fuzzing found it: a second XML declaration naming another encoding made quick-xml
    /// panic ("set_encoding() called after prefix buffer was drained").
    #[test]
    fn a_second_xml_declaration_is_a_skip_not_a_panic() {
        let feed = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
            <title>t</title><item><title>Raid\0\0<?xml version=\"1.0\" encoding=\"UTF-16\"?>\
            </title><description>Fighting in Qaim.</description></item></channel></rss>";
        let batch = read_all("f.xml", "f", feed, None);
        assert!(batch.documents.is_empty());
        // A byte-order mark before the one declaration is fine.
        let bom = [b"\xEF\xBB\xBF", RSS.as_bytes()].concat();
        let with_bom = read_all("b.xml", "b", &bom, None);
        assert!(!with_bom.documents.is_empty(), "{:?}", with_bom.skipped);
        assert!(
            !with_bom
                .skipped
                .iter()
                .any(|s| s.reason.contains("XML declaration"))
        );
        assert!(
            batch.skipped[0].reason.contains("that is not at the start"),
            "{:?}",
            batch.skipped
        );
    }

    #[test]
    fn malformed_feeds_are_one_skip() {
        let rows: [(&[u8], &str); 5] = [
            (b"", "empty file"),
            (b"not xml at all", "malformed feed"),
            (b"<html><body>not a feed</body></html>", "malformed feed"),
            (
                b"<rss version=\"2.0\"><channel><title>x</title></channel></rss>",
                "feed has no entries",
            ),
            (
                b"<rss version=\"2.0\"><channel><item><title>cut",
                "malformed feed",
            ),
        ];
        for (bytes, reason) in rows {
            let batch = read_all("f.xml", "f", bytes, None);
            assert!(batch.documents.is_empty(), "{reason}");
            assert_eq!(batch.skipped.len(), 1, "{reason}");
            assert_eq!(batch.skipped[0].origin, "f.xml");
            assert!(
                batch.skipped[0].reason.starts_with(reason),
                "{}",
                batch.skipped[0].reason
            );
        }
    }
}
