//! Boilerplate lines (share widgets, "Trending:" teasers, image credits,
//! comment policies). They stay in the text so offsets stay true; their spans
//! go to `Document::excluded` so no event is ever read from them.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};
use sitrep_model::Span;

/// Lines longer than this are article prose, never a widget or a credit line.
/// Also what keeps a 50 MB single-line file linear: long lines are not matched.
const MAX_LINE_BYTES: usize = 600;
/// Comment policies are a short paragraph, a little longer than a widget line.
const MAX_POLICY_BYTES: usize = 2_000;
/// A comment-section marker cuts to the end of the text only when what follows
/// is short (or shorter than what precedes it): a "Join the conversation" link
/// in a page header must not swallow the article.
const MAX_SMALL_TAIL_BYTES: usize = 2_000;

/// Line-start patterns (matched case-insensitively on the trimmed line).
/// The first one opens the comment section.
const LINE_PATTERNS: &[&str] = &[
    r"^join the (conversation|discussion|debate)\b",
    r"^trending( now| stories| topics)?\s*:",
    r"^(image|map|photo|picture|photograph|graphic|video|chart|illustration)s?\s+(via|by|credits?|courtesy|source)\b",
    r"^(photo|image|picture|photograph|graphic|map)s?( credits?)?\s*[:|]",
    r"^\(\s*(photo|image|picture|map)s?\b",
    r"^(photo |image )?credits?\s*:",
    r"^this (article|story|post|report) (continues|was (originally |first )?published|(originally|first) appeared|appeared originally)\b",
    r"^(continue|keep) reading\b",
    r"^read (more|the (full|rest|original))\b",
    r"^(related|see also|more on this|recommended)( (articles?|stories|coverage|posts|reading|content))?\s*([:|»>-]|$)",
    r"^share (this|on|via)\b",
    r"^share$",
    r"^follow us\b",
    r"^sign up (for|to) (our|the)\b",
    r"^sign up\b.*\bnewsletter",
    r"^subscribe\b",
    r"^[\W_]*(advertisement|sponsored( content)?)[\W_]*$",
    r"^click here\b",
    r"^(©|\(c\)\s*\d{4}|copyright\b)",
    r"\ball rights reserved\.?$",
];
/// Index in [`LINE_PATTERNS`] of the comment-section opener.
const COMMENT_SECTION: usize = 0;

// The patterns are constants: failing to compile them is a bug caught by any test.
static LINE_RULES: LazyLock<RegexSet> = LazyLock::new(|| {
    regex::RegexSetBuilder::new(LINE_PATTERNS)
        .case_insensitive(true)
        .build()
        .expect("boilerplate line patterns compile")
});

/// A comment policy mentions reader comments, a policy word, and speaks to the reader;
/// all three are needed so that "declined to comment on the policy" stays content.
static POLICY_RULES: LazyLock<[Regex; 3]> = LazyLock::new(|| {
    [
        r"(?i)\b(comments|commenting|commenters?|comment (policy|section|guidelines|thread|board))\b",
        r"(?i)\b(toleran\w*|polic(y|ies)|courteous\w*|discourteous|discourse|moderat\w*|civility|respectful|guidelines|offensive|abusive|objectionable|inappropriate|terms of (use|service))\b",
        // Lower-case "us" only: "US forces" is not the site speaking.
        r"(?i:\b(we|our|you|your|please|thank)\b)|\bus\b",
    ]
    .map(|p| Regex::new(p).expect("comment policy patterns compile"))
});

/// What a line is, as far as boilerplate goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Content,
    Boilerplate,
    /// Opens the comment section: this line and (usually) everything after it.
    CommentSection,
}

/// Boilerplate line ranges of a text, sorted and non-overlapping.
///
/// Lines are split on `'\n'`; each span covers the line without its surrounding
/// whitespace, except a comment section, which runs to the end of the text.
pub fn boilerplate_spans(text: &str) -> Vec<Span> {
    let content_end = text.trim_end().len();
    let mut spans = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        let start = line_start;
        line_start += line.len() + 1;
        let trimmed = line.trim_start();
        let span_start = start + (line.len() - trimmed.len());
        let trimmed = trimmed.trim_end();
        let span = Span::new(span_start, span_start + trimmed.len());
        match classify(trimmed) {
            LineKind::Content => {}
            LineKind::Boilerplate => spans.push(span),
            LineKind::CommentSection => {
                let (before, after) = (span.start, content_end - span.start);
                if after <= MAX_SMALL_TAIL_BYTES || after <= before {
                    spans.push(Span::new(span.start, content_end));
                    break;
                }
                spans.push(span);
            }
        }
    }
    spans
}

