//! HTML pages: the main article text via Readability (dom_smoothie), with a
//! plain visible-text fallback, as paragraphs separated by blank lines.
//!
//! Two parser weaknesses are guarded against before any tree is built:
//! html5ever's scope checks are quadratic in nesting depth and Readability
//! recurses over the tree (it overflows the stack near 10k levels). Pages
//! nested deeper than [`MAX_TREE_DEPTH`] are flattened by a linear tag
//! stripper ([`flatten_markup`]) before parsing. So are pages of more than
//! [`MAX_ELEMENTS`] elements, since the tree costs some 150 bytes a node (16 MB
//! of `<p>a</p>` took ~490 MB); what remains is cut at that many paragraphs.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::NaiveDate;
use dom_query::{Document as Dom, NodeRef};
use dom_smoothie::{Config, Readability, TextMode};
use encoding_rs::Encoding;
use sitrep_model::{Document, Skipped};

use super::{
    Batch, DocMeta, decode, dom,
    jsonl::parse_published,
    markup::{elements_end, flatten_markup, is_block, markup_depth},
    override_from_meta,
    text::truncate_at_char,
};

/// Real pages nest 20-60 levels; far deeper is either a generator bug or an attack.
const MAX_TREE_DEPTH: usize = 256;
/// Readability scores every element; beyond this many it is slow for no gain.
const MAX_READABILITY_ELEMENTS: usize = 100_000;
/// Elements of one page or fragment given to the parser: as many as Readability takes, so a
/// page that is cut would have got only its visible text anyway. News pages have a few
/// thousand.
const MAX_ELEMENTS: usize = MAX_READABILITY_ELEMENTS;
/// Below this many characters Readability "yields almost nothing" (CONTRACT §1).
const MIN_ARTICLE_CHARS: usize = 200;
const MAX_TITLE_BYTES: usize = 1_000;

/// Text and metadata extracted from one page.
#[derive(Debug, Default)]
pub(super) struct Page {
    pub text: String,
    pub title: Option<String>,
    pub published: Option<NaiveDate>,
    pub language: Option<String>,
    pub warnings: Vec<String>,
}

/// Reads one HTML file: one document, or one skip with the reason.
pub(super) fn read(origin: &str, default_id: &str, bytes: &[u8], meta: Option<&DocMeta>) -> Batch {
    let doc_id = meta
        .and_then(|m| m.id.clone())
        .unwrap_or_else(|| default_id.to_owned());
    let skip = |reason: String| Batch {
        documents: Vec::new(),
        skipped: vec![Skipped {
            origin: origin.to_owned(),
            doc_id: Some(doc_id.clone()),
            reason,
        }],
    };
    let (markup, warning) = match decode_html(bytes) {
        Ok(decoded) => decoded,
        Err(reason) => return skip(reason),
    };
    let page = extract_page(&markup);
    if page.text.trim().is_empty() {
        return skip("no visible text in the HTML".to_owned());
    }
    let mut doc = Document {
        id: default_id.to_owned(),
        title: page.title,
        text: page.text,
        published: page.published,
        language: page.language,
        origin: origin.to_owned(),
        warnings: warning.into_iter().chain(page.warnings).collect(),
        ..Document::default()
    };
    override_from_meta(&mut doc, meta);
    Batch {
        documents: vec![doc],
        skipped: Vec::new(),
    }
}

/// Bytes to markup: UTF-8 or a BOM first; a page that is not UTF-8 but declares
/// a `<meta charset>` (windows-1252, windows-1256, ...) is decoded with it.
fn decode_html(bytes: &[u8]) -> Result<(Cow<'_, str>, Option<String>), String> {
    let plain_utf8 = decode::utf16_bom(bytes).is_some() || std::str::from_utf8(bytes).is_ok();
    if !plain_utf8 && let Some(encoding) = declared_charset(bytes) {
        decode::check_not_binary(bytes)?;
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        let warning = had_errors.then(|| format!("invalid {} repaired", encoding.name()));
        if text.trim().is_empty() {
            return Err("only whitespace, no text".to_owned());
        }
        return Ok((text, warning));
    }
    decode::decode_text_borrowed(bytes)
}

