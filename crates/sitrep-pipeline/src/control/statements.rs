//! Control statements that extraction does not read (yet): who holds a place, said with a
//! passive or a negation, and who took over security after a withdrawal.

use std::sync::LazyLock;

use regex::Regex;
use sitrep_gazetteer::EntryKind;
use sitrep_model::{ControlPlace, ControlReport, Document, Evidence, Span, inter};

use crate::Pipeline;
use crate::actors::{ActorContext, ActorMention};
use crate::geocode::{MentionRole, PlaceMention, place_of};
use crate::spans::SpanSet;

/// "which is under the control of other Islamist brigades such as the al-Nusra Front".
static HELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:under\s+the\s+control\s+of|controlled\s+by|held\s+by|in\s+the\s+hands\s+of)\b",
    )
    .expect("held pattern")
});

/// "ISIS doesn't control that town", "ISIL has not entered Hadithah".
static DENIED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:does\s+not|doesn['’]t|do\s+not|don['’]t|did\s+not|didn['’]t|has\s+not|hasn['’]t|have\s+not|haven['’]t|no\s+longer)\s+(?:yet\s+)?(?:control|controls|hold|holds|entered|enter|taken|take|captured|seized)\b",
    )
    .expect("denial pattern")
});

/// "took over security for the town", "took charge of the town's security", "assumed
/// responsibility for security there".
static TOOK_OVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:took|take|taken|have\s+taken|has\s+taken)\s+(?:over|charge\s+of)|assumed(?:\s+responsibility\s+for)?)\s+(?:the\s+(?:town|city|village)['’]s\s+|its\s+)?(?:security|control)\b(?:\s+(?:for|of|in))?",
    )
    .expect("took-over pattern")
});

/// Where the clause of a verb starts: after ", and", ";" or ", but" before it.
static CLAUSE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i),\s+(?:and|but|while)\s+|;\s+").expect("clause pattern"));

/// Words after which a noun phrase's head is over ("tribal leaders considered friendly to the
/// army": the army is not the subject).
static MODIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:friendly|loyal|allied|close|considered|regarded|seen|thought|believed|backed|aligned|who|which|that|sympathetic)\b")
        .expect("modifier pattern")
});

/// "that town", "the city", "it": the place the previous sentence was about.
static ANAPHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:that|the|this)\s+(?:town|city|village|area|crossing)\b|^\s*it\b")
        .expect("anaphor pattern")
});

/// The sentences of a document that are not boilerplate (checked against a [`SpanSet`]: a
/// document of 10^5 boilerplate lines has as many sentences).
pub fn readable_sentences(doc: &Document) -> Vec<Span> {
    let excluded = SpanSet::new(doc.excluded.iter().copied());
    crate::sentences::split(&doc.text, Span::new(0, doc.text.len()))
        .into_iter()
        .filter(|s| !excluded.overlaps(*s))
        .collect()
}

/// Control reports of `doc` that the patterns above find and `known` does not already hold.
pub fn statements(p: &Pipeline, doc: &Document, known: &[ControlReport]) -> Vec<ControlReport> {
    let sentences = readable_sentences(doc);
    let mentions = p.geocoder().mentions(doc, &sentences);
    statements_with(p, doc, &sentences, &mentions, known)
}