fn classify(line: &str) -> LineKind {
    if line.is_empty() || line.len() > MAX_POLICY_BYTES {
        return LineKind::Content;
    }
    // `is_match` runs a DFA; `matches` (which rules matched) needs the slower overlapping
    // search, so it runs only on the few lines some rule matches.
    if line.len() <= MAX_LINE_BYTES && LINE_RULES.is_match(line) {
        let matches = LINE_RULES.matches(line);
        if matches.matched(COMMENT_SECTION) {
            return LineKind::CommentSection;
        }
        if matches.matched_any() {
            return LineKind::Boilerplate;
        }
    }
    if is_comment_policy(line) {
        return LineKind::Boilerplate;
    }
    LineKind::Content
}

fn is_comment_policy(line: &str) -> bool {
    // Every reader-comment word contains "comment": lines without it (nearly all) skip the
    // Unicode-aware regexes, which cannot run as a DFA on non-ASCII text.
    mentions_comment(line) && POLICY_RULES.iter().all(|rule| rule.is_match(line))
}

/// Whether `line` contains "comment" in any ASCII case.
fn mentions_comment(line: &str) -> bool {
    line.as_bytes()
        .windows(7)
        .any(|w| w.eq_ignore_ascii_case(b"comment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded_lines(text: &str) -> Vec<&str> {
        boilerplate_spans(text)
            .iter()
            .map(|s| s.slice(text))
            .collect()
    }

    /// One row per line: (line, is boilerplate).
    #[test]
    fn classifies_lines() {
        let rows = [
            (
                "Trending: REPORT: Colin Kaepernick’s Legal Team Plan to Subpoena Trump",
                true,
            ),
            ("TRENDING NOW: something", true),
            ("Image via The Baltimore Sun", true),
            ("Map via", true),
            ("Photo: Reuters/Stringer", true),
            (
                "(Photo credit should read AHMAD AL-RUBAYE/AFP/Getty Images)",
                true,
            ),
            ("This article continues at\u{a0}cnn.com", true),
            ("Read more: https://example.com/x", true),
            ("Related: Iraq's army retreats", true),
            ("Related Stories", true),
            ("Share this article", true),
            ("Follow us on Twitter", true),
            ("Sign up for our newsletter", true),
            ("Subscribe to our daily briefing", true),
            ("Advertisement", true),
            ("- ADVERTISEMENT -", true),
            ("Click here to read more", true),
            ("© 2014 Cable News Network", true),
            (
                "Copyright 2014 The Associated Press. All rights reserved.",
                true,
            ),
            (
                "We have no tolerance for comments containing violence, racism, vulgarity, profanity, all caps, or discourteous behavior.",
                true,
            ),
            ("Please read our comment policy before commenting.", true),
            (
                "Editor’s Note: ISIS is gradually taking control of Iraq.",
                false,
            ),
            ("The ministry declined to comment on the policy.", false),
            (
                "“You can sell poison in this country,” he said. Odinga chastised Matiangi for the comments, citing civil society.",
                false,
            ),
            (
                "US officials rejected the comments as against policy.",
                false,
            ),
            (
                "Although we do not pre-screen comments, we remove materials that are unlawful, abusive or objectionable.",
                true,
            ),
            (
                "Subscribers to the channel reported shelling in Qaim.",
                false,
            ),
            ("Sharing the border with Syria, Qaim is strategic.", false),
            ("Photographers were detained in Mosul.", false),
            ("Related tribes sided with ISIS.", false),
            ("Readers of the report noted the withdrawal.", false),
            (
                "ISIS controlled the strategic town of Qaim, officials said.",
                false,
            ),
            ("", false),
        ];
        for (line, expected) in rows {
            assert_eq!(classify(line) != LineKind::Content, expected, "{line:?}");
        }
    }

    #[test]
    fn comment_word_check_ignores_case() {
        assert!(mentions_comment("Please read our COMMENT policy"));
        assert!(mentions_comment("commenters"));
        assert!(!mentions_comment("The ministry declined to speak."));
        assert!(!mentions_comment("commen"));
    }

    #[test]
    fn comment_section_runs_to_end_when_tail_is_short() {
        let text =
            "Headline\n\nBody text here.\n\nJoin the conversation!\n\nSome comment.\nAnother.\n";
        assert_eq!(
            excluded_lines(text),
            ["Join the conversation!\n\nSome comment.\nAnother."]
        );
    }

    #[test]
    fn comment_marker_near_top_does_not_swallow_article() {
        let body = "Fighting continued in Anbar province on Saturday. ".repeat(100);
        let text = format!("Join the conversation\n{body}\n");
        assert_eq!(excluded_lines(&text), ["Join the conversation"]);
    }

    #[test]
    fn spans_are_trimmed_sorted_and_disjoint() {
        let text = "Title\r\n  Photo: AP  \r\nBody.\r\nAdvertisement\r\n";
        let spans = boilerplate_spans(text);
        assert_eq!(
            spans.iter().map(|s| s.slice(text)).collect::<Vec<_>>(),
            ["Photo: AP", "Advertisement"]
        );
        assert!(spans.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn long_single_line_is_fast_and_content() {
        let text = "Trending: ".to_owned() + &"word ".repeat(10_000_000);
        assert!(boilerplate_spans(&text).is_empty());
    }
}
