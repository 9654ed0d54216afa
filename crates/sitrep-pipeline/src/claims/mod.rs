//! Claims: numeric statements a reader can check against the gazetteer — distances ("just 100
//! kilometers outside Baghdad", "90 miles east of Jordan's border"), shares ("more than 70% of
//! Anbar province", "about one-third the size of Iraq") and counts ("the four towns") — each
//! with a verdict and an explanation.
//!
//! [`ClaimChecker::check`] finds the claims of a document and checks them:
//!
//! - **Distance.** The figure's two ends are the place the sentence is about (the nearest town
//!   or province named before the figure; for a sentence opening with "It" or "The town", or
//!   naming none, the first town of the sentence before) and the reference after "outside", "from", "of", "west of", ... — a place, or a
//!   country's border ("Jordan's border", "the border with Syria"), measured to the nearest point
//!   of the country's Natural Earth outline ([`Shapes`]). The computed figure is the
//!   great-circle distance. News gives distances by road, which is longer, and rounds them, so
//!   the [`Tolerance`] rules are:
//!   - a plain or "about" figure is consistent when it lies between
//!     `0.8 × d − 5 km` (rounding down, a straighter route than the gazetteer points suggest)
//!     and `1.4 × d + 10 km` (a road detour; 1.2–1.4 is the usual detour index of roads);
//!   - "within X", "less than X", "up to X" are consistent when `d ≤ 1.1 × X + 5 km`;
//!   - "more than X", "over X", "at least X" when `X ≤ 1.4 × d + 10 km`;
//!   - "a few" reads as 2–10 km, "several" as 3–15 km;
//!   - a compass direction ("west of") must be within 67.5° of the bearing from the reference
//!     to the place (skipped under 10 km).
//!
//!   Outside these bounds the claim is inconsistent; without two located ends it is
//!   unverifiable.
//! - **Share.** "N% of P" and "a third of / the size of P". When the text compares sizes ("the
//!   size of", "of the area of") and both ends are countries or provinces with outlines, the
//!   area ratio is computed; consistent within 5 percentage points or 20% of the stated share.
//!   A share of a place *held* ("controlled more than 70% of Anbar") is unverifiable: the
//!   gazetteer knows places and outlines, not front lines; the computed part gives the area.
//! - **Count.** "the four towns", "three other towns", "its fourth city": compared with the
//!   nearest list of places ("Qaim, Rawa, Ana and Husaybah") in the sentence or the three before
//!   or after it. A match is consistent; a list in the same sentence that does not match is
//!   inconsistent; otherwise unverifiable.

pub mod shapes;

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};
use sitrep_gazetteer::{EntryKind, Gazetteer};
use sitrep_model::{Claim, ClaimKind, Document, Span, Verdict};

use crate::Pipeline;
use crate::geo::haversine_km;
use crate::geocode::{Geocoder, PlaceMention};
pub use shapes::{Nearest, ShapeError, Shapes};

/// The tolerance rules for distances and shares (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Longest plausible road distance: `road_factor × d + road_slack_km`.
    pub road_factor: f64,
    pub road_slack_km: f64,
    /// Shortest plausible stated distance: `short_factor × d − short_slack_km`.
    pub short_factor: f64,
    pub short_slack_km: f64,
    /// "within X": `d ≤ bound_factor × X + bound_slack_km`.
    pub bound_factor: f64,
    pub bound_slack_km: f64,
    /// Largest angle between a stated compass direction and the bearing.
    pub direction_deg: f64,
    /// Share tolerance: percentage points, and relative to the stated share.
    pub share_points: f64,
    pub share_relative: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Self {
            road_factor: 1.4,
            road_slack_km: 10.0,
            short_factor: 0.8,
            short_slack_km: 5.0,
            bound_factor: 1.1,
            bound_slack_km: 5.0,
            direction_deg: 67.5,
            share_points: 5.0,
            share_relative: 0.2,
        }
    }
}

/// Finds and checks claims. Borrowed data only; build once, share by `&self`.
#[derive(Debug, Clone, Copy)]
pub struct ClaimChecker<'a> {
    pub gazetteer: &'a Gazetteer,
    pub geocoder: Geocoder<'a>,
    pub shapes: &'a Shapes,
    pub tolerance: Tolerance,
}

/// A located end of a claim.
#[derive(Debug, Clone)]
struct End {
    name: String,
    entry: u32,
    lat: f64,
    lon: f64,
    kind: EntryKind,
    span: Span,
}

