//! The geoparser: toponym recognition ([`recognize`]) and resolution ([`resolve`]) against
//! the [`Gazetteer`].
//!
//! [`Geocoder::mentions`] finds the place mentions of a document and resolves them together,
//! so that each mention's choice can use the whole story as context; [`Geocoder::given`] does
//! the same for caller-given spans (resolution-only evaluation).

mod lexicon;
mod recognize;
mod resolve;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

use sitrep_gazetteer::{Entry, EntryKind, Gazetteer};
use sitrep_model::{Document, Place, Span, Toponym};

use crate::spans::SpanSet;
use crate::tokens::{Token, TokenKind};

pub use lexicon::{Lexicon, LexiconSources};
pub use resolve::ResolveConfig;

/// How a mention uses its place name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionRole {
    /// A place in its own right.
    Place,
    /// Part of an organisation or longer proper name ("Washington Post"): a toponym, but
    /// never where an event happened.
    Embedded,
    /// A demonym or country adjective ("Syrian"): context only.
    Demonym,
}

/// The entry chosen for a mention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolution {
    pub entry: u32,
    pub confidence: f64,
    /// How much the rest of the document agrees: shares of votes for the entry's country
    /// and province, containment patterns and closeness to the other places.
    pub support: f64,
    /// How many other mentions voted (0 when the mention is alone in its document).
    pub context: f64,
}

/// One place mention in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceMention {
    /// The name itself.
    pub span: Span,
    /// The name with a following head word ("Anbar province").
    pub full_span: Span,
    /// Index of the sentence in the document's sentence list.
    pub sentence: usize,
    pub role: MentionRole,
    /// Administrative level the text implies: 1 province/state, 2 district/county.
    pub level_hint: Option<u8>,
    pub candidates: Vec<sitrep_gazetteer::Posting>,
    pub resolved: Option<Resolution>,
    /// A common word taken for a place only because of its context ("in Mobile").
    pub weak: bool,
    /// No gazetteer name matched: resolved to the document's focus place (given spans only).
    pub fallback: bool,
    /// Only a part of the name matched ("Marigny" of "Faubourg Marigny"; given spans only).
    pub fragment: bool,
}

/// The geoparser: borrowed gazetteer and word lists, no state of its own.
#[derive(Debug, Clone, Copy)]
pub struct Geocoder<'a> {
    pub gazetteer: &'a Gazetteer,
    pub lexicon: &'a Lexicon,
    pub config: ResolveConfig,
}

impl<'a> Geocoder<'a> {
    pub fn new(gazetteer: &'a Gazetteer, lexicon: &'a Lexicon) -> Self {
        Self {
            gazetteer,
            lexicon,
            config: ResolveConfig::default(),
        }
    }

    /// Recognised and resolved place mentions of a document, in text order.
    /// Boilerplate sentences are skipped.
    pub fn mentions(&self, doc: &Document, sentences: &[Span]) -> Vec<PlaceMention> {
        self.mentions_in_context(doc, sentences, &[], &[])
    }

    /// [`Geocoder::mentions`] with what the rest of the pipeline knows: country votes from
    /// actors tied to one country, and spans that name actors, not places ("Al Shabaab",
    /// "Mombasa Republican Council").
    pub fn mentions_in_context(
        &self,
        doc: &Document,
        sentences: &[Span],
        prior: &[(u16, f64)],
        exclude: &[Span],
    ) -> Vec<PlaceMention> {
        let tokens: Vec<Vec<Token>> = sentences
            .iter()
            .map(|s| crate::tokens::tokenize(&doc.text, *s))
            .collect();
        self.mentions_with_tokens(doc, sentences, &tokens, prior, exclude)
    }