/// [`statements`] with the sentences ([`readable_sentences`]) and place mentions already found.
pub fn statements_with(
    p: &Pipeline,
    doc: &Document,
    sentences: &[Span],
    mentions: &[PlaceMention],
    known: &[ControlReport],
) -> Vec<ControlReport> {
    let text = &doc.text;
    let gaz = &p.gazetteer;
    // Places a statement can be about: towns, villages, districts (not countries or regions).
    let is_site = |m: &PlaceMention| {
        m.role == MentionRole::Place
            && m.resolved.is_some_and(|r| {
                matches!(
                    gaz.entry(r.entry).kind,
                    EntryKind::Place | EntryKind::Admin2
                )
            })
    };
    // The sites inside each sentence, in the order of `mentions`: found by binary search over
    // the sites sorted by start, so a document with thousands of mentions and sentences costs
    // a sort, not a scan of every mention per sentence.
    let mut by_start: Vec<usize> = (0..mentions.len())
        .filter(|&i| is_site(&mentions[i]))
        .collect();
    by_start.sort_by_key(|&i| mentions[i].span.start);
    let sites: Vec<Vec<&PlaceMention>> = sentences
        .iter()
        .map(|s| {
            let from = by_start.partition_point(|&i| mentions[i].span.start < s.start);
            let mut inside: Vec<usize> = by_start[from..]
                .iter()
                .take_while(|&&i| mentions[i].span.start <= s.end)
                .copied()
                .filter(|&i| s.contains(mentions[i].span))
                .collect();
            inside.sort_unstable();
            inside.into_iter().map(|i| &mentions[i]).collect()
        })
        .collect();
    let mut out: Vec<ControlReport> = Vec::new();
    for (si, &sent) in sentences.iter().enumerate() {
        let s = sent.slice(text);
        let here = &sites[si];
        // The sites of the two sentences before, nearest last.
        let previous: Vec<&PlaceMention> = sites[si.saturating_sub(2)..si]
            .iter()
            .flatten()
            .copied()
            .collect();
        let abs = |m: regex::Match<'_>| Span::new(sent.start + m.start(), sent.start + m.end());
        // The place after a verb: named, or "that town" for the last one before.
        let place_after = |at: usize, before: usize| -> Option<&PlaceMention> {
            let rest = Span::new(at, sent.end).slice(text);
            if ANAPHOR.is_match(rest) {
                return here
                    .iter()
                    .rev()
                    .find(|m| m.span.end <= before)
                    .or(previous.last())
                    .copied();
            }
            here.iter()
                .find(|m| m.span.start >= at && m.span.start <= at + 40)
                .copied()
        };
        let country_of = |m: &PlaceMention| {
            m.resolved
                .and_then(|r| gaz.country_of(gaz.entry(r.entry)))
                .map(|c| c.iso2.to_string())
        };
        let actors_for = |m: &PlaceMention| {
            let iso = country_of(m);
            p.actors.find(
                text,
                sent,
                &ActorContext {
                    country: iso.as_deref(),
                    date: doc.published,
                },
            )
        };
        for h in HELD.find_iter(s) {
            let h = abs(h);
            let Some(place) = here.iter().rev().find(|m| m.span.end <= h.start) else {
                continue;
            };
            let actors = actors_for(place);
            let holder = actors
                .iter()
                .find(|a| a.span.start >= h.end && a.span.start <= h.end + 80 && !a.generic);
            if let Some(a) = holder {
                out.push(report(
                    p,
                    doc,
                    place,
                    &a.actor.name,
                    a.actor.inter,
                    false,
                    sent,
                ));
            }
        }
        for d in DENIED.find_iter(s) {
            let d = abs(d);
            let Some(place) = place_after(d.end, d.start) else {
                continue;
            };
            let actors = actors_for(place);
            let holder = actors.iter().rev().find(|a| {
                a.span.end <= d.start
                    && Span::new(a.span.end, d.start).slice(text).trim().is_empty()
            });
            if let Some(a) = holder.filter(|a| !a.generic) {
                out.push(report(
                    p,
                    doc,
                    place,
                    &a.actor.name,
                    a.actor.inter,
                    true,
                    sent,
                ));
            }
        }
        for t in TOOK_OVER.find_iter(s) {
            let t = abs(t);
            // A place named right after, or else the one the story is about ("the town's
            // security", "security there").
            let named = here
                .iter()
                .find(|m| m.span.start >= t.end && m.span.start <= t.end + 12)
                .copied();
            let Some(place) = named.or_else(|| {
                here.iter()
                    .rev()
                    .find(|m| m.span.end <= t.start)
                    .or(previous.last())
                    .copied()
            }) else {
                continue;
            };
            let clause_start = CLAUSE
                .find_iter(Span::new(sent.start, t.start).slice(text))
                .last()
                .map_or(sent.start, |m| sent.start + m.end());
            let subject = Span::new(clause_start, t.start);
            let head_end = MODIFIER
                .find(subject.slice(text))
                .map_or(subject.end, |m| subject.start + m.start());
            let actors: Vec<ActorMention> = actors_for(place);
            let named = actors
                .iter()
                .find(|a| a.span.start >= subject.start && a.span.start < head_end);
            let (name, code) = match named {
                Some(a) => (a.actor.name.clone(), a.actor.inter),
                None => {
                    let head = Span::new(subject.start, head_end)
                        .slice(text)
                        .to_lowercase();
                    if !head.contains("tribal") && !head.contains("tribe") {
                        continue;
                    }
                    let country = place
                        .resolved
                        .and_then(|r| gaz.country_of(gaz.entry(r.entry)))
                        .map(|c| c.name.to_string());
                    let name = match country {
                        Some(c) => format!("Unidentified Tribal Militia ({c})"),
                        None => "Unidentified Tribal Militia".to_string(),
                    };
                    (name, inter::IDENTITY_MILITIA)
                }
            };
            out.push(report(p, doc, place, &name, code, false, sent));
        }
    }
    out.retain(|r| {
        !known.iter().any(|k| {
            k.doc_id == r.doc_id
                && k.place.geonameid == r.place.geonameid
                && k.holder == r.holder
                && k.negated == r.negated
        })
    });
    out.dedup_by(|a, b| {
        a.place.geonameid == b.place.geonameid && a.holder == b.holder && a.negated == b.negated
    });
    out
}

fn report(
    p: &Pipeline,
    doc: &Document,
    place: &PlaceMention,
    holder: &str,
    holder_inter: u8,
    negated: bool,
    sentence: Span,
) -> ControlReport {
    let entry = place.resolved.map_or(0, |r| r.entry);
    let pl = place_of(&p.gazetteer, entry);
    ControlReport {
        doc_id: doc.id.clone(),
        place: ControlPlace {
            geonameid: pl.geonameid,
            location: pl.name,
            admin1: pl.admin1,
            country: pl.country,
            latitude: pl.latitude,
            longitude: pl.longitude,
        },
        holder: holder.to_string(),
        holder_inter,
        negated,
        date: None,
        evidence: Evidence {
            doc_id: doc.id.clone(),
            start: sentence.start,
            end: sentence.end,
            text: sentence.slice(&doc.text).to_string(),
        },
    }
}