/// How a stated figure bounds the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Point,
    Upper,
    Lower,
}

static DISTANCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?:(?P<qual>about|around|roughly|some|nearly|almost|approximately|just|only|barely|
              more\ than|less\ than|over|under|at\ least|at\ most|no\ more\ than|up\ to|
              within(?:\ about|\ some|\ roughly|\ around)?)\s+)?
        (?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|a\ few|a\ couple\ of|several|one|two|three|four|
              five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|
              sixty|seventy|eighty|ninety|a\ hundred|one\ hundred)
        [\s-]+(?P<unit>kilometers|kilometres|kilometer|kilometre|km|miles|mile|mi)\b\.?
        (?:\s*\([^)]{0,40}\))?
        \s+(?P<rel>(?:due\ )?(?P<dir>north-?east|north-?west|south-?east|south-?west|
              west-north-?west|west-south-?west|east-north-?east|east-south-?east|
              north-north-?west|north-north-?east|south-south-?west|south-south-?east|
              north|south|east|west)\s+of|outside(?:\ of)?|away\ from|from|short\ of|of|to)\b",
    )
    .expect("distance pattern")
});

/// A sentence whose subject is the place of the sentence before ("It lies ...").
static ANAPHORIC_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:it|the\s+(?:town|city|village|crossing|post)|this\s+(?:town|city))\b")
        .expect("anaphoric start pattern")
});

static SHARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?:(?P<qual>more\ than|over|about|around|nearly|almost|less\ than|at\ least|roughly|
              some|up\ to|under)\s+)?
        (?:(?P<pct>\d+(?:\.\d+)?)\s*(?:%|\ percent\b|\ per\ cent\b)
          |(?P<frac>one-third|one\ third|a\ third|two-thirds|two\ thirds|one-half|half|
              a\ quarter|one-quarter|one\ quarter|three-quarters|three\ quarters|a\ fifth|
              one-fifth|one\ fifth))
        \s+(?P<size>the\ (?:size|area)\ of|of\ the\ (?:area|territory|size)\ of|of)\s+",
    )
    .expect("share pattern")
});

static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?:(?P<qual>at\ least|more\ than|some|about|all)\s+)?
        (?:(?P<num>two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?P<other>other\s+)?
          |(?:its\ |the\ |a\ )?(?P<ord>second|third|fourth|fifth|sixth|seventh|eighth|ninth|
              tenth)\s+(?:(?:major|key|strategic|large|largest|main|big)\s+)?)
        (?P<what>towns?|cities|city|villages?|provinces?|districts?|border\ crossings?|
              crossings?|border\ posts?)\b",
    )
    .expect("count pattern")
});

impl<'a> ClaimChecker<'a> {
    pub fn new(pipeline: &'a Pipeline, shapes: &'a Shapes) -> Self {
        Self {
            gazetteer: &pipeline.gazetteer,
            geocoder: pipeline.geocoder(),
            shapes,
            tolerance: Tolerance::default(),
        }
    }

    /// The claims of a document, in text order.
    pub fn check(&self, doc: &Document) -> Vec<Claim> {
        let sentences = crate::control::readable_sentences(doc);
        let mentions = self.geocoder.mentions(doc, &sentences);
        self.check_with(doc, &sentences, &mentions)
    }

    /// [`ClaimChecker::check`] with the document's sentences (boilerplate left out) and place
    /// mentions already found.
    pub fn check_with(
        &self,
        doc: &Document,
        sentences: &[Span],
        mentions: &[PlaceMention],
    ) -> Vec<Claim> {
        let text = &doc.text;
        let (sentences, mentions) = (sentences.to_vec(), mentions);
        let mut out = Vec::new();
        for (si, &sent) in sentences.iter().enumerate() {
            let s = sent.slice(text);
            let ctx = Ctx {
                doc,
                sentences: &sentences,
                mentions,
                si,
                sent,
            };
            for c in DISTANCE.captures_iter(s) {
                out.extend(self.distance(&ctx, &c));
            }
            for c in SHARE.captures_iter(s) {
                out.extend(self.share(&ctx, &c));
            }
            for c in COUNT.captures_iter(s) {
                out.extend(self.count(&ctx, &c));
            }
        }
        out.sort_by_key(|c| (c.start, c.end));
        out
    }

