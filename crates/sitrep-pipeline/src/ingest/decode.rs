//! Bytes to text. Offsets downstream are UTF-8 byte offsets, so everything is
//! turned into one owned `String` here, and only a leading BOM is dropped.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

/// How much of the input is looked at to decide whether it is binary.
const SNIFF_BYTES: usize = 8 * 1024;
/// Share of control characters (in per cent of the sniffed bytes) above which
/// content is treated as binary; text files have almost none.
const MAX_CONTROL_PERCENT: usize = 10;

/// Decodes bytes to text: UTF-8 (BOM stripped), UTF-16 LE/BE with BOM, or
/// lossy UTF-8 repair with a warning saying how many bytes were replaced.
///
/// Returns `Err(reason)` for binary content and for empty or whitespace-only content.
pub fn decode_text(bytes: &[u8]) -> Result<(String, Option<String>), String> {
    decode_text_borrowed(bytes).map(|(text, warning)| (text.into_owned(), warning))
}

/// [`decode_text`], borrowing from `bytes` when they are UTF-8 already (most files), so that
/// a caller who reads only the start of a large file copies only that.
pub(super) fn decode_text_borrowed(bytes: &[u8]) -> Result<(Cow<'_, str>, Option<String>), String> {
    let (text, warning) = if let Some(encoding) = utf16_bom(bytes) {
        let (text, warning) = decode_utf16(bytes, encoding);
        (Cow::Owned(text), warning)
    } else {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        check_not_binary(bytes)?;
        decode_utf8(bytes)
    };
    if text.trim().is_empty() {
        return Err(if text.is_empty() {
            "empty file".to_owned()
        } else {
            "only whitespace, no text".to_owned()
        });
    }
    Ok((text, warning))
}

/// The UTF-16 flavour announced by a byte-order mark, if any.
pub(super) fn utf16_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(UTF_16LE),
        [0xFE, 0xFF, ..] => Some(UTF_16BE),
        _ => None,
    }
}

/// Rejects content that is evidently not text: NUL bytes or many control
/// characters near the start (images, archives, office files).
pub(super) fn check_not_binary(bytes: &[u8]) -> Result<(), String> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if memchr::memchr(0, head).is_some() {
        return Err("binary content (NUL bytes in the first 8 KiB)".to_owned());
    }
    let controls = head.iter().filter(|&&b| is_binary_control(b)).count();
    if !head.is_empty() && controls * 100 > head.len() * MAX_CONTROL_PERCENT {
        let percent = controls * 100 / head.len();
        return Err(format!(
            "binary content ({percent}% control characters in the first 8 KiB)"
        ));
    }
    Ok(())
}

/// Control bytes that do not occur in text files (tab, newlines and form feed do).
fn is_binary_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F
}

fn decode_utf16(bytes: &[u8], encoding: &'static Encoding) -> (String, Option<String>) {
    let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
    let warning = had_errors.then(|| format!("invalid {} repaired", encoding.name()));
    (text.into_owned(), warning)
}

/// UTF-8, repairing invalid sequences with U+FFFD and counting the bytes replaced.
pub(super) fn decode_utf8(bytes: &[u8]) -> (Cow<'_, str>, Option<String>) {
    // Valid UTF-8 is borrowed: a JSONL line of many MB is not copied to be parsed.
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.into(), None);
    }
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut replaced = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            replaced += chunk.invalid().len();
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    (
        text.into(),
        Some(format!("invalid UTF-8 repaired: {replaced} bytes replaced")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row: name, input, expected text or error prefix, expected warning.
    type Case = (
        &'static str,
        Vec<u8>,
        Result<&'static str, &'static str>,
        Option<&'static str>,
    );

    #[test]
    fn decodes_table() {
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Héllo\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Şam\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let cases: Vec<Case> = vec![
            ("plain", b"Hello\nworld".to_vec(), Ok("Hello\nworld"), None),
            ("utf8 bom", b"\xEF\xBB\xBFHi".to_vec(), Ok("Hi"), None),
            ("utf16 le bom", utf16le, Ok("Héllo\n"), None),
            ("utf16 be bom", utf16be, Ok("Şam\n"), None),
            (
                "invalid utf8",
                b"Mosul \xFF\xFE fell\xC3".to_vec(),
                Ok("Mosul \u{FFFD}\u{FFFD} fell\u{FFFD}"),
                Some("invalid UTF-8 repaired: 3 bytes replaced"),
            ),
            (
                "latin1 byte",
                b"caf\xE9".to_vec(),
                Ok("caf\u{FFFD}"),
                Some("invalid UTF-8 repaired: 1 bytes replaced"),
            ),
            (
                "nul bytes",
                b"PK\x03\x04\x00\x00abc".to_vec(),
                Err("binary content (NUL"),
                None,
            ),
            (
                "control chars",
                b"\x01\x02\x03\x04abc".to_vec(),
                Err("binary content ("),
                None,
            ),
            ("empty", Vec::new(), Err("empty file"), None),
            (
                "whitespace",
                b" \n\t\r\n".to_vec(),
                Err("only whitespace"),
                None,
            ),
            (
                "bom only",
                b"\xEF\xBB\xBF".to_vec(),
                Err("empty file"),
                None,
            ),
            (
                "tabs and form feed are text",
                b"a\tb\x0Cc\r\n".to_vec(),
                Ok("a\tb\x0Cc\r\n"),
                None,
            ),
        ];
        for (name, bytes, expected, warning) in cases {
            let got = decode_text(&bytes);
            match (expected, &got) {
                (Ok(text), Ok((got_text, got_warning))) => {
                    assert_eq!(got_text, text, "{name}");
                    assert_eq!(got_warning.as_deref(), warning, "{name}");
                }
                (Err(prefix), Err(reason)) => {
                    assert!(reason.starts_with(prefix), "{name}: {reason}")
                }
                _ => panic!("{name}: expected {expected:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn big_single_line_is_linear() {
        let text = "word ".repeat(10_000_000);
        let (decoded, warning) = decode_text(text.as_bytes()).expect("text decodes");
        assert_eq!(decoded.len(), text.len());
        assert!(warning.is_none());
    }
}
