//! RSS and Atom feeds (feed-rs): one document per entry, its text the entry's
//! content or summary as plain paragraphs, headed by the entry title.

use feed_rs::model::{Entry, Feed, Text};
use sitrep_model::{Document, Skipped};

use super::{
    Batch, DocMeta, fill_from_meta,
    html::{collapse_whitespace, fragment_paragraphs},
};

/// Reads a feed file. A feed that does not parse is one skip for the file;
/// an entry without text is one skip for that entry.
pub(super) fn read(origin: &str, default_id: &str, bytes: &[u8], meta: Option<&DocMeta>) -> Batch {
    let file_skip = |reason: String| Batch {
        documents: Vec::new(),
        skipped: vec![Skipped {
            origin: origin.to_owned(),
            doc_id: None,
            reason,
        }],
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return file_skip("empty file".to_owned());
    }
    // An XML declaration is only allowed at the very start; a later one naming another
    // encoding makes the XML reader (quick-xml) panic, so it is refused here.
    if let Some(at) = second_xml_declaration(bytes) {
        return file_skip(format!(
            "malformed feed: a second XML declaration at byte {at}"
        ));
    }
    // Entries without an id get an empty one here, so that the fallbacks below
    // (link, then `{id}#{n}`) apply instead of feed-rs's hashes and random UUIDs.
    let parser = feed_rs::parser::Builder::new()
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = match parser.parse(bytes) {
        Ok(feed) => feed,
        Err(e) => return file_skip(format!("malformed feed: {e}")),
    };
    if feed.entries.is_empty() {
        return file_skip("feed has no entries".to_owned());
    }
    let base_id = meta.and_then(|m| m.id.as_deref()).unwrap_or(default_id);
    let mut batch = Batch::default();
    for (index, entry) in feed.entries.iter().enumerate() {
        let n = index + 1;
        match entry_document(
            &feed,
            entry,
            &format!("{origin}#{n}"),
            &format!("{base_id}#{n}"),
        ) {
            Ok(mut doc) => {
                fill_from_meta(&mut doc, meta);
                batch.documents.push(doc);
            }
            Err(skipped) => batch.skipped.push(skipped),
        }
    }
    batch
}

/// Where an XML declaration (`<?xml` followed by white space) starts after the document's
/// own first one, if anywhere.
fn second_xml_declaration(bytes: &[u8]) -> Option<usize> {
    let mut found = bytes.windows(6).enumerate().filter_map(|(i, w)| {
        (w[..5].eq_ignore_ascii_case(b"<?xml") && w[5].is_ascii_whitespace()).then_some(i)
    });
    found.next()?;
    found.next()
}

fn entry_document(
    feed: &Feed,
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
    let title = entry
        .title
        .as_ref()
        .map(text_line)
        .filter(|t| !t.is_empty());
    let body = entry_paragraphs(entry);
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
        source: feed.title.as_ref().map(text_line).filter(|t| !t.is_empty()),
        url,
        language: entry.language.clone().or_else(|| feed.language.clone()),
        origin: origin.to_owned(),
        ..Document::default()
    })
}

/// The entry's content, else its summary, as plain paragraphs.
fn entry_paragraphs(entry: &Entry) -> Vec<String> {
    let content = entry.content.as_ref().and_then(|c| {
        let body = c.body.as_deref()?;
        Some(paragraphs(body, is_html(c.content_type.as_ref())))
    });
    let summary = || entry.summary.as_ref().map(text_paragraphs);
    content
        .filter(|p| !p.is_empty())
        .or_else(summary)
        .unwrap_or_default()
}

fn text_paragraphs(text: &Text) -> Vec<String> {
    paragraphs(&text.content, is_html(text.content_type.as_ref()))
}

/// A text construct (title, feed name) as one line.
fn text_line(text: &Text) -> String {
    text_paragraphs(text).join(" ")
}

fn is_html(media_type: &str) -> bool {
    media_type.contains("html")
}

/// HTML goes through the fragment extractor; plain text keeps its line breaks as paragraph breaks.
fn paragraphs(body: &str, html: bool) -> Vec<String> {
    if html {
        return fragment_paragraphs(body);
    }
    body.split('\n')
        .map(collapse_whitespace)
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

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

    #[test]
    fn reads_rss_items() {
        let batch = read("wire.rss", "wire", RSS.as_bytes(), None);
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
        let batch = read("anbar.atom", "anbar", ATOM.as_bytes(), Some(&meta));
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
        let batch = read("f.xml", "f", feed, None);
        assert!(batch.documents.is_empty());
        // A byte-order mark before the one declaration is fine.
        let bom = [b"\xEF\xBB\xBF", RSS.as_bytes()].concat();
        let with_bom = read("b.xml", "b", &bom, None);
        assert!(!with_bom.documents.is_empty(), "{:?}", with_bom.skipped);
        assert!(
            !with_bom
                .skipped
                .iter()
                .any(|s| s.reason.contains("XML declaration"))
        );
        assert!(
            batch.skipped[0].reason.contains("second XML declaration"),
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
            let batch = read("f.xml", "f", bytes, None);
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
