//! Output in score.py's two forms: the `--json` object (key order kept, written as `json.dump(...,
//! indent=1)` writes it) and the plain-text table of `print_table`.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::py::float_repr;

/// An ordered JSON tree (serde_json's `Map` sorts its keys unless a crate-wide feature is on).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Fig {
    Null,
    Int(i64),
    Float(f64),
    Str(String),
    Obj(Vec<(String, Fig)>),
}

impl Fig {
    pub(crate) fn int(n: usize) -> Fig {
        Fig::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }

    pub(crate) fn opt(v: Option<f64>) -> Fig {
        v.map_or(Fig::Null, Fig::Float)
    }

    pub(crate) fn to_value(&self) -> Value {
        match self {
            Fig::Null => Value::Null,
            Fig::Int(i) => Value::from(*i),
            Fig::Float(f) => Value::from(*f),
            Fig::Str(s) => Value::String(s.clone()),
            Fig::Obj(items) => {
                let mut m = Map::new();
                for (k, v) in items {
                    m.insert(k.clone(), v.to_value());
                }
                Value::Object(m)
            }
        }
    }

    /// `json.dump(self, indent=1)` (ensure_ascii, Python float repr).
    pub(crate) fn write_py_json(&self, out: &mut String, level: usize) {
        match self {
            Fig::Null => out.push_str("null"),
            Fig::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Fig::Float(f) => out.push_str(&if f.is_nan() {
                "NaN".to_string()
            } else if f.is_infinite() {
                if *f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
            } else {
                float_repr(*f)
            }),
            Fig::Str(s) => json_str(s, out),
            Fig::Obj(items) if items.is_empty() => out.push_str("{}"),
            Fig::Obj(items) => {
                out.push('{');
                let pad = " ".repeat(level + 1);
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('\n');
                    out.push_str(&pad);
                    json_str(k, out);
                    out.push_str(": ");
                    v.write_py_json(out, level + 1);
                }
                out.push('\n');
                out.push_str(&" ".repeat(level));
                out.push('}');
            }
        }
    }
}

fn json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// A value cell of the table: score.py's `fmt`.
#[derive(Clone, Debug)]
pub(crate) enum Cell {
    Int(usize),
    Float(Option<f64>),
}

pub(crate) enum Row {
    Header(String),
    Line(String, Cell, String),
}

pub(crate) fn line(label: impl Into<String>, value: Cell, detail: impl Into<String>) -> Row {
    Row::Line(label.into(), value, detail.into())
}

pub(crate) fn header(text: impl Into<String>) -> Row {
    Row::Header(text.into())
}

fn fmt(c: &Cell) -> String {
    match c {
        Cell::Int(n) => n.to_string(),
        Cell::Float(Some(f)) => crate::py::f3(*f),
        Cell::Float(None) => "-".to_string(),
    }
}

/// score.py `fmt` of an optional float (for detail strings).
pub(crate) fn fmt_opt(v: Option<f64>) -> String {
    fmt(&Cell::Float(v))
}

/// score.py `print_table`, as the text it prints (ending with the blank line).
pub(crate) fn table(title: &str, rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "== {title}");
    let w = rows
        .iter()
        .filter_map(|r| match r {
            Row::Line(label, ..) => Some(label.chars().count()),
            Row::Header(_) => None,
        })
        .chain([10])
        .max()
        .unwrap_or(10);
    for r in rows {
        match r {
            Row::Header(h) => {
                let _ = writeln!(out, "-- {h}");
            }
            Row::Line(label, value, detail) => {
                let pad = w.saturating_sub(label.chars().count());
                let v = fmt(value);
                let vpad = 10usize.saturating_sub(v.chars().count());
                let _ = writeln!(
                    out,
                    "  {label}{}  {}{v}  {detail}",
                    " ".repeat(pad),
                    " ".repeat(vpad)
                );
            }
        }
    }
    out.push('\n');
    out
}
