//! Assembly: from a document's sentences, triggers, actors, places, dates and casualty
//! counts to coded [`EventRecord`]s, each pointing at the sentences it rests on, plus the
//! control statements ("ISIS controlled Qaim") that territorial control is derived from.
//!
//! Per sentence: triggers whose modality is asserted become candidate events; violent and
//! other frames of one sentence merge into the most specific one, territorial frames give
//! one event per place taken, political frames stand alone. Each candidate gets roles
//! ([`roles`]), a site ([`places`]), a date, casualty counts and a coding ([`coding`]).
//! Candidates then merge within the document and are ranked, main event first.

pub mod coding;
pub mod places;
pub mod roles;

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use chrono::NaiveDate;
use sitrep_gazetteer::{EntryKind, Gazetteer};
use sitrep_model::{
    ControlPlace, ControlReport, Document, EventRecord, EventType, Evidence, Span, inter,
};

use crate::actors::{Actor, ActorContext, ActorDictionary, ActorMention, PreparedSentence, Role};
use crate::classify::EventClassifier;
use crate::dates::{DateKind, DateMention, DateReader};
use crate::geocode::{self, Geocoder, MentionRole, PlaceMention, place_of};
use crate::quantities::{Casualty, CasualtyKind, find_casualties, find_casualties_in};
use crate::tokens::{Token, tokenize};
use crate::triggers::{Frame, Modality, TriggerHit, TriggerSet, modality};
use coding::{Coding, Victims, code, plover_of, victims_of_noun};
use places::SiteMention;

/// A capture's sentence, date and taker: what promotes a later control statement to a capture.
type TakeContext = (usize, Option<(NaiveDate, u8)>, Option<Actor>);

/// A statement of who holds a place, asserted or denied.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlStatement {
    pub place: u32,
    pub holder: Actor,
    /// "ISIS doesn't control that town".
    pub negated: bool,
    pub date: Option<NaiveDate>,
    pub evidence: Span,
}

/// What extraction found in one document.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub events: Vec<EventRecord>,
    pub control: Vec<ControlReport>,
}

/// Everything assembly reads, borrowed from the pipeline.
#[derive(Debug, Clone, Copy)]
pub struct Assembler<'a> {
    pub geocoder: Geocoder<'a>,
    pub actors: &'a ActorDictionary,
    pub triggers: &'a TriggerSet,
    pub dates: &'a DateReader,
    pub classifier: Option<&'a EventClassifier>,
    /// Reads the PLOVER category of an event's sentence (trained on the PLOVER gold standard).
    pub plover: Option<&'a crate::classify::LinearModel>,
    /// Outlets whose country was already read.
    pub outlets: &'a OutletCountries,
}

/// The country (or none) of each outlet name read so far, with the resolution weights it was
/// read under: most reports come from a few hundred outlets, and geoparsing an outlet's
/// name cost as much as a tenth of a short report's extraction.
#[derive(Debug, Default)]
pub struct OutletCountries(Mutex<OutletTable>);

/// [`OutletCountries`]' table and the weights it was read under.
#[derive(Debug, Default)]
struct OutletTable {
    weights: Option<geocode::ResolveConfig>,
    countries: rustc_hash::FxHashMap<Box<str>, Option<u16>>,
}

/// Outlet names kept at most (a feed of made-up names cannot grow the table without bound).
const OUTLETS_KEPT: usize = 4096;

impl OutletCountries {
    /// The country read for `source` under `cfg`, when it was read before.
    fn get(&self, cfg: &geocode::ResolveConfig, source: &str) -> Option<Option<u16>> {
        let table = self.0.lock().ok()?;
        if table.weights.as_ref() != Some(cfg) {
            return None;
        }
        table.countries.get(source).copied()
    }

    /// Keeps `country` as what `source` reads as under `cfg` (forgetting everything read under
    /// other weights, and everything when the table is full).
    fn put(&self, cfg: &geocode::ResolveConfig, source: &str, country: Option<u16>) {
        let Ok(mut table) = self.0.lock() else {
            return;
        };
        if table.weights.as_ref() != Some(cfg) || table.countries.len() >= OUTLETS_KEPT {
            table.countries.clear();
            table.weights = Some(*cfg);
        }
        table.countries.insert(source.into(), country);
    }
}

/// One event before it becomes a record.
#[derive(Debug, Clone)]
struct Candidate {
    frame: Frame,
    coding: Coding,
    sentence: usize,
    evidence: Span,
    /// Later sentences that add to the event (a toll given after the event).
    more_evidence: Vec<Span>,
    site: Option<Site>,
    actor1: Option<Actor>,
    actor2: Option<Actor>,
    date: Option<(NaiveDate, u8)>,
    fatalities: u32,
    wounded: Option<u32>,
    confidence: f64,
    /// A capture, withdrawal or handover said of places the sentence does not name ("three
    /// other towns fell"): it dates and attributes the control statements that name them, and
    /// stands as an event only where the report places no capture.
    placeholder: bool,
    /// Told in words that leave no doubt ("captured", "took control of"), or settled by who
    /// acted on whom (forces firing on protesters): the whole-report reading does not recode
    /// it.
    firm: bool,
}

#[derive(Debug, Clone, Copy)]
struct Site {
    entry: u32,
    precision: u8,
}

/// How much (log-probability) the PLOVER classifier must beat the rules' category by.
const PLOVER_RULE_BONUS: f32 = 1.0;

/// Reports up to this length are read by the PLOVER classifier.
const SHORT_REPORT_BYTES: usize = 2000;

/// The PLOVER classifier's least probability for overriding the rules.
const PLOVER_MIN_PROBABILITY: f32 = 0.5;

/// A country vote from an actor tied to one country ("Kenyan police", "Mungiki").
const ACTOR_COUNTRY_VOTE: f64 = 0.5;

/// Weight of the classifier's reading of the report's opening when ranking its events.
const MAIN_TYPE_WEIGHT: f64 = 3.0;

/// Facilities a story names and then calls back with "the …".
const FACILITIES: &[&str] = &[
    "dam",
    "refinery",
    "airport",
    "airbase",
    "base",
    "bridge",
    "crossing",
    "prison",
    "plant",
    "checkpoint",
    "camp",
];

/// The facility words of a sentence.
fn facilities_named(text: &str, toks: &[Token]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for t in toks.iter().filter(|t| t.is_word()) {
        let w = t.text(text).to_ascii_lowercase();
        if let Some(f) = FACILITIES.iter().find(|f| **f == w)
            && !out.contains(f)
        {
            out.push(f);
        }
    }
    out
}

/// The facility a sentence calls back with "the …" ("to guard the dam").
fn the_facility(text: &str, toks: &[Token]) -> Option<&'static str> {
    toks.windows(2).find_map(|w| {
        if !w[0].text(text).eq_ignore_ascii_case("the") {
            return None;
        }
        let next = w[1].text(text).to_ascii_lowercase();
        FACILITIES.iter().find(|f| **f == next).copied()
    })
}

/// A country vote from the outlet that published the report (see `source_country`).
const SOURCE_COUNTRY_VOTE: f64 = 1.0;

/// A city this large in an outlet's name gives the outlet's country ("Bangkok Post").
const OUTLET_CITY_POPULATION: u32 = 500_000;

/// The classifier decides a short report's main event type when this sure of it.
const MAIN_TYPE_MIN_PROBABILITY: f32 = 0.8;

/// ... and without the sub-event head's agreement, only when this sure.
const MAIN_TYPE_ALONE_PROBABILITY: f32 = 0.99;

/// The classifier alone codes a report only when this sure of its event type.
const FALLBACK_MIN_PROBABILITY: f32 = 0.5;

/// How much (in log-probability) the classifier must beat the rules' coding by: weapons
/// ("suicide bomber", "chlorine gas") are near-certain, a bare "attack" much less so.
/// Long reports are further from the short notes the classifier learned from: there the
/// rules count for more.
fn rule_bonus(frame: Frame, long_report: bool) -> f32 {
    let base = match frame.specificity() {
        // A thrown crude bomb says little of the event type: who threw it at whom does.
        _ if frame == Frame::CrudeBomb => 1.0,
        WEAPON_SPECIFICITY.. => 4.0,
        6..=8 => 2.5,
        _ => 1.0,
    };
    base + if long_report { 2.0 } else { 0.0 }
}

/// Frames this specific name a weapon ("suicide bomber", "chlorine gas", "air strike").
const WEAPON_SPECIFICITY: u8 = 9;

/// Event types the classifier may move a rule's coding between: the distinctions ACLED draws
/// from context the rules do not read (a clash between party supporters is a riot, an attack
/// on armed men is a battle). A gunfight never becomes a protest. A thrown crude bomb
/// (`frame`) may be any violence or a riot: ACLED codes it by who threw it at whom.
fn confusable(frame: Frame, rule: EventType, clf: EventType) -> bool {
    use EventType as T;
    rule == clf
        || (frame == Frame::CrudeBomb
            && matches!(
                clf,
                T::Battles | T::ExplosionsRemoteViolence | T::ViolenceAgainstCivilians | T::Riots
            ))
        || matches!(
            (rule, clf),
            (T::Battles, T::Riots | T::ViolenceAgainstCivilians)
                | (T::ViolenceAgainstCivilians, T::Battles | T::Riots)
                | (
                    T::Riots,
                    T::Protests | T::Battles | T::ViolenceAgainstCivilians
                )
                | (T::Protests, T::Riots)
                | (T::ExplosionsRemoteViolence, T::Battles)
                | (
                    T::StrategicDevelopments,
                    T::Riots | T::ViolenceAgainstCivilians
                )
        )
}

/// Words of fighting between two sides: with them, a weapon the sentence names may be one
/// side's fire in a clash ("fired mortars, heavy machine guns and small arms at the
/// positions", "exchanged artillery fire").
const TWO_SIDED: &[&str] = &[
    "small arms",
    "machine gun",
    "exchange",
    "each other",
    "returned fire",
    "return fire",
    "retaliat",
    "clash",
    "gunfight",
    "firefight",
    "gun battle",
    "fighting",
    "fought",
    "battle",
    "encounter",
    "operation",
    "rival",
    "both directions",
    "between two",
    "responded",
    "fired back",
    "firing back",
    "firing and",
    "and firing",
    "firearms",
    "backed by",
];

/// `lower`: lowercase text.
fn two_sided(lower: &str) -> bool {
    TWO_SIDED.iter().any(|w| lower.contains(w))
}

