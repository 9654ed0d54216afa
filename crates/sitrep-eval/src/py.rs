//! Python semantics that score.py relies on, for JSON-decoded values: truthiness, `==`, dict keys,
//! `str()`, `float()`, `round()`, `str.strip()`, `math.fsum`, `statistics.median`/`fmean`, and the
//! scorer's own small helpers (`num`, `coords`, `parse_day`, `norm`, `inter`, `band`, ...).

use std::cmp::Ordering;

use serde_json::{Number, Value};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

pub(crate) static NULL: Value = Value::Null;

pub(crate) const EARTH_RADIUS_KM: f64 = 6371.0088;
/// Half the Earth's circumference: the worst possible geocoding error.
pub(crate) const MAX_ERROR_KM: f64 = 20039.0;

/// `x.get(key)` for a JSON object; `None` (JSON null) for a missing key or a non-object.
pub(crate) fn get<'a>(v: &'a Value, key: &str) -> &'a Value {
    match v {
        Value::Object(m) => m.get(key).unwrap_or(&NULL),
        _ => &NULL,
    }
}

/// Python truthiness of a JSON-decoded value.
pub(crate) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i != 0
            } else if let Some(u) = n.as_u64() {
                u != 0
            } else {
                n.as_f64().is_some_and(|f| f != 0.0)
            }
        }
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

#[derive(Clone, Copy, Debug)]
enum PyNum {
    Int(i128),
    Float(f64),
}

fn py_num(v: &Value) -> Option<PyNum> {
    match v {
        Value::Bool(b) => Some(PyNum::Int(i128::from(*b))),
        Value::Number(n) => Some(number(n)),
        _ => None,
    }
}

fn number(n: &Number) -> PyNum {
    if let Some(i) = n.as_i64() {
        PyNum::Int(i128::from(i))
    } else if let Some(u) = n.as_u64() {
        PyNum::Int(i128::from(u))
    } else {
        PyNum::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// An integral float within i128 range, as an integer.
fn float_as_int(f: f64) -> Option<i128> {
    // 2^127 is exactly representable; every integral float strictly inside the bounds converts exactly
    const BOUND: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if f.is_finite() && f.fract() == 0.0 && f > -BOUND && f < BOUND {
        Some(f as i128)
    } else {
        None
    }
}

fn num_eq(a: PyNum, b: PyNum) -> bool {
    match (a, b) {
        (PyNum::Int(x), PyNum::Int(y)) => x == y,
        (PyNum::Float(x), PyNum::Float(y)) => x == y,
        (PyNum::Int(i), PyNum::Float(f)) | (PyNum::Float(f), PyNum::Int(i)) => {
            float_as_int(f) == Some(i)
        }
    }
}

/// Python `a == b` for JSON-decoded values (True == 1 == 1.0; lists and dicts compared deeply).
pub(crate) fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => match (py_num(a), py_num(b)) {
            (Some(x), Some(y)) => num_eq(x, y),
            _ => false,
        },
    }
}

/// A JSON-decoded value as a Python dict key (hash equality: True == 1 == 1.0). Lists and dicts are
/// unhashable in Python (score.py would stop with a TypeError); they get a key of their own here.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    None,
    Int(i128),
    /// A non-integral float, by its bits.
    Float(u64),
    Str(String),
    Other(String),
}

