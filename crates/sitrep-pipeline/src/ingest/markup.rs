//! A linear HTML tag scanner, for what must not build a tree: measuring how
//! deep a page nests before html5ever sees it, and flattening pages that nest
//! too deep into markup without structure.

/// Elements that start and end a paragraph.
#[rustfmt::skip]
const BLOCKS: &[&str] = &[
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "section", "article", "main", "header", "footer", "aside", "nav", "table",
    "thead", "tbody", "tfoot", "tr", "caption", "figure", "figcaption", "form", "fieldset",
    "address", "details", "summary", "hr", "br", "body", "html", "center",
];

/// Whether an element starts and ends a paragraph.
pub(super) fn is_block(name: &str) -> bool {
    BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name))
}

/// A tag as seen by the linear scanner.
#[derive(Debug, PartialEq, Eq)]
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    self_closing: bool,
}

/// What the scanner found at one position.
#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    Text(&'a str),
    Tag(Tag<'a>),
    /// Comments, doctypes, processing instructions.
    Other,
}

/// Elements whose content is raw text up to the matching end tag; it is skipped whole.
#[rustfmt::skip]
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "title",
    "plaintext",
];
/// Elements without content, and those whose end tag is optional (the parser closes
/// them by itself, so an unclosed `<p>` does not deepen the tree).
#[rustfmt::skip]
const NO_DEPTH: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
    "tbody", "thead", "tfoot", "colgroup", "caption", "rb", "rt", "rp", "html", "head", "body",
];

/// A linear, allocation-free HTML tokenizer: just enough to measure nesting and
/// strip tags without building a tree.
struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    /// Where the token `next` returned last begins.
    token_start: usize,
    /// After a raw-text start tag: its name, whose end tag ends the raw text.
    raw_until: Option<&'a str>,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str) -> Self {
        Scanner {
            src,
            pos: 0,
            token_start: 0,
            raw_until: None,
        }
    }

    /// Skips raw text (script bodies and the like) up to `</name`.
    fn skip_raw_text(&mut self, name: &str) {
        let bytes = self.src.as_bytes();
        let mut at = self.pos;
        while let Some(found) = memchr::memmem::find(&bytes[at..], b"</") {
            let start = at + found + 2;
            let candidate = bytes.get(start..start + name.len());
            if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
                self.pos = at + found;
                return;
            }
            at = start;
        }
        self.pos = self.src.len();
    }

    /// The end of a tag whose attributes start at `from` (just past `>`). Quotes
    /// delimit a value only right after `=`, as in the HTML tokenizer, so an
    /// apostrophe in an unquoted value does not swallow the page.
    fn tag_end(&self, from: usize) -> usize {
        let bytes = self.src.as_bytes();
        let mut quote = None;
        let mut after_equals = false;
        for (offset, &b) in bytes[from..].iter().enumerate() {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') if after_equals => quote = Some(b),
                (None, b'>') => return from + offset + 1,
                _ => {}
            }
            if !b.is_ascii_whitespace() {
                after_equals = quote.is_none() && b == b'=';
            }
        }
        bytes.len()
    }

    fn comment_end(&self, from: usize) -> usize {
        let rest = &self.src.as_bytes()[from..];
        if rest.starts_with(b"<!--") {
            memchr::memmem::find(&rest[4..], b"-->").map_or(self.src.len(), |i| from + 4 + i + 3)
        } else {
            memchr::memchr(b'>', rest).map_or(self.src.len(), |i| from + i + 1)
        }
    }
}

impl<'a> Iterator for Scanner<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if let Some(name) = self.raw_until.take() {
            self.skip_raw_text(name);
        }
        let bytes = self.src.as_bytes();
        let start = self.pos;
        self.token_start = start;
        let next = *bytes.get(start)?;
        if next != b'<' {
            let end =
                memchr::memchr(b'<', &bytes[start + 1..]).map_or(bytes.len(), |i| start + 1 + i);
            self.pos = end;
            return Some(Token::Text(&self.src[start..end]));
        }
        match bytes.get(start + 1) {
            Some(b'!' | b'?') => {
                self.pos = self.comment_end(start);
                Some(Token::Other)
            }
            Some(b'/') if bytes.get(start + 2).is_some_and(u8::is_ascii_alphabetic) => {
                Some(self.tag(start + 2, true))
            }
            Some(b) if b.is_ascii_alphabetic() => Some(self.tag(start + 1, false)),
            _ => {
                self.pos = start + 1;
                Some(Token::Text(&self.src[start..start + 1]))
            }
        }
    }
}

