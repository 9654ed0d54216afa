//! Word tokens with byte spans: the unit every matcher works on.

use sitrep_model::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, with inner apostrophes, hyphens and dotted initials ("Qa'im", "al-Qaim", "U.S.").
    Word,
    /// Digits with inner separators ("1,600", "1.6").
    Number,
    /// Any other visible character.
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        self.span.slice(text)
    }

    /// Starts with an uppercase letter.
    pub fn is_capitalized(&self, text: &str) -> bool {
        if self.kind != TokenKind::Word {
            return false;
        }
        // Most words start with an ASCII letter: read the byte, not the character.
        match text.as_bytes().get(self.span.start) {
            Some(b)
                if b.is_ascii()
                    && self.span.start < self.span.end
                    && text.is_char_boundary(self.span.end) =>
            {
                b.is_ascii_uppercase()
            }
            _ => self
                .text(text)
                .chars()
                .next()
                .is_some_and(char::is_uppercase),
        }
    }

    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }
}

/// Runs `f` on `word` lowercased exactly as `str::to_lowercase` would, without allocating
/// when the word is ASCII and short: the word lists are asked about every token.
pub(crate) fn with_lowercase<T>(word: &str, f: impl FnOnce(&str) -> T) -> T {
    const MAX: usize = 32;
    if word.is_ascii() {
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return f(word);
        }
        if word.len() <= MAX {
            let mut buf = [0u8; MAX];
            let lower = &mut buf[..word.len()];
            lower.copy_from_slice(word.as_bytes());
            lower.make_ascii_lowercase();
            // ASCII stays valid UTF-8.
            if let Ok(lower) = std::str::from_utf8(lower) {
                return f(lower);
            }
        }
    }
    f(&word.to_lowercase())
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʿ' | 'ʾ' | '‘')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑')
}

/// Tokens of `text[range]`, with spans into `text`.
pub fn tokenize(text: &str, range: Span) -> Vec<Token> {
    let Some(part) = text.get(range.start..range.end) else {
        return Vec::new();
    };
    if part.is_ascii() {
        // Most sentences: each byte is its own character at its own offset.
        scan(&Ascii(part.as_bytes()), part.len(), range.start)
    } else {
        let chars: Vec<(usize, char)> = part.char_indices().collect();
        scan(&chars.as_slice(), part.len(), range.start)
    }
}

/// The characters of a text part with their byte offsets, read by index.
trait CharTable {
    fn len(&self) -> usize;
    fn get(&self, i: usize) -> Option<(usize, char)>;
    fn char(&self, i: usize) -> Option<char> {
        self.get(i).map(|(_, c)| c)
    }
}

impl CharTable for &[(usize, char)] {
    fn len(&self) -> usize {
        <[_]>::len(self)
    }
    fn get(&self, i: usize) -> Option<(usize, char)> {
        <[_]>::get(self, i).copied()
    }
}

/// An ASCII part: byte `i` is character `i`.
struct Ascii<'a>(&'a [u8]);

impl CharTable for Ascii<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn get(&self, i: usize) -> Option<(usize, char)> {
        self.0.get(i).map(|&b| (i, char::from(b)))
    }
}

fn scan(chars: &impl CharTable, part_len: usize, base: usize) -> Vec<Token> {
    let end_of = |i: usize| chars.get(i).map_or(part_len, |(o, _)| o);
    let mut out = Vec::with_capacity(part_len / 5);
    let mut i = 0;
    while let Some((start, c)) = chars.get(i) {
        if c.is_whitespace() || c.is_control() || is_invisible(c) {
            i += 1;
            continue;
        }
        let (kind, next) = if c.is_alphabetic() {
            (TokenKind::Word, scan_word(chars, i))
        } else if c.is_ascii_digit() {
            (TokenKind::Number, scan_number(chars, i))
        } else if is_apostrophe(c)
            && chars.char(i + 1).is_some_and(char::is_alphabetic)
            && starts_name(chars, i)
        {
            // 'Anah: a leading ayn written as an apostrophe belongs to the name.
            (TokenKind::Word, scan_word(chars, i + 1))
        } else {
            (TokenKind::Punct, i + 1)
        };
        out.push(Token {
            span: Span::new(base + start, base + end_of(next)),
            kind,
        });
        i = next;
    }
    out
}