/// A riot trigger that tells of damage or thrown missiles, not of a blockade ("set ablaze",
/// "pelted stones", "vandalised"; not "barricades", "burnt tyres").
fn destructive(trigger: &str) -> bool {
    let t = trigger.to_lowercase();
    ![
        "barricad",
        "bonfire",
        "tyre",
        "tire",
        "fires were lit",
        "lit fires",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// Words for the sides of a fight between unarmed or loosely armed crowds: party supporters,
/// student factions, villagers ("a clash between two groups of Trinamool supporters", "police
/// and voters clashed"). ACLED codes such fights as riots, not armed clashes.
const CROWD_SIDES: &[&str] = &[
    "supporters",
    "activists",
    "cadres",
    "faction",
    "factions",
    "workers",
    "students",
    "voters",
    "villagers",
    "locals",
    "residents",
    "fishermen",
    "youths",
    "groups",
];

/// A fight told with crowd words for its sides and no soldier, rebel or foreign force among
/// its actors (police may be one side).
fn unarmed_brawl(text: &str, toks: &[Token], actors: &[ActorMention]) -> bool {
    let armed_side = actors.iter().any(|a| {
        matches!(
            a.actor.role,
            Role::Military | Role::Rebels | Role::External | Role::ArmedUnidentified
        ) || (a.actor.role == Role::Named && a.actor.inter == inter::REBEL)
    });
    !armed_side
        && toks.iter().any(|t| {
            let w = t.text(text);
            CROWD_SIDES.iter().any(|c| w.eq_ignore_ascii_case(c))
        })
}

/// Whether a violent event the sentence names after a protest is what the protest is
/// against ("staged a dharna in protest against the blast that killed two", "a protest to
/// condemn Indian shelling"): a cause word between them, and the violence named as a thing
/// ("the blast", "Friday's attack"), not as an act ("when police opened fire").
fn protests_against(text: &str, toks: &[Token], protest: &TriggerHit, event: &TriggerHit) -> bool {
    if !event.frame.is_violent_frame() || protest.last >= event.first {
        return false;
    }
    let gap = &toks[protest.last + 1..event.first];
    if gap.len() > 16 {
        return false;
    }
    let word = |t: &Token| t.text(text).to_ascii_lowercase();
    let cause = gap.iter().map(word).any(|w| {
        matches!(w.as_str(), "against" | "over" | "mourn" | "mourning")
            || w.starts_with("condemn")
            || w.starts_with("denounc")
            || w.starts_with("protest")
    });
    let named_as_thing = gap.iter().rev().take(4).map(word).any(|w| {
        matches!(
            w.as_str(),
            "the" | "a" | "an" | "this" | "that" | "its" | "their" | "last" | "recent"
        ) || w.ends_with("'s")
            || w.ends_with("’s")
            || w.starts_with("condemn")
            || w.starts_with("denounc")
            || w == "against"
    });
    cause && named_as_thing
}

/// Whether `hit` is a protest noun ("demonstrators", "protesters") naming one side of a
/// violent act the sentence tells: its object ("opened fire on unarmed demonstrators",
/// "attacked the protesters") or the one who fought ("protesters clashed with police",
/// "police were attacked by protesters"), as the roles of the violent trigger read them.
/// The violence is then the sentence's event, and the protesters one of its sides.
fn protesters_in_violence(
    text: &str,
    toks: &[Token],
    hit: &TriggerHit,
    hits: &[TriggerHit],
    actors: &[ActorMention],
) -> bool {
    if hit.frame != Frame::Protest || hit.first != hit.last {
        return false;
    }
    let noun = toks[hit.first].text(text);
    if !PROTESTER_NOUNS.iter().any(|n| noun.eq_ignore_ascii_case(n)) {
        return false;
    }
    let is_noun = |i: Option<usize>| i.is_some_and(|i| actors[i].span.overlaps(hit.span));
    hits.iter()
        // Not a toll ("protesters were killed when police fired"): deaths at a protest are
        // read with the protest (`killed_at_protest`).
        // Nor a violent word used as a noun ("after the shooting demonstrators took to the
        // streets"): it takes no object.
        .filter(|v| {
            let noun = v.first > 0
                && ["the", "a", "an", "this", "that"]
                    .iter()
                    .any(|d| toks[v.first - 1].text(text).eq_ignore_ascii_case(d));
            v.frame.is_violent_frame()
                && v.frame != Frame::Kill
                && !noun
                && !v.span.overlaps(hit.span)
        })
        .any(|v| {
            let r = roles::roles(text, toks, v, actors);
            is_noun(r.patient)
                || (matches!(v.frame, Frame::Clash | Frame::Attack) && is_noun(r.agent))
        })
}

/// Words for a place a capture can be of when the report does not name it ("recaptured the
/// town", "seized control of two villages").
const UNNAMED_PLACES: &[&str] = &[
    "town",
    "towns",
    "village",
    "villages",
    "city",
    "cities",
    "area",
    "areas",
    "district",
    "districts",
    "base",
    "bases",
    "territory",
    "territories",
    "positions",
    "region",
    "province",
    "airport",
    "border",
    "crossing",
    "checkpoint",
    "outpost",
    "hill",
    "hills",
    "neighbourhood",
    "neighborhood",
    "neighbourhoods",
    "neighborhoods",
    "suburb",
    "suburbs",
    "port",
    "oilfield",
    "oilfields",
    "refinery",
    "dam",
    "island",
    "road",
    "highway",
    "capital",
    "stronghold",
    "strongholds",
    "camp",
    "garrison",
    "hilltop",
    "hilltops",
    "heights",
    "valley",
    "valleys",
    "commune",
    "communes",
    "municipality",
    "locality",
    "enclave",
    "headquarters",
    "frontline",
    "barracks",
];

/// A capture and the fighting for it are one event in ACLED's terms: the change of hands,
/// with the fighting's dead ("retook the district after heavy fighting that left 20
/// insurgents dead"; "troops drove the militants out of Damasak. Two soldiers and 100
/// militants were killed"). Fighting in the capture's sentence is always its own; fighting
/// up to [`FIGHT_FOR_CAPTURE_SENTENCES`] sentences away is when the capture is told in words
/// that mean nothing else ([`firm_capture`]: not "seized a vehicle", "entered the camp") and
/// the fighting happened at the same place (or at none named) on the same day (or none
/// stated).
fn subsume_fighting(gaz: &Gazetteer, candidates: &mut Vec<Candidate>) {
    use sitrep_model::SubEventType as S;
    let changes_hands = |c: &Candidate| {
        matches!(
            c.coding.sub_event_type,
            Some(S::GovernmentRegainsTerritory | S::NonStateActorOvertakesTerritory)
        ) && !c.placeholder
    };
    let hands: Vec<(usize, Option<u32>, Option<NaiveDate>, bool)> = candidates
        .iter()
        .filter(|c| changes_hands(c))
        .map(|c| {
            (
                c.sentence,
                c.site.map(|s| s.entry),
                c.date.map(|d| d.0),
                c.firm,
            )
        })
        .collect();
    if hands.is_empty() {
        return;
    }
    let fought_for = |c: &Candidate| {
        let (site, date) = (c.site.map(|s| s.entry), c.date.map(|d| d.0));
        hands.iter().position(|&(sentence, hs, hd, firm)| {
            sentence == c.sentence
                || (firm
                    && sentence.abs_diff(c.sentence) <= FIGHT_FOR_CAPTURE_SENTENCES
                    && (site.is_none() || hs.is_none() || site == hs || contains(gaz, site, hs))
                    && (date.is_none() || hd.is_none() || date == hd))
        })
    };
    let mut dead: HashMap<usize, (u32, Option<u32>, Vec<Span>)> = HashMap::new();
    candidates.retain(|c| {
        if c.coding.sub_event_type != Some(S::ArmedClash) || c.placeholder {
            return true;
        }
        let Some(h) = fought_for(c) else {
            return true;
        };
        let d = dead.entry(h).or_default();
        d.0 = d.0.max(c.fatalities);
        d.1 = d.1.max(c.wounded);
        if c.sentence != hands[h].0 {
            d.2.push(c.evidence);
        }
        false
    });
    for (h, c) in candidates
        .iter_mut()
        .filter(|c| changes_hands(c))
        .enumerate()
    {
        if let Some((k, w, evidence)) = dead.remove(&h) {
            c.fatalities = c.fatalities.max(k);
            c.wounded = c.wounded.max(w);
            c.more_evidence.extend(evidence);
        }
    }
}

/// Whether the province or district `outer` holds the place `inner` ("an offensive in Borno
/// state" holds the capture of Gwoza).
fn contains(gaz: &Gazetteer, outer: Option<u32>, inner: Option<u32>) -> bool {
    let (Some(outer), Some(inner)) = (outer, inner) else {
        return false;
    };
    let o = gaz.entry(outer);
    let i = gaz.entry(inner);
    match o.kind {
        EntryKind::Admin1 => i.admin1 == outer,
        EntryKind::Admin2 => i.admin2 == outer,
        _ => false,
    }
}

/// How far (in sentences) from a capture the fighting for it may be told.
const FIGHT_FOR_CAPTURE_SENTENCES: usize = 2;

/// A capture told in words that mean nothing else ("captured", "took control of", "fell
/// to"); "taken", "entered", "stormed" and "occupied" also tell of people taken, convoys
/// entering and protesters storming offices.
fn firm_capture(trigger: &str) -> bool {
    let t = trigger.to_lowercase();
    t.contains(' ')
        || matches!(
            t.as_str(),
            "captured"
                | "overran"
                | "overrun"
                | "recaptured"
                | "retook"
                | "retaken"
                | "regained"
                | "liberated"
                | "conquered"
                | "dislodged"
        )
}

/// The word just before byte `at` (letters only), or "".
fn word_before(text: &str, at: usize) -> &str {
    text.get(..at)
        .unwrap_or("")
        .trim_end()
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("")
}

/// Words telling that a place changed hands without a fight.
const UNOPPOSED: &[&str] = &[
    "without firing a shot",
    "without a shot",
    "without a fight",
    "without fighting",
    "without any fighting",
    "without resistance",
    "without meeting resistance",
    "without meeting any resistance",
    "met no resistance",
    "no resistance",
    "little resistance",
    "nobody resisted",
    "no one resisted",
    "no fighting was reported",
    "no reports of fighting",
    "no reports of clashes",
    "no clashes were reported",
    "no shots were fired",
    "unopposed",
    "without bloodshed",
];

/// Whether the sentence `span` or the one after it (up to `next_end`) says the place was
/// taken without a fight.
fn unopposed(span: Span, next_end: usize, text: &str) -> bool {
    let lower = text
        .get(span.start..next_end.max(span.end))
        .unwrap_or_default()
        .to_ascii_lowercase();
    UNOPPOSED.iter().any(|w| lower.contains(w))
}

/// Whether a capture's object is a place word: in the trigger's own words and the five after, or
/// (`before`) the eight before it ("three other towns fell to …"), within its clause.
fn names_unnamed_place(text: &str, toks: &[Token], h: &TriggerHit, before: bool) -> bool {
    let place = |t: &Token| {
        let w = t.text(text);
        UNNAMED_PLACES.iter().any(|p| p.eq_ignore_ascii_case(w))
    };
    let stop = |t: &&Token| !matches!(t.text(text), "." | ";" | ",");
    // The trigger's own words count ("recovered the village").
    toks.iter()
        .skip(h.first + 1)
        .take(h.last - h.first + 5)
        .take_while(stop)
        .any(place)
        || before
            && toks[..h.first]
                .iter()
                .rev()
                .take(8)
                .take_while(stop)
                .any(place)
}

/// Sentences beyond which a report counts as long (see [`rule_bonus`]).
const LONG_REPORT_SENTENCES: usize = 6;

/// What a sentence offers to its events.
struct SentenceFacts<'s> {
    /// The whole document's text (spans index into it).
    text: &'s str,
    index: usize,
    span: Span,
    /// End of the following sentence: the classifier reads the two together.
    next_end: usize,
    /// The report's date, for composing actor names of the right period.
    date_context: Option<NaiveDate>,
    /// The report has more than [`LONG_REPORT_SENTENCES`] sentences.
    long_report: bool,
    toks: Vec<Token>,
    actors: Vec<ActorMention>,
    sites: Vec<SiteMention>,
    dates: &'s SentenceDates<'s>,
    mentions: Vec<&'s PlaceMention>,
}

/// A sentence's dates, read the first time something asks for them: a sentence without an
/// event word, whose date no later event borrows, is never read for dates.
struct SentenceDates<'s> {
    reader: &'s DateReader,
    text: &'s str,
    span: Span,
    published: Option<NaiveDate>,
    read: OnceCell<Vec<DateMention>>,
}

impl SentenceDates<'_> {
    fn get(&self) -> &[DateMention] {
        self.read
            .get_or_init(|| self.reader.find(self.text, self.span, self.published))
    }
}

