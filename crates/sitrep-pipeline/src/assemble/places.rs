//! Which place mentions of a sentence an event happened at: not where a speaker sat ("two
//! security officials in Ramadi told CNN"), not a reference point ("100 kilometers outside
//! Baghdad", "north of Baghdad"), not a path ("a highway from Syria to Baghdad").

use sitrep_gazetteer::{EntryKind, Gazetteer};
use sitrep_model::Span;

use crate::geocode::{MentionRole, PlaceMention};
use crate::tokens::Token;

/// How a place mention relates to what the sentence reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceUse {
    /// Where something happened or what was taken.
    Site,
    /// Where a source spoke or is based.
    Speaker,
    /// A landmark for a distance or direction, or an end of a path.
    Reference,
}

const SOURCE_NOUNS: &[&str] = &[
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "source",
    "sources",
    "correspondent",
    "reporter",
    "reporters",
    "journalist",
    "journalists",
    "monitor",
    "observatory",
    "group",
    "agency",
    "ministry",
    "commander",
    "governor",
    "witness",
    "witnesses",
    "analyst",
    "analysts",
    "activist",
    "activists",
    "leader",
    "leaders",
    "police",
    "authorities",
    "officer",
    "officers",
    "residents",
    "resident",
    "doctor",
    "doctors",
    "expert",
    "experts",
    "diplomat",
    "diplomats",
    "embassy",
    "headquarters",
    "council",
    "chief",
    "colonel",
];
const SPEECH_VERBS: &[&str] = &[
    "told",
    "said",
    "says",
    "say",
    "reported",
    "reports",
    "according",
    "announced",
    "stated",
    "confirmed",
    "added",
    "explained",
    "claimed",
    "quoted",
    "speaking",
    "spoke",
    "tweeted",
    "wrote",
];
const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
    "kilometers",
    "kilometres",
    "km",
    "miles",
];

fn lower(toks: &[Token], text: &str, i: usize) -> String {
    toks[i].text(text).to_lowercase()
}

/// The token index of the first token of a span.
fn token_at(toks: &[Token], span: Span) -> Option<usize> {
    toks.iter().position(|t| t.span.start >= span.start)
}

/// Classifies one mention (by its span) within its sentence's tokens.
pub fn place_use(text: &str, toks: &[Token], span: Span, full: Span) -> PlaceUse {
    let Some(i) = token_at(toks, span) else {
        return PlaceUse::Site;
    };
    let after = toks
        .iter()
        .position(|t| t.span.start >= full.end)
        .unwrap_or(toks.len());
    let before: Vec<String> = (i.saturating_sub(5)..i)
        .map(|j| lower(toks, text, j))
        .collect();
    let prev = before.last().map(String::as_str).unwrap_or("");
    let prev2 = before.iter().rev().nth(1).map(String::as_str).unwrap_or("");
    // "based in X", "an opposition group in London", "officials in Ramadi told".
    if prev == "in" && prev2 == "based" {
        return PlaceUse::Speaker;
    }
    let near_source = prev == "in"
        && before
            .iter()
            .rev()
            .skip(1)
            .take(3)
            .any(|w| SOURCE_NOUNS.contains(&w.as_str()));
    let speech_after = (after..toks.len().min(after + 5))
        .any(|j| SPEECH_VERBS.contains(&lower(toks, text, j).as_str()));
    // "according to two security officials in Ramadi": the attribution says who spoke.
    let attributed = before.iter().any(|w| w == "according");
    if near_source && (speech_after || attributed || prev2 == "group" || prev2 == "observatory") {
        return PlaceUse::Speaker;
    }
    // "according to Pretoria": a capital standing for its government is the source. ("Moscow
    // said" stays a site: where a statement was made is where a political act happened.)
    if prev == "to" && prev2 == "according" {
        return PlaceUse::Speaker;
    }
    // Datelines: "BAGHDAD —" or "Beirut (Reuters) -" at the very start of a sentence.
    if i == 0
        && toks
            .get(after)
            .is_some_and(|t| matches!(t.text(text), "—" | "–" | "-" | "(" | ":"))
        && toks.len() > after + 3
    {
        return PlaceUse::Speaker;
    }
    // "north of Baghdad", "100 kilometers outside Baghdad", "500 km west of Baghdad".
    if prev == "of" && DIRECTIONS.contains(&prev2) {
        return PlaceUse::Reference;
    }
    if prev == "outside"
        && before
            .iter()
            .rev()
            .skip(1)
            .take(2)
            .any(|w| matches!(w.as_str(), "kilometers" | "kilometres" | "km" | "miles"))
    {
        return PlaceUse::Reference;
    }
    // "through Fallujah", "via Jordan": a way, not a site.
    if matches!(prev, "through" | "via") {
        return PlaceUse::Reference;
    }
    // "the highway between Baghdad and Amman": the ends of a stretch, not a site.
    if prev == "between"
        || (prev == "and" && before.iter().rev().skip(1).take(4).any(|w| w == "between"))
    {
        return PlaceUse::Reference;
    }
    // "from Syria to Baghdad": the ends of a path.
    if prev == "to" && before.iter().rev().skip(1).take(4).any(|w| w == "from") {
        return PlaceUse::Reference;
    }
    if prev == "from" && (after..toks.len().min(after + 5)).any(|j| lower(toks, text, j) == "to") {
        return PlaceUse::Reference;
    }
    PlaceUse::Site
}