impl<'a> Scanner<'a> {
    /// Reads a tag whose name starts at `name_start`, noting raw-text elements.
    fn tag(&mut self, name_start: usize, closing: bool) -> Token<'a> {
        let bytes = self.src.as_bytes();
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        let name = &self.src[name_start..name_start + name_len];
        let end = self.tag_end(name_start + name_len);
        self.pos = end;
        let self_closing = end >= 2 && bytes[end - 1] == b'>' && bytes[end - 2] == b'/';
        if !closing && !self_closing && RAW_TEXT.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            self.raw_until = Some(name);
        }
        Token::Tag(Tag {
            name,
            closing,
            self_closing,
        })
    }
}

/// How deep elements nest, counted on the raw markup; stops counting above `limit`.
pub(super) fn markup_depth(markup: &str, limit: usize) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for token in Scanner::new(markup) {
        let Token::Tag(tag) = token else { continue };
        if tag.self_closing || NO_DEPTH.iter().any(|n| n.eq_ignore_ascii_case(tag.name)) {
            continue;
        }
        if tag.closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest > limit {
                break;
            }
        }
    }
    deepest
}

/// Where `markup` must end for a parser to meet at most `limit` elements: the start of the
/// first start tag past `limit`, or `None` when there are no more than `limit`.
pub(super) fn elements_end(markup: &str, limit: usize) -> Option<usize> {
    let mut scanner = Scanner::new(markup);
    let mut elements = 0usize;
    while let Some(token) = scanner.next() {
        if let Token::Tag(tag) = token
            && !tag.closing
        {
            elements += 1;
            if elements > limit {
                return Some(scanner.token_start);
            }
        }
    }
    None
}

/// Markup without structure: block tags become `<p>` (one for a run of them with only
/// white space between: empty paragraphs are dropped anyway, and a page nested 100,000
/// deep stays a few elements), other tags vanish, raw-text elements (scripts, styles) and
/// comments are dropped; the `<title>` is kept. Entities stay as written, for the parser
/// to decode.
pub(super) fn flatten_markup(markup: &str) -> String {
    let mut out = String::with_capacity(markup.len() / 2);
    let mut scanner = Scanner::new(markup);
    // Whether a `<p>` was written with nothing but white space after it.
    let mut blank_paragraph = false;
    while let Some(token) = scanner.next() {
        match token {
            Token::Text(text) => {
                out.push_str(text);
                blank_paragraph &= text.trim().is_empty();
            }
            Token::Tag(tag) if !tag.closing && tag.name.eq_ignore_ascii_case("title") => {
                let start = scanner.pos;
                scanner.skip_raw_text("title");
                scanner.raw_until = None;
                out.push_str("<title>");
                out.push_str(&markup[start..scanner.pos]);
                out.push_str("</title><p>");
                blank_paragraph = true;
            }
            Token::Tag(tag) if is_block(tag.name) && !blank_paragraph => {
                out.push_str("<p>");
                blank_paragraph = true;
            }
            Token::Tag(_) | Token::Other => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_depth() {
        let rows = [
            ("<div><div><span>x</span></div></div>", 3),
            ("<p>a<p>b<p>c<li>d<br><img src='>'>", 0),
            ("<script><div><div></script><div>", 1),
            ("<!-- <div><div> --><div/>", 0),
            ("<div title=\"a>b\"><b>x</b></div>", 2),
            ("<div title = 'a>b'><b>x</b></div>", 2),
            ("<img alt=it's><div>x</div><b>y</b>", 1),
        ];
        for (html, expected) in rows {
            assert_eq!(markup_depth(html, 100), expected, "{html}");
        }
    }

    #[test]
    fn finds_where_the_elements_run_out() {
        let rows = [
            ("<p>a</p><p>b</p><p>c</p>", 2, Some(16)),
            ("<p>a</p><p>b</p><p>c</p>", 3, None),
            ("<br><img src='<p>'><p>x", 2, Some(19)),
            ("<script><p><p><p></script><b>x</b><i>y</i>", 2, Some(34)),
            ("<!-- <p><p><p> --><<<< text", 0, None),
        ];
        for (html, limit, expected) in rows {
            assert_eq!(elements_end(html, limit), expected, "{html}");
        }
    }

    #[test]
    fn flattens_markup() {
        let html = "<title>T &amp; U</title><div><span>a</span><em>b</em></div><script>x<y</script><!-- c -->d &lt; e";
        assert_eq!(
            flatten_markup(html),
            "<title>T &amp; U</title><p>ab<p>d &lt; e"
        );
    }
}