impl<'a> Assembler<'a> {
    fn gaz(&self) -> &'a Gazetteer {
        self.geocoder.gazetteer
    }

    /// Extracts the events and control statements of a document.
    pub fn extract(&self, doc: &Document) -> Extraction {
        let text = &doc.text;
        let excluded = crate::spans::SpanSet::new(doc.excluded.iter().copied());
        let sentences: Vec<Span> = crate::sentences::split(text, Span::new(0, text.len()))
            .into_iter()
            .filter(|s| !excluded.overlaps(*s))
            .collect();
        // Each sentence is normalised and scanned for actors once, then read twice: without a
        // country (votes for the document's country) and in its own country.
        let mut prepared: Vec<Option<PreparedSentence>> = sentences
            .iter()
            .map(|s| self.actors.prepare(text, *s))
            .collect();
        let (mut prior, actor_spans) = self.actor_evidence(doc, &mut prepared);
        if let Some(c) = self.source_country(doc) {
            match prior.iter_mut().find(|(k, _)| *k == c) {
                Some((_, w)) => *w += SOURCE_COUNTRY_VOTE,
                None => prior.push((c, SOURCE_COUNTRY_VOTE)),
            }
        }
        // Each sentence is tokenised once, for the geoparser and then for the events.
        let mut tokens: Vec<Vec<Token>> = sentences.iter().map(|s| tokenize(text, *s)).collect();
        let mentions =
            self.geocoder
                .mentions_with_tokens(doc, &sentences, &tokens, &prior, &actor_spans);
        // The places' country, else what the actors and the outlet point to.
        let doc_country = self.document_country(&mentions).or_else(|| {
            prior
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(c, _)| *c)
        });
        let country_iso = doc_country.map(|c| self.gaz().countries()[c as usize].iso2.to_string());
        let ctx = ActorContext {
            country: country_iso.as_deref(),
            date: doc.published,
        };
        let focus = geocode::cluster_focus(self.gaz(), &mentions)
            .or_else(|| geocode::focus(self.gaz(), &mentions));
        let mut salient = Salience::default();
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut control: Vec<ControlStatement> = Vec::new();
        let mut last_site: Option<(usize, Site)> = None;
        // Where the story last put each facility it names ("a dam located in the city of
        // Haditha"): a later "the dam" with no place of its own is there.
        let mut facility_sites: HashMap<&'static str, (usize, Site)> = HashMap::new();
        let mut doubted = 0usize;
        let sentence_dates: Vec<SentenceDates<'_>> = sentences
            .iter()
            .map(|&span| SentenceDates {
                reader: self.dates,
                text,
                span,
                published: doc.published,
                read: OnceCell::new(),
            })
            .collect();
        // The last date stated in the three sentences before `si`: an event without a date
        // of its own is on it.
        let date_before = |si: usize| {
            (si.saturating_sub(3)..si)
                .rev()
                .find_map(|j| sentence_dates.get(j).and_then(|d| stated_date(d.get())))
        };
        // Mentions by sentence, in one pass: a scan per sentence is quadratic in long documents.
        let mut by_sentence: Vec<Vec<&PlaceMention>> = vec![Vec::new(); sentences.len()];
        for m in &mentions {
            if let Some(bucket) = by_sentence.get_mut(m.sentence) {
                bucket.push(m);
            }
        }
        for (si, &span) in sentences.iter().enumerate() {
            let toks = tokens.get_mut(si).map(std::mem::take).unwrap_or_default();
            let sent_mentions: Vec<&PlaceMention> = std::mem::take(&mut by_sentence[si]);
            // Actors are read in the country the sentence is about ("al-Nusra" in Syria).
            let sentence_country = self
                .sentence_country(&sent_mentions)
                .map(|c| self.gaz().countries()[c as usize].iso2.to_string());
            let sctx = ActorContext {
                country: sentence_country.as_deref().or(ctx.country),
                date: ctx.date,
            };
            let actors = match prepared.get_mut(si) {
                Some(Some(p)) => self.actors.find_in(p, &sctx),
                _ => Vec::new(),
            };
            salient.observe(&actors);
            let facts = SentenceFacts {
                text,
                index: si,
                span,
                next_end: sentences.get(si + 1).map_or(span.end, |n| n.end),
                date_context: doc.published,
                long_report: sentences.len() > LONG_REPORT_SENTENCES,
                sites: places::sites(self.gaz(), text, &toks, &sent_mentions),
                dates: &sentence_dates[si],
                actors,
                toks,
                mentions: sent_mentions,
            };
            let before = candidates.len();
            self.sentence_events(
                doc,
                &facts,
                &sctx,
                &salient,
                &mut candidates,
                &mut control,
                &mut doubted,
            );
            // "… to guard the dam": the place the story gave that dam.
            let facility = the_facility(text, &facts.toks)
                .and_then(|f| facility_sites.get(f))
                .filter(|(at, _)| si - at <= 2)
                .map(|(_, site)| *site);
            // Sentences without a site or date of their own read them from the story so far.
            for c in candidates[before..].iter_mut().filter(|c| !c.placeholder) {
                if c.site.is_none()
                    && let Some(site) = facility
                {
                    c.site = Some(Site {
                        entry: site.entry,
                        precision: 2,
                    });
                    c.confidence *= 0.85;
                }
                if c.site.is_none()
                    && let Some((at, site)) = last_site.filter(|(at, _)| si - at <= 2)
                {
                    let _ = at;
                    c.site = Some(Site {
                        entry: site.entry,
                        precision: site.precision.max(2),
                    });
                    c.confidence *= 0.85;
                }
                if c.date.is_none()
                    && let Some(d) = date_before(si)
                {
                    c.date = Some(d);
                }
            }
            if let Some(c) = candidates[before..]
                .iter()
                .rev()
                .find(|c| c.site.is_some() && !c.frame.is_political())
            {
                last_site = c.site.map(|s| (si, s));
            }
            if let Some(place) = facts
                .sites
                .iter()
                .find(|m| matches!(m.kind, EntryKind::Place | EntryKind::Admin2))
            {
                for f in facilities_named(text, &facts.toks) {
                    facility_sites.insert(
                        f,
                        (
                            si,
                            Site {
                                entry: place.entry,
                                precision: 2,
                            },
                        ),
                    );
                }
            }
        }
        self.promote_control(&mut candidates, &control, &sentences);
        // A report whose only event words are denied or hypothetical reports no event.
        let ruled = doubted > 0
            || candidates
                .iter()
                .any(|c| c.coding.sub_event_type.is_some() && !c.placeholder);
        if !ruled
            && let Some(c) = self.classifier_fallback(doc, &sentences, &mentions, &ctx, &salient)
        {
            candidates.push(c);
        }
        for c in &mut candidates {
            self.complete(c, doc, focus, doc_country);
        }
        // Before the whole report's reading recodes anything: the fighting for a capture is
        // part of the capture, not an event the reading could recode on its own.
        subsume_fighting(self.gaz(), &mut candidates);
        // The classifier reads a short report whole (as it was trained), a long one's opening.
        let short = sentences.len() <= LONG_REPORT_SENTENCES;
        let opening = sentences
            .iter()
            .take(if short { sentences.len() } else { 2 })
            .fold(None::<Span>, |acc, s| Some(acc.map_or(*s, |a| a.cover(*s))));
        let doc_types = match (self.classifier, opening) {
            (Some(clf), Some(o)) => clf.type_probabilities(o.slice(&doc.text)),
            _ => Vec::new(),
        };
        if short && let (Some(clf), Some(o)) = (self.classifier, opening) {
            self.align_main_type(&mut candidates, clf, o.slice(&doc.text), &doc_types, &ctx);
        }
        let events = self.finish(doc, candidates, &doc_types);
        let control = control
            .into_iter()
            .map(|c| self.control_report(doc, c))
            .collect();
        Extraction { events, control }
    }

    /// Named actors of the whole document, read without a country: the countries they belong
    /// to (one vote each, at most two per country) and their spans, which are not places.
    fn actor_evidence(
        &self,
        doc: &Document,
        sentences: &mut [Option<PreparedSentence>],
    ) -> (Vec<(u16, f64)>, Vec<Span>) {
        let ctx = ActorContext {
            country: None,
            date: doc.published,
        };
        let mut votes: HashMap<u16, f64> = HashMap::new();
        let mut spans = Vec::new();
        for s in sentences.iter_mut().flatten() {
            for m in self.actors.find_in(s, &ctx) {
                // Named groups and communities ("Al Shabaab", "Maasai") are not places.
                if matches!(m.actor.role, Role::Named | Role::Identity) && !m.generic {
                    spans.push(m.span);
                }
                if let Some((c, _)) = m
                    .actor
                    .country
                    .as_deref()
                    .and_then(|iso| self.gaz().country_by_iso2(iso))
                {
                    let v = votes.entry(c).or_default();
                    *v = (*v + ACTOR_COUNTRY_VOTE).min(2.0 * ACTOR_COUNTRY_VOTE);
                }
            }
        }
        let mut prior: Vec<(u16, f64)> = votes.into_iter().collect();
        prior.sort_by_key(|(c, _)| *c);
        (prior, spans)
    }

    /// The country of the outlet that published the report: from the outlet table, else a
    /// country or a large city its name contains ("Star (Kenya)", "Bangkok Post").
    fn source_country(&self, doc: &Document) -> Option<u16> {
        let source = doc.source.as_deref()?.trim();
        // Outlets the table marks as reporting the world ("New York Times") say nothing of
        // where the report's events are: they are left out of a list of sources.
        let international = |p: &str| self.geocoder.lexicon.outlet_country(p) == Some("-");
        let kept: String;
        let source = if source.split(';').any(|p| international(p.trim())) {
            kept = source
                .split(';')
                .map(str::trim)
                .filter(|p| !international(p))
                .collect::<Vec<_>>()
                .join("; ");
            kept.as_str()
        } else {
            source
        };
        if source.is_empty() {
            return None;
        }
        if let Some(iso) = self.geocoder.lexicon.outlet_country(source) {
            return self.gaz().country_by_iso2(iso).map(|(c, _)| c);
        }
        // A list of sources ("Al Masirah; Ansar Allah; SOHR"): the country the table gives
        // most of them (the first on a tie), before reading their names for one.
        let mut listed: Vec<(&str, usize)> = Vec::new();
        for iso in source
            .split(';')
            .filter_map(|p| self.geocoder.lexicon.outlet_country(p.trim()))
        {
            match listed.iter_mut().find(|(k, _)| *k == iso) {
                Some((_, n)) => *n += 1,
                None => listed.push((iso, 1)),
            }
        }
        let most = listed.iter().map(|&(_, n)| n).max().unwrap_or(0);
        if let Some((iso, _)) = listed.iter().find(|&&(_, n)| n == most && n > 0) {
            return self.gaz().country_by_iso2(iso).map(|(c, _)| c);
        }
        let cfg = self.geocoder.config;
        if let Some(known) = self.outlets.get(&cfg, source) {
            return known;
        }
        let country = self.outlet_name_country(source);
        self.outlets.put(&cfg, source, country);
        country
    }

    /// The country of a country or a large city named in an outlet's name.
    fn outlet_name_country(&self, source: &str) -> Option<u16> {
        let probe = Document {
            text: source.to_string(),
            ..Document::default()
        };
        self.geocoder
            .mentions(&probe, &[Span::new(0, source.len())])
            .iter()
            .filter_map(|m| m.resolved)
            .map(|r| self.gaz().entry(r.entry))
            .find(|e| {
                e.kind == EntryKind::Country
                    || (e.kind == EntryKind::Place && e.population >= OUTLET_CITY_POPULATION)
            })
            .map(|e| e.country)
    }

    /// The country most of the document's places lie in.
    fn document_country(&self, mentions: &[PlaceMention]) -> Option<u16> {
        let mut votes: HashMap<u16, f64> = HashMap::new();
        for m in mentions.iter().filter(|m| m.role != MentionRole::Embedded) {
            if let Some(r) = m.resolved {
                let e = self.gaz().entry(r.entry);
                let w = match e.kind {
                    EntryKind::Place | EntryKind::Admin2 => 1.0,
                    EntryKind::Admin1 => 0.8,
                    EntryKind::Country => 0.5,
                    EntryKind::Region => 0.0,
                };
                *votes.entry(e.country).or_default() += w * r.confidence;
            }
        }
        votes
            .into_iter()
            .filter(|(c, _)| *c != u16::MAX)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(c, _)| c)
    }

    /// The country of the first place the sentence names.
    fn sentence_country(&self, mentions: &[&PlaceMention]) -> Option<u16> {
        mentions
            .iter()
            .filter(|m| m.role == MentionRole::Place)
            .filter_map(|m| m.resolved)
            .map(|r| self.gaz().entry(r.entry))
            .find(|e| {
                matches!(
                    e.kind,
                    EntryKind::Place | EntryKind::Admin2 | EntryKind::Admin1
                )
            })
            .map(|e| e.country)
            .filter(|&c| c != u16::MAX)
    }

    #[allow(clippy::too_many_arguments)]
    fn sentence_events(
        &self,
        doc: &Document,
        f: &SentenceFacts<'_>,
        ctx: &ActorContext<'_>,
        salient: &Salience,
        out: &mut Vec<Candidate>,
        control: &mut Vec<ControlStatement>,
        doubted: &mut usize,
    ) {
        let text = &doc.text;
        // Background: "Mahdi Army militiamen fought U.S. troops in Najaf in 2004, residents
        // recalled on Friday" happened in 2004, not on the report's Friday.
        let hits: Vec<TriggerHit> = self
            .triggers
            .find(text, &f.toks)
            .into_iter()
            .filter(|h| !in_background(text, f.dates.get(), h.span) && !long_spell(text, h.span))
            .collect();
        let mut asserted: Vec<TriggerHit> = Vec::new();
        for h in &hits {
            match modality(text, &f.toks, h) {
                Modality::Asserted => asserted.push(*h),
                _ if !h.frame.is_political() => *doubted += 1,
                Modality::Negated if h.frame == Frame::Control => {
                    // "ISIS doesn't control that town": the holder is denied, not asserted.
                    for site in self.objects(f, h, text) {
                        if let Some(holder) = self.holder(f, h, text, salient, ctx) {
                            control.push(ControlStatement {
                                place: site.entry,
                                holder,
                                negated: true,
                                date: stated_date(f.dates.get()).map(|d| d.0).or(doc.published),
                                evidence: f.span,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        if asserted.is_empty() {
            return;
        }
        // "Gunmen seized a school principal": people taken are an abduction, not territory.
        for h in asserted
            .iter_mut()
            .filter(|h| h.frame == Frame::Take && roles::takes_a_person(text, &f.toks, h))
        {
            h.frame = Frame::Abduct;
        }
        // "Troops deployed to Manbij under an agreement with the SDF": the deal is why the
        // place changed hands without a fight; the change is the event.
        if asserted
            .iter()
            .any(|h| h.frame == Frame::Agreement && under_a_deal(text, &f.toks, h))
            && asserted.iter().any(|h| moves_in_or_out(h.frame))
        {
            asserted.retain(|h| h.frame != Frame::Agreement);
            for h in asserted.iter_mut().filter(|h| moves_in_or_out(h.frame)) {
                h.frame = Frame::Handover;
            }
        }
        // "Troops took back Kunduz three days after the Taliban overran it", "… from the
        // rebels, who had seized it in March": the capture that an "after" clause or a
        // pluperfect recalls is the story's background, not a second event of the day.
        let territorial =
            |h: &TriggerHit| matches!(h.frame, Frame::Take | Frame::Retake | Frame::Control);
        if let Some(first) = asserted
            .iter()
            .filter(|h| territorial(h))
            .map(|h| h.span.start)
            .min()
        {
            asserted.retain(|h| {
                !(h.span.start > first && territorial(h) && recalled(text, f.span, h.span))
            });
        }
        // "A truce took hold, ending two days of rocket fire": the violence an agreement ends
        // or halts is its background.
        if asserted.iter().any(|h| h.frame == Frame::Agreement) {
            asserted.retain(|h| !(h.frame.is_violent_frame() && ended(text, f.span, h.span)));
        }
        let intervention = asserted
            .iter()
            .any(|h| matches!(h.frame, Frame::ProtestIntervene | Frame::ProtestForce));
        // Territorial frames: one event (or control statement) per place. "Seized" whose
        // object is weapons ("police seized guns in Kano") takes no territory.
        let disrupts: Vec<Span> = asserted
            .iter()
            .filter(|h| h.frame == Frame::Disrupt)
            .map(|h| h.span)
            .collect();
        for h in asserted
            .iter()
            .filter(|h| h.frame.is_territorial())
            .filter(|h| !disrupts.iter().any(|d| d.overlaps(h.span)))
        {
            self.territorial(doc, f, h, ctx, salient, out, control);
        }
        // Political acts stand alone.
        for h in asserted.iter().filter(|h| h.frame.is_political()) {
            let r = roles::roles(text, &f.toks, h, &f.actors);
            // States act through their names in political news: "Iraq asked the United
            // States", "Washington said".
            let agent = r
                .agent
                .map(|i| self.resolve_generic(&f.actors[i], salient, ctx, &doc.text))
                .or_else(|| self.government_near(f, h, true));
            let patient = self.government_near(f, h, false).or_else(|| {
                r.patient
                    .map(|i| self.resolve_generic(&f.actors[i], salient, ctx, &doc.text))
            });
            out.push(Candidate {
                frame: h.frame,
                coding: code(h.frame, agent.as_ref(), Victims::Unknown, false),
                sentence: f.index,
                evidence: f.span,
                more_evidence: Vec::new(),
                site: self.nearest_site(f, h),
                actor1: agent,
                actor2: patient,
                date: stated_date(f.dates.get()),
                fatalities: 0,
                wounded: None,
                confidence: 0.5,
                placeholder: false,
                firm: false,
            });
        }
        // The rest merge into the sentence's most specific frame. Protesters who are a side
        // of violence ("soldiers opened fire on unarmed demonstrators", "protesters clashed
        // with police") hold no protest of their own in that sentence: the violence is the
        // event.
        let others: Vec<&TriggerHit> = asserted
            .iter()
            .filter(|h| !h.frame.is_territorial() && !h.frame.is_political())
            .filter(|h| !protesters_in_violence(text, &f.toks, h, &asserted, &f.actors))
            .collect();
        let Some(main) = others
            .iter()
            // Aircraft named beside a bombardment make it an air strike ("bombardment by
            // fighter jets").
            .max_by_key(|h| {
                (
                    h.frame.specificity(),
                    h.frame == Frame::Airstrike,
                    std::cmp::Reverse(h.first),
                )
            })
            .copied()
        else {
            return;
        };
        // A toll the sentence dates to another time ("two protesters killed last month") is
        // background, not this event's.
        let casualties: Vec<_> = find_casualties_in(text, &f.toks)
            .into_iter()
            .filter(|c| !dated_earlier(text, f.dates.get(), c.verb, doc.published))
            .collect();
        let mut main = *main;
        // "Residents protested against the bomb blast": the blast is what they protest, the
        // protest is the event.
        // ("gathered to protest the blast": the purpose tells what the gathering was).
        if let Some(p) = hits.iter().find(|p| {
            matches!(p.frame, Frame::Protest | Frame::ProtestIntervene)
                && protests_against(text, &f.toks, p, &main)
        }) {
            main = *p;
        }
        // A raid or operation that seized or defused weapons and hurt no one is the
        // disruption, in ACLED's terms, not an attack.
        // So is a weapon the sentence names only as defused, seized or found ("defused an
        // improvised explosive device"), and a bomb factory "destroyed".
        if matches!(
            main.frame,
            Frame::Attack
                | Frame::Clash
                | Frame::Ied
                | Frame::CrudeBomb
                | Frame::Grenade
                | Frame::Shelling
                | Frame::Airstrike
                | Frame::Suicide
                | Frame::Chemical
                | Frame::Loot
        ) && casualties.is_empty()
            && let Some(d) = others.iter().find(|h| h.frame == Frame::Disrupt)
        {
            main = **d;
        }
        // A raid in which people were detained and no one was hurt is the arrest.
        let hurt = casualties
            .iter()
            .any(|c| matches!(c.kind, CasualtyKind::Killed | CasualtyKind::Wounded));
        if matches!(main.frame, Frame::Attack | Frame::Clash)
            && !hurt
            && let Some(a) = asserted.iter().find(|h| h.frame == Frame::Arrest)
        {
            main = *a;
        }
        if matches!(main.frame, Frame::Protest | Frame::ProtestIntervene)
            && killed_at_protest(text, f.span, &casualties)
        {
            main.frame = Frame::ProtestForce;
        }
        // Forces that fire on, shoot or kill people at a protest the sentence tells of
        // ("police opened fire on villagers protesting against the mine, killing four";
        // "soldiers shot dead a boy as opposition supporters marched") use force against
        // it: the event is their violence, with them as its agent.
        let mut forces_at_protest = false;
        if matches!(main.frame, Frame::Protest | Frame::ProtestIntervene)
            && let Some(v) = forces_violence_at_protest(text, f, &asserted, &main, hurt)
        {
            main = TriggerHit {
                frame: Frame::ProtestForce,
                ..v
            };
            forces_at_protest = true;
        }
        let main = &main;
        let killed: u32 = casualties
            .iter()
            .filter(|c| c.kind == CasualtyKind::Killed)
            .map(|c| c.count)
            .sum();
        let wounded: Option<u32> = casualties
            .iter()
            .filter(|c| c.kind == CasualtyKind::Wounded)
            .map(|c| c.count)
            .reduce(|a, b| a.saturating_add(b));
        let mut victims = casualties
            .iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    CasualtyKind::Killed | CasualtyKind::Wounded | CasualtyKind::Abducted
                )
            })
            .filter_map(|c| c.head.as_deref())
            .map(victims_of_noun)
            .fold(Victims::Unknown, |seen, v| match (seen, v) {
                // Armed men among the dead make it a fight ("killing three civilians and
                // five police"), whichever the sentence counts first.
                (Victims::Armed, _) | (_, Victims::Armed) => Victims::Armed,
                (Victims::Civilians, _) | (_, Victims::Civilians) => Victims::Civilians,
                _ => Victims::Unknown,
            });
        // A frame made only of casualty words with nothing killed or hurt is no event.
        if main.frame == Frame::Kill && killed == 0 && wounded.is_none() {
            return;
        }
        let r = roles::roles(text, &f.toks, main, &f.actors);
        // "The recent wave of attacks": an attack word with no victim, toll or place says nothing.
        if matches!(main.frame, Frame::Attack | Frame::Clash)
            && killed == 0
            && wounded.is_none()
            && r.patient.is_none()
            && f.sites.is_empty()
            && stated_date(f.dates.get()).is_none()
        {
            return;
        }
        let mut agent = r
            .agent
            .map(|i| self.resolve_generic(&f.actors[i], salient, ctx, &doc.text));
        let mut patient = r
            .patient
            .map(|i| self.resolve_generic(&f.actors[i], salient, ctx, &doc.text));
        if victims == Victims::Unknown
            && let Some(p) = &patient
        {
            victims = if coding::is_armed(p) {
                Victims::Armed
            } else if p.inter == inter::CIVILIANS {
                Victims::Civilians
            } else {
                Victims::Unknown
            };
        }
        // Victims named only by their counted noun ("five Afghan police officers were killed").
        if patient.is_none() {
            // The armed among mixed victims are the other side ("four civilians and two
            // policemen").
            let heads = || casualties.iter().filter_map(|c| c.head.as_deref());
            let head = heads()
                .find(|h| victims == Victims::Armed && victims_of_noun(h) == Victims::Armed)
                .or_else(|| heads().next());
            patient = match head {
                Some(
                    "police" | "policemen" | "policeman" | "officers" | "officer" | "constables",
                ) => Some(self.actors.compose(Role::Police, ctx.country, ctx.date)),
                Some("soldiers" | "soldier" | "troops" | "servicemen" | "personnel") => {
                    Some(self.actors.compose(Role::Military, ctx.country, ctx.date))
                }
                _ if victims == Victims::Civilians && main.frame.specificity() >= 9 => {
                    Some(self.actors.compose(Role::Civilians, ctx.country, ctx.date))
                }
                _ => None,
            };
        }
        // Casualty-only sentences: the victims are the patient, whoever caused it is the agent.
        if main.frame == Frame::Kill && roles::is_passive(text, &f.toks, main) && patient.is_none()
        {
            patient = agent.take();
        }
        let mut coding = code(main.frame, agent.as_ref(), victims, intervention);
        // Civilians are never the actor of an attack in ACLED's terms (violence against
        // civilians is by organised armed groups): residents or villagers who beat or kill
        // someone are a mob ("villagers in Mwanza killed two men accused of witchcraft").
        if coding.sub_event_type == Some(sitrep_model::SubEventType::Attack)
            && agent.as_ref().is_some_and(|a| a.role == Role::Civilians)
            && r.agent.is_some_and(|i| {
                head_is(text, &f.actors[i], CROWD_NOUNS)
                    && !f.actors[i]
                        .span
                        .slice(text)
                        .to_ascii_lowercase()
                        .contains("armed")
            })
        {
            coding = code(Frame::Mob, agent.as_ref(), victims, intervention);
        }
        // Arson by men the text calls armed ("gunmen set fire to the electoral office",
        // "militants torched a school") destroys property, or attacks people when it hurts
        // them: no riot. (Unnamed "assailants" torching buses in a strike stay a riot, as
        // ACLED codes them.)
        if main.frame == Frame::Riot
            && destructive(main.span.slice(text))
            && r.agent
                .is_some_and(|i| head_is(text, &f.actors[i], ARMED_NOUNS))
        {
            let frame = if killed > 0 || wounded.is_some() {
                Frame::Attack
            } else {
                Frame::Loot
            };
            coding = code(frame, agent.as_ref(), victims, intervention);
        }
        // Soldiers or police hurting protesters ("beat peaceful marchers with batons, leaving
        // dozens wounded") use excessive force against a protest, in ACLED's terms.
        // Without anyone hurt, and no firing, it is an intervention ("troops attacked
        // demonstrators"); live fire on protesters is excessive force whatever the toll. Armed
        // victims mean the crowd fought back: a riot, left to the rules below.
        let mut sides_decide = forces_at_protest;
        if coding.sub_event_type == Some(sitrep_model::SubEventType::Attack)
            && victims != Victims::Armed
            && agent
                .as_ref()
                .is_some_and(|a| matches!(a.role, Role::Military | Role::Police))
            && patient.as_ref().is_some_and(|p| p.role == Role::Protesters)
        {
            let frame = if killed > 0 || wounded.is_some() || gunfire(main.span.slice(text)) {
                Frame::ProtestForce
            } else {
                Frame::ProtestIntervene
            };
            coding = code(frame, agent.as_ref(), victims, intervention);
            // Who did what to whom decided it: the classifier's reading of the words
            // ("attacked", "riot") does not recode it (nor this riot, below).
            sides_decide = true;
        }
        // Police detaining people at a protest ("detained nine activists as they tried to
        // march to Government House") intervene in it: ACLED codes the protest, with the
        // police as its second actor, not an arrest.
        if coding.sub_event_type == Some(sitrep_model::SubEventType::Arrests)
            && agent
                .as_ref()
                .is_none_or(|a| matches!(a.role, Role::Military | Role::Police))
            && patient.as_ref().is_some_and(|p| p.role == Role::Protesters)
        {
            coding = code(
                Frame::ProtestIntervene,
                agent.as_ref(),
                victims,
                intervention,
            );
            sides_decide = true;
        }
        // Violence by demonstrators makes a violent demonstration (ACLED), whoever it hurt
        // ("protesters attacked the police station"). Only for those called protesters or
        // demonstrators: the notes code attacks by party supporters, youths or gangs as
        // attacks or mob violence.
        if matches!(
            coding.sub_event_type,
            Some(sitrep_model::SubEventType::Attack | sitrep_model::SubEventType::ArmedClash)
        ) && r
            .agent
            .is_some_and(|i| head_is(text, &f.actors[i], PROTESTER_NOUNS))
        {
            coding = code(Frame::Riot, agent.as_ref(), victims, intervention);
            sides_decide = true;
        }
        // A clash where one side is a crowd (farmers, a mob, party supporters, protesters) is a
        // riot in ACLED's terms: armed clashes are between organised armed groups.
        if coding.sub_event_type == Some(sitrep_model::SubEventType::ArmedClash) {
            let party =
                |i: Option<usize>| i.is_some_and(|i| f.actors[i].actor.role == Role::Civilians);
            let crowd = f
                .actors
                .iter()
                .any(|a| matches!(a.actor.role, Role::Protesters | Role::Rioters))
                || party(r.agent)
                || party(r.patient)
                || unarmed_brawl(text, &f.toks, &f.actors);
            if crowd {
                let mob = f.toks.iter().any(|t| {
                    matches!(
                        t.text(text).to_lowercase().as_str(),
                        "mob" | "mobs" | "lynch" | "lynched"
                    )
                });
                coding.sub_event_type = Some(if mob {
                    sitrep_model::SubEventType::MobViolence
                } else {
                    sitrep_model::SubEventType::ViolentDemonstration
                });
                coding.plover = None;
            }
        }
        if !sides_decide
            && let Some(refined) = self.refine(text, f, main, coding, victims, killed > 0)
        {
            coding = refined;
        }
        // A toll alone in the sentence after an event belongs to it ("Clashes … in Nakale.
        // 11 killed.").
        if main.frame == Frame::Kill
            && f.sites.is_empty()
            && stated_date(f.dates.get()).is_none()
            && let Some(prev) = out
                .iter_mut()
                .rev()
                .find(|c| {
                    !c.placeholder
                        && c.coding.sub_event_type.is_some_and(|s| {
                            s.is_violent() || s.event_type() == sitrep_model::EventType::Riots
                        })
                })
                .filter(|c| f.index.saturating_sub(c.sentence) <= 2)
        {
            prev.fatalities = prev.fatalities.max(killed);
            prev.wounded = prev.wounded.max(wounded);
            prev.more_evidence.push(f.span);
            return;
        }
        // A protest's toll is of the killing it protests, not of the protest (ACLED codes
        // deaths at a protest as excessive force or violence); an agreement's, of the fighting
        // it ended.
        let killed = match coding.sub_event_type {
            Some(
                sitrep_model::SubEventType::PeacefulProtest
                | sitrep_model::SubEventType::ProtestWithIntervention
                | sitrep_model::SubEventType::Agreement,
            ) => 0,
            _ => killed,
        };
        // Two factions of one kind fighting each other ("rival militias clashed", "gunmen
        // fought among themselves") are both sides: not the army by default.
        if coding.sub_event_type == Some(sitrep_model::SubEventType::ArmedClash)
            && patient.is_none()
            && agent
                .as_ref()
                .is_some_and(|a| coding::is_armed(a) && a.inter != inter::STATE)
        {
            let lower = f.span.slice(text).to_ascii_lowercase();
            if ["rival", "each other", "one another", "among themselves"]
                .iter()
                .any(|w| lower.contains(w))
            {
                patient = agent.clone();
            }
        }
        let (actor1, actor2) = self.default_actors(coding, agent, patient, victims, salient, ctx);
        // Police breaking up a protest the report told just before ("Teachers protested over
        // pay. Police fired tear gas.") is that protest's intervention, not another event.
        if coding.sub_event_type == Some(sitrep_model::SubEventType::ProtestWithIntervention)
            && f.sites.is_empty()
            && stated_date(f.dates.get()).is_none()
            && let Some(prev) = out
                .iter_mut()
                .rev()
                .find(|c| !c.placeholder && c.coding.sub_event_type.is_some())
                .filter(|c| {
                    c.coding.sub_event_type == Some(sitrep_model::SubEventType::PeacefulProtest)
                        && f.index.saturating_sub(c.sentence) <= 2
                })
        {
            prev.coding = coding;
            if prev.actor2.is_none() {
                prev.actor2 = actor2;
            }
            prev.more_evidence.push(f.span);
            return;
        }
        let specific = main.frame.specificity() >= 5;
        out.push(Candidate {
            frame: main.frame,
            coding,
            sentence: f.index,
            evidence: f.span,
            more_evidence: Vec::new(),
            site: self.nearest_site(f, main),
            actor1,
            actor2,
            date: event_date(text, f.span, f.dates.get(), main.span),
            fatalities: killed,
            wounded,
            confidence: if specific { 0.75 } else { 0.6 },
            placeholder: false,
            firm: sides_decide,
        });
    }

    /// A report no trigger matched may still describe an event in words the rules do not
    /// know: the classifier reads its opening and, when confident, codes it.
    fn classifier_fallback(
        &self,
        doc: &Document,
        sentences: &[Span],
        mentions: &[PlaceMention],
        ctx: &ActorContext<'_>,
        salient: &Salience,
    ) -> Option<Candidate> {
        let clf = self.classifier?;
        let text = &doc.text;
        let first = *sentences.iter().find(|s| s.len() > 20)?;
        let si = sentences.iter().position(|s| *s == first)?;
        let window = Span::new(
            first.start,
            sentences.get(si + 1).map_or(first.end, |n| n.end),
        );
        // Background the report recalls ("fought U.S. troops in Najaf in 2004", no date of
        // its own) is no event.
        let dates = self.dates.find(text, window, doc.published);
        if dates
            .first()
            .is_some_and(|d| d.kind == DateKind::Historical)
        {
            return None;
        }
        // The most likely event type, then its most likely sub-event type.
        let (etype, p) = clf
            .type_probabilities(window.slice(text))
            .into_iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        if p < FALLBACK_MIN_PROBABILITY {
            return None;
        }
        let (sub, _) = clf
            .scores(window.slice(text))
            .into_iter()
            .find(|(s, _)| s.event_type() == etype)?;
        let toks = tokenize(text, first);
        let sent_mentions: Vec<&PlaceMention> =
            mentions.iter().filter(|m| m.sentence == si).collect();
        let sites = places::sites(self.gaz(), text, &toks, &sent_mentions);
        let actors = self.actors.find(text, window, ctx);
        let agent = actors
            .first()
            .map(|a| self.resolve_generic(a, salient, ctx, &doc.text));
        let patient = actors
            .get(1)
            .map(|a| self.resolve_generic(a, salient, ctx, &doc.text));
        let casualties = find_casualties(text, window);
        let killed = casualties
            .iter()
            .filter(|c| c.kind == CasualtyKind::Killed)
            .map(|c| c.count)
            .sum();
        let coding = Coding {
            sub_event_type: Some(sub),
            plover: None,
        };
        let (actor1, actor2) =
            self.default_actors(coding, agent, patient, Victims::Unknown, salient, ctx);
        let rank = |k: EntryKind| match k {
            EntryKind::Place => 0,
            EntryKind::Admin2 => 1,
            EntryKind::Admin1 => 2,
            EntryKind::Region => 3,
            EntryKind::Country => 4,
        };
        let site = sites
            .iter()
            .min_by_key(|s| (rank(s.kind), s.span.start))
            .map(|s| Site {
                entry: s.entry,
                precision: geocode::geo_precision(self.gaz().entry(s.entry)),
            });
        Some(Candidate {
            frame: coding::frame_of(sub),
            coding,
            sentence: si,
            evidence: first,
            more_evidence: Vec::new(),
            site,
            actor1,
            actor2,
            date: stated_date(&dates),
            fatalities: killed,
            wounded: None,
            confidence: 0.4 * f64::from(p),
            placeholder: false,
            firm: false,
        })
    }

    /// In a short report (the notes the classifier learned from), a confident reading of the
    /// whole report's event type decides the main event: the candidate of that type if there
    /// is one, else the most salient candidate recoded to that type's likeliest sub-type.
    fn align_main_type(
        &self,
        candidates: &mut [Candidate],
        clf: &EventClassifier,
        text: &str,
        doc_types: &[(EventType, f32)],
        ctx: &ActorContext<'_>,
    ) {
        let Some(&(t, p)) = doc_types.iter().max_by(|a, b| a.1.total_cmp(&b.1)) else {
            return;
        };
        if p < MAIN_TYPE_MIN_PROBABILITY {
            return;
        }
        // The two heads disagreeing (the type head says "strategic development", the
        // sub-event head "armed clash") marks text unlike the notes they learned from: only a
        // near-certain type head then decides alone.
        if p < MAIN_TYPE_ALONE_PROBABILITY
            && clf
                .top_sub_event_type(text)
                .is_none_or(|(s, _)| s.event_type() != t)
        {
            return;
        }
        let acled = |c: &Candidate| !c.placeholder && c.coding.sub_event_type.is_some();
        let Some(main) = candidates
            .iter()
            .filter(|c| acled(c))
            .max_by(|a, b| salience(a).total_cmp(&salience(b)))
        else {
            return;
        };
        // A weapon the report names, or names as defused or seized, outweighs any reading of
        // the whole; so does an agreement, a new base or a group's change of course (the
        // words for them, "agreed", "announced", "set up", read like a protest's).
        if main.frame.specificity() >= WEAPON_SPECIFICITY
            || matches!(
                main.frame,
                Frame::Disrupt | Frame::Agreement | Frame::Hq | Frame::GroupChange | Frame::Coup
            )
            || main.firm
        {
            return;
        }
        // Civilian victims the rules found make it no battle ("armed pastoralists attacked
        // two farmers").
        if t == EventType::Battles
            && main
                .actor2
                .as_ref()
                .is_some_and(|a| a.inter == inter::CIVILIANS)
        {
            return;
        }
        if main.coding.event_type() == Some(t)
            || candidates
                .iter()
                .any(|c| acled(c) && c.coding.event_type() == Some(t))
        {
            return; // the ranking (which weighs the same probabilities) picks it
        }
        let Some((sub, _)) = clf
            .scores(text)
            .into_iter()
            .find(|(s, _)| s.event_type() == t)
        else {
            return;
        };
        let Some(main) = candidates
            .iter_mut()
            .filter(|c| acled(c))
            .max_by(|a, b| salience(a).total_cmp(&salience(b)))
        else {
            return;
        };
        main.coding = Coding {
            sub_event_type: Some(sub),
            plover: None,
        };
        main.frame = coding::frame_of(sub);
        let compose = |role| Some(self.actors.compose(role, ctx.country, ctx.date));
        match t {
            EventType::Protests => main.actor1 = compose(Role::Protesters),
            EventType::Riots => main.actor1 = compose(Role::Rioters),
            EventType::ViolenceAgainstCivilians => main.actor2 = compose(Role::Civilians),
            _ => {}
        }
    }

    /// The classifier's reading of the sentence (and the one after it), with the rules'
    /// coding favoured: it overrides the rules only when clearly more likely.
    fn refine(
        &self,
        text: &str,
        f: &SentenceFacts<'_>,
        trigger: &TriggerHit,
        coding: Coding,
        victims: Victims,
        deadly: bool,
    ) -> Option<Coding> {
        let frame = trigger.frame;
        // A deployment or a coup is "Other" by ACLED's rules, a class the notes rarely show
        // the classifier.
        if matches!(frame, Frame::Deploy | Frame::Coup) {
            return None;
        }
        let clf = self.classifier?;
        let rule = coding.sub_event_type?;
        let window = Span::new(f.span.start, f.next_end.max(f.span.end));
        let bonus = rule_bonus(frame, f.long_report);
        let lower = window.slice(text).to_lowercase();
        // Victims the sentence names settle battle against attack on civilians: "soldiers
        // shot dead a student" is no armed clash, whatever the notes around it were. Not when
        // two sides fired: civilians caught in an exchange of fire die in a battle.
        let crossfire = two_sided(&lower);
        let against_victims = |t: EventType| {
            t != rule.event_type()
                && !(crossfire && victims == Victims::Civilians)
                && match victims {
                    Victims::Civilians => t == EventType::Battles,
                    Victims::Armed => t == EventType::ViolenceAgainstCivilians,
                    Victims::Unknown => false,
                }
        };
        // A sentence that counts its dead reports violence: never a strategic development or
        // a protest ("the battle for al-Qaim has cost the lives of a dozen soldiers").
        let bloodless = |s: sitrep_model::SubEventType| {
            deadly && !s.is_violent() && s.event_type() != EventType::Riots
        };
        // A weapon the sentence names (or names as defused or seized) keeps its event type
        // unless the sentence tells of two sides firing: the notes the classifier learned
        // from code most fire on soldiers and police as clashes, news of a suicide bombing or
        // an air strike is that. On armed victims the classifier may still move a grenade or
        // a bomb to a clash, as ACLED's coders do with bombs thrown at police.
        let weapon_lock = (frame.specificity() >= WEAPON_SPECIFICITY || frame == Frame::Disrupt)
            && (!matches!(frame, Frame::Grenade | Frame::Ied) || victims != Victims::Armed)
            && !crossfire;
        // A suicide bombing or a chemical attack is that, whatever else the words recall; so
        // are an agreement, a new base, a group's change of course, a seizure of weapons and
        // sexual violence, which the notes show the classifier too rarely to tell apart.
        let exact = (matches!(frame, Frame::Suicide | Frame::Chemical) && weapon_lock)
            || matches!(
                frame,
                Frame::Agreement
                    | Frame::Hq
                    | Frame::GroupChange
                    | Frame::Disrupt
                    | Frame::Sexual
                    | Frame::Arrest
            )
            // People seized or captured, which the rules re-read as an abduction: in the notes
            // "seized" is mostly ground or weapons, so the classifier cannot judge it.
            || (frame == Frame::Abduct && {
                let w = trigger.span.slice(text).to_ascii_lowercase();
                w.starts_with("seiz") || w.starts_with("captur")
            });
        // Of the strategic developments, only property destruction may turn out to be a riot
        // or an attack; an arrest, an agreement or a new base stays what the rules read.
        let settled = rule.event_type() == EventType::StrategicDevelopments
            && rule != sitrep_model::SubEventType::LootingPropertyDestruction;
        // A protest the sentence calls peaceful is no riot.
        let peaceful = rule.event_type() == EventType::Protests && lower.contains("peaceful");
        // Nor is a crowd that burned, stoned or smashed anything a peaceful protest, however
        // protest-like the rest of the sentence reads (ACLED: violence by demonstrators makes
        // a violent demonstration). Blocking roads with tyres or barricades may be either.
        let violent_crowd = frame == Frame::Riot && destructive(trigger.span.slice(text));
        // Moves go only between confusable types: an agreement, a looting or an arrest the
        // rules read stays one, however sure the classifier is that it sounds like a protest.
        let penalty = |s: sitrep_model::SubEventType| {
            // Rape, a suicide bombing or a chemical attack needs its own words in the text.
            let unsaid = matches!(
                s,
                sitrep_model::SubEventType::SexualViolence
                    | sitrep_model::SubEventType::SuicideBomb
                    | sitrep_model::SubEventType::ChemicalWeapon
            );
            let barred = unsaid
                || (peaceful && s.event_type() == EventType::Riots)
                || (violent_crowd && s.event_type() == EventType::Protests)
                || against_victims(s.event_type())
                || bloodless(s)
                || (weapon_lock
                    && s.event_type() != rule.event_type()
                    && s != sitrep_model::SubEventType::DisruptedWeaponsUse)
                || exact
                || (settled && s.event_type() != rule.event_type())
                || !confusable(frame, rule.event_type(), s.event_type());
            if barred { f32::INFINITY } else { 0.0 }
        };
        let (sub, _) = clf.refine(window.slice(text), Some(rule), bonus, penalty)?;
        (sub != rule).then_some(Coding {
            sub_event_type: Some(sub),
            plover: None,
        })
    }

    /// Take/Control/Retake/Withdraw/Handover: one candidate per place; control statements too.
    #[allow(clippy::too_many_arguments)]
    fn territorial(
        &self,
        doc: &Document,
        f: &SentenceFacts<'_>,
        h: &TriggerHit,
        ctx: &ActorContext<'_>,
        salient: &Salience,
        out: &mut Vec<Candidate>,
        control: &mut Vec<ControlStatement>,
    ) {
        let text = &doc.text;
        let mut r = roles::roles(text, &f.toks, h, &f.actors);
        // "regained control of several villages from Boko Haram": who it was taken from is
        // the loser, never the taker.
        if let Some(i) = r.agent
            && f.actors[i].span.start > h.span.end
            && word_before(text, f.actors[i].span.start).eq_ignore_ascii_case("from")
        {
            r.patient = r.patient.or(Some(i));
            r.agent = None;
        }
        let agent = r
            .agent
            .map(|i| self.resolve_generic(&f.actors[i], salient, ctx, &doc.text));
        let patient = r
            .patient
            .map(|i| self.resolve_generic(&f.actors[i], salient, ctx, &doc.text));
        // Protesters who storm or occupy a building take no territory: the riot or sit-in
        // the sentence tells of is the event.
        if matches!(h.frame, Frame::Take | Frame::Control)
            && agent
                .as_ref()
                .is_some_and(|a| matches!(a.role, Role::Protesters | Role::Rioters))
        {
            return;
        }
        let objects = self.objects(f, h, text);
        let date = stated_date(f.dates.get());
        match h.frame {
            Frame::Control => {
                let Some(holder) = self.holder(f, h, text, salient, ctx) else {
                    return;
                };
                for site in objects {
                    control.push(ControlStatement {
                        place: site.entry,
                        holder: holder.clone(),
                        negated: false,
                        date: date.map(|d| d.0),
                        evidence: f.span,
                    });
                }
            }
            Frame::Withdraw | Frame::Handover => {
                let withdrawer = if h.frame == Frame::Withdraw {
                    agent.or(patient.clone())
                } else {
                    agent
                };
                let withdrawer = withdrawer.or_else(|| {
                    ctx.country
                        .map(|c| self.actors.compose(Role::Military, Some(c), ctx.date))
                });
                // A withdrawal is an event where the text says from where ("withdrew from
                // Haditha"); "troops pulled back" alone changes nothing on the map.
                let after = f.toks[h.last].span.end;
                let from_places: Vec<SiteMention> = objects
                    .iter()
                    .filter(|s| s.span.start >= after)
                    .filter(|s| {
                        let lead = Span::new(after, s.span.start).slice(text).to_lowercase();
                        let words: Vec<&str> = lead.split_whitespace().collect();
                        words.last().is_some_and(|w| matches!(*w, "from" | "of"))
                    })
                    .copied()
                    .collect();
                // "withdrew from the town", "handed over the base": where the report is about.
                let unnamed = objects.is_empty() && names_unnamed_place(text, &f.toks, h, false);
                let sites: Vec<Option<Site>> = if unnamed {
                    vec![None]
                } else {
                    objects_sites(&from_places).into_iter().map(Some).collect()
                };
                for site in sites {
                    out.push(Candidate {
                        frame: h.frame,
                        coding: code(h.frame, withdrawer.as_ref(), Victims::Unknown, false),
                        sentence: f.index,
                        evidence: f.span,
                        more_evidence: Vec::new(),
                        site,
                        actor1: withdrawer.clone(),
                        actor2: None,
                        date,
                        fatalities: 0,
                        wounded: None,
                        confidence: if unnamed { 0.5 } else { 0.6 },
                        placeholder: unnamed,
                        firm: false,
                    });
                }
            }
            Frame::Take | Frame::Retake => {
                // Without a named taker, a recapture is the state's (the forces the sentence
                // names before it: "the army said it had regained …"), a capture the group
                // the story is about.
                let state_before = || {
                    f.actors
                        .iter()
                        .filter(|a| a.span.end <= h.span.start)
                        .map(|a| self.resolve_generic(a, salient, ctx, &doc.text))
                        .find(|a| a.inter == inter::STATE)
                };
                let agent = match (agent, h.frame) {
                    (None, Frame::Retake) => state_before().or_else(|| {
                        ctx.country
                            .map(|c| self.actors.compose(Role::Military, Some(c), ctx.date))
                    }),
                    (a, _) => a,
                };
                let taker = agent.or_else(|| salient.non_state()).or_else(|| {
                    ctx.country.map(|c| {
                        self.actors
                            .compose(Role::ArmedUnidentified, Some(c), ctx.date)
                    })
                });
                // "walked into Barawe without firing a shot": a place taken without a battle
                // changes hands non-violently, whoever takes it.
                let frame = if unopposed(f.span, f.next_end, text) {
                    Frame::Handover
                } else {
                    h.frame
                };
                let coding = code(frame, taker.as_ref(), Victims::Unknown, false);
                let loser = patient.filter(coding::is_armed);
                let firm = firm_capture(h.span.slice(text));
                if objects.is_empty() && names_unnamed_place(text, &f.toks, h, true) {
                    out.push(Candidate {
                        frame: h.frame,
                        coding,
                        sentence: f.index,
                        evidence: f.span,
                        more_evidence: Vec::new(),
                        site: None,
                        actor1: taker.clone(),
                        actor2: loser.clone(),
                        date,
                        fatalities: 0,
                        wounded: None,
                        confidence: 0.5,
                        placeholder: true,
                        firm,
                    });
                }
                for site in objects_sites(&objects) {
                    if let Some(t) = &taker {
                        control.push(ControlStatement {
                            place: site.entry,
                            holder: t.clone(),
                            negated: false,
                            date: date.map(|d| d.0),
                            evidence: f.span,
                        });
                    }
                    out.push(Candidate {
                        frame: h.frame,
                        coding,
                        sentence: f.index,
                        evidence: f.span,
                        more_evidence: Vec::new(),
                        site: Some(site),
                        actor1: taker.clone(),
                        actor2: loser.clone(),
                        date,
                        fatalities: 0,
                        wounded: None,
                        confidence: if agent_named(&taker) { 0.8 } else { 0.6 },
                        placeholder: false,
                        firm,
                    });
                }
            }
            _ => {}
        }
    }

    /// The places a territorial trigger is about: after an active verb, before a passive one.
    fn objects(&self, f: &SentenceFacts<'_>, h: &TriggerHit, text: &str) -> Vec<SiteMention> {
        let passive = roles::is_passive(text, &f.toks, h)
            || f.toks[h.first].text(text).eq_ignore_ascii_case("fell")
            || f.toks[h.first].text(text).eq_ignore_ascii_case("under");
        let usable = |s: &&SiteMention| matches!(s.kind, EntryKind::Place | EntryKind::Admin2);
        let clause_end = (h.last + 1..f.toks.len())
            .find(|&j| {
                let w = f.toks[j].text(text);
                matches!(w, ";" | "." | "—")
                    || w.eq_ignore_ascii_case("said")
                    // ", leaving a trail from …": a participle opens another clause.
                    || (w == "," && f.toks.get(j + 1).is_some_and(|n| n.text(text).ends_with("ing")))
            })
            .map_or(f.span.end, |j| f.toks[j].span.start);
        // The clause the trigger sits in starts after the last boundary before it; a comma
        // followed by "which"/"who" leads back to the noun before it ("Al-Bukamal, which is
        // under the control of …").
        let clause_start = (0..h.first)
            .rev()
            .find(|&j| {
                let w = f.toks[j].text(text).to_lowercase();
                matches!(
                    w.as_str(),
                    ";" | ":" | "while" | "but" | "although" | "whereas"
                ) || (w == ","
                    && !f.toks.get(j + 1).is_some_and(|n| {
                        matches!(
                            n.text(text).to_lowercase().as_str(),
                            "which" | "who" | "where"
                        )
                    }))
            })
            .map_or(f.span.start, |j| f.toks[j].span.end);
        let after: Vec<SiteMention> = f
            .sites
            .iter()
            .filter(usable)
            .filter(|s| s.span.start >= f.toks[h.last].span.end && s.span.end <= clause_end)
            .copied()
            .collect();
        let before: Vec<SiteMention> = f
            .sites
            .iter()
            .filter(usable)
            .filter(|s| s.span.end <= f.toks[h.first].span.start)
            .filter(|s| passive || s.span.start >= clause_start)
            .copied()
            .collect();
        if passive || after.is_empty() {
            // The nearest place before the trigger (a passive subject), else what follows.
            if let Some(b) = before.last() {
                return vec![*b];
            }
            return after;
        }
        after
    }

    /// Who holds the places of a control trigger: "by X", "of X", or the subject.
    fn holder(
        &self,
        f: &SentenceFacts<'_>,
        h: &TriggerHit,
        text: &str,
        salient: &Salience,
        ctx: &ActorContext<'_>,
    ) -> Option<Actor> {
        let r = roles::roles(text, &f.toks, h, &f.actors);
        let after_of = f
            .actors
            .iter()
            .position(|a| a.span.start >= f.toks[h.last].span.end);
        let pick = if f.toks[h.first].text(text).eq_ignore_ascii_case("under")
            || roles::is_passive(text, &f.toks, h)
        {
            after_of.or(r.agent)
        } else {
            r.agent.or(r.patient)
        };
        pick.map(|i| self.resolve_generic(&f.actors[i], salient, ctx, text))
    }

    /// The government of a country named (or metonymically, by its capital) right before
    /// (`before`) or after a political trigger in the same clause.
    fn government_near(
        &self,
        f: &SentenceFacts<'_>,
        h: &TriggerHit,
        before: bool,
    ) -> Option<Actor> {
        let (lo, hi) = if before {
            (f.span.start, f.toks[h.first].span.start)
        } else {
            (f.toks[h.last].span.end, f.span.end)
        };
        let mut candidates = f
            .mentions
            .iter()
            .filter(|m| m.role == MentionRole::Place && m.span.start >= lo && m.span.end <= hi);
        let pick = |m: &&&PlaceMention| {
            m.resolved.is_some_and(|r| {
                let e = self.gaz().entry(r.entry);
                e.kind == EntryKind::Country || &*e.feature_code == "PPLC"
            })
        };
        let m = if before {
            candidates.rfind(pick)
        } else {
            candidates.find(pick)
        }?;
        let e = self.gaz().entry(m.resolved?.entry);
        let iso = self.gaz().country_of(e)?.iso2.to_string();
        Some(
            self.actors
                .compose(Role::Government, Some(&iso), f.date_context),
        )
    }

    /// The site nearest to a trigger, preferring places over areas.
    fn nearest_site(&self, f: &SentenceFacts<'_>, h: &TriggerHit) -> Option<Site> {
        let t = f.toks[h.first].span.start;
        let rank = |k: EntryKind| match k {
            EntryKind::Place => 0,
            EntryKind::Admin2 => 1,
            EntryKind::Admin1 => 2,
            EntryKind::Region => 3,
            EntryKind::Country => 4,
        };
        // "in X", "at X", "near X" name where it happened; other places are less likely.
        let locative = |s: &SiteMention| {
            let i = f.toks.partition_point(|tok| tok.span.start < s.span.start);
            let prev = (i > 0).then(|| f.toks[i - 1].text(f.text).to_lowercase());
            !prev.is_some_and(|p| {
                matches!(
                    p.as_str(),
                    "in" | "at" | "near" | "outside" | "around" | "inside" | "into" | "on"
                )
            })
        };
        // A country is not a site: the story's place (or the sentence before) says more.
        f.sites
            .iter()
            .filter(|s| s.kind != EntryKind::Country)
            .min_by_key(|s| (rank(s.kind), locative(s), s.span.start.abs_diff(t)))
            .map(|s| Site {
                entry: s.entry,
                precision: geocode::geo_precision(self.gaz().entry(s.entry)),
            })
    }

    /// Generic mentions ("the militants", "security forces") name the actor salient in context.
    fn resolve_generic(
        &self,
        m: &ActorMention,
        salient: &Salience,
        ctx: &ActorContext<'_>,
        text: &str,
    ) -> Actor {
        // "the Sunni militants" in a story about ISIS is ISIS: an armed head word with only a
        // community adjective does not name a group of its own.
        let armed_head = m.span.slice(text).rsplit(' ').next().is_some_and(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "militants" | "insurgents" | "fighters" | "extremists" | "jihadists" | "gunmen"
            )
        });
        let unnamed = m.generic || (m.actor.role == Role::Identity && armed_head);
        if unnamed
            && matches!(
                m.actor.role,
                Role::ArmedUnidentified | Role::Identity | Role::Rebels
            )
            && let Some(a) = salient.non_state()
        {
            return a;
        }
        if m.generic
            && matches!(m.actor.role, Role::Military | Role::Police)
            && m.actor.country.is_none()
        {
            return self.actors.compose(m.actor.role, ctx.country, ctx.date);
        }
        m.actor.clone()
    }

    /// ACLED's default actors where the text names none.
    fn default_actors(
        &self,
        coding: Coding,
        agent: Option<Actor>,
        patient: Option<Actor>,
        victims: Victims,
        salient: &Salience,
        ctx: &ActorContext<'_>,
    ) -> (Option<Actor>, Option<Actor>) {
        use sitrep_model::SubEventType as S;
        let compose = |role| self.actors.compose(role, ctx.country, ctx.date);
        let Some(sub) = coding.sub_event_type else {
            return (agent, patient);
        };
        match sub {
            S::PeacefulProtest | S::ProtestWithIntervention => {
                // The protesters are whichever side the text calls so; the other side, if
                // any, is who intervened ("police fired tear gas at protesters").
                let (protesters, other) = match (agent, patient) {
                    (Some(a), p) if a.inter == inter::PROTESTERS => (Some(a), p),
                    (a, Some(p)) if p.inter == inter::PROTESTERS => (Some(p), a),
                    // Neither: forces acting are the ones who intervened.
                    (a, p) => (
                        None,
                        a.filter(|a| matches!(a.inter, inter::STATE | inter::EXTERNAL))
                            .or(p),
                    ),
                };
                let p = protesters.unwrap_or_else(|| compose(Role::Protesters));
                let police = if sub == S::ProtestWithIntervention {
                    Some(
                        other
                            .filter(|o| o.inter != inter::PROTESTERS)
                            .unwrap_or_else(|| compose(Role::Police)),
                    )
                } else {
                    None
                };
                (Some(p), police)
            }
            S::ExcessiveForceAgainstProtesters => {
                // Mostly the state's forces; an armed group that fires on a protest is named
                // as such (ACLED codes HTS firing on protesters so).
                let force = agent
                    .filter(coding::is_armed)
                    .unwrap_or_else(|| compose(Role::Police));
                (Some(force), Some(compose(Role::Protesters)))
            }
            S::ViolentDemonstration | S::MobViolence => {
                let r = agent
                    .filter(|a| a.inter == inter::RIOTERS)
                    .unwrap_or_else(|| compose(Role::Rioters));
                // A mob's victims are civilians unless the text says who they were.
                let victims_of_mob = (sub == S::MobViolence && victims == Victims::Civilians)
                    .then(|| compose(Role::Civilians));
                (Some(r), patient.or(victims_of_mob))
            }
            S::Attack | S::SexualViolence | S::AbductionForcedDisappearance => {
                let a = agent
                    .or_else(|| salient.non_state())
                    .unwrap_or_else(|| compose(Role::ArmedUnidentified));
                let v = patient
                    .filter(|p| p.inter == inter::CIVILIANS)
                    .unwrap_or_else(|| compose(Role::Civilians));
                (Some(a), Some(v))
            }
            S::Arrests => {
                let a = agent
                    .filter(|a| a.inter == inter::STATE)
                    .unwrap_or_else(|| compose(Role::Police));
                (Some(a), patient)
            }
            S::ArmedClash => {
                let (a, b) = match (agent, patient) {
                    (Some(a), Some(b)) => (a, b),
                    (Some(a), None) => {
                        let b = if a.inter == inter::STATE {
                            salient.non_state()
                        } else {
                            None
                        }
                        .unwrap_or_else(|| {
                            if a.inter == inter::STATE {
                                compose(Role::ArmedUnidentified)
                            } else {
                                compose(Role::Military)
                            }
                        });
                        (a, b)
                    }
                    (None, Some(b)) => {
                        let a = if b.inter == inter::STATE {
                            salient
                                .non_state()
                                .unwrap_or_else(|| compose(Role::ArmedUnidentified))
                        } else {
                            compose(Role::Military)
                        };
                        (a, b)
                    }
                    (None, None) => (
                        compose(Role::Military),
                        salient
                            .non_state()
                            .unwrap_or_else(|| compose(Role::ArmedUnidentified)),
                    ),
                };
                let _ = victims;
                (Some(a), Some(b))
            }
            // "Iraq has deployed 2,000 troops", "reinforcements were on their way": the forces
            // that moved are the actor; the story's insurgents did not deploy them.
            S::Other => match (agent, patient) {
                (Some(a), p) => (Some(a), p),
                (None, Some(p)) if coding::is_armed(&p) => (Some(p), None),
                (None, p) => (Some(compose(Role::Military)), p),
            },
            _ => {
                let a = agent.or_else(|| salient.non_state());
                (a, patient)
            }
        }
    }

    /// A control statement in the same story as a capture by the same actor is itself a
    /// capture ("…fell Saturday to ISIS … were controlling Qaim, Rawa, Ana and Husaybah").
    fn promote_control(
        &self,
        candidates: &mut Vec<Candidate>,
        control: &[ControlStatement],
        sentences: &[Span],
    ) {
        let takes_any: Vec<TakeContext> = candidates
            .iter()
            .filter(|c| c.frame == Frame::Take)
            .map(|c| (c.sentence, c.date, c.actor1.clone()))
            .collect();
        // Indexes instead of scans: a long document has 10^5 statements, takes and sentences.
        let mut taken: HashSet<u32> = candidates
            .iter()
            .filter(|c| c.frame == Frame::Take)
            .filter_map(|c| c.site.map(|s| s.entry))
            .collect();
        let mut takes_in: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, (ts, _, _)) in takes_any.iter().enumerate() {
            takes_in.entry(*ts).or_default().push(i);
        }
        // Takes with no place of their own ("three other towns fell Saturday") count too.
        for st in control
            .iter()
            .filter(|s| !s.negated && s.holder.inter != inter::STATE)
        {
            // Sentences are sorted and disjoint: the first holding the evidence is one of the
            // two starting last at or before it.
            let after = sentences.partition_point(|s| s.start <= st.evidence.start);
            let Some(si) = (after.saturating_sub(2)..after)
                .find(|&i| sentences[i].contains(st.evidence) || sentences[i] == st.evidence)
            else {
                continue;
            };
            if taken.contains(&st.place) {
                continue;
            }
            // The last take (in `takes_any` order) at most three sentences back, by the holder.
            let by_holder = |i: &usize| {
                let actor = takes_any[*i].2.as_ref();
                actor.is_none_or(|a| a.name == st.holder.name)
            };
            let related = (si.saturating_sub(3)..=si)
                .filter_map(|ts| takes_in.get(&ts))
                .filter_map(|ix| ix.iter().rev().copied().find(by_holder))
                .max()
                .map(|i| &takes_any[i]);
            if let Some((_, date, _)) = related {
                taken.insert(st.place);
                candidates.push(Candidate {
                    frame: Frame::Take,
                    coding: code(Frame::Take, Some(&st.holder), Victims::Unknown, false),
                    sentence: si,
                    evidence: st.evidence,
                    more_evidence: Vec::new(),
                    site: Some(Site {
                        entry: st.place,
                        precision: 1,
                    }),
                    actor1: Some(st.holder.clone()),
                    actor2: None,
                    date: *date,
                    fatalities: 0,
                    wounded: None,
                    confidence: 0.55,
                    placeholder: false,
                    firm: false,
                });
            }
        }
        // Captures said of unnamed "towns" are now covered by the promoted ones; where the
        // report names no captured place ("troops recaptured the town"), the capture stands,
        // placed where the report is about.
        let sited = candidates
            .iter()
            .any(|c| !c.placeholder && c.frame.is_territorial() && c.site.is_some());
        if sited {
            candidates.retain(|c| !c.placeholder);
        } else {
            for c in candidates.iter_mut().filter(|c| c.placeholder) {
                c.placeholder = false;
            }
        }
    }

    /// Fills the site and date from the document when the sentence gave none.
    fn complete(
        &self,
        c: &mut Candidate,
        doc: &Document,
        focus: Option<u32>,
        doc_country: Option<u16>,
    ) {
        if c.site.is_none() && !c.frame.is_political() {
            // The story's main place: ACLED's "near or part of" (2) or province (3) precision;
            // with none, the country the actors and the outlet point to.
            let country = || {
                doc_country
                    .and_then(|k| self.gaz().countries().get(usize::from(k)))
                    .map(|k| k.entry)
            };
            c.site = focus.or_else(country).map(|e| {
                let entry = self.gaz().entry(e);
                let precision = if matches!(entry.kind, EntryKind::Place | EntryKind::Admin2) {
                    2
                } else {
                    3
                };
                Site {
                    entry: e,
                    precision,
                }
            });
            c.confidence *= 0.8;
        }
        if let Some(site) = c.site
            && self.gaz().entry(site.entry).kind == EntryKind::Country
            && let Some(f) = focus
                .filter(|&f| self.gaz().entry(f).country == self.gaz().entry(site.entry).country)
        {
            c.site = Some(Site {
                entry: f,
                precision: 3,
            });
        }
        if c.date.is_none() {
            // The report's date stands for "recently": a span, not a day.
            c.date = doc.published.map(|d| (d, 2));
        }
    }

    /// Merges repeated reports of one event in the document, ranks, and builds the records.
    /// `doc_types`: the classifier's event-type probabilities for the report's opening,
    /// which breaks ties between several events over which one the report is about.
    fn finish(
        &self,
        doc: &Document,
        mut candidates: Vec<Candidate>,
        doc_types: &[(sitrep_model::EventType, f32)],
    ) -> Vec<EventRecord> {
        // A headline restates the story: its events count only when the body has none.
        if let Some(title_end) = title_end(doc)
            && candidates.iter().any(|c| c.evidence.start >= title_end)
        {
            candidates.retain(|c| c.evidence.start >= title_end);
        }
        // Merge: same coding, same place, same day.
        let mut merged: Vec<(Candidate, Vec<Span>)> = Vec::new();
        // Where each key and each piece of evidence went: merging stays linear when a long
        // document repeats one event 10^5 times.
        let mut index: HashMap<(Coding, Option<u32>, Option<NaiveDate>), usize> = HashMap::new();
        let mut seen: HashSet<(usize, Span)> = HashSet::new();
        for c in candidates.drain(..) {
            let key = |x: &Candidate| (x.coding, x.site.map(|s| s.entry), x.date.map(|d| d.0));
            if let Some(&i) = index.get(&key(&c)) {
                let (m, ev) = &mut merged[i];
                for e in std::iter::once(c.evidence).chain(c.more_evidence.iter().copied()) {
                    if seen.insert((i, e)) {
                        ev.push(e);
                    }
                }
                m.fatalities = m.fatalities.max(c.fatalities);
                m.wounded = m.wounded.max(c.wounded);
                m.confidence = (m.confidence + 0.1).min(0.95);
                if m.actor1.is_none() {
                    m.actor1 = c.actor1;
                }
                if m.actor2.is_none() {
                    m.actor2 = c.actor2;
                }
                continue;
            }
            index.insert(key(&c), merged.len());
            let mut ev = Vec::new();
            for e in std::iter::once(c.evidence).chain(c.more_evidence.iter().copied()) {
                if seen.insert((merged.len(), e)) {
                    ev.push(e);
                }
            }
            merged.push((c, ev));
        }
        // Main event first: early, violent, deadly, confident.
        let main_score = |c: &Candidate| {
            let p = c
                .coding
                .event_type()
                .and_then(|t| doc_types.iter().find(|(x, _)| *x == t))
                .map_or(0.0, |(_, p)| f64::from(*p));
            salience(c) + MAIN_TYPE_WEIGHT * p
        };
        merged.sort_by(|(a, _), (b, _)| {
            main_score(b)
                .total_cmp(&main_score(a))
                .then(a.sentence.cmp(&b.sentence))
        });
        let mut records: Vec<EventRecord> = merged
            .into_iter()
            .map(|(c, mut ev)| {
                ev.sort();
                self.record(doc, c, &ev)
            })
            .collect();
        // Ids are unique within a document even when two events share every hashed field.
        let mut seen = HashSet::new();
        for r in &mut records {
            let base = r.event_id.clone();
            let mut n = 1;
            while !seen.insert(r.event_id.clone()) {
                n += 1;
                r.event_id = format!("{base}-{n}");
            }
        }
        records
    }

    /// The PLOVER category of an event: the rules' choice unless the PLOVER classifier reads
    /// the sentence as clearly another category.
    fn plover_of_text(
        &self,
        text: &str,
        rule: Option<sitrep_model::Plover>,
    ) -> Option<sitrep_model::Plover> {
        let Some(model) = self.plover else {
            return rule;
        };
        let scored: Vec<(sitrep_model::Plover, f32)> = model
            .labels
            .iter()
            .zip(model.predict(text))
            .filter_map(|(l, p)| Some((sitrep_model::Plover::parse(l)?, p)))
            .collect();
        let (best, p_best) = scored.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))?;
        let p_rule = rule
            .and_then(|r| scored.iter().find(|(x, _)| *x == r))
            .map_or(0.0, |(_, p)| *p);
        // Learned from a few hundred sentences: it overrides the rules only when sure.
        let sure = p_best >= PLOVER_MIN_PROBABILITY
            && p_best.ln() - p_rule.max(1e-4).ln() > PLOVER_RULE_BONUS;
        if rule.is_none() || sure {
            Some(best)
        } else {
            rule
        }
    }

    fn control_report(&self, doc: &Document, c: ControlStatement) -> ControlReport {
        let p = place_of(self.gaz(), c.place);
        ControlReport {
            doc_id: doc.id.clone(),
            place: ControlPlace {
                geonameid: p.geonameid,
                location: p.name,
                admin1: p.admin1,
                country: p.country,
                latitude: p.latitude,
                longitude: p.longitude,
            },
            holder: c.holder.name,
            holder_inter: c.holder.inter,
            negated: c.negated,
            date: c.date,
            evidence: Evidence {
                doc_id: doc.id.clone(),
                start: c.evidence.start,
                end: c.evidence.end,
                text: c.evidence.slice(&doc.text).to_string(),
            },
        }
    }

    fn record(&self, doc: &Document, c: Candidate, evidence: &[Span]) -> EventRecord {
        let place = c.site.map(|s| (s, place_of(self.gaz(), s.entry)));
        let event_type = c.coding.event_type();
        let rule_plover = c.coding.plover.or(c.coding.sub_event_type.map(plover_of));
        // Short reports only: the classifier learned from single sentences.
        // A PLOVER category a trigger named ("asked for" → REQUEST) stands; one derived from
        // the ACLED type may yield to the classifier.
        let plover = if c.coding.plover.is_none() && doc.text.len() <= SHORT_REPORT_BYTES {
            self.plover_of_text(c.evidence.slice(&doc.text), rule_plover)
        } else {
            rule_plover
        };
        let evidence: Vec<Evidence> = evidence
            .iter()
            .map(|s| Evidence {
                doc_id: doc.id.clone(),
                start: s.start,
                end: s.end,
                text: s.slice(&doc.text).to_string(),
            })
            .collect();
        let mut rec = EventRecord {
            doc_id: doc.id.clone(),
            event_id: String::new(),
            event_date: c.date.map(|d| d.0),
            time_precision: c.date.map(|d| d.1),
            event_type,
            sub_event_type: c.coding.sub_event_type,
            plover,
            inter1: c.actor1.as_ref().map_or(0, |a| a.inter),
            inter2: c.actor2.as_ref().map_or(0, |a| a.inter),
            actor1: c.actor1.map(|a| a.name),
            actor2: c.actor2.map(|a| a.name),
            country: place.as_ref().and_then(|(_, p)| p.country.clone()),
            country_code: place.as_ref().and_then(|(_, p)| p.country_code.clone()),
            admin1: place.as_ref().and_then(|(_, p)| p.admin1.clone()),
            admin2: place.as_ref().and_then(|(_, p)| p.admin2.clone()),
            location: place.as_ref().map(|(_, p)| p.name.clone()),
            latitude: place.as_ref().map(|(_, p)| p.latitude),
            longitude: place.as_ref().map(|(_, p)| p.longitude),
            geo_precision: place.as_ref().map(|(s, _)| s.precision),
            geonameid: place.as_ref().and_then(|(_, p)| p.geonameid),
            fatalities: c.fatalities,
            wounded: c.wounded,
            notes: String::new(),
            evidence,
            confidence: (c.confidence * 1000.0).round() / 1000.0,
        };
        rec.notes = notes(&rec);
        rec.event_id = event_id(&rec);
        rec
    }
}