/// The `charset=` a page declares in its first KiB, if encoding_rs knows it and it is not UTF-8.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower = head.to_ascii_lowercase();
    let at = memchr::memmem::find(&lower, b"charset=")? + b"charset=".len();
    let label: Vec<u8> = lower[at..]
        .iter()
        .skip_while(|&&b| b == b'"' || b == b'\'')
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        .copied()
        .collect();
    Encoding::for_label(&label).filter(|&e| e != encoding_rs::UTF_8)
}

/// Extracts a page's article text ("\n\n" between paragraphs, headline first) and metadata.
pub(super) fn extract_page(markup: &str) -> Page {
    if let Some(why) = needs_flattening(markup) {
        return extract_flattened(markup, &why);
    }
    let dom = dom::parse_page(markup);
    let page_title = element_text(&dom, "title");
    let first_h1 = element_text(&dom, "h1");
    let visible = visible_paragraphs(&dom.root(), Scope::Page);
    let mut page = Page {
        title: page_title,
        ..Page::default()
    };
    let article = match readable_article(dom) {
        Ok(article) => article,
        Err(reason) => {
            page.warnings.push(format!(
                "Readability: {reason}; used the page's visible text"
            ));
            page.text = join_with_headline(None, visible);
            return page;
        }
    };
    if prefer_visible(&article.paragraphs, &visible) {
        page.text = join_with_headline(None, visible);
        return page;
    }
    let headline = best_headline(article.headline, first_h1);
    page.text = join_with_headline(headline.as_deref(), article.paragraphs);
    page.title = headline.or(page.title);
    page.published = article.published;
    page.language = article.language;
    page
}

/// Readability "yields almost nothing" on short pages, and then often keeps
/// navigation too: the content blocks are the better text unless they hold
/// much less.
fn prefer_visible(article: &[String], visible: &[String]) -> bool {
    let (article, visible) = (chars(article), chars(visible));
    article < MIN_ARTICLE_CHARS && visible > 0 && visible * 2 >= article
}

/// Readability's title comes from `<title>` ("Headline | Site"); the page's
/// `<h1>` is the cleaner headline when the title contains it.
fn best_headline(title: Option<String>, h1: Option<String>) -> Option<String> {
    match (title, h1) {
        (Some(title), Some(h1)) if title.to_lowercase().contains(&h1.to_lowercase()) => Some(h1),
        (title, h1) => title.or(h1),
    }
}

/// Why a page or fragment is too costly to parse as it is: nested deeper than
/// [`MAX_TREE_DEPTH`], or more elements than [`MAX_ELEMENTS`] (the tree costs some 150
/// bytes a node: 16 MB of `<p>a</p>` took ~490 MB).
fn needs_flattening(markup: &str) -> Option<String> {
    if markup_depth(markup, MAX_TREE_DEPTH) > MAX_TREE_DEPTH {
        return Some(format!("HTML nested deeper than {MAX_TREE_DEPTH} elements"));
    }
    elements_end(markup, MAX_ELEMENTS)
        .map(|_| format!("HTML has more than {MAX_ELEMENTS} elements"))
}

/// Pathological pages: strip the tags in one pass, then extract from the flat result.
fn extract_flattened(markup: &str, why: &str) -> Page {
    let flat = flatten_markup(markup);
    let (flat, cut) = within_elements(&flat);
    let dom = dom::parse_page(flat);
    let warning = format!("{why}: tags were stripped without reading the page structure");
    Page {
        title: element_text(&dom, "title"),
        text: join_with_headline(None, visible_paragraphs(&dom.root(), Scope::Fragment)),
        warnings: std::iter::once(warning).chain(cut).collect(),
        ..Page::default()
    }
}