    /// [`Geocoder::mentions_in_context`] given each sentence's tokens (`tokens[i]` are those
    /// of `sentences[i]`): assembly tokenises a document once for all its stages.
    pub(crate) fn mentions_with_tokens(
        &self,
        doc: &Document,
        sentences: &[Span],
        tokens: &[Vec<Token>],
        prior: &[(u16, f64)],
        exclude: &[Span],
    ) -> Vec<PlaceMention> {
        let mut out = Vec::new();
        let excluded = SpanSet::new(doc.excluded.iter().copied());
        for (i, (s, toks)) in sentences.iter().zip(tokens).enumerate() {
            if excluded.overlaps(*s) {
                continue;
            }
            recognize::recognize_sentence(
                self.gazetteer,
                self.lexicon,
                &doc.text,
                toks,
                i,
                &mut out,
            );
        }
        let exclude = SpanSet::new(exclude.iter().copied());
        out.retain(|m| !exclude.overlaps(m.span));
        // "Tom Jones … Jones said": a surname the document gave a person is that person.
        let surnames = self.surnames(&doc.text, tokens);
        if !surnames.is_empty() {
            out.retain(|m| {
                !surnames.contains(m.span.slice(&doc.text))
                    || self.locative_before(&doc.text, m.span)
                    || m.candidates
                        .iter()
                        .any(|c| self.gazetteer.entry(c.entry()).kind == EntryKind::Country)
            });
        }
        // Both resolutions of the document share one memo.
        let mut memo = resolve::ResolveMemo::default();
        let mut resolve_all = |out: &mut Vec<PlaceMention>| {
            resolve::resolve(
                self.gazetteer,
                &self.config,
                &doc.text,
                out,
                prior,
                &mut memo,
            );
        };
        resolve_all(&mut out);
        // A one-word name whose best reading is a small place the rest of the story does not
        // support is more likely a person or a word ("Maliki", "Obama"): resolve again without it.
        let before = out.len();
        out.retain(|m| !self.unsupported(&doc.text, m));
        if out.len() < before {
            resolve_all(&mut out);
        }
        out
    }