/// Where the headline ends, when the document has one: its first line, if that line is the
/// document's title.
fn title_end(doc: &Document) -> Option<usize> {
    let title = doc.title.as_deref()?.trim();
    let start = doc.text.find(title)?;
    (start < 200).then_some(start + title.len())
}

fn objects_sites(objects: &[SiteMention]) -> Vec<Site> {
    objects
        .iter()
        .map(|s| Site {
            entry: s.entry,
            precision: 1,
        })
        .collect()
}

fn agent_named(a: &Option<Actor>) -> bool {
    a.as_ref().is_some_and(|a| a.role == Role::Named)
}

/// Whether the event a trigger names belongs to the background its nearest date gives ("fought
/// U.S. troops in Najaf in 2004"; "In November 2005, Marines fought … during Operation Steel
/// Curtain, an offensive …"). A historical date only dates the trigger in the same clause: "teachers who passed the test in 2019 protested on 30 April" and
/// "staged a protest opposing the Act of 2006" are news of the day. A sentence that opens
/// with a date of the day ("On 30 April 2020, …") is about that day.
fn in_background(text: &str, dates: &[DateMention], trigger: Span) -> bool {
    let Some(d) = nearest_date(dates, trigger) else {
        return false;
    };
    if d.kind != DateKind::Historical {
        return false;
    }
    if dates.first().is_some_and(|first| {
        first.kind == DateKind::Stated && first.explicit && first.span.end <= trigger.start
    }) {
        return false;
    }
    let (_, broken) = gap_words(text, d.span, trigger);
    if broken {
        return false;
    }
    // A date before the trigger inside a relative clause ("nurses who qualified in 2016 held
    // a protest") describes the subject, not the event.
    if d.span.end <= trigger.start {
        let before = &text[text.floor_char_boundary(d.span.start.saturating_sub(60))..d.span.start];
        let lead: Vec<String> = before
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if lead
            .iter()
            .rev()
            .take(6)
            .any(|w| matches!(w.as_str(), "who" | "which" | "that" | "whose"))
        {
            return false;
        }
    }
    true
}