    fn end_of(&self, m: &PlaceMention, text: &str) -> Option<End> {
        let r = m.resolved?;
        let e = self.gazetteer.entry(r.entry);
        Some(End {
            name: m.span.slice(text).to_string(),
            entry: r.entry,
            lat: f64::from(e.lat),
            lon: f64::from(e.lon),
            kind: e.kind,
            span: m.span,
        })
    }

    fn iso2(&self, entry: u32) -> Option<String> {
        let e = self.gazetteer.entry(entry);
        self.gazetteer.country_of(e).map(|c| c.iso2.to_string())
    }

    fn distance(&self, ctx: &Ctx<'_>, c: &regex::Captures<'_>) -> Option<Claim> {
        let text = &ctx.doc.text;
        let whole = c.get(0)?;
        let num = c.name("num")?;
        let (lo, hi) = number_range(num.as_str())?;
        let unit = c.name("unit")?.as_str().to_lowercase();
        let per_km = if unit.starts_with('m') {
            1.609_344
        } else {
            1.0
        };
        let (lo_km, hi_km) = (lo * per_km, hi * per_km);
        let qual = c.name("qual").map(|q| q.as_str().to_lowercase());
        let bound = match qual.as_deref() {
            Some(q) if q.starts_with("within") => Bound::Upper,
            Some("less than" | "under" | "at most" | "no more than" | "up to") => Bound::Upper,
            Some("more than" | "over" | "at least") => Bound::Lower,
            _ => Bound::Point,
        };
        let dir = c.name("dir").map(|d| d.as_str().to_lowercase());
        let abs =
            |m: regex::Match<'_>| Span::new(ctx.sent.start + m.start(), ctx.sent.start + m.end());
        let rel_end = abs(c.name("rel")?).end;
        let sentence_end = ctx.sent.end;
        let tail = Span::new(rel_end, sentence_end);
        let tail_text = tail.slice(text);
        // The reference: a border, or the first place named right after the relation.
        let border = Regex::new(r"(?i)\b(border|frontier|boundary)\b")
            .ok()?
            .find(&tail_text[..tail_text.len().min(60)])
            .map(|m| Span::new(rel_end + m.start(), rel_end + m.end()));
        let here = ctx.mentions_in(ctx.sent);
        let after: Vec<&PlaceMention> = here
            .iter()
            .copied()
            .filter(|m| m.span.start >= rel_end && m.span.start <= rel_end + 30)
            .collect();
        let stated_value = json!({
            "value": if lo == hi { json!(lo) } else { json!([lo, hi]) },
            "unit": if per_km > 1.0 { "mi" } else { "km" },
            "km": if lo == hi { json!(round1(lo_km)) } else { json!([round1(lo_km), round1(hi_km)]) },
            "qualifier": qual,
            "direction": dir,
        });
        let mut reference: Option<(End, Option<String>)> = None; // (end, border country iso2)
        let mut claim_end = whole.end() + ctx.sent.start;
        if let Some(b) = border {
            // The country: named near the border word ("Jordan's border", "border with
            // Syria", "the Jordanian frontier").
            let near: Vec<&PlaceMention> = ctx
                .mentions
                .iter()
                .filter(|m| m.span.start >= rel_end && m.span.start <= b.end + 25)
                .filter(|m| {
                    m.resolved
                        .is_some_and(|r| self.gazetteer.entry(r.entry).kind == EntryKind::Country)
                })
                .collect();
            if let Some(m) = near.first() {
                let end = self.end_of(m, text)?;
                let iso = self.iso2(end.entry);
                claim_end = claim_end.max(b.end).max(m.span.end);
                reference = Some((end, iso));
            } else {
                claim_end = claim_end.max(b.end);
            }
        } else if let Some(m) = after.first()
            && let Some(end) = self.end_of(m, text)
        {
            claim_end = claim_end.max(m.span.end);
            reference = Some((end, None));
        }
        // The place the sentence is about.
        let number_start = abs(whole).start;
        let mut anchors: Vec<End> = Vec::new();
        let before: Vec<&PlaceMention> = here
            .iter()
            .copied()
            .filter(|m| m.span.end <= number_start && m.resolved.is_some())
            .filter(|m| {
                reference
                    .as_ref()
                    .is_none_or(|(r, _)| m.resolved.is_some_and(|x| x.entry != r.entry))
            })
            .collect();
        // Towns and provinces before rivers, regions and landmarks ("Al Qa'im lies on the
        // Euphrates about 330 km west of Baghdad" is about Al Qa'im).
        let is_site = |m: &&PlaceMention| {
            m.resolved.is_some_and(|r| {
                let e = self.gazetteer.entry(r.entry);
                e.feature_code.starts_with("PPL")
                    || matches!(e.kind, EntryKind::Admin1 | EntryKind::Admin2)
            })
        };
        let not_reference = |m: &&PlaceMention| {
            reference
                .as_ref()
                .is_none_or(|(r, _)| m.resolved.is_some_and(|x| x.entry != r.entry))
        };
        // "It lies some 380 km west of Baghdad": the subject of the sentence before.
        let previous_subject = (ctx.si > 0)
            .then(|| {
                ctx.mentions_in(ctx.sentences[ctx.si - 1])
                    .into_iter()
                    .filter(not_reference)
                    .find(is_site)
            })
            .flatten();
        let anaphoric = ANAPHORIC_START.is_match(ctx.sent.slice(text));
        let sites_before: Vec<&PlaceMention> = before.iter().copied().filter(is_site).collect();
        let nearest_before = sites_before.last().or(before.last()).copied();
        if let (true, Some(m)) = (anaphoric, previous_subject) {
            anchors.push(self.end_of(m, text)?);
        } else if let Some(last) = nearest_before {
            anchors.push(self.end_of(last, text)?);
            // "Ana and Rawa are both within 60 km of the dam": every place of the list.
            let between = Span::new(last.span.end, number_start)
                .slice(text)
                .to_lowercase();
            if between.contains("both") || between.contains(" all ") {
                for pair in before.windows(2).rev() {
                    let gap = Span::new(pair[0].span.end, pair[1].span.start).slice(text);
                    if !is_list_gap(gap) {
                        break;
                    }
                    anchors.push(self.end_of(pair[0], text)?);
                }
            }
        } else if let Some(m) = previous_subject {
            anchors.push(self.end_of(m, text)?);
        } else if let Some(m) = here
            .iter()
            .find(|m| m.span.start >= claim_end && m.resolved.is_some())
        {
            anchors.push(self.end_of(m, text)?);
        }
        let start = anchors
            .iter()
            .map(|a| a.span.start)
            .filter(|&s| s >= ctx.sent.start && s < number_start)
            .min()
            .unwrap_or(number_start);
        let span = Span::new(start, claim_end.min(sentence_end));
        let mk = |computed: Value, verdict: Verdict, explanation: String| Claim {
            doc_id: ctx.doc.id.clone(),
            start: span.start,
            end: span.end,
            text: span.slice(text).to_string(),
            kind: ClaimKind::Distance,
            stated: stated_value.clone(),
            computed,
            verdict,
            explanation,
        };
        let figure = describe_figure(lo, hi, &unit, qual.as_deref());
        let Some((reference, border_iso)) = reference else {
            let what = match border {
                Some(_) => "the border's country is not named".to_string(),
                None => format!(
                    "the reference ({:?}) is not a place the gazetteer locates",
                    first_words(tail_text, 4)
                ),
            };
            return Some(mk(
                Value::Null,
                Verdict::Unverifiable,
                format!("{figure}: {what}."),
            ));
        };
        if anchors.is_empty() {
            return Some(mk(
                Value::Null,
                Verdict::Unverifiable,
                format!(
                    "{figure} from {}: no place for the other end.",
                    reference.name
                ),
            ));
        }
        // Measure from each anchor.
        let mut per: Vec<(String, f64, f64)> = Vec::new(); // (name, km, bearing)
        for a in &anchors {
            let (km, bearing) = match &border_iso {
                Some(iso) => {
                    let n = self.shapes.nearest_border(iso, a.lat, a.lon)?;
                    (n.km, bearing_deg(n.lat, n.lon, a.lat, a.lon))
                }
                None => (
                    haversine_km(reference.lat, reference.lon, a.lat, a.lon),
                    bearing_deg(reference.lat, reference.lon, a.lat, a.lon),
                ),
            };
            per.push((a.name.clone(), km, bearing));
        }
        let to = match &border_iso {
            Some(_) => format!("{}'s border (nearest point)", reference.name),
            None => reference.name.clone(),
        };
        let (name, km, bearing) = per
            .iter()
            .cloned()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or_default();
        let t = &self.tolerance;
        let road_max = t.road_factor * km + t.road_slack_km;
        let short_min = t.short_factor * km - t.short_slack_km;
        let stated_km = if lo_km == hi_km {
            format!("{} km", round0(lo_km))
        } else {
            format!("{}–{} km", round0(lo_km), round0(hi_km))
        };
        let (mut verdict, mut why) = match bound {
            Bound::Point if hi_km < short_min => (
                Verdict::Inconsistent,
                format!(
                    "{stated_km} is far shorter: even rounded down and by the straightest route it would be at least {} km",
                    round0(short_min.max(0.0))
                ),
            ),
            Bound::Point if lo_km > road_max => (
                Verdict::Inconsistent,
                format!(
                    "{stated_km} is far longer: a road detour of up to {:.1}× plus {} km allows at most {} km",
                    t.road_factor,
                    round0(t.road_slack_km),
                    round0(road_max)
                ),
            ),
            Bound::Point => (
                Verdict::Consistent,
                format!(
                    "{stated_km} lies within the tolerance for a road or rounded distance ({}–{} km)",
                    round0(short_min.max(0.0)),
                    round0(road_max)
                ),
            ),
            Bound::Upper if km > t.bound_factor * hi_km + t.bound_slack_km => (
                Verdict::Inconsistent,
                format!("the straight-line distance already exceeds {stated_km}"),
            ),
            Bound::Upper => (
                Verdict::Consistent,
                format!("the straight-line distance is within {stated_km}"),
            ),
            Bound::Lower if lo_km > road_max => (
                Verdict::Inconsistent,
                format!(
                    "even a road detour (at most {} km) is shorter than {stated_km}",
                    round0(road_max)
                ),
            ),
            Bound::Lower => (
                Verdict::Consistent,
                format!("a road route can be longer than {stated_km}"),
            ),
        };
        if let Some(d) = &dir
            && km >= 10.0
            && let Some(want) = compass_deg(d)
        {
            let diff = angle_diff(want, bearing);
            if diff > t.direction_deg {
                verdict = Verdict::Inconsistent;
                why = format!(
                    "{why}; but {name} lies {} of {to} (bearing {:.0}°), not {d}",
                    compass_name(bearing),
                    bearing
                );
            }
        }
        let places = if per.len() > 1 {
            per.iter()
                .map(|(n, k, _)| format!("{n} {} km", round0(*k)))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            format!("{} km", round0(km))
        };
        let computed = json!({
            "km": round1(km),
            "from": name,
            "to": to,
            "bearing": round0(bearing),
            "method": if border_iso.is_some() { "great-circle to the nearest border point (Natural Earth 1:50m)" } else { "great-circle" },
            "places": per.iter().map(|(n, k, _)| json!({"place": n, "km": round1(*k)})).collect::<Vec<_>>(),
        });
        let explanation =
            format!("{figure}; great-circle distance {name} → {to}: {places}; {why}.");
        Some(mk(computed, verdict, explanation))
    }

