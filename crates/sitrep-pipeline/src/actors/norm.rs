//! The matching copy of a sentence: whitespace runs become one space, typographic
//! apostrophes and hyphens become ASCII, invisible characters go. A byte map leads every
//! match back to offsets in the original text.

use sitrep_model::Span;

enum Mapped {
    Drop,
    Space,
    Char(char),
}

fn map_char(c: char) -> Mapped {
    match c {
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{00AD}' => Mapped::Drop,
        c if c.is_whitespace() || c.is_control() => Mapped::Space,
        '’' | '‘' | 'ʼ' | 'ʿ' | 'ʾ' | '`' | '´' | '′' => Mapped::Char('\''),
        '\u{2010}' | '\u{2011}' => Mapped::Char('-'),
        c => Mapped::Char(c),
    }
}

/// [`map_char`] of an ASCII byte.
fn map_ascii(b: u8) -> Mapped {
    match b {
        b if b <= b' ' || b == 0x7f => Mapped::Space,
        b'`' => Mapped::Char('\''),
        b => Mapped::Char(char::from(b)),
    }
}

/// An alias in the form the matcher sees text.
pub(super) fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        match map_char(c) {
            Mapped::Drop => {}
            Mapped::Space => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            Mapped::Char(c) => out.push(c),
        }
    }
    out
}

#[derive(Debug)]
pub(super) struct Norm {
    pub text: String,
    /// Per normalized byte: start and end of the original character, relative to `base`.
    starts: Vec<u32>,
    ends: Vec<u32>,
    base: usize,
}

impl Norm {
    /// `None` when the sentence is too long to map with 32-bit offsets.
    pub fn new(sentence: &str, base: usize) -> Option<Norm> {
        u32::try_from(sentence.len()).ok()?;
        let mut n = Norm {
            text: String::with_capacity(sentence.len()),
            starts: Vec::with_capacity(sentence.len()),
            ends: Vec::with_capacity(sentence.len()),
            base,
        };
        let mut i = 0;
        while let Some(&b) = sentence.as_bytes().get(i) {
            // An ASCII byte is its own character (most text); others are decoded.
            let (c, mapped) = if b.is_ascii() {
                (char::from(b), map_ascii(b))
            } else if let Some(c) = sentence.get(i..).and_then(|t| t.chars().next()) {
                (c, map_char(c))
            } else {
                break;
            };
            // Fits: i + len <= sentence.len() <= u32::MAX.
            let (s, e) = (i as u32, (i + c.len_utf8()) as u32);
            i += c.len_utf8();
            match mapped {
                Mapped::Drop => {}
                Mapped::Space if n.text.ends_with(' ') => {
                    if let Some(last) = n.ends.last_mut() {
                        *last = e;
                    }
                }
                Mapped::Space => n.push(' ', s, e),
                Mapped::Char(c) => n.push(c, s, e),
            }
        }
        Some(n)
    }

    fn push(&mut self, c: char, s: u32, e: u32) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.starts.push(s);
            self.ends.push(e);
        }
    }

    /// The original span of normalized bytes `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Option<Span> {
        if end <= start {
            return None;
        }
        let s = *self.starts.get(start)?;
        let e = *self.ends.get(end - 1)?;
        Some(Span::new(self.base + s as usize, self.base + e as usize))
    }

    pub fn prev_char(&self, i: usize) -> Option<char> {
        self.text.get(..i)?.chars().next_back()
    }

    pub fn next_char(&self, i: usize) -> Option<char> {
        self.text.get(i..)?.chars().next()
    }

    /// The word (alphanumeric run) ending at or before `i`, skipping spaces and punctuation.
    pub fn word_before(&self, i: usize) -> Option<&str> {
        let head = self.text.get(..i)?;
        let end = head.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
        let start = head[..end]
            .rfind(|c: char| !c.is_alphanumeric())
            .map_or(0, |p| {
                p + head[p..].chars().next().map_or(1, char::len_utf8)
            });
        (start < end).then(|| &head[start..end])
    }

    /// The word (alphanumeric run) starting at or after `i`.
    pub fn word_after(&self, i: usize) -> Option<(usize, &str)> {
        let tail = self.text.get(i..)?;
        let skip = tail.len()
            - tail
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .len();
        let rest = &tail[skip..];
        let len = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        (len > 0).then(|| (i + skip, &rest[..len]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_bytes_map_as_their_characters_do() {
        for b in 0u8..128 {
            let same = match (map_ascii(b), map_char(char::from(b))) {
                (Mapped::Drop, Mapped::Drop) | (Mapped::Space, Mapped::Space) => true,
                (Mapped::Char(x), Mapped::Char(y)) => x == y,
                _ => false,
            };
            assert!(same, "byte {b:#x}");
        }
    }

    #[test]
    fn spans_map_back_through_collapsed_space_and_quotes() {
        let text = "xx Kata’ib  \n Hezbollah";
        let n = Norm::new(&text[3..], 3).expect("short");
        assert_eq!(n.text, "Kata'ib Hezbollah");
        let span = n.span(0, n.text.len()).expect("span");
        assert_eq!(span.slice(text), "Kata’ib  \n Hezbollah");
        assert_eq!(n.word_before(n.text.len()), Some("Hezbollah"));
        assert_eq!(n.word_before(4), Some("Kata"));
        assert_eq!(n.word_after(7), Some((8, "Hezbollah")));
        assert_eq!(n.word_after(n.text.len()), None);
    }
}
