//! Sentence segmentation for news prose, with byte spans.
//!
//! Rules, not a model: a sentence ends at `.`, `!`, `?` or `…` (with any closing
//! quotes or brackets) followed by space and an uppercase letter, digit or opening
//! quote — unless the word before the period is an abbreviation ("Maj. Gen.",
//! "Dr."), an initial ("J."), or dotted initials ("U.S.") followed by a word that
//! does not usually start sentences. Blank lines always end a sentence; a single
//! line break does unless the text visibly runs on across it.

use sitrep_model::Span;

/// Words that end with a period without ending the sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "cpl", "pvt",
    "adm", "cmdr", "brig", "gov", "sen", "rep", "pres", "st", "mt", "ft", "jr", "sr", "rev", "hon",
    "no", "nos", "vs", "v", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "inc", "co", "corp", "ltd", "bros", "approx", "dept", "univ", "ave", "blvd",
    "rd", "est", "fig", "op", "al", "e.g", "i.e", "cf", "ca", "sq", "km", "lt.gen", "maj.gen",
    "brig.gen", "supt", "insp", "det", "cmdt", "amb", "sheikh", "messrs", "mme", "mlle",
];

/// Words that commonly open a sentence: after "U.S." they signal a boundary.
const SENTENCE_STARTERS: &[&str] = &[
    "the",
    "a",
    "an",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "but",
    "and",
    "in",
    "on",
    "at",
    "this",
    "that",
    "these",
    "those",
    "there",
    "meanwhile",
    "however",
    "officials",
    "his",
    "her",
    "their",
    "its",
    "on",
    "after",
    "since",
    "when",
    "while",
    "according",
    "some",
    "many",
    "no",
    "one",
    "two",
    "last",
    "earlier",
    "later",
];

/// Sentences of `text[range]`, trimmed, as spans into `text`.
pub fn split(text: &str, range: Span) -> Vec<Span> {
    let Some(part) = text.get(range.start..range.end) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    // Only a line break or a terminal mark can end a sentence: skip to the next byte that
    // starts one ('…' starts with 0xE2; all are character boundaries).
    while let Some(skip) = part.as_bytes()[i..]
        .iter()
        .position(|&b| matches!(b, b'\n' | b'.' | b'!' | b'?' | 0xE2))
    {
        i += skip;
        let Some(c) = part[i..].chars().next() else {
            break;
        };
        if c == '\n' {
            if line_break_ends_sentence(part, i) {
                push_trimmed(part, range.start, start, i, &mut out);
                start = i + 1;
            }
            i += 1;
            continue;
        }
        if !is_terminal(c) {
            i += c.len_utf8();
            continue;
        }
        // A run of terminal marks, then closing quotes or brackets.
        let mut j = i;
        while let Some(t) = part[j..].chars().next().filter(|&t| is_terminal(t)) {
            j += t.len_utf8();
        }
        while let Some(t) = part[j..].chars().next().filter(|&t| is_closing(t)) {
            j += t.len_utf8();
        }
        if ends_sentence(part, i, j) {
            push_trimmed(part, range.start, start, j, &mut out);
            start = j;
        }
        i = j;
    }
    push_trimmed(part, range.start, start, part.len(), &mut out);
    out
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '«')
}

/// Whether the terminal mark at `mark` (with closers up to `after`) ends a sentence.
fn ends_sentence(part: &str, mark: usize, after: usize) -> bool {
    let rest = &part[after..];
    let trimmed = rest.trim_start_matches([' ', '\t', '\u{a0}']);
    if trimmed.len() == rest.len() && !rest.is_empty() && !rest.starts_with('\n') {
        return false; // no space after the mark: "1.6", "cnn.com", "U.S.-led"
    }
    let Some(next) = trimmed.chars().next() else {
        return true;
    };
    if next == '\n' || next == '\r' {
        return true;
    }
    if !(next.is_uppercase() || next.is_ascii_digit() || is_opening(next)) {
        return false;
    }
    if part.as_bytes()[mark] != b'.' {
        return true;
    }
    let word = word_before(part, mark);
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return false;
    }
    // A single capital initial ("J. Smith").
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return false;
    }
    // Dotted initials ("U.S.") end a sentence only before a usual sentence opener.
    if word.contains('.') {
        let next_word: String = trimmed.chars().take_while(|c| c.is_alphabetic()).collect();
        return SENTENCE_STARTERS.contains(&next_word.to_lowercase().as_str());
    }
    true
}

/// The word (letters and inner periods) just before byte `end`.
fn word_before(part: &str, end: usize) -> &str {
    let head = &part[..end];
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &head[start..]
}