    fn share(&self, ctx: &Ctx<'_>, c: &regex::Captures<'_>) -> Option<Claim> {
        let text = &ctx.doc.text;
        let whole_m = c.get(0)?;
        let stated = match (c.name("pct"), c.name("frac")) {
            (Some(p), _) => p.as_str().parse::<f64>().ok()?,
            (None, Some(f)) => fraction_percent(f.as_str())?,
            _ => return None,
        };
        let qual = c.name("qual").map(|q| q.as_str().to_lowercase());
        let size = c
            .name("size")
            .map(|s| s.as_str().to_lowercase())
            .unwrap_or_default();
        let compares_size =
            size.contains("size") || size.contains("area") || size.contains("territory");
        let after = ctx.sent.start + whole_m.end();
        let here = ctx.mentions_in(ctx.sent);
        // The whole: a place named right after "of".
        let whole = here
            .iter()
            .find(|m| m.span.start >= after && m.span.start <= after + 12)
            .and_then(|m| self.end_of(m, text))?;
        let start = ctx.sent.start + whole_m.start();
        let mut end = whole.span.end;
        // "Anbar province": the head word belongs to the claim.
        let rest = Span::new(end, ctx.sent.end).slice(text);
        if let Some(w) = ["province", "governorate", "state", "region"]
            .iter()
            .find(|w| rest.trim_start().to_lowercase().starts_with(*w))
        {
            end += rest.len() - rest.trim_start().len() + w.len();
        }
        let part = here
            .iter()
            .rev()
            .find(|m| m.span.end <= start && m.resolved.is_some_and(|r| r.entry != whole.entry))
            .and_then(|m| self.end_of(m, text));
        let span_start = match (&part, compares_size) {
            (Some(p), true) => p.span.start,
            _ => start,
        };
        let span = Span::new(span_start, end);
        let stated_value =
            json!({"value": stated, "unit": "%", "qualifier": qual, "of": whole.name});
        let area_of = |e: &End| -> Option<f64> {
            match e.kind {
                EntryKind::Country => self
                    .iso2(e.entry)
                    .and_then(|i| self.shapes.country_area(&i)),
                EntryKind::Admin1 => self.shapes.admin1_area(e.entry),
                _ => None,
            }
        };
        let whole_area = area_of(&whole);
        let mk = |computed: Value, verdict: Verdict, explanation: String| Claim {
            doc_id: ctx.doc.id.clone(),
            start: span.start,
            end: span.end,
            text: span.slice(text).to_string(),
            kind: ClaimKind::Share,
            stated: stated_value.clone(),
            computed,
            verdict,
            explanation,
        };
        let stated_txt = format!(
            "{}{stated:.0}% of {}",
            qual.as_deref().map(|q| format!("{q} ")).unwrap_or_default(),
            whole.name
        );
        if compares_size
            && let Some(part) = &part
            && let (Some(pa), Some(wa)) = (area_of(part), whole_area)
            && wa > 0.0
        {
            let share = 100.0 * pa / wa;
            let t = &self.tolerance;
            let slack = t.share_points.max(t.share_relative * stated);
            let ok = match qual.as_deref() {
                Some("more than" | "over" | "at least") => share + slack >= stated,
                Some("less than" | "under" | "up to") => share - slack <= stated,
                _ => (share - stated).abs() <= slack,
            };
            let verdict = if ok {
                Verdict::Consistent
            } else {
                Verdict::Inconsistent
            };
            return Some(mk(
                json!({"percent": round1(share), "part_km2": round0(pa), "whole_km2": round0(wa)}),
                verdict,
                format!(
                    "{} covers {} km² and {} {} km² (Natural Earth outlines): {:.1}%, against {stated_txt} (tolerance ±{:.0} points).",
                    part.name,
                    round0(pa),
                    whole.name,
                    round0(wa),
                    share,
                    slack
                ),
            ));
        }
        let area = whole_area
            .map(|a| format!(" ({} km²)", round0(a)))
            .unwrap_or_default();
        Some(mk(
            whole_area.map_or(Value::Null, |a| json!({"whole_km2": round0(a)})),
            Verdict::Unverifiable,
            format!(
                "{stated_txt}: the gazetteer knows {}'s outline{area} but not how much of it any actor holds or what the share counts; sitrep's control timeline is of places, not areas.",
                whole.name
            ),
        ))
    }