/// A place mention usable as an event site, with where it sits relative to a trigger.
#[derive(Debug, Clone, Copy)]
pub struct SiteMention {
    pub entry: u32,
    pub span: Span,
    pub kind: EntryKind,
    pub confidence: f64,
}

/// Site mentions of a sentence, in text order.
pub fn sites(
    gaz: &Gazetteer,
    text: &str,
    toks: &[Token],
    mentions: &[&PlaceMention],
) -> Vec<SiteMention> {
    let of_role = |role: MentionRole| -> Vec<SiteMention> {
        mentions
            .iter()
            .filter(|m| m.role == role)
            .filter_map(|m| {
                let r = m.resolved?;
                (place_use(text, toks, m.span, m.full_span) == PlaceUse::Site).then(|| {
                    SiteMention {
                        entry: r.entry,
                        span: m.span,
                        kind: gaz.entry(r.entry).kind,
                        confidence: r.confidence,
                    }
                })
            })
            .collect()
    };
    let places = of_role(MentionRole::Place);
    if !places.is_empty() {
        return places;
    }
    // Only a name inside a facility or organisation ("at TSC of Dhaka University", "outside
    // the Mombasa Law Courts"): the place it carries is where it happened.
    of_role(MentionRole::Embedded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::tokenize;

    fn use_of(sentence: &str, name: &str) -> PlaceUse {
        let toks = tokenize(sentence, Span::new(0, sentence.len()));
        let start = sentence.find(name).expect("name in sentence");
        let span = Span::new(start, start + name.len());
        place_use(sentence, &toks, span, span)
    }

    #[test]
    fn place_use_table() {
        use PlaceUse::*;
        for (sentence, name, want) in [
            (
                "at least 20 militants were killed, two security officials in Ramadi told CNN.",
                "Ramadi",
                Speaker,
            ),
            (
                "said the senior official, who's based in Anbar.",
                "Anbar",
                Speaker,
            ),
            (
                "an opposition group in London that monitors the Syrian conflict",
                "London",
                Speaker,
            ),
            (
                "Thirteen soldiers were killed defending the capital, according to Pretoria.",
                "Pretoria",
                Speaker,
            ),
            (
                "Husaybah, is just 100 kilometers (60 miles) outside Baghdad.",
                "Baghdad",
                Reference,
            ),
            (
                "Just north of Baghdad, the town of Baiji is controlled by the ISIS.",
                "Baghdad",
                Reference,
            ),
            (
                "Just north of Baghdad, the town of Baiji is controlled by the ISIS.",
                "Baiji",
                Site,
            ),
            (
                "situated along a highway from Syria to Baghdad",
                "Syria",
                Reference,
            ),
            (
                "situated along a highway from Syria to Baghdad",
                "Baghdad",
                Reference,
            ),
            (
                "Since clashes erupted Friday in Qaim, at least 11 soldiers were killed",
                "Qaim",
                Site,
            ),
            (
                "Iraqi forces were waiting for more troops to arrive in Qaim, located about 500 kilometers west of Baghdad.",
                "Baghdad",
                Reference,
            ),
        ] {
            assert_eq!(use_of(sentence, name), want, "{name} in {sentence:?}");
        }
    }
}
