//! Date expressions: absolute ("June 10, 2014", "10 June", "3/4") and relative to the
//! publication date ("Saturday", "overnight", "last week"), with ACLED time precision
//! (1 day, 2 week or span, 3 month). Nothing is resolved without what it needs: a weekday
//! without a publication date yields no date.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use regex::Regex;
use sitrep_model::Span;

/// A date found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    pub span: Span,
    pub date: NaiveDate,
    /// ACLED time precision: 1 day, 2 week/span, 3 month.
    pub precision: u8,
    /// Years before the reference date (background, "in 2006"), or a span start ("since Friday").
    pub kind: DateKind,
    /// Written as a calendar date ("17 January", "17/01"), not relative to the report ("yesterday").
    pub explicit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// A day or period the text states.
    Stated,
    /// The start of an ongoing span ("since Friday").
    Since,
    /// Far before the report: background, not the news of the day.
    Historical,
}

/// Compiled date patterns, built once.
#[derive(Debug)]
pub struct DateReader {
    month_day_year: Regex,
    day_month_year: Regex,
    iso: Regex,
    numeric: Regex,
    month_year: Regex,
    relative: Regex,
    year: Regex,
    ago: Regex,
}

const MONTHS: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

fn month_number(s: &str) -> Option<u32> {
    let s = s.to_ascii_lowercase();
    let m = match s.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_lowercase().get(..3)? {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

impl Default for DateReader {
    fn default() -> Self {
        Self::new()
    }
}

impl DateReader {
    pub fn new() -> Self {
        // Word boundaries are ASCII ones: a Unicode `\b` stops the regex engine's DFA at the
        // first non-ASCII byte (a curly quote in nearly every news sentence) and leaves it
        // to the far slower backtracker. Date words and digits are ASCII either way.
        let re = |p: &str| {
            let p = p.replace(r"\b", r"(?-u:\b)");
            Regex::new(&p).unwrap_or_else(|e| panic!("date pattern {p}: {e}"))
        };
        Self {
            month_day_year: re(&format!(
                r"(?i)\b({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}})?(?:,?\s+(\d{{4}}))?\b"
            )),
            day_month_year: re(&format!(
                r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–/]\s*\d{{1,2}}(?:st|nd|rd|th)?)?\s+(?:of\s+)?({MONTHS})\.?(?:,?\s+(\d{{4}}))?\b"
            )),
            iso: re(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
            // "on 3/4", "dated 17/01", and the bracketed "(17/01)" of wire notes.
            numeric: re(r"(?:\b(?:on|dated)\s+|\()(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?(?:\b|\))"),
            month_year: re(&format!(
                r"(?i)\b(?:(early|mid|late)[-\s]+)?({MONTHS})\.?,?\s+(\d{{4}})\b"
            )),
            relative: re(
                r"(?i)\b(?:(last|this|next|since|until|on|early|late)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight|overnight|last\s+night|this\s+week|last\s+week|earlier\s+this\s+week|earlier\s+this\s+month|this\s+month|last\s+month|the\s+weekend|this\s+weekend|last\s+weekend|the\s+day\s+before)(?:\s+(morning|afternoon|evening|night))?\b",
            ),
            year: re(
                r"\b(?:in|during|since|of|from)\s+((?:19|20)\d{2})(?:\s*[-–]\s*((?:19|20)?\d{2}))?\b",
            ),
            ago: re(
                r"(?i)\b(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|several|many)\s+(year|decade)s?\s+ago\b",
            ),
        }
    }

    /// Dates in `text[range]`, relative ones resolved against `reference` (the publication date).
    pub fn find(&self, text: &str, range: Span, reference: Option<NaiveDate>) -> Vec<DateMention> {
        let Some(part) = text.get(range.start..range.end) else {
            return Vec::new();
        };
        // Every pattern but `relative` and `ago` needs a digit (`\d` is Unicode's Nd, inside
        // `char::is_numeric`): most sentences have none and skip them.
        let has_digit = part.bytes().any(|b| b.is_ascii_digit())
            || (!part.is_ascii() && part.chars().any(char::is_numeric));
        let digits = if has_digit { part } else { "" };
        let mut out: Vec<DateMention> = Vec::new();
        let at = |s: usize, e: usize| Span::new(range.start + s, range.start + e);
        let push = |m: DateMention, out: &mut Vec<DateMention>| {
            if !out.iter().any(|o| o.span.overlaps(m.span)) {
                out.push(m);
            }
        };
        for c in self.iso.captures_iter(digits) {
            let (Some(y), Some(mo), Some(d)) = (num(&c, 1), num(&c, 2), num(&c, 3)) else {
                continue;
            };
            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, mo, d)
                && let Some(whole) = c.get(0)
            {
                push(
                    stated(at(whole.start(), whole.end()), date, 1, reference),
                    &mut out,
                );
            }
        }
        for c in self
            .month_day_year
            .captures_iter(digits)
            .chain(self.day_month_year.captures_iter(digits))
        {
            let Some(whole) = c.get(0) else { continue };
            let (month_s, day_s) = if c
                .get(1)
                .is_some_and(|m| m.as_str().chars().all(|ch| ch.is_ascii_digit()))
            {
                (c.get(2), c.get(1))
            } else {
                (c.get(1), c.get(2))
            };
            let (Some(month), Some(day)) = (
                month_s.and_then(|m| month_number(m.as_str())),
                day_s.and_then(|d| d.as_str().parse::<u32>().ok()),
            ) else {
                continue;
            };
            // "may" is also a verb: require a capital for the bare word.
            if month_s.is_some_and(|m| m.as_str() == "may" || m.as_str() == "march") {
                continue;
            }
            let year = c.get(3).and_then(|y| y.as_str().parse::<i32>().ok());
            let Some(date) = complete_date(year, month, day, reference) else {
                continue;
            };
            push(
                stated(at(whole.start(), whole.end()), date, 1, reference),
                &mut out,
            );
        }
        for c in self.numeric.captures_iter(digits) {
            let Some(whole) = c.get(0) else { continue };
            let (Some(a), Some(b)) = (num(&c, 1), num(&c, 2)) else {
                continue;
            };
            let year = c
                .get(3)
                .and_then(|y| y.as_str().parse::<i32>().ok())
                .map(|y| if y < 100 { 2000 + y } else { y });
            if let Some(date) = numeric_date(a, b, year, reference) {
                push(
                    stated(at(whole.start(), whole.end()), date, 1, reference),
                    &mut out,
                );
            }
        }
        for c in self.month_year.captures_iter(digits) {
            let Some(whole) = c.get(0) else { continue };
            let (Some(month), Some(year)) =
                (c.get(2).and_then(|m| month_number(m.as_str())), num(&c, 3))
            else {
                continue;
            };
            let day = match c.get(1).map(|p| p.as_str().to_ascii_lowercase()) {
                Some(p) if p == "mid" => 15,
                Some(p) if p == "late" => 25,
                _ => 1,
            };
            if let Some(date) = NaiveDate::from_ymd_opt(year as i32, month, day) {
                push(
                    stated(at(whole.start(), whole.end()), date, 3, reference),
                    &mut out,
                );
            }
        }
        if let Some(reference) = reference {
            for c in self.relative.captures_iter(part) {
                let Some(whole) = c.get(0) else { continue };
                // "last month's salary": a period modifying a noun, no date of an event ("Monday's
                // attack", by contrast, dates the attack).
                let rest = &part[whole.end()..];
                let period = ["week", "month", "year"]
                    .iter()
                    .any(|p| whole.as_str().to_ascii_lowercase().ends_with(p));
                if period && (rest.starts_with("'s") || rest.starts_with("\u{2019}s")) {
                    continue;
                }
                if let Some(m) = relative_date(&c, reference) {
                    push(
                        DateMention {
                            span: at(whole.start(), whole.end()),
                            ..m
                        },
                        &mut out,
                    );
                }
            }
            for c in self.ago.captures_iter(part) {
                let Some(whole) = c.get(0) else { continue };
                let n = match c.get(1).map(|m| m.as_str().to_ascii_lowercase()) {
                    Some(s) => crate::quantities::small_number(&s).unwrap_or(2),
                    None => 2,
                };
                let years = if c.get(2).is_some_and(|m| m.as_str().starts_with("dec")) {
                    n * 10
                } else {
                    n
                };
                let date = reference
                    .with_year(reference.year() - years as i32)
                    .unwrap_or(reference);
                push(
                    DateMention {
                        span: at(whole.start(), whole.end()),
                        date,
                        precision: 3,
                        kind: DateKind::Historical,
                        explicit: false,
                    },
                    &mut out,
                );
            }
        }
        for c in self.year.captures_iter(digits) {
            let (Some(whole), Some(y)) = (c.get(1), num(&c, 1)) else {
                continue;
            };
            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, 1, 1) {
                let mut m = stated(at(whole.start(), whole.end()), date, 3, reference);
                if reference.is_none_or(|r| r.year() > y as i32) {
                    m.kind = DateKind::Historical;
                }
                push(m, &mut out);
            }
        }
        out.sort_by_key(|m| m.span.start);
        out
    }
}