impl Key {
    pub(crate) fn of(v: &Value) -> Key {
        match v {
            Value::Null => Key::None,
            Value::Bool(b) => Key::Int(i128::from(*b)),
            Value::Number(n) => match number(n) {
                PyNum::Int(i) => Key::Int(i),
                PyNum::Float(f) => match float_as_int(f) {
                    Some(i) => Key::Int(i),
                    None => Key::Float(f.to_bits()),
                },
            },
            Value::String(s) => Key::Str(s.clone()),
            Value::Array(_) | Value::Object(_) => Key::Other(v.to_string()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Key::None => 0,
            Key::Int(_) | Key::Float(_) => 1,
            Key::Str(_) => 2,
            Key::Other(_) => 3,
        }
    }

    /// The key as `json.dump` writes a dict key.
    pub(crate) fn json_key(&self) -> String {
        match self {
            Key::None => "null".to_string(),
            Key::Int(i) => i.to_string(),
            Key::Float(b) => float_repr(f64::from_bits(*b)),
            Key::Str(s) | Key::Other(s) => s.clone(),
        }
    }
}

impl Ord for Key {
    /// Python's ordering where it is defined (numbers by value, strings by code point); an
    /// arbitrary but total order across types, where Python would raise.
    fn cmp(&self, other: &Self) -> Ordering {
        let as_f = |k: &Key| match k {
            Key::Int(i) => *i as f64,
            Key::Float(b) => f64::from_bits(*b),
            _ => 0.0,
        };
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a.cmp(b),
            (Key::Str(a), Key::Str(b)) | (Key::Other(a), Key::Other(b)) => a.cmp(b),
            (Key::Int(_) | Key::Float(_), Key::Int(_) | Key::Float(_)) => {
                let is_float = |k: &Key| matches!(k, Key::Float(_));
                as_f(self)
                    .total_cmp(&as_f(other))
                    .then_with(|| is_float(self).cmp(&is_float(other)))
            }
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Python's `repr(float)` (also what `str()` and `json.dump` write for finite floats).
pub(crate) fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    // shortest round-trip digits, as "d.ddde±x"
    let sci = format!("{:e}", f.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    let decpt = exp + 1; // value = 0.DIGITS * 10^decpt
    if decpt <= -4 || decpt > 16 {
        let mut m = digits[..1].to_string();
        if digits.len() > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let es = if exp < 0 { '-' } else { '+' };
        format!("{sign}{m}e{es}{:02}", exp.abs())
    } else if decpt <= 0 {
        format!(
            "{sign}0.{}{digits}",
            "0".repeat(decpt.unsigned_abs() as usize)
        )
    } else {
        let d = decpt as usize;
        if digits.len() <= d {
            format!("{sign}{digits}{}.0", "0".repeat(d - digits.len()))
        } else {
            format!("{sign}{}.{}", &digits[..d], &digits[d..])
        }
    }
}

/// Python's `repr(str)` (approximately: printability is judged without Unicode tables).
fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..=0xa0).contains(&(c as u32)) || c == '\u{ad}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if matches!(c as u32, 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x206f | 0xfeff | 0xe000..=0xf8ff) =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn repr(v: &Value) -> String {
    match v {
        Value::String(s) => str_repr(s),
        _ => py_str(v),
    }
}

/// Python's `str()` of a JSON-decoded value.
pub(crate) fn py_str(v: &Value) -> String {
    match v {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(n) => match number(n) {
            PyNum::Int(i) => i.to_string(),
            PyNum::Float(f) => float_repr(f),
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(repr).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", str_repr(k), repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `str.isspace()` (Rust's White_Space plus the four ASCII information separators).
pub(crate) fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `str.strip()`.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(py_space)
}

/// The zero of every run of Unicode decimal digits (category Nd, Unicode 14 as in Python 3.11):
/// Unicode encodes each such run as ten contiguous code points, 0 to 9.
const DIGIT_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The value of a decimal digit as Python's `\d` and `int()`/`float()` see it (any Unicode Nd digit).
pub(crate) fn decimal_digit(c: char) -> Option<u32> {
    let c = c as u32;
    let i = DIGIT_ZEROS.partition_point(|&z| z <= c).checked_sub(1)?;
    let v = c - DIGIT_ZEROS[i];
    (v < 10).then_some(v)
}

/// Unicode decimal digits as ASCII ones (what CPython does before parsing a number).
fn ascii_digits(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match decimal_digit(c) {
            Some(d) => char::from_digit(d, 10).unwrap_or(c),
            None => c,
        })
        .collect::<String>()
        .into()
}

/// Python's `float(str)` (Unicode decimal digits; PEP 515 underscores between digits).
pub(crate) fn py_float(s: &str) -> Option<f64> {
    let s = ascii_digits(py_strip(s));
    let s = s.as_ref();
    let cleaned;
    let s = if s.contains('_') {
        let b = s.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if c == b'_' {
                let before = i > 0 && b[i - 1].is_ascii_digit();
                let after = b.get(i + 1).is_some_and(u8::is_ascii_digit);
                if !before || !after {
                    return None;
                }
            }
        }
        cleaned = s.replace('_', "");
        cleaned.as_str()
    } else {
        s
    };
    // Rust accepts the same decimal/"inf"/"nan" syntax; reject anything with other letters early
    if !s
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
    {
        return None;
    }
    s.parse::<f64>().ok()
}

/// score.py `num`: a finite float from a number or a numeric string; None otherwise (bools too).
pub(crate) fn num(v: &Value) -> Option<f64> {
    let f = match v {
        Value::Null | Value::Bool(_) => return None,
        Value::Number(n) => match number(n) {
            PyNum::Int(i) => i as f64,
            PyNum::Float(f) => f,
        },
        Value::String(s) => py_float(s)?,
        Value::Array(_) | Value::Object(_) => return None,
    };
    f.is_finite().then_some(f)
}

/// A float as a Python int (saturating far outside any plausible range).
fn to_int(f: f64) -> i128 {
    f as i128
}

/// score.py `int_or_none`: `int(round(num(v)))`, rounding half to even.
pub(crate) fn int_or_none(v: &Value) -> Option<i128> {
    num(v).map(|f| to_int(f.round_ties_even()))
}

/// score.py `coords`: (lat, lon) when both are numbers within range.
pub(crate) fn coords(x: &Value) -> Option<(f64, f64)> {
    let lat = num(get(x, "latitude"))?;
    let lon = num(get(x, "longitude"))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return None;
    }
    Some((lat, lon))
}