/// Visible text of an HTML fragment (a feed entry's content) as paragraphs; a fragment
/// cut at [`MAX_ELEMENTS`] says so in `warnings`.
pub(super) fn fragment_paragraphs(markup: &str, warnings: &mut Vec<String>) -> Vec<String> {
    let flat;
    let markup = if needs_flattening(markup).is_some() {
        flat = flatten_markup(markup);
        &flat
    } else {
        markup
    };
    let (markup, cut) = within_elements(markup);
    warnings.extend(cut);
    let dom = dom::parse_fragment(markup);
    visible_paragraphs(&dom.root(), Scope::Fragment)
}

/// Flattened markup up to where its paragraphs number [`MAX_ELEMENTS`], with a warning when
/// that cut it. Each of them holds text, so what is cut lies past [`super::MAX_TEXT_BYTES`]
/// of text, which is not read anyway.
fn within_elements(markup: &str) -> (&str, Option<String>) {
    match elements_end(markup, MAX_ELEMENTS) {
        None => (markup, None),
        Some(end) => {
            let len = markup.len();
            let warning = format!(
                "HTML has more than {MAX_ELEMENTS} paragraphs: only the first {MAX_ELEMENTS} \
                 (bytes 0..{end} of {len} once stripped) were read"
            );
            // The scanner's tokens start at `<` or after `>`: a char boundary.
            (markup.get(..end).unwrap_or(markup), Some(warning))
        }
    }
}

/// The article Readability finds, as paragraphs.
struct Article {
    headline: Option<String>,
    paragraphs: Vec<String>,
    published: Option<NaiveDate>,
    language: Option<String>,
}

fn readable_article(dom: Dom) -> Result<Article, String> {
    let config = Config {
        text_mode: TextMode::Formatted,
        max_elements_to_parse: MAX_READABILITY_ELEMENTS,
        ..Config::default()
    };
    let mut readability =
        Readability::with_document(dom, None, Some(config)).map_err(|e| e.to_string())?;
    // Readability is a large heuristic over untrusted markup: a panic in it must
    // cost this page its article extraction, not the whole batch.
    let article = catch_unwind(AssertUnwindSafe(|| readability.parse()))
        .map_err(|_| "the extractor panicked".to_owned())?
        .map_err(|e| e.to_string())?;
    let headline = Some(collapse_whitespace(&article.title)).filter(|t| !t.is_empty());
    Ok(Article {
        headline: headline.map(|t| truncate_at_char(&t, MAX_TITLE_BYTES).to_owned()),
        paragraphs: article
            .text_content
            .split('\n')
            .map(collapse_whitespace)
            .filter(|p| !p.is_empty())
            .collect(),
        published: article.published_time.as_deref().and_then(published_date),
        language: article.lang.filter(|l| !l.trim().is_empty()),
    })
}

/// A page's `published_time` (RFC 3339 or a bare date) as a date.
fn published_date(value: &str) -> Option<NaiveDate> {
    parse_published(value).or_else(|| value.get(..10).and_then(parse_published))
}

fn chars(paragraphs: &[String]) -> usize {
    paragraphs.iter().map(|p| p.chars().count()).sum()
}

/// Joins paragraphs with blank lines, the headline first unless it already is.
fn join_with_headline(headline: Option<&str>, paragraphs: Vec<String>) -> String {
    let first_is_headline = |h: &str| {
        paragraphs
            .first()
            .is_some_and(|p| p.eq_ignore_ascii_case(h))
    };
    match headline {
        Some(h) if !h.is_empty() && !first_is_headline(h) => std::iter::once(h.to_owned())
            .chain(paragraphs)
            .collect::<Vec<_>>()
            .join("\n\n"),
        _ => paragraphs.join("\n\n"),
    }
}

/// The whitespace-collapsed text of the first `name` element, if not empty.
fn element_text(dom: &Dom, name: &str) -> Option<String> {
    let text = collapse_whitespace(&dom.select_single(name).text());
    (!text.is_empty()).then(|| truncate_at_char(&text, MAX_TITLE_BYTES).to_owned())
}