/// Whether the trigger names a long spell rather than an event: "ending months of
/// fighting", "after years of war". Days or weeks of clashes may be the report's own event;
/// months or years of them are its background.
fn long_spell(text: &str, trigger: Span) -> bool {
    let before = &text[text.floor_char_boundary(trigger.start.saturating_sub(24))..trigger.start];
    let mut words = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev();
    words.next().is_some_and(|w| w.eq_ignore_ascii_case("of"))
        && words.next().is_some_and(|w| {
            ["months", "years", "decades"]
                .iter()
                .any(|u| w.eq_ignore_ascii_case(u))
        })
}

/// Whether a date right after `verb` ("killed last month", "died in 2014") puts it more than
/// a week before the report.
fn dated_earlier(
    text: &str,
    dates: &[DateMention],
    verb: Span,
    published: Option<chrono::NaiveDate>,
) -> bool {
    dates.iter().any(|d| {
        d.span.start >= verb.end
            && text[verb.end..d.span.start].split_whitespace().count() <= 1
            && (d.kind == DateKind::Historical
                || published.is_some_and(|p| (p - d.date).num_days() > 7))
    })
}

/// Protesters killed at their own protest: lethal force against it, in ACLED's terms ("four
/// protesters died from gunfire during a demonstration"), told as what happened ("were
/// killed", "died"), not as the killing a protest is about ("mourned two protesters killed
/// last month", "over the killing of five protesters").
fn killed_at_protest(text: &str, sentence: Span, casualties: &[Casualty]) -> bool {
    let killed: Vec<&Casualty> = casualties
        .iter()
        .filter(|c| c.kind == CasualtyKind::Killed && finite_casualty(text, c.verb))
        .collect();
    if killed.is_empty() {
        return false;
    }
    // The dead counted as protesters.
    let protesters = killed.iter().any(|c| {
        c.head.as_deref().is_some_and(|h| {
            PROTESTER_NOUNS.contains(&h) || matches!(h, "protester" | "protestor" | "demonstrator")
        })
    });
    protesters || forces_fired_on_crowd(&sentence.slice(text).to_lowercase())
}