pub(crate) fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let rad = std::f64::consts::PI / 180.0;
    let (lat1, lon1) = a;
    let (lat2, lon2) = b;
    let (p1, p2) = (lat1 * rad, lat2 * rad);
    let (dp, dl) = (p2 - p1, (lon2 - lon1) * rad);
    let s1 = (dp / 2.0).sin();
    let s2 = (dl / 2.0).sin();
    let h = s1 * s1 + p1.cos() * p2.cos() * (s2 * s2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// score.py `parse_day`: the leading `YYYY-MM-DD` of a string, as a day number; None if absent or invalid.
pub(crate) fn parse_day(v: &Value) -> Option<i64> {
    // ^(\d{4})-(\d{2})-(\d{2}) on the stripped string, \d being any Unicode decimal digit
    let s: Vec<char> = py_strip(v.as_str()?).chars().take(10).collect();
    if s.len() < 10 || s[4] != '-' || s[7] != '-' {
        return None;
    }
    let field = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut n = 0i64;
        for &c in &s[r] {
            n = n * 10 + i64::from(decimal_digit(c)?);
        }
        Some(n)
    };
    let (y, m, d) = (field(0..4)?, field(5..7)?, field(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let dim = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if y < 1 || d < 1 || d > dim {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// score.py `norm`: NFKD, combining marks dropped, casefolded, runs of anything but `[0-9a-z]` to
/// one space, stripped. `casefold` is `to_lowercase` plus ß/ẞ → "ss" (the only casefold mappings
/// that still matter after NFKD and the `[0-9a-z]` filter).
pub(crate) fn norm(v: &Value) -> String {
    let owned;
    let s = match v {
        Value::Null => return String::new(),
        Value::String(s) => s.as_str(),
        other => {
            owned = py_str(other);
            owned.as_str()
        }
    };
    norm_str(s)
}

pub(crate) fn norm_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_ascii_digit() || c.is_ascii_lowercase() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    };
    for c in s.nfkd().filter(|&c| canonical_combining_class(c) == 0) {
        if c == 'ß' || c == '\u{1e9e}' {
            push('s', &mut out);
            push('s', &mut out);
        } else if c.is_ascii() {
            push(c.to_ascii_lowercase(), &mut out);
        } else {
            for l in c.to_lowercase() {
                push(l, &mut out);
            }
        }
    }
    out
}

/// Spellings that differ between ACLED and common gazetteers (compared after normalisation).
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    (
        "democratic republic of the congo",
        "democratic republic of congo",
    ),
    ("dr congo", "democratic republic of congo"),
    ("drc", "democratic republic of congo"),
    ("congo kinshasa", "democratic republic of congo"),
    (
        "congo democratic republic of the",
        "democratic republic of congo",
    ),
    ("congo", "republic of congo"),
    ("congo brazzaville", "republic of congo"),
    ("cote d ivoire", "ivory coast"),
    ("burma", "myanmar"),
    ("swaziland", "eswatini"),
    ("russian federation", "russia"),
    ("syrian arab republic", "syria"),
    ("iran islamic republic of", "iran"),
    ("islamic republic of iran", "iran"),
    ("united states of america", "united states"),
    ("usa", "united states"),
    ("us", "united states"),
    ("turkiye", "turkey"),
    ("republic of turkey", "turkey"),
    ("macedonia", "north macedonia"),
    ("cabo verde", "cape verde"),
    ("east timor", "timor leste"),
    ("lao people s democratic republic", "laos"),
    ("lao pdr", "laos"),
    ("viet nam", "vietnam"),
    ("united republic of tanzania", "tanzania"),
    ("tanzania united republic of", "tanzania"),
    ("the gambia", "gambia"),
    ("palestinian territory", "palestine"),
    ("state of palestine", "palestine"),
    ("occupied palestinian territory", "palestine"),
    ("palestinian territories", "palestine"),
    ("korea republic of", "south korea"),
    ("republic of korea", "south korea"),
    ("czechia", "czech republic"),
    ("moldova republic of", "moldova"),
    ("republic of moldova", "moldova"),
    ("bolivia plurinational state of", "bolivia"),
    ("venezuela bolivarian republic of", "venezuela"),
    (
        "united kingdom of great britain and northern ireland",
        "united kingdom",
    ),
    ("uk", "united kingdom"),
    ("great britain", "united kingdom"),
    ("libyan arab jamahiriya", "libya"),
    ("state of libya", "libya"),
];

/// score.py `norm_country`: `norm` then COUNTRY_ALIASES.
pub(crate) fn norm_country(v: &Value) -> String {
    let n = norm(v);
    match COUNTRY_ALIASES.iter().find(|(k, _)| *k == n) {
        Some((_, to)) => (*to).to_string(),
        None => n,
    }
}

const INTER_LABELS: &[(&str, i128)] = &[
    ("state forces", 1),
    ("rebel group", 2),
    ("political militia", 3),
    ("identity militia", 4),
    ("rioters", 5),
    ("protesters", 6),
    ("civilians", 7),
    ("external/other forces", 8),
];

/// score.py `inter`: an ACLED actor-category code from a number, a numeric string or a label.
pub(crate) fn inter(v: &Value) -> Option<i128> {
    match v {
        Value::Null | Value::Bool(_) => None,
        Value::Number(n) => match number(n) {
            PyNum::Int(i) => Some(i),
            PyNum::Float(f) => f.is_finite().then(|| to_int(f.trunc())),
        },
        Value::String(s) => {
            // re.fullmatch(r"\d+(\.0+)?", s) -> int(float(s)), \d being any Unicode decimal digit
            let s = py_strip(s);
            let b: Vec<char> = s.chars().collect();
            let int_len = b
                .iter()
                .take_while(|&&c| decimal_digit(c).is_some())
                .count();
            let numeric = int_len > 0
                && (int_len == b.len()
                    || (b[int_len] == '.'
                        && b.len() > int_len + 1
                        && b[int_len + 1..].iter().all(|&c| c == '0')));
            if numeric {
                let f = py_float(s)?;
                return f.is_finite().then(|| to_int(f.trunc()));
            }
            let low = s.to_lowercase();
            INTER_LABELS
                .iter()
                .find(|(k, _)| *k == low)
                .map(|(_, c)| *c)
        }
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// score.py `band` (fatality bands).
pub(crate) fn band(n: i128) -> Option<&'static str> {
    match n {
        0 => Some("0"),
        1 => Some("1"),
        2..=5 => Some("2-5"),
        6..=10 => Some("6-10"),
        11..=50 => Some("11-50"),
        n if n >= 51 => Some(">50"),
        _ => None,
    }
}

/// score.py `type_ok`: the predicted type is one of the gold type's `|`-separated alternatives.
pub(crate) fn type_ok(pred_type: &Value, gold_type: &Value) -> bool {
    match (pred_type.as_str(), gold_type.as_str()) {
        (Some(p), Some(g)) if !g.is_empty() => g.split('|').any(|a| a == p),
        _ => false,
    }
}

/// score.py `ratio`.
pub(crate) fn ratio(a: f64, b: f64) -> f64 {
    if b != 0.0 { a / b } else { 0.0 }
}

pub(crate) fn ratio_n(a: usize, b: usize) -> f64 {
    ratio(a as f64, b as f64)
}

/// Python 3.11 `sum()` of floats: plain left-to-right addition.
pub(crate) fn py_sum(xs: impl IntoIterator<Item = f64>) -> f64 {
    xs.into_iter().fold(0.0, |a, x| a + x)
}

/// `math.fsum`: the correctly rounded sum (CPython's algorithm, finite inputs).
pub(crate) fn fsum(xs: &[f64]) -> f64 {
    let mut p: Vec<f64> = Vec::new();
    for &x0 in xs {
        let mut x = x0;
        let mut i = 0;
        for j in 0..p.len() {
            let mut y = p[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let yr = hi - x;
            let lo = y - yr;
            if lo != 0.0 {
                p[i] = lo;
                i += 1;
            }
            x = hi;
        }
        p.truncate(i);
        if x != 0.0 {
            p.push(x);
        }
    }
    let mut n = p.len();
    let mut hi = 0.0;
    if n > 0 {
        n -= 1;
        hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    hi
}

/// `statistics.fmean` (None for no data, where score.py guards).
pub(crate) fn fmean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| fsum(xs) / xs.len() as f64)
}

/// `statistics.median` of floats (None for no data).
pub(crate) fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// score.py `auc_log_error`: area under the sorted ln(1+error) curve (trapezoidal), normalised by
/// the area when every error is the maximum; None for no errors.
pub(crate) fn auc_log_error(errors: &[f64]) -> Option<f64> {
    if errors.is_empty() {
        return None;
    }
    let mut v: Vec<f64> = errors
        .iter()
        .map(|&e| e.clamp(0.0, MAX_ERROR_KM).ln_1p())
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
    let top = MAX_ERROR_KM.ln_1p();
    if v.len() == 1 {
        return Some(v[0] / top);
    }
    let area = py_sum(v.iter().copied()) - (v[0] + v[v.len() - 1]) / 2.0;
    Some(area / ((v.len() - 1) as f64 * top))
}

/// Python's `%.3f`.
pub(crate) fn f3(x: f64) -> String {
    format!("{x:.3}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn float_repr_matches_python() {
        for (f, s) in [
            (0.1, "0.1"),
            (1.0, "1.0"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (-2.5, "-2.5"),
            (1.2345678901234568e17, "1.2345678901234568e+17"),
            (123.456, "123.456"),
            (1e300, "1e+300"),
            (-0.0, "-0.0"),
        ] {
            assert_eq!(float_repr(f), s, "{f}");
        }
    }

    #[test]
    fn haversine_known_values() {
        // python3: score.haversine(3.0021, 35.5322, -1.283, 36.817)
        let d = haversine((3.0021, 35.5322), (-1.283, 36.817));
        assert!((d - 497.42434908768627).abs() < 1e-9, "{d}");
        assert_eq!(haversine((10.0, 20.0), (10.0, 20.0)), 0.0);
        // antipodes: asin(1) -> half the circumference
        let d = haversine((0.0, 0.0), (0.0, 180.0));
        assert!((d - 20015.114442035923).abs() < 1e-9, "{d}");
    }

    #[test]
    fn band_and_inter() {
        assert_eq!(band(0), Some("0"));
        assert_eq!(band(1), Some("1"));
        assert_eq!(band(5), Some("2-5"));
        assert_eq!(band(6), Some("6-10"));
        assert_eq!(band(50), Some("11-50"));
        assert_eq!(band(51), Some(">50"));
        assert_eq!(band(-1), None);
        assert_eq!(inter(&json!("Rebel group ")), Some(2));
        assert_eq!(inter(&json!("7.00")), Some(7));
        assert_eq!(inter(&json!("7.5")), None);
        assert_eq!(inter(&json!(3.9)), Some(3));
        assert_eq!(inter(&json!(true)), None);
        assert_eq!(inter(&json!(null)), None);
    }

    #[test]
    fn numbers_like_python() {
        assert_eq!(num(&json!(" 12.5 ")), Some(12.5));
        assert_eq!(num(&json!("1_000")), Some(1000.0));
        assert_eq!(num(&json!("_1")), None);
        assert_eq!(num(&json!("\u{661}\u{662}.\u{665}")), Some(12.5)); // Arabic-Indic digits, as float() reads them
        assert_eq!(inter(&json!("\u{ff13}")), Some(3)); // fullwidth 3
        assert_eq!(num(&json!("inf")), None);
        assert_eq!(num(&json!(true)), None);
        assert_eq!(num(&json!([1])), None);
        assert_eq!(int_or_none(&json!(2.5)), Some(2));
        assert_eq!(int_or_none(&json!(3.5)), Some(4));
        assert_eq!(int_or_none(&json!("-0.5")), Some(0));
        assert!(py_eq(&json!(1), &json!(1.0)));
        assert!(py_eq(&json!(true), &json!(1)));
        assert!(!py_eq(&json!("1"), &json!(1)));
        assert_eq!(Key::of(&json!(2.0)), Key::of(&json!(2)));
    }

    #[test]
    fn norm_like_python() {
        // python3: score.norm(...), score.norm_country(...)
        assert_eq!(norm(&json!("Côte d'Ivoire")), "cote d ivoire");
        assert_eq!(norm_country(&json!("Côte d'Ivoire")), "ivory coast");
        assert_eq!(norm(&json!("Straße  ẞ-Ort")), "strasse ss ort");
        assert_eq!(norm(&json!("  Ｋａｂｕｌ１ ")), "kabul1");
        assert_eq!(norm(&json!("ﬁnal İstanbul")), "final istanbul");
        assert_eq!(norm(&json!(null)), "");
        assert_eq!(norm(&json!(1.5)), "1 5");
        assert_eq!(norm(&json!(true)), "true");
        assert_eq!(norm(&json!(["Kenya", 1])), "kenya 1");
        assert_eq!(norm_country(&json!("U.S.")), "u s");
        assert_eq!(norm_country(&json!("USA")), "united states");
        assert_eq!(
            norm_country(&json!("DR Congo")),
            "democratic republic of congo"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(parse_day(&json!("1970-01-01")), Some(0));
        assert_eq!(parse_day(&json!(" 2020-03-01T10:00")), Some(18322));
        assert_eq!(parse_day(&json!("2019-02-29")), None);
        assert_eq!(parse_day(&json!("2020-02-29")), Some(18321));
        assert_eq!(parse_day(&json!("0000-01-01")), None);
        assert_eq!(parse_day(&json!("2020-1-01")), None);
        assert_eq!(
            parse_day(&json!(
                "\u{662}\u{660}\u{662}\u{660}-\u{660}\u{661}-\u{660}\u{661}"
            )),
            Some(18262)
        );
        assert_eq!(parse_day(&json!(20200101)), None);
    }

    #[test]
    fn auc_and_stats() {
        // python3: score.auc_log_error([0, 10, 161, 20039, 30000]) etc.
        let a = auc_log_error(&[0.0, 10.0, 161.0, 20039.0, 30000.0]).unwrap_or(f64::NAN);
        assert!((a - 0.5639228843532579).abs() < 1e-12, "{a}");
        let a = auc_log_error(&[5.0]).unwrap_or(f64::NAN);
        assert!((a - 0.18088557691022697).abs() < 1e-12, "{a}");
        assert_eq!(auc_log_error(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(fsum(&[1e-16, 1.0, 1e16]), 10000000000000002.0);
        assert_eq!(fsum(&[0.1; 10]), 1.0);
        assert_eq!(fmean(&[]), None);
    }
}