    /// The word before `span` places what follows ("in", "into", "from", "near" …).
    fn locative_before(&self, text: &str, span: Span) -> bool {
        let before = text.get(..span.start).unwrap_or("").trim_end();
        let word = before
            .rsplit(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        matches!(
            word.to_ascii_lowercase().as_str(),
            "in" | "into"
                | "from"
                | "near"
                | "at"
                | "to"
                | "outside"
                | "across"
                | "toward"
                | "towards"
        )
    }

    /// Words the document uses as a person's surname: the capitalised word after a given
    /// name ("Shawn Bailey") or a title ("Sen. Jones", "President Obama").
    fn surnames<'t>(&self, text: &'t str, tokens: &[Vec<Token>]) -> HashSet<&'t str> {
        let mut out = HashSet::new();
        for toks in tokens {
            let words: Vec<&Token> = toks.iter().filter(|t| t.kind == TokenKind::Word).collect();
            for pair in words.windows(2) {
                let (a, b) = (pair[0].text(text), pair[1].text(text));
                // Adjacent words only: a space, or a title's full stop and a space.
                let gap = text.get(pair[0].span.end..pair[1].span.start).unwrap_or("");
                if !(gap == " " || gap == ". ") {
                    continue;
                }
                let capitalised = |w: &str| {
                    let mut c = w.chars();
                    c.next().is_some_and(char::is_uppercase) && c.any(char::is_lowercase)
                };
                // The cheap test first: most word pairs end in a lowercase word.
                if !capitalised(b) {
                    continue;
                }
                let person_before = (gap == " " && capitalised(a) && self.lexicon.is_first_name(a))
                    || self.lexicon.is_title(a);
                if person_before {
                    out.insert(b);
                }
            }
        }
        out
    }

    fn unsupported(&self, text: &str, m: &PlaceMention) -> bool {
        let Some(r) = m.resolved else { return true };
        let e = self.gazetteer.entry(r.entry);
        let surface = m.span.slice(text);
        let one_word = !surface.contains(' ');
        // "Maasai groups clash": the community, not Marseille; "in Turkana" stays the county.
        if let Some(countries) = self.lexicon.identity_countries(surface) {
            let iso = &self.gazetteer.countries()[e.country as usize].iso2;
            if !countries.iter().any(|c| **c == **iso) {
                return true;
            }
        }
        one_word
            && matches!(e.kind, EntryKind::Place | EntryKind::Admin2)
            && e.population < 100_000
            && r.context >= 0.6
            && r.support < 0.25
    }

    /// Resolved mentions for caller-given spans (each kept, resolved or not).
    ///
    /// The places recognised elsewhere in the text take part in resolution as context (a
    /// "Berlin" in a story that also names Connecticut towns), but only the given spans are
    /// returned.
    pub fn given(&self, doc: &Document, sentences: &[Span], spans: &[Span]) -> Vec<PlaceMention> {
        let mut out: Vec<PlaceMention> = spans
            .iter()
            .map(|&span| {
                let sentence = sentences.iter().position(|s| s.contains(span)).unwrap_or(0);
                recognize::mention_for_span(self.gazetteer, self.lexicon, &doc.text, span, sentence)
            })
            .collect();
        // "Bourbon and Dauphine streets": streets of the story's town, not towns of those names.
        for m in &mut out {
            if names_a_street(&doc.text, m.span) {
                m.candidates.clear();
                m.fragment = false;
            }
        }
        let given = out.len();
        // The places recognised as in `mentions`, with the same false-hit rules ("Taliban" is
        // also a village's alternate name), serve as context; they count for less than the
        // spans the caller vouches for.
        let context = self.mentions(doc, sentences);
        out.extend(
            context
                .into_iter()
                .filter(|m| !spans.iter().any(|g| g.overlaps(m.full_span)))
                .map(|mut m| {
                    m.weak = true;
                    m.resolved = None;
                    m
                }),
        );
        // Resolution reads mentions in text order (for "X, Y" patterns); keep the given ones findable.
        let mut order: Vec<usize> = (0..out.len()).collect();
        order.sort_by_key(|&i| out[i].span.start);
        let mut sorted: Vec<(usize, PlaceMention)> =
            order.into_iter().map(|i| (i, out[i].clone())).collect();
        let mut mentions: Vec<PlaceMention> = sorted.iter().map(|(_, m)| m.clone()).collect();
        resolve::resolve(
            self.gazetteer,
            &self.config,
            &doc.text,
            &mut mentions,
            &[],
            &mut resolve::ResolveMemo::default(),
        );
        for ((i, m), resolved) in sorted.iter_mut().zip(mentions) {
            *m = resolved;
            let _ = i;
        }
        sorted.sort_by_key(|(i, _)| *i);
        let mut out: Vec<PlaceMention> = sorted.into_iter().map(|(_, m)| m).collect();
        let context_mentions = out.split_off(given);
        // The town most of the given places agree with: a small town named twice that nothing
        // else in the story supports is not where the story is.
        let focus_entry = cluster_focus(self.gazetteer, &out)
            .or_else(|| focus(self.gazetteer, &out))
            .or_else(|| focus(self.gazetteer, &context_mentions));
        // A fragment of a longer name ("Rue" of "Rue d'Enghein", "Trent" of "Robert Trent Jones
        // Golf Club") is weak evidence: its reading stands only where the story agrees.
        if let Some(f) = focus_entry {
            for m in out.iter_mut().filter(|m| m.fragment) {
                // A country or region named inside the name stands whatever the story's
                // focus ("Bank of Japan", "Council of Europe"), and so does a continent's
                // adjective ("European Commission"); a country's adjective does not ("French
                // Quarter", "Russian Embassy").
                let adjective = m.candidates.iter().all(|p| p.is_demonym());
                if m.resolved.is_some_and(|r| {
                    let e = self.gazetteer.entry(r.entry);
                    !agrees(self.gazetteer, r.entry, f)
                        && (e.kind != EntryKind::Country || adjective)
                        && e.kind != EntryKind::Region
                }) {
                    m.resolved = None;
                }
            }
        }
        // Streets, buildings and other names the gazetteer lacks lie, most likely, in the place
        // the story is about.
        // The nearest place named in the same sentence is a better guess than the story's
        // focus ("Logan Elementary" beside "Rogersville").
        let anchors: Vec<(usize, Span, u32, f64)> = out
            .iter()
            .chain(context_mentions.iter())
            .filter(|m| m.role == MentionRole::Place && !m.fragment)
            .filter_map(|m| {
                let r = m.resolved?;
                let e = self.gazetteer.entry(r.entry);
                matches!(e.kind, EntryKind::Place | EntryKind::Admin2)
                    .then_some((m.sentence, m.span, r.entry, r.support))
            })
            .collect();
        for m in out.iter_mut().filter(|m| m.resolved.is_none()) {
            // "Le Bernardin in New York", "the Colony Theatre in Los Angeles": the place the
            // text puts it in, whatever the story's focus.
            let within = anchors
                .iter()
                .filter(|(s, sp, _, _)| *s == m.sentence && sp.start >= m.span.end)
                .min_by_key(|(_, sp, _, _)| sp.start)
                .filter(|(_, sp, _, _)| {
                    IN_PLACE_LINKS
                        .contains(&doc.text.get(m.span.end..sp.start).unwrap_or("").trim())
                })
                .map(|(_, _, e, _)| *e);
            let local = anchors
                .iter()
                .filter(|(s, _, _, _)| *s == m.sentence)
                .min_by_key(|(_, sp, _, _)| sp.start.abs_diff(m.span.start))
                // Like a fragment, a neighbour the story barely supports stands only where the
                // focus is ("Royal Street at Washington Square" in a New Orleans story).
                .filter(|&&(_, _, e, support)| {
                    support >= LOCAL_SUPPORT
                        || focus_entry.is_none_or(|f| agrees(self.gazetteer, e, f))
                })
                .map(|(_, _, e, _)| *e);
            if let Some(entry) = within.or(local).or(focus_entry) {
                m.resolved = Some(Resolution {
                    entry,
                    confidence: 0.2,
                    support: 0.0,
                    context: 0.0,
                });
                m.fallback = true;
            }
        }
        out
    }

    /// The model's place for an entry.
    pub fn place(&self, entry_index: u32) -> Place {
        place_of(self.gazetteer, entry_index)
    }

    /// Contract-shaped toponyms of resolved mentions, demonyms included ("Syrian" → Syria):
    /// geoparsing corpora annotate them as places named by their adjective.
    pub fn toponyms(&self, doc: &Document, mentions: &[PlaceMention]) -> Vec<Toponym> {
        mentions
            .iter()
            .map(|m| {
                let place = m.resolved.map(|r| (r, self.gazetteer.entry(r.entry)));
                Toponym {
                    start: m.span.start,
                    end: m.span.end,
                    text: m.span.slice(&doc.text).to_string(),
                    name: place.map(|(_, e)| e.name.to_string()),
                    geonameid: place
                        .map(|(_, e)| u64::from(e.geonameid))
                        .filter(|&g| g > 0),
                    latitude: place.map(|(_, e)| round5(f64::from(e.lat))),
                    longitude: place.map(|(_, e)| round5(f64::from(e.lon))),
                    feature_code: place.map(|(_, e)| e.feature_code.to_string()),
                    country_code: place
                        .and_then(|(_, e)| self.gazetteer.country_of(e))
                        .map(|c| c.iso2.to_string()),
                    admin1: place
                        .and_then(|(_, e)| self.gazetteer.admin1_of(e))
                        .map(|a| a.name.to_string()),
                    confidence: round3(place.map_or(0.0, |(r, _)| {
                        r.confidence
                            * if m.role == MentionRole::Embedded {
                                0.5
                            } else {
                                1.0
                            }
                    })),
                }
            })
            .collect()
    }
}