    fn count(&self, ctx: &Ctx<'_>, c: &regex::Captures<'_>) -> Option<Claim> {
        let text = &ctx.doc.text;
        let m = c.get(0)?;
        let span = Span::new(ctx.sent.start + m.start(), ctx.sent.start + m.end());
        let qual = c.name("qual").map(|q| q.as_str().to_lowercase());
        let other = c.name("other").is_some();
        let (n, ordinal) = match (c.name("num"), c.name("ord")) {
            (Some(x), _) => (number_range(x.as_str())?.0 as usize, false),
            (None, Some(o)) => (ordinal_value(o.as_str())?, true),
            _ => return None,
        };
        if n < 2 {
            return None;
        }
        let what = c.name("what")?.as_str().to_lowercase();
        let stated_value = json!({"value": n, "of": what, "qualifier": qual, "ordinal": ordinal});
        // The nearest list of places: this sentence first, then up to three either side.
        let mut order: Vec<usize> = vec![ctx.si];
        for d in 1..=3 {
            if ctx.si >= d {
                order.push(ctx.si - d);
            }
            if ctx.si + d < ctx.sentences.len() {
                order.push(ctx.si + d);
            }
        }
        // Only places of the kind counted: towns are not countries ("Syria, Jordan").
        let want: &[EntryKind] = if what.starts_with("province") {
            &[EntryKind::Admin1]
        } else if what.starts_with("district") {
            &[EntryKind::Admin2]
        } else {
            &[EntryKind::Place, EntryKind::Admin2]
        };
        let found = order.iter().find_map(|&si| {
            let of_kind: Vec<&PlaceMention> = ctx
                .mentions_in(ctx.sentences[si])
                .into_iter()
                .filter(|m| {
                    m.role == crate::geocode::MentionRole::Place
                        && m.resolved
                            .is_some_and(|r| want.contains(&self.gazetteer.entry(r.entry).kind))
                })
                .collect();
            let list = longest_list(&of_kind, text);
            (list.len() >= 2).then_some((si, list))
        });
        let mk = |computed: Value, verdict: Verdict, explanation: String| Claim {
            doc_id: ctx.doc.id.clone(),
            start: span.start,
            end: span.end,
            text: span.slice(text).to_string(),
            kind: ClaimKind::Count,
            stated: stated_value.clone(),
            computed,
            verdict,
            explanation,
        };
        let Some((si, list)) = found else {
            return Some(mk(
                Value::Null,
                Verdict::Unverifiable,
                format!(
                    "\"{}\": the text around it does not list them by name.",
                    m.as_str()
                ),
            ));
        };
        let names: Vec<String> = list
            .iter()
            .map(|m| m.span.slice(text).to_string())
            .collect();
        let k = names.len();
        let ok = match (qual.as_deref(), ordinal, other) {
            (Some("at least" | "more than"), _, _) => k >= n,
            (_, true, _) => k == n || k + 1 == n,
            (_, false, true) => k == n || k == n + 1,
            _ => k == n,
        };
        let verdict = match (ok, si == ctx.si) {
            (true, _) => Verdict::Consistent,
            (false, true) => Verdict::Inconsistent,
            (false, false) => Verdict::Unverifiable,
        };
        Some(mk(
            json!({"places_named": k, "names": names}),
            verdict,
            format!(
                "\"{}\" against the {k} places the text lists ({}){}.",
                m.as_str(),
                names.join(", "),
                if si == ctx.si {
                    " in the same sentence"
                } else {
                    " nearby"
                }
            ),
        ))
    }
}