/// Runs of whitespace (including no-break spaces) become one space; ends are trimmed.
pub(super) fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Which text a walk keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// A whole page: only text inside content blocks, never navigation or forms.
    Page,
    /// A fragment (feed content, flattened page): all visible text.
    Fragment,
}

/// Elements whose content is never visible text.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "math",
    "iframe", "object", "embed", "canvas", "select", "textarea", "button",
];
/// Page parts that are site furniture rather than the article.
const FURNITURE: &[&str] = &["nav", "aside", "footer", "form", "menu", "dialog"];
/// Blocks whose text the page fallback keeps (CONTRACT §1).
#[rustfmt::skip]
const CONTENT: &[&str] = &[
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "blockquote", "pre", "dd", "dt",
    "figcaption",
];
/// One step of the iterative tree walk (no recursion: trees may be deep).
enum Step<'a> {
    Enter(NodeRef<'a>),
    Leave { block: bool, content: bool },
}

/// Visible text under `root`, as whitespace-collapsed paragraphs.
fn visible_paragraphs(root: &NodeRef<'_>, scope: Scope) -> Vec<String> {
    let mut out = Paragraphs::default();
    let mut content_depth = 0usize;
    let mut stack = vec![Step::Enter(*root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave { block, content } => {
                content_depth -= usize::from(content);
                if block {
                    out.flush();
                }
            }
            Step::Enter(node) if node.is_text() => {
                if scope == Scope::Fragment || content_depth > 0 {
                    out.current.push_str(&node.text());
                }
            }
            Step::Enter(node) => {
                let name = node
                    .node_name()
                    .map(|n| n.to_ascii_lowercase())
                    .unwrap_or_default();
                let container = node.is_element() || node.is_document() || node.is_fragment();
                if !container || is_skipped(&node, &name, scope) {
                    continue;
                }
                let block = is_block(&name);
                let content = CONTENT.contains(&name.as_str());
                if block {
                    out.flush();
                } else if matches!(name.as_str(), "td" | "th") {
                    out.current.push(' ');
                }
                content_depth += usize::from(content);
                stack.push(Step::Leave { block, content });
                stack.extend(node.children_it(true).map(Step::Enter));
            }
        }
    }
    out.flush();
    out.done
}

fn is_skipped(node: &NodeRef<'_>, name: &str, scope: Scope) -> bool {
    HIDDEN.contains(&name)
        || node.has_attr("hidden")
        || (scope == Scope::Page && FURNITURE.contains(&name))
}

/// Paragraphs collected during a walk.
#[derive(Default)]
struct Paragraphs {
    current: String,
    done: Vec<String>,
}