/// The place a document is mostly about: the most often resolved populated place or district,
/// else the most often resolved province, else country.
pub fn focus(gaz: &Gazetteer, mentions: &[PlaceMention]) -> Option<u32> {
    let mut counts: std::collections::HashMap<u32, f64> = std::collections::HashMap::new();
    for m in mentions
        .iter()
        .filter(|m| m.role == MentionRole::Place && !m.fallback && !m.fragment)
        // An adjective ("Sicilian") names where people come from, not where the story is.
        .filter(|m| !m.candidates.iter().all(|p| p.is_demonym()))
    {
        if let Some(r) = m.resolved {
            *counts.entry(r.entry).or_default() += 0.5 + r.confidence;
        }
    }
    let rank = |e: &Entry| match e.kind {
        EntryKind::Place | EntryKind::Admin2 => 3,
        EntryKind::Admin1 => 2,
        EntryKind::Country => 1,
        EntryKind::Region => 0,
    };
    counts
        .into_iter()
        .max_by(|a, b| {
            rank(gaz.entry(a.0))
                .cmp(&rank(gaz.entry(b.0)))
                .then(a.1.total_cmp(&b.1))
                .then(b.0.cmp(&a.0))
        })
        .map(|(e, _)| e)
}

/// Whether `entry` lies where the story's focus place is: in the same country (a country
/// focus), province (a province focus), or province or within 161 km (a town or district).
fn agrees(gaz: &Gazetteer, entry: u32, focus: u32) -> bool {
    let (e, f) = (gaz.entry(entry), gaz.entry(focus));
    if entry == focus || e.country != f.country {
        return entry == focus;
    }
    match f.kind {
        EntryKind::Country | EntryKind::Region => true,
        EntryKind::Admin1 => e.admin1 == focus || e.kind == EntryKind::Country,
        EntryKind::Place | EntryKind::Admin2 => {
            (f.admin1 != sitrep_gazetteer::NONE && (e.admin1 == f.admin1 || entry == f.admin1))
                || crate::geo::haversine_km(
                    f64::from(e.lat),
                    f64::from(e.lon),
                    f64::from(f.lat),
                    f64::from(f.lon),
                ) <= 161.0
        }
    }
}