/// What a claim looks at.
struct Ctx<'c> {
    doc: &'c Document,
    sentences: &'c [Span],
    mentions: &'c [PlaceMention],
    si: usize,
    sent: Span,
}

impl<'c> Ctx<'c> {
    fn mentions_in(&self, s: Span) -> Vec<&'c PlaceMention> {
        self.mentions
            .iter()
            .filter(|m| s.contains(m.span) && m.resolved.is_some())
            .collect()
    }
}

/// Whether the text between two names joins them into a list.
fn is_list_gap(gap: &str) -> bool {
    matches!(gap.trim(), "," | "and" | ", and" | "&" | "or" | ", or")
}

/// The longest run of resolved place mentions joined as a list ("Qaim, Rawa, Ana and Husaybah").
fn longest_list<'m>(mentions: &[&'m PlaceMention], text: &str) -> Vec<&'m PlaceMention> {
    let mut best: Vec<&PlaceMention> = Vec::new();
    let mut run: Vec<&PlaceMention> = Vec::new();
    for m in mentions {
        match run.last() {
            Some(last) if is_list_gap(Span::new(last.span.end, m.span.start).slice(text)) => {
                run.push(m)
            }
            _ => run = vec![m],
        }
        if run.len() > best.len() {
            best = run.clone();
        }
    }
    best
}