/// The violence of state forces at the protest `protest` in the sentence: a shooting, an
/// attack or a killing whose agent is the military or the police, which hurt someone or was
/// gunfire, and which is not what the protest is about ("marched against the police who
/// shot a boy", "a man shot dead by police, which led to protests").
fn forces_violence_at_protest(
    text: &str,
    f: &SentenceFacts<'_>,
    asserted: &[TriggerHit],
    protest: &TriggerHit,
    hurt: bool,
) -> Option<TriggerHit> {
    if protest_over_violence(&f.span.slice(text).to_ascii_lowercase()) {
        return None;
    }
    asserted.iter().copied().find(|v| {
        matches!(v.frame, Frame::Attack | Frame::Kill)
            && !v.span.overlaps(protest.span)
            && !protests_against(text, &f.toks, protest, v)
            && (hurt || gunfire(v.span.slice(text)))
            // "Private guards and police fired on …": any of the subjects.
            && roles::roles(text, &f.toks, v, &f.actors)
                .agent
                .is_some_and(|i| {
                    roles::conjuncts(text, &f.actors, i).any(|j| {
                        matches!(f.actors[j].actor.role, Role::Military | Role::Police)
                    })
                })
    })
}

/// Words that make a sentence's violence the cause or subject of its protest rather than
/// force used against it. `lower`: the sentence, lowercase.
fn protest_over_violence(lower: &str) -> bool {
    [
        "led to",
        "sparked",
        "triggered",
        "prompted",
        "in protest",
        "killing of",
        "death of",
        "deaths of",
        "shooting of",
        "who was",
        "who were",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether an agreement is told as the terms of another act: "under an agreement", "as part
/// of the ceasefire deal", "in line with last month's accord" (within four words before it).
fn under_a_deal(text: &str, toks: &[Token], h: &TriggerHit) -> bool {
    let before: Vec<String> = toks[h.first.saturating_sub(5)..h.first]
        .iter()
        .map(|t| t.text(text).to_ascii_lowercase())
        .collect();
    let joined = before.join(" ");
    [
        "under",
        "as part of",
        "in line with",
        "in accordance with",
        "in keeping with",
    ]
    .iter()
    .any(|p| joined.contains(p))
}

/// The words before `trigger` in its clause (back to a comma, semicolon, colon, bracket or
/// dash, at most `reach` bytes and `most` words), nearest first.
fn clause_words_before(
    text: &str,
    sentence: Span,
    trigger: Span,
    reach: usize,
    most: usize,
) -> Vec<&str> {
    let start = text.floor_char_boundary(trigger.start.saturating_sub(reach).max(sentence.start));
    let lead = &text[start..trigger.start];
    let clause = lead
        .rsplit([',', ';', ':', '(', '—'])
        .next()
        .unwrap_or(lead);
    clause
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(most)
        .collect()
}

/// Whether the violence `trigger` names is what something ended or halted: "ending",
/// "halts", "after", "until" before it in its clause ("ending two days of rocket fire and air
/// strikes", "halts its bombardment"), or "had" right after it ("shelling had rumbled on").
fn ended(text: &str, sentence: Span, trigger: Span) -> bool {
    const ENDING: &[&str] = &[
        "ending",
        "end",
        "ended",
        "ends",
        "halt",
        "halts",
        "halted",
        "halting",
        "stop",
        "stops",
        "stopped",
        "cease",
        "ceased",
        "after",
        "following",
        "until",
    ];
    let before = clause_words_before(text, sentence, trigger, 80, 10)
        .iter()
        .any(|w| ENDING.iter().any(|x| w.eq_ignore_ascii_case(x)));
    let end = text.ceil_char_boundary((trigger.end + 5).min(sentence.end));
    let had_after = text[trigger.end..end]
        .split_whitespace()
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("had"));
    before || had_after
}

/// Whether `trigger` recalls an earlier event: it lies in an "after" clause of its sentence
/// ("after" among the few words before it, with no clause break between: "three days after
/// the Taliban overran it", "a day after they seized the airport"), or follows "had" ("who
/// had seized the buildings").
fn recalled(text: &str, sentence: Span, trigger: Span) -> bool {
    let words = clause_words_before(text, sentence, trigger, 60, 6);
    let is = |i: usize, w: &str| words.get(i).is_some_and(|x| x.eq_ignore_ascii_case(w));
    // "had seized", "had been captured"
    if is(0, "had") || (is(0, "been") && is(1, "had")) {
        return true;
    }
    words.iter().any(|w| w.eq_ignore_ascii_case("after"))
}

/// Frames of forces moving into or out of a place.
fn moves_in_or_out(frame: Frame) -> bool {
    matches!(
        frame,
        Frame::Withdraw | Frame::Handover | Frame::Deploy | Frame::Take | Frame::Retake
    )
}

/// Whether an actor mention's last word is one of `nouns` ("the angry villagers").
fn head_is(text: &str, mention: &ActorMention, nouns: &[&str]) -> bool {
    let words = mention.span.slice(text);
    let head = words.rsplit(' ').next().unwrap_or(words);
    nouns.iter().any(|n| head.eq_ignore_ascii_case(n))
}

/// Whether a trigger's words tell of shooting ("opened fire", "shot", "gunned down").
fn gunfire(trigger: &str) -> bool {
    let t = trigger.to_ascii_lowercase();
    ["fire", "shot", "shoot", "gun"]
        .iter()
        .any(|w| t.contains(w))
}

/// Nouns for ordinary people acting together.
const CROWD_NOUNS: &[&str] = &[
    "residents",
    "villagers",
    "locals",
    "youths",
    "people",
    "crowd",
    "crowds",
    "mob",
    "neighbours",
    "neighbors",
    "worshippers",
    "passers-by",
];

/// Nouns for men a text calls armed, whoever they are.
const ARMED_NOUNS: &[&str] = &[
    "gunmen",
    "militants",
    "insurgents",
    "jihadists",
    "rebels",
    "fighters",
    "militiamen",
    "terrorists",
    "bandits",
];

/// Plural nouns for the people at a protest.
const PROTESTER_NOUNS: &[&str] = &["protesters", "protestors", "demonstrators", "marchers"];

/// "Soldiers opened fire on a crowd of protesters": forces of order fired on a protest
/// (gunmen firing on a march commit an attack). `lower`: the sentence, lowercase.
fn forces_fired_on_crowd(lower: &str) -> bool {
    let forces = [
        "police",
        "soldier",
        "troops",
        "security forces",
        "army",
        "officers",
    ]
    .iter()
    .any(|w| lower.contains(w))
        && !["gunmen", "assailants", "unidentified", "attackers"]
            .iter()
            .any(|w| lower.contains(w));
    forces
        && [
            "fire on",
            "fire at",
            "fired on",
            "fired at",
            "shot at",
            "shooting at",
        ]
        .iter()
        .any(|f| {
            lower.match_indices(f).any(|(i, _)| {
                let after: String = lower[i + f.len()..].chars().take(40).collect();
                PROTESTER_NOUNS
                    .iter()
                    .chain(&["crowd"])
                    .any(|p| after.contains(p))
            })
        })
}

/// A casualty verb in a clause of its own: "died", or a participle after "were"/"was"/"been".
fn finite_casualty(text: &str, verb: Span) -> bool {
    let mut v = verb.slice(text).to_ascii_lowercase();
    if matches!(v.as_str(), "died" | "die" | "dies") {
        return true;
    }
    let mut before = text[..verb.start].trim_end();
    // "shot dead": the verb is the word before "dead".
    if v == "dead"
        && let Some(shot) = before
            .strip_suffix("shot")
            .or_else(|| before.strip_suffix("Shot"))
    {
        v = "shot".to_string();
        before = shot.trim_end();
    }
    let aux = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(aux.as_str(), "were" | "was" | "been" | "are" | "is") {
        return true;
    }
    // An active past tense after its subject ("security forces shot dead two protesters"),
    // not a noun ("the killing of"), nor a relative or prepositional clause ("police who
    // killed", "against those who shot").
    let past = v.ends_with("ed") || v.starts_with("shot") || v.starts_with("slain");
    let opener = matches!(
        aux.as_str(),
        "" | "the"
            | "a"
            | "of"
            | "who"
            | "which"
            | "that"
            | "against"
            | "over"
            | "for"
            | "after"
            | "before"
            | "since"
            | "by"
            | "and"
            | "had"
            | "have"
            | "has"
    );
    past && !opener
}

/// Words that open another clause: a date beyond one dates something else ("protested on
/// Monday against the killing on Friday").
const CLAUSE_BREAKS: &[&str] = &[
    "who",
    "which",
    "that",
    "against",
    "over",
    "demanding",
    "opposing",
    "for",
    "since",
    "after",
    "when",
];

/// The words between a date and a trigger: how many, and whether a clause break is among them.
fn gap_words(text: &str, date: Span, trigger: Span) -> (usize, bool) {
    let gap = if date.start >= trigger.end {
        Span::new(trigger.end, date.start)
    } else {
        Span::new(date.end, trigger.start.max(date.end))
    };
    let mut n = 0;
    let mut broken = false;
    for w in gap
        .slice(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        n += 1;
        broken |= CLAUSE_BREAKS.iter().any(|b| w.eq_ignore_ascii_case(b));
    }
    (n, broken)
}

/// The date of the event a trigger names: a date in the trigger's own clause, the nearest
/// first ("a rally was held today over the killing … on November 25" is today's rally), else
/// the sentence's stated date.
fn event_date(
    text: &str,
    sentence: Span,
    dates: &[DateMention],
    trigger: Span,
) -> Option<(NaiveDate, u8)> {
    // A sentence that opens on a calendar date ("On 4 May 2020, …") is about that day.
    let opening = dates.first().filter(|d| {
        d.explicit
            && d.kind == DateKind::Stated
            && text[sentence.start..d.span.start.max(sentence.start)]
                .split_whitespace()
                .count()
                <= 1
    });
    if let Some(d) = opening {
        return Some((d.date, d.precision));
    }
    // In the trigger's clause, a calendar date wins over a relative one ("tonight … on 29
    // January"), then the nearer.
    dates
        .iter()
        .filter(|d| d.kind != DateKind::Historical)
        .filter_map(|d| {
            let (n, broken) = gap_words(text, d.span, trigger);
            (!broken).then_some(((!d.explicit, n), d))
        })
        .min_by_key(|(key, _)| *key)
        .map(|(_, d)| (d.date, d.precision))
        .or_else(|| stated_date(dates))
}

/// The date mention closest to a trigger.
fn nearest_date(dates: &[DateMention], span: Span) -> Option<&DateMention> {
    dates.iter().min_by_key(|d| {
        if d.span.start >= span.end {
            d.span.start - span.end
        } else {
            span.start.saturating_sub(d.span.end)
        }
    })
}

/// The first date the sentence states that is not background.
/// A calendar date ("17/01") wins over a relative one ("yesterday") in the same sentence.
fn stated_date(dates: &[DateMention]) -> Option<(NaiveDate, u8)> {
    let current = || dates.iter().filter(|d| d.kind != DateKind::Historical);
    current()
        .find(|d| d.explicit)
        .or_else(|| current().next())
        .map(|d| (d.date, d.precision))
}

fn salience(c: &Candidate) -> f64 {
    let violent = c.coding.sub_event_type.is_some_and(|s| s.is_violent());
    let acled = c.coding.sub_event_type.is_some();
    c.confidence
        + if acled { 0.5 } else { 0.0 }
        + if violent { 0.2 } else { 0.0 }
        + 0.1 * f64::from(c.fatalities.min(1000) + 1).ln()
        - 0.03 * c.sentence as f64
}

/// Named non-state actors mentioned so far, most mentioned first.
#[derive(Debug, Default)]
struct Salience {
    counts: Vec<(Actor, usize)>,
}

impl Salience {
    fn observe(&mut self, mentions: &[ActorMention]) {
        for m in mentions
            .iter()
            .filter(|m| !m.generic && m.actor.role == Role::Named && m.actor.inter != inter::STATE)
        {
            if let Some(e) = self.counts.iter_mut().find(|(a, _)| a.name == m.actor.name) {
                e.1 += 1;
            } else {
                self.counts.push((m.actor.clone(), 1));
            }
        }
    }

    fn non_state(&self) -> Option<Actor> {
        self.counts
            .iter()
            .max_by_key(|(_, n)| *n)
            .map(|(a, _)| a.clone())
    }
}

/// A stable id: a hash of the document, the evidence and the coding.
fn event_id(e: &EventRecord) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    let mut eat = |b: &[u8]| {
        for &x in b {
            h ^= u64::from(x);
            h = h.wrapping_mul(0x100000001b3);
        }
    };
    eat(e.doc_id.as_bytes());
    for ev in &e.evidence {
        eat(&ev.start.to_le_bytes());
        eat(&ev.end.to_le_bytes());
    }
    eat(e.sub_event_type.map_or("", |s| s.as_str()).as_bytes());
    eat(e.plover.map_or("", |p| p.as_str()).as_bytes());
    eat(&e.geonameid.unwrap_or(0).to_le_bytes());
    eat(e.location.as_deref().unwrap_or("").as_bytes());
    eat(e
        .event_date
        .map(|d| d.to_string())
        .unwrap_or_default()
        .as_bytes());
    eat(e.actor1.as_deref().unwrap_or("").as_bytes());
    eat(e.actor2.as_deref().unwrap_or("").as_bytes());
    format!("{}-{:012x}", e.doc_id, h & 0xffff_ffff_ffff)
}