/// A single line break ends a sentence unless the text runs on: the line ends mid-phrase
/// (lowercase letter, comma, hyphen) and the next line starts lowercase.
fn line_break_ends_sentence(part: &str, nl: usize) -> bool {
    let before = part[..nl].trim_end_matches([' ', '\t', '\r']);
    let after = part[nl + 1..].trim_start_matches([' ', '\t', '\r']);
    let prev = before.chars().next_back();
    let next = after.chars().next();
    let runs_on = prev.is_some_and(|c| c.is_lowercase() || matches!(c, ',' | ';' | '-' | '–'))
        && next.is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    !runs_on
}

/// Longer runs without a sentence end are not prose (tables, lists, hostile input: a 16 MB
/// line) and are cut at a space, so every later stage works on bounded pieces. The longest
/// sentence in the benchmark corpora is under 1,500 bytes.
pub const MAX_SENTENCE_BYTES: usize = 4096;

fn push_trimmed(part: &str, base: usize, start: usize, end: usize, out: &mut Vec<Span>) {
    let piece = &part[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead + trail >= piece.len() {
        return;
    }
    let (mut s, e) = (start + lead, end - trail);
    while e - s > MAX_SENTENCE_BYTES {
        let window = &part[s..part.floor_char_boundary(s + MAX_SENTENCE_BYTES)];
        let cut = window
            .rfind(char::is_whitespace)
            .filter(|&i| i > 0)
            .unwrap_or(window.len());
        let head = part[s..s + cut].trim_end();
        out.push(Span::new(base + s, base + s + head.len()));
        s = e - part[s + cut..e].trim_start().len();
    }
    out.push(Span::new(base + s, base + e));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text, Span::new(0, text.len()))
            .iter()
            .map(|s| s.slice(text))
            .collect()
    }

    #[test]
    fn sentence_table() {
        for (text, want) in [
            (
                "Iraq's military spokesman, Maj. Gen. Qassim Atta, spoke. He said so.",
                &[
                    "Iraq's military spokesman, Maj. Gen. Qassim Atta, spoke.",
                    "He said so.",
                ][..],
            ),
            (
                "Of the 1.6 million people, half fled. Others stayed.",
                &["Of the 1.6 million people, half fled.", "Others stayed."],
            ),
            (
                "The U.S. President spoke. Then the U.S. The end.",
                &["The U.S. President spoke.", "Then the U.S.", "The end."],
            ),
            (
                "Dr. Smith arrived. J. R. Jones left.",
                &["Dr. Smith arrived.", "J. R. Jones left."],
            ),
            (
                "\"We will fight.\" The crowd cheered.",
                &["\"We will fight.\"", "The crowd cheered."],
            ),
            (
                "“Why?” he asked. Nobody knew!",
                &["“Why?” he asked.", "Nobody knew!"],
            ),
            (
                "Headline Here\n\nBody starts. Ends here",
                &["Headline Here", "Body starts.", "Ends here"],
            ),
            (
                "A line that runs\non to the next. Done.",
                &["A line that runs\non to the next.", "Done."],
            ),
            (
                "Title line\nByline\nText.",
                &["Title line", "Byline", "Text."],
            ),
            (
                "Visit cnn.com for more. Thanks.",
                &["Visit cnn.com for more.", "Thanks."],
            ),
            ("Wait... What happened?", &["Wait...", "What happened?"]),
            ("", &[]),
        ] {
            assert_eq!(sentences(text), want, "{text:?}");
        }
    }

    #[test]
    fn spans_are_inside_the_range_and_on_char_boundaries() {
        let text = "Ünïcödé prose… Ça va? Oui.";
        for s in split(text, Span::new(0, text.len())) {
            assert!(text.get(s.start..s.end).is_some());
        }
        assert_eq!(sentences(text), ["Ünïcödé prose…", "Ça va?", "Oui."]);
    }

    /// Hostile input: one "sentence" of megabytes made assembly cubic in its length.
    #[test]
    fn overlong_runs_are_cut_into_bounded_pieces() {
        let words = "Militants attacked Mosul, killing 11 soldiers, officials said ".repeat(2_000);
        let no_spaces = "é".repeat(10_000);
        let mixed = format!("Short one. {words}. {no_spaces} Last.");
        for text in [words.as_str(), no_spaces.as_str(), mixed.as_str()] {
            let spans = split(text, Span::new(0, text.len()));
            let mut last_end = 0;
            for s in &spans {
                let piece = text.get(s.start..s.end).expect("on char boundaries");
                assert!(s.len() <= MAX_SENTENCE_BYTES, "{} bytes", s.len());
                assert!(!piece.is_empty() && piece.trim() == piece);
                assert!(s.start >= last_end);
                last_end = s.end;
            }
            let visible = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
            let kept: usize = spans.iter().map(|s| visible(s.slice(text))).sum();
            assert_eq!(kept, visible(text), "no text is lost");
        }
        assert_eq!(sentences(&mixed)[0], "Short one.");
        assert!(
            sentences(&mixed)
                .last()
                .is_some_and(|s| s.ends_with("é Last."))
        );
    }
}