fn num(c: &regex::Captures<'_>, i: usize) -> Option<u32> {
    c.get(i)?.as_str().parse().ok()
}

/// A stated date; marked historical when it lies more than a year before the reference.
fn stated(span: Span, date: NaiveDate, precision: u8, reference: Option<NaiveDate>) -> DateMention {
    let historical = reference.is_some_and(|r| (r - date).num_days() > 366);
    DateMention {
        span,
        date,
        precision,
        kind: if historical {
            DateKind::Historical
        } else {
            DateKind::Stated
        },
        explicit: true,
    }
}

/// Fills a missing year from the reference: the latest such day not after the reference
/// (plus a week's grace for reports written ahead of an event).
fn complete_date(
    year: Option<i32>,
    month: u32,
    day: u32,
    reference: Option<NaiveDate>,
) -> Option<NaiveDate> {
    if let Some(y) = year {
        return NaiveDate::from_ymd_opt(y, month, day);
    }
    let r = reference?;
    let this = NaiveDate::from_ymd_opt(r.year(), month, day);
    match this {
        Some(d) if (d - r).num_days() <= 7 => Some(d),
        _ => NaiveDate::from_ymd_opt(r.year() - 1, month, day),
    }
}

/// "3/4": day/month or month/day, whichever valid reading lies closest before the reference.
fn numeric_date(
    a: u32,
    b: u32,
    year: Option<i32>,
    reference: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let mut options: Vec<NaiveDate> = [(b, a), (a, b)]
        .into_iter()
        .filter_map(|(month, day)| complete_date(year, month, day, reference))
        .collect();
    let r = reference?;
    options.sort_by_key(|d| {
        let diff = (r - *d).num_days();
        if diff >= 0 { diff } else { -diff * 4 }
    });
    options.first().copied()
}