/// An apostrophe at the start of a word (after space or start), not a closing quote.
fn starts_name(chars: &impl CharTable, i: usize) -> bool {
    i == 0
        || chars
            .char(i - 1)
            .is_some_and(|p| p.is_whitespace() || matches!(p, '(' | '"' | '“'))
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

fn scan_word(chars: &impl CharTable, mut i: usize) -> usize {
    // Dotted initials: U.S., U.N., e.g.
    if let Some(end) = scan_initials(chars, i) {
        return end;
    }
    while let Some(c) = chars.char(i) {
        let joiner = (is_apostrophe(c) || is_hyphen(c))
            && chars.char(i + 1).is_some_and(char::is_alphanumeric);
        if c.is_alphanumeric() || is_invisible(c) || joiner {
            i += 1;
        } else {
            break;
        }
    }
    i
}

fn scan_initials(chars: &impl CharTable, start: usize) -> Option<usize> {
    let mut i = start;
    let mut letters = 0;
    while i + 1 < chars.len()
        && chars.char(i).is_some_and(char::is_alphabetic)
        && chars.char(i + 1) == Some('.')
    {
        let after = chars.char(i + 2);
        letters += 1;
        i += 2;
        if !after.is_some_and(char::is_alphabetic)
            || chars.char(i + 1).is_some_and(char::is_alphabetic)
        {
            break;
        }
    }
    (letters >= 2).then_some(i)
}

fn scan_number(chars: &impl CharTable, mut i: usize) -> usize {
    while let Some(c) = chars.char(i) {
        let separator =
            matches!(c, ',' | '.') && chars.char(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() || separator {
            i += 1;
        } else {
            break;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The ASCII path reads a sentence exactly as the general one does.
        #[test]
        fn ascii_fast_path_matches_the_general_scan(s in "[ -~\t\n]{0,80}") {
            let chars: Vec<(usize, char)> = s.char_indices().collect();
            proptest::prop_assert_eq!(
                scan(&Ascii(s.as_bytes()), s.len(), 7),
                scan(&chars.as_slice(), s.len(), 7)
            );
        }
    }

    fn words(text: &str) -> Vec<&str> {
        tokenize(text, Span::new(0, text.len()))
            .iter()
            .map(|t| t.text(text))
            .collect()
    }

    #[test]
    fn token_table() {
        for (text, want) in [
            ("Al Qa'im fell.", &["Al", "Qa'im", "fell", "."][..]),
            ("al-Qaim's forces", &["al-Qaim's", "forces"]),
            ("the U.S. said", &["the", "U.S.", "said"]),
            ("1,600 and 1.6 million", &["1,600", "and", "1.6", "million"]),
            ("'Anah and Ana", &["'Anah", "and", "Ana"]),
            (
                "“strategic withdrawal”",
                &["“", "strategic", "withdrawal", "”"],
            ),
            ("70% of Anbar", &["70", "%", "of", "Anbar"]),
            ("Ra\u{200B}wa", &["Ra\u{200B}wa"]),
            ("", &[]),
        ] {
            assert_eq!(words(text), want, "{text:?}");
        }
    }

    #[test]
    fn with_lowercase_is_to_lowercase() {
        for w in [
            "",
            "mosul",
            "Mosul",
            "MOSUL",
            "İstanbul",
            "ΟΔΟΣ",
            "Köln",
            "A-very-long-hyphenated-ASCII-word-over-32-bytes",
        ] {
            assert_eq!(with_lowercase(w, str::to_string), w.to_lowercase(), "{w:?}");
        }
    }

    #[test]
    fn spans_are_offsets_into_the_whole_text() {
        let text = "xx Mosul yy";
        let toks = tokenize(text, Span::new(3, 8));
        assert_eq!(toks.len(), 1);
        assert_eq!(toks[0].span, Span::new(3, 8));
        assert!(toks[0].is_capitalized(text));
    }
}