/// One generated sentence summarising the event.
pub fn notes(e: &EventRecord) -> String {
    let when = e
        .event_date
        .map(|d| format!("On {}", d.format("%-d %B %Y")))
        .unwrap_or_else(|| "On an unknown date".into());
    let when = match e.time_precision {
        Some(2) => when.replacen("On", "Around", 1),
        Some(3) => e
            .event_date
            .map(|d| format!("In {}", d.format("%B %Y")))
            .unwrap_or(when),
        _ => when,
    };
    let place = match (&e.location, &e.admin1, &e.country) {
        (Some(l), Some(a), Some(c)) if l != a => format!(" in {l} ({a}, {c})"),
        (Some(l), _, Some(c)) => format!(" in {l} ({c})"),
        (Some(l), _, None) => format!(" in {l}"),
        _ => String::new(),
    };
    let a1 = e.actor1.as_deref().unwrap_or("an unidentified actor");
    let what = match (e.sub_event_type, e.plover) {
        (Some(s), _) => {
            use sitrep_model::SubEventType as S;
            let target = e
                .actor2
                .as_deref()
                .map(|a| format!(" {a}"))
                .unwrap_or_default();
            match s {
                S::NonStateActorOvertakesTerritory | S::GovernmentRegainsTerritory => {
                    format!(
                        "{a1} took control of the area{}",
                        e.actor2
                            .as_deref()
                            .map(|a| format!(" from {a}"))
                            .unwrap_or_default()
                    )
                }
                S::NonViolentTransferOfTerritory => {
                    format!("{a1} withdrew and control changed hands without fighting")
                }
                S::ArmedClash => format!(
                    "{a1} clashed with{}",
                    if target.is_empty() {
                        " another armed group".into()
                    } else {
                        target
                    }
                ),
                S::Attack => format!(
                    "{a1} attacked{}",
                    if target.is_empty() {
                        " civilians".into()
                    } else {
                        target
                    }
                ),
                S::PeacefulProtest => format!("{a1} demonstrated peacefully"),
                S::ProtestWithIntervention => format!(
                    "{a1} demonstrated and{} intervened",
                    if target.is_empty() {
                        " authorities".into()
                    } else {
                        target
                    }
                ),
                S::Arrests => format!(
                    "{a1} arrested{}",
                    if target.is_empty() {
                        " people".into()
                    } else {
                        target
                    }
                ),
                other => format!(
                    "{a1}: {}{}",
                    other.as_str().to_lowercase(),
                    if target.is_empty() {
                        String::new()
                    } else {
                        format!(" against{target}")
                    }
                ),
            }
        }
        (None, Some(p)) => format!(
            "{a1}: {}{}",
            p.as_str().to_lowercase(),
            e.actor2
                .as_deref()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default()
        ),
        (None, None) => a1.to_string(),
    };
    let toll = match (e.fatalities, e.wounded) {
        (0, None | Some(0)) => String::new(),
        (f, Some(w)) if w > 0 => format!("; {f} killed, {w} wounded"),
        (f, _) => format!("; {f} killed"),
    };
    format!("{when}{place}, {what}{toll}.")
}