/// The ACLED geo-precision of an entry: 1 a place, 2 a district, 3 a province or larger.
pub fn geo_precision(e: &Entry) -> u8 {
    match e.kind {
        EntryKind::Place => 1,
        EntryKind::Admin2 => 2,
        EntryKind::Admin1 | EntryKind::Country | EntryKind::Region => 3,
    }
}

/// The model's place for a gazetteer entry.
pub fn place_of(gaz: &Gazetteer, entry_index: u32) -> Place {
    let e = gaz.entry(entry_index);
    let country = gaz.country_of(e);
    Place {
        geonameid: Some(u64::from(e.geonameid)).filter(|&g| g > 0),
        name: e.name.to_string(),
        country: country.map(|c| c.name.to_string()),
        country_code: country.map(|c| c.iso2.to_string()),
        admin1: gaz.admin1_of(e).map(|a| admin_name(&a.name)),
        admin2: gaz.admin2_of(e).map(|a| admin_name(&a.name)),
        latitude: round5(f64::from(e.lat)),
        longitude: round5(f64::from(e.lon)),
        feature_code: e.feature_code.to_string(),
        population: u64::from(e.population),
    }
}

/// An administrative area's name as ACLED writes it: without the generic word GeoNames adds
/// ("Nakuru County" → "Nakuru", "Dhaka Division" → "Dhaka"), unless that leaves nothing.
pub fn admin_name(name: &str) -> String {
    const GENERIC: &[&str] = &[
        " County",
        " Province",
        " Governorate",
        " Region",
        " Division",
        " District",
        " Department",
        " Prefecture",
        " Oblast",
        " Municipality",
        " State",
        " Territory",
        " Emirate",
    ];
    let mut n = name.trim();
    for g in GENERIC {
        if let Some(stripped) = n.strip_suffix(g)
            && stripped.len() >= 3
        {
            n = stripped;
            break;
        }
    }
    for p in [
        "Muhafazat ",
        "Provincia de ",
        "Province of ",
        "Departamento de ",
    ] {
        if let Some(stripped) = n.strip_prefix(p) {
            n = stripped;
        }
    }
    n.to_string()
}