/// A number as written: digits, words, or a vague amount read as a range.
fn number_range(s: &str) -> Option<(f64, f64)> {
    let s = s.to_lowercase();
    let word = match s.as_str() {
        "a few" => return Some((2.0, 10.0)),
        "a couple of" => return Some((1.0, 3.0)),
        "several" => return Some((3.0, 15.0)),
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "fifteen" => 15.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        "a hundred" | "one hundred" => 100.0,
        digits => digits.replace(',', "").parse().ok()?,
    };
    Some((word, word))
}

fn ordinal_value(s: &str) -> Option<usize> {
    Some(match s.to_lowercase().as_str() {
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        _ => return None,
    })
}

fn fraction_percent(s: &str) -> Option<f64> {
    let s = s.to_lowercase().replace('-', " ");
    Some(match s.as_str() {
        "one third" | "a third" => 100.0 / 3.0,
        "two thirds" => 200.0 / 3.0,
        "one half" | "half" => 50.0,
        "a quarter" | "one quarter" => 25.0,
        "three quarters" => 75.0,
        "a fifth" | "one fifth" => 20.0,
        _ => return None,
    })
}

fn describe_figure(lo: f64, hi: f64, unit: &str, qual: Option<&str>) -> String {
    let unit = if unit.starts_with('m') { "mi" } else { "km" };
    let n = if lo == hi {
        format!("{lo}")
    } else {
        format!("{lo}–{hi}")
    };
    match qual {
        Some(q) => format!("stated {q} {n} {unit}"),
        None => format!("stated {n} {unit}"),
    }
}

