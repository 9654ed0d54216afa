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
        self.kind == TokenKind::Word
            && self
                .text(text)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
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
    let base = range.start;
    let chars: Vec<(usize, char)> = part.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(part.len(), |&(o, _)| o);
    let mut out = Vec::with_capacity(part.len() / 5);
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() || c.is_control() || is_invisible(c) {
            i += 1;
            continue;
        }
        let (kind, next) = if c.is_alphabetic() {
            (TokenKind::Word, scan_word(&chars, i))
        } else if c.is_ascii_digit() {
            (TokenKind::Number, scan_number(&chars, i))
        } else if is_apostrophe(c)
            && chars.get(i + 1).is_some_and(|&(_, n)| n.is_alphabetic())
            && starts_name(&chars, i)
        {
            // 'Anah: a leading ayn written as an apostrophe belongs to the name.
            (TokenKind::Word, scan_word(&chars, i + 1))
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
fn starts_name(chars: &[(usize, char)], i: usize) -> bool {
    i == 0 || chars[i - 1].1.is_whitespace() || matches!(chars[i - 1].1, '(' | '"' | '“')
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

fn scan_word(chars: &[(usize, char)], mut i: usize) -> usize {
    // Dotted initials: U.S., U.N., e.g.
    if let Some(end) = scan_initials(chars, i) {
        return end;
    }
    while i < chars.len() {
        let c = chars[i].1;
        let joiner = (is_apostrophe(c) || is_hyphen(c))
            && chars.get(i + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || is_invisible(c) || joiner {
            i += 1;
        } else {
            break;
        }
    }
    i
}

fn scan_initials(chars: &[(usize, char)], start: usize) -> Option<usize> {
    let mut i = start;
    let mut letters = 0;
    while i + 1 < chars.len() && chars[i].1.is_alphabetic() && chars[i + 1].1 == '.' {
        let after = chars.get(i + 2).map(|&(_, c)| c);
        letters += 1;
        i += 2;
        if !after.is_some_and(char::is_alphabetic)
            || chars.get(i + 1).is_some_and(|&(_, c)| c.is_alphabetic())
        {
            break;
        }
    }
    (letters >= 2).then_some(i)
}

fn scan_number(chars: &[(usize, char)], mut i: usize) -> usize {
    while i < chars.len() {
        let c = chars[i].1;
        let separator =
            matches!(c, ',' | '.') && chars.get(i + 1).is_some_and(|&(_, n)| n.is_ascii_digit());
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