impl Paragraphs {
    fn flush(&mut self) {
        let paragraph = collapse_whitespace(&self.current);
        self.current.clear();
        if !paragraph.is_empty() {
            self.done.push(paragraph);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><title>ISIS takes Qaim | Example News</title>
<style>.x { color: red } p::after { content: "STYLE LEAK" }</style>
<script>var tracking = "SCRIPT LEAK"; document.write("<p>more leak</p>");</script></head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World NAVLEAK</a></li></ul></nav></header>
<main><article>
<h1>ISIS takes Qaim</h1>
<p>A strategic border crossing and three other towns in western Iraq fell Saturday to the control of ISIS militants, a senior Iraqi security official said &mdash; the latest blow to Baghdad.</p>
<p>The   militants   have strengthened their hand in the western province of Anbar, the country&rsquo;s largest geographically, and were controlling Qaim &amp; Rawa.</p>
<p>Iraqi forces were fighting the suspected ISIS militants on at least two fronts, security officials said on Saturday evening near the Syrian border.</p>
<script>alert("SCRIPT LEAK 2")</script>
</article></main>
<aside><h3>Most read ASIDELEAK</h3><ul><li>Something else entirely</li></ul></aside>
<footer><p>&copy; 2014 Example News FOOTERLEAK</p></footer>
</body></html>"#;

    #[test]
    fn keeps_only_article_text() {
        let page = extract_page(ARTICLE_PAGE);
        let paragraphs: Vec<&str> = page.text.split("\n\n").collect();
        assert_eq!(paragraphs[0], "ISIS takes Qaim", "{}", page.text);
        assert_eq!(paragraphs.len(), 4, "{}", page.text);
        assert!(paragraphs[1].ends_with("official said — the latest blow to Baghdad."));
        assert!(
            paragraphs[2].starts_with("The militants have"),
            "{}",
            paragraphs[2]
        );
        assert!(
            paragraphs[2].contains("country’s largest") && paragraphs[2].contains("Qaim & Rawa")
        );
        for leak in ["LEAK", "Home", "color", "&amp;", "&rsquo;"] {
            assert!(!page.text.contains(leak), "{leak} in {}", page.text);
        }
        assert_eq!(page.title.as_deref(), Some("ISIS takes Qaim"));
        assert_eq!(page.language.as_deref(), Some("en"));
    }

    #[test]
    fn read_applies_meta_and_boilerplate() {
        let meta = DocMeta {
            id: Some("p1".into()),
            title: Some("Given title".into()),
            ..DocMeta::default()
        };
        let html = ARTICLE_PAGE.replace("<script>alert", "<p>Photo: Reuters</p><script>alert");
        let batch = super::super::read_document_bytes(
            "a.html",
            "a",
            html.as_bytes(),
            super::super::Format::Html,
            Some(&meta),
        );
        let doc = &batch.documents[0];
        assert_eq!(
            (doc.id.as_str(), doc.title.as_deref(), doc.origin.as_str()),
            ("p1", Some("Given title"), "a.html")
        );
        let excluded: Vec<_> = doc.excluded.iter().map(|s| s.slice(&doc.text)).collect();
        assert_eq!(excluded, ["Photo: Reuters"], "{}", doc.text);
    }

    #[test]
    fn short_page_falls_back_to_visible_blocks() {
        let html = "<html><head><title>Short</title></head><body><nav><p>Menu</p></nav><div>loose div text</div><h2>Clashes in Qaim</h2><p>Eleven soldiers were killed.</p><table><tr><td>Qaim</td><td>11</td></tr></table></body></html>";
        let page = extract_page(html);
        assert_eq!(page.title.as_deref(), Some("Short"));
        for kept in ["Clashes in Qaim", "Eleven soldiers were killed."] {
            assert!(
                page.text.contains(kept),
                "{kept} missing in {:?}",
                page.text
            );
        }
        assert!(!page.text.contains("Menu"), "{:?}", page.text);
    }

    #[test]
    fn fragment_keeps_all_visible_text() {
        let rows = [
            (
                "<p>One &amp; two</p><p>Three<br>Four</p>",
                vec!["One & two", "Three", "Four"],
            ),
            ("plain text, no tags", vec!["plain text, no tags"]),
            (
                "<div>a <b>bold</b> word<script>x()</script><style>p{}</style></div>",
                vec!["a bold word"],
            ),
            ("<ul><li>x</li><li><p>y</p></li></ul>", vec!["x", "y"]),
            (
                "<table><tr><td>Qaim</td><td>11</td></tr></table>",
                vec!["Qaim 11"],
            ),
            ("<p hidden>secret</p><p>shown</p>", vec!["shown"]),
            ("", vec![]),
            ("<<<>>> &", vec!["<<<>>> &"]),
        ];
        for (html, expected) in rows {
            assert_eq!(
                fragment_paragraphs(html, &mut Vec::new()),
                expected,
                "{html}"
            );
        }
    }

    #[test]
    fn deeply_nested_html_does_not_crash() {
        let html = format!(
            "<html><head><title>Deep &amp; dark</title><script>{}</script></head><body>{}<p>Qaim fell &amp; Rawa too.</p>{}</body></html>",
            "<div>".repeat(10),
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let page = extract_page(&html);
        assert_eq!(page.text, "Qaim fell & Rawa too.");
        assert_eq!(page.title.as_deref(), Some("Deep & dark"));
        assert!(page.warnings[0].starts_with("HTML nested deeper"));
        let unclosed = "<span>".repeat(100_000) + "text";
        assert_eq!(fragment_paragraphs(&unclosed, &mut Vec::new()), ["text"]);
    }

    /// A page with more elements than Readability takes is read by the linear tag stripper,
    /// all its text kept (here the last paragraph, after 100,010 junk elements); of a page
    /// with more paragraphs than that, the paragraphs past the limit (past the text limit
    /// too) are dropped with a warning. Either way the tree stays small.
    #[test]
    fn pages_with_too_many_elements_are_flattened() {
        let junk = "<b><i>x</b></i>".repeat(MAX_ELEMENTS / 2 + 5);
        let html = format!(
            "<html><head><title>Many</title></head><body><p>{junk} Qaim fell.</p></body></html>"
        );
        let page = extract_page(&html);
        assert!(
            page.text.ends_with("x Qaim fell."),
            "{}",
            &page.text[page.text.len() - 20..]
        );
        assert_eq!(page.title.as_deref(), Some("Many"));
        assert_eq!(
            page.warnings,
            [
                "HTML has more than 100000 elements: tags were stripped without reading the page structure"
            ]
        );
        let paragraphs: String = (0..MAX_ELEMENTS + 10)
            .map(|i| format!("<p>Clash {i} in Qaim.</p>"))
            .collect();
        let page = extract_page(&paragraphs);
        assert!(
            page.text
                .ends_with(&format!("Clash {} in Qaim.", MAX_ELEMENTS - 1))
        );
        assert_eq!(page.warnings.len(), 2, "{:?}", page.warnings);
        assert!(page.warnings[1].starts_with("HTML has more than 100000 paragraphs"));
        let mut warnings = Vec::new();
        let fragment = fragment_paragraphs(&paragraphs, &mut warnings);
        assert_eq!((fragment.len(), warnings.len()), (MAX_ELEMENTS, 1));
        // At the limit, nothing is flattened or cut.
        let mut warnings = Vec::new();
        let paragraphs: String = (0..MAX_ELEMENTS).map(|_| "<p>x</p>").collect();
        let fragment = fragment_paragraphs(&paragraphs, &mut warnings);
        assert_eq!((fragment.len(), warnings.len()), (MAX_ELEMENTS, 0));
    }

    #[test]
    fn malformed_html_never_panics() {
        let inputs = [
            "<",
            "</",
            "<!--",
            "<p",
            "<div class=\"unterminated>text",
            "<script>never closed",
            "</p></div></body>",
            "<table><td><tr><p><li>x",
            "\u{0}\u{1}<p>\u{fffd}</p>",
            "<svg><p>inside svg</p></svg><math><mi>x</mi></math>",
            "<title>only a title</title>",
        ];
        for html in inputs {
            let _ = extract_page(html);
            let _ = fragment_paragraphs(html, &mut Vec::new());
        }
    }

    #[test]
    fn declared_charset_is_used_for_non_utf8() {
        let html = b"<html><head><meta charset=\"windows-1252\"></head><body><p>caf\xE9 \x93quoted\x94</p></body></html>";
        let (text, warning) = decode_html(html).expect("decodes");
        assert!(text.contains("café “quoted”"), "{text}");
        assert!(warning.is_none());
        let (utf8, _) =
            decode_html("<meta charset=windows-1252><p>café</p>".as_bytes()).expect("decodes");
        assert!(utf8.contains("café"));
    }

    #[test]
    fn unreadable_html_is_skipped() {
        let rows: [(&[u8], &str); 3] = [
            (b"", "empty file"),
            (
                b"<html><body><script>x()</script></body></html>",
                "no visible text",
            ),
            (b"\x00\x00\x00binary", "binary content"),
        ];
        for (bytes, reason) in rows {
            let batch = read("p.html", "p", bytes, None);
            assert!(batch.documents.is_empty());
            assert!(
                batch.skipped[0].reason.starts_with(reason),
                "{}",
                batch.skipped[0].reason
            );
            assert_eq!(batch.skipped[0].doc_id.as_deref(), Some("p"));
        }
    }
}