fn round5(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

fn round3(x: f64) -> f64 {
    (x * 1e3).round() / 1e3
}

/// Support (see [`Resolution::support`]) from which the nearest place named in a sentence
/// stands in for a name the gazetteer lacks even where the story's focus is elsewhere.
const LOCAL_SUPPORT: f64 = 1.0;

/// Words between a name the gazetteer lacks and the place that follows it that put the one
/// in the other.
const IN_PLACE_LINKS: &[&str] = &["in", "at", ",", ", in", "in the", "at the", "in downtown"];

/// The name is one of streets named together ("Royal and Chartres streets", "the Grand/State
/// intersection", "Elm streets" of "Oak and Elm streets"): a street of the story's town, not a
/// town of that name. Only plural heads and "intersection": "a Bronx street" is in the Bronx,
/// and "Perris Boulevard" mostly runs through Perris.
fn names_a_street(text: &str, span: Span) -> bool {
    let rest = text.get(span.end..).unwrap_or("");
    let mut words = rest
        .split(|c: char| c.is_whitespace() || c == '/' || c == ',')
        .filter(|w| !w.is_empty());
    let mut next = words.next().unwrap_or("");
    // One more name joined by "and", "&" or a slash.
    if rest.starts_with('/') || matches!(next, "and" | "&") {
        if matches!(next, "and" | "&") {
            next = words.next().unwrap_or("");
        }
        if !next.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        next = words.next().unwrap_or("");
    }
    let next = next.trim_end_matches(|c: char| !c.is_alphanumeric());
    matches!(
        next.to_ascii_lowercase().as_str(),
        "streets" | "avenues" | "roads" | "boulevards" | "intersection"
    )
}

/// The town or district that most of the resolved places agree with (see [`agrees`]: the
/// same province, or within 161 km), each mention counting as in [`focus`]; of two towns the
/// same places agree with, the one named more often. `None` when no town or district is
/// resolved.
///
/// [`focus`] counts only a place's own mentions, so a small town named twice that nothing else
/// supports outweighs a town named once beside its state and a neighbour; here the neighbour
/// and the state count for it.
pub fn cluster_focus(gaz: &Gazetteer, mentions: &[PlaceMention]) -> Option<u32> {
    let items: Vec<(u32, f64)> = mentions
        .iter()
        .filter(|m| m.role == MentionRole::Place && !m.fallback && !m.fragment)
        .filter(|m| !m.candidates.iter().all(|p| p.is_demonym()))
        .filter_map(|m| m.resolved.map(|r| (r.entry, 0.5 + r.confidence)))
        .collect();
    let mut places: Vec<u32> = items
        .iter()
        .map(|&(e, _)| e)
        .filter(|&e| matches!(gaz.entry(e).kind, EntryKind::Place | EntryKind::Admin2))
        .collect();
    places.sort_unstable();
    places.dedup();
    places
        .into_iter()
        .map(|f| {
            let score: f64 = items
                .iter()
                .filter(|&&(e, _)| agrees(gaz, e, f))
                .map(|&(_, w)| w)
                .sum();
            let own: f64 = items
                .iter()
                .filter(|&&(e, _)| e == f)
                .map(|&(_, w)| w)
                .sum();
            (f, score, own)
        })
        // Of two towns the same places agree with, the one named more often.
        .max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then(a.2.total_cmp(&b.2))
                .then(b.0.cmp(&a.0))
        })
        .map(|(f, _, _)| f)
}