fn first_words(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

/// Initial bearing from the first point to the second, degrees clockwise from north.
pub fn bearing_deg(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lon2 - lon1).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    (y.atan2(x).to_degrees() + 360.0) % 360.0
}

fn compass_deg(d: &str) -> Option<f64> {
    let d = d.replace('-', "");
    Some(match d.as_str() {
        "north" => 0.0,
        "northnortheast" => 22.5,
        "northeast" => 45.0,
        "eastnortheast" => 67.5,
        "east" => 90.0,
        "eastsoutheast" => 112.5,
        "southeast" => 135.0,
        "southsoutheast" => 157.5,
        "south" => 180.0,
        "southsouthwest" => 202.5,
        "southwest" => 225.0,
        "westsouthwest" => 247.5,
        "west" => 270.0,
        "westnorthwest" => 292.5,
        "northwest" => 315.0,
        "northnorthwest" => 337.5,
        _ => return None,
    })
}

fn compass_name(bearing: f64) -> &'static str {
    const NAMES: [&str; 8] = [
        "north",
        "northeast",
        "east",
        "southeast",
        "south",
        "southwest",
        "west",
        "northwest",
    ];
    NAMES[(((bearing + 22.5) % 360.0) / 45.0) as usize % 8]
}

fn angle_diff(a: f64, b: f64) -> f64 {
    let d = (a - b).abs() % 360.0;
    d.min(360.0 - d)
}

fn round0(x: f64) -> i64 {
    x.round() as i64
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_pattern_reads_figures_and_relations() {
        let rows = [
            (
                "Husaybah, is just 100 kilometers (60 miles) outside Baghdad.",
                Some(("just", "100", "outside")),
            ),
            (
                "Qaim, located about 500 kilometers (300 miles) west of Baghdad.",
                Some(("about", "500", "west of")),
            ),
            (
                "lying about 90 miles east of Jordan's border",
                Some(("about", "90", "east of")),
            ),
            (
                "a few kilometres west of Al Qa'im",
                Some(("", "a few", "west of")),
            ),
            (
                "both within about 60 kilometres of the dam",
                Some(("within about", "60", "of")),
            ),
            ("a 100-kilometer stretch of road", None),
        ];
        for (s, want) in rows {
            let got = DISTANCE.captures(s).map(|c| {
                (
                    c.name("qual").map_or("", |m| m.as_str()).to_string(),
                    c.name("num").map_or("", |m| m.as_str()).to_string(),
                    c.name("rel").map_or("", |m| m.as_str()).to_string(),
                )
            });
            let want = want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
            assert_eq!(got, want, "{s}");
        }
    }

    #[test]
    fn share_and_count_patterns() {
        let c = SHARE
            .captures("controlled more than 70% of Anbar province")
            .expect("share");
        assert_eq!(&c["pct"], "70");
        assert_eq!(&c["qual"], "more than");
        let c = SHARE
            .captures("is about one-third the size of Iraq")
            .expect("fraction");
        assert_eq!(fraction_percent(&c["frac"]).map(round0), Some(33));
        assert_eq!(&c["size"], "the size of");
        let c = COUNT
            .captures("A strategic border crossing and three other towns")
            .expect("count");
        assert_eq!(&c["num"], "three");
        assert!(c.name("other").is_some());
        let c = COUNT
            .captures("has lost its fourth city to ISIS")
            .expect("ordinal");
        assert_eq!(&c["ord"], "fourth");
    }

    #[test]
    fn bearings_and_compass() {
        // Qaim lies west-northwest of Baghdad.
        let b = bearing_deg(33.341, 44.401, 34.369, 41.095);
        assert!((280.0..300.0).contains(&b), "{b}");
        assert_eq!(compass_name(b), "west");
        assert!(angle_diff(compass_deg("west").unwrap_or(0.0), b) < 30.0);
        assert_eq!(angle_diff(350.0, 10.0), 20.0);
    }
}