/// The most recent `day` on or before `reference` (or after it with `next`); `None` before
/// the first date chrono can hold.
fn last_weekday(reference: NaiveDate, day: Weekday) -> Option<NaiveDate> {
    let back = (7 + reference.weekday().num_days_from_monday() - day.num_days_from_monday()) % 7;
    reference.checked_sub_days(Days::new(u64::from(back)))
}

fn relative_date(c: &regex::Captures<'_>, r: NaiveDate) -> Option<DateMention> {
    let modifier = c.get(1).map(|m| m.as_str().to_ascii_lowercase());
    let word = c.get(2)?.as_str().to_ascii_lowercase();
    let word = word.split_whitespace().collect::<Vec<_>>().join(" ");
    let part_of_day = c.get(3).map(|m| m.as_str().to_ascii_lowercase());
    // Dates before chrono's first day (a hostile "published": "-262143-01-01") give none.
    let before = |d: NaiveDate, n: u64| d.checked_sub_days(Days::new(n));
    let day = |d: Option<NaiveDate>, p: u8| {
        Some(DateMention {
            span: Span::default(),
            date: d?,
            precision: p,
            kind: DateKind::Stated,
            explicit: false,
        })
    };
    let mut m = match word.as_str() {
        "today" | "tonight" => day(Some(r), 1),
        "yesterday" | "last night" | "the day before" => day(before(r, 1), 1),
        // Overnight news is about the night before the report.
        "overnight" => day(before(r, 1), 1),
        "this week" | "earlier this week" => {
            day(before(r, u64::from(r.weekday().num_days_from_monday())), 2)
        }
        "last week" => day(
            before(r, 7 + u64::from(r.weekday().num_days_from_monday())),
            2,
        ),
        "the weekend" | "this weekend" | "last weekend" => day(last_weekday(r, Weekday::Sat), 2),
        "this month" | "earlier this month" => day(r.with_day(1), 3),
        "last month" => {
            let first = r.with_day(1)?;
            day(before(first, 1)?.with_day(1), 3)
        }
        w => {
            let wd = weekday(w)?;
            let mut d = last_weekday(r, wd)?;
            if modifier.as_deref() == Some("last") && d == r {
                d = before(d, 7)?;
            }
            if modifier.as_deref() == Some("next") {
                return None;
            }
            // "Saturday night" reported on Sunday is still Saturday; a weekday equal to the
            // report's own weekday means the same day.
            let _ = &part_of_day;
            day(Some(d), 1)
        }
    }?;
    if modifier.as_deref() == Some("since") {
        m.kind = DateKind::Since;
    }
    if matches!(modifier.as_deref(), Some("next") | Some("until")) {
        return None;
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn first(
        text: &str,
        reference: Option<NaiveDate>,
    ) -> Option<(String, NaiveDate, u8, DateKind)> {
        let reader = DateReader::new();
        reader
            .find(text, Span::new(0, text.len()), reference)
            .first()
            .map(|m| (m.span.slice(text).to_string(), m.date, m.precision, m.kind))
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn date_table() {
        let sun = Some(d(2014, 6, 22));
        let cases: &[(&str, Option<NaiveDate>, Option<(&str, NaiveDate, u8)>)] = &[
            (
                "after it fell to ISIS on June 10, 2014.",
                sun,
                Some(("June 10, 2014", d(2014, 6, 10), 1)),
            ),
            (
                "On 10 June the city fell",
                sun,
                Some(("10 June", d(2014, 6, 10), 1)),
            ),
            (
                "On 3 May 2020, police arrested",
                None,
                Some(("3 May 2020", d(2020, 5, 3), 1)),
            ),
            (
                "towns fell Saturday to the control",
                sun,
                Some(("Saturday", d(2014, 6, 21), 1)),
            ),
            (
                "Since clashes erupted Friday in Qaim",
                sun,
                Some(("Friday", d(2014, 6, 20), 1)),
            ),
            (
                "withdrew overnight from Haditha",
                sun,
                Some(("overnight", d(2014, 6, 21), 1)),
            ),
            (
                "fighting last week",
                sun,
                Some(("last week", d(2014, 6, 9), 2)),
            ),
            (
                "earlier this month",
                sun,
                Some(("earlier this month", d(2014, 6, 1), 3)),
            ),
            (
                "on 3/4 gunmen",
                Some(d(2020, 4, 5)),
                Some(("on 3/4", d(2020, 4, 3), 1)),
            ),
            ("in June 2014", None, Some(("June 2014", d(2014, 6, 1), 3))),
            ("over last month’s unpaid salary", sun, None),
            ("over last week's raids", sun, None),
            (
                "Saturday's attack killed five",
                sun,
                Some(("Saturday", d(2014, 6, 21), 1)),
            ),
            ("towns fell Saturday", None, None),
            ("Nothing here may happen", sun, None),
            ("February 30, 2014 is no date", None, None),
        ];
        for (text, reference, want) in cases {
            let got = first(text, *reference).map(|(s, d, p, _)| (s, d, p));
            let want = want.map(|(s, d, p)| (s.to_string(), d, p));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn background_years_are_historical() {
        let r = Some(d(2014, 6, 23));
        let got = first("sectarian fighting from 2006-2007", r).expect("a date");
        assert_eq!(got.3, DateKind::Historical);
        let got = first("fighting U.S. troops less than 10 years ago", r).expect("a date");
        assert_eq!(got.3, DateKind::Historical);
        let got = first("since Friday", r).expect("a date");
        assert_eq!(got.3, DateKind::Since);
    }

    /// Hostile input: a JSONL "published" of "-262143-01-01" made "yesterday" panic and took
    /// the whole `extract` run down with it.
    #[test]
    fn relative_dates_at_the_ends_of_the_calendar() {
        let text = concat!(
            "today, yesterday, overnight, this week, last week, this weekend, this month, ",
            "last month, last Saturday, on Monday, 10 years ago, three decades ago, ",
            "June 10, 3/4 and February 30"
        );
        let reader = DateReader::new();
        for r in [
            NaiveDate::MIN,
            NaiveDate::MAX,
            d(-262_143, 1, 7),
            d(262_142, 12, 31),
        ] {
            for m in reader.find(text, Span::new(0, text.len()), Some(r)) {
                assert!(text.get(m.span.start..m.span.end).is_some(), "{m:?}");
            }
        }
        assert_eq!(first("yesterday", Some(NaiveDate::MIN)), None);
        assert_eq!(
            first("yesterday", Some(NaiveDate::MAX)).map(|m| m.1),
            NaiveDate::MAX.pred_opt()
        );
    }
}
