//! Toponym recognition: longest gazetteer matches over capitalised token runs, then the rules
//! that reject common words, people and organisation names.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use sitrep_gazetteer::normalize::skeleton_into;
use sitrep_gazetteer::{EntryKind, Gazetteer, Posting};
use sitrep_model::Span;

use super::lexicon::Lexicon;
use super::{MentionRole, PlaceMention};
use crate::tokens::{Token, TokenKind};

/// Longest name, in tokens, tried from one start.
const MAX_NAME_TOKENS: usize = 7;

/// What a name's text reads as in the gazetteer: `None` when no key starts with its
/// skeleton (a longer name cannot match either), else the postings of its skeleton (none
/// when the skeleton is only the start of keys).
type NameReading = Option<Rc<[Posting]>>;

/// Names whose reading a thread keeps at most, and the longest kept: the same names recur
/// from report to report, and normalising one and walking the gazetteer's automaton for it
/// cost a fifth of recognition.
const NAMES_KEPT: usize = 65_536;
const NAME_KEPT_BYTES: usize = 64;

thread_local! {
    /// The readings of names this thread looked up, with the id of the gazetteer read.
    static NAMES: RefCell<(u64, FxHashMap<Box<str>, NameReading>)> =
        RefCell::new((u64::MAX, FxHashMap::default()));
}
/// Candidates kept per mention (postings come sorted by population).
pub(crate) const MAX_CANDIDATES: usize = 80;

/// Lowercase words allowed inside a multi-word name ("Bay of Islands", "Deir ez-Zor").
const CONNECTORS: &[&str] = &[
    "of", "de", "del", "della", "la", "le", "les", "al", "el", "ez", "es", "ed", "ad", "ar", "as",
    "ash", "az", "an", "at", "bin", "ibn", "abu", "bou", "um", "umm", "upon", "on", "the", "du",
    "des", "da", "di", "do", "dos", "das", "van", "von", "y", "e", "en", "sur", "am", "im", "bei",
    "and",
];

/// Capitalised words that modify a following place without making it a person's name.
const PLACE_MODIFIERS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "greater",
    "upper",
    "lower",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
    "downtown",
    "suburban",
    "rural",
    "metro",
    "sunni",
    "shia",
    "shiite",
    "kurdish",
    "old",
    "new",
    "inner",
    "outer",
    "coastal",
    "occupied",
    "neighbouring",
    "neighboring",
    "nearby",
    "restive",
];

/// Prepositions after which a capitalised common word is read as a place ("in Mobile").
const LOCATIVES: &[&str] = &[
    "in",
    "at",
    "near",
    "from",
    "to",
    "into",
    "outside",
    "inside",
    "around",
    "across",
    "toward",
    "towards",
    "through",
    "via",
    "of",
    "between",
    "and",
    "nearby",
    "throughout",
];

fn lower_is(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Context of one sentence that recognition rules read.
struct SentenceView<'t> {
    text: &'t str,
    toks: &'t [Token],
    first_word: Option<usize>,
    title_case: bool,
}

impl<'t> SentenceView<'t> {
    fn new(text: &'t str, toks: &'t [Token], lex: &Lexicon) -> Self {
        let first_word = toks.iter().position(|t| t.kind == TokenKind::Word);
        let long = || toks.iter().filter(|t| t.is_word() && t.span.len() > 3);
        let (n_long, caps) = long().fold((0, 0), |(n, c), t| {
            (n + 1, c + usize::from(t.is_capitalized(text)))
        });
        // A headline in Title Case capitalises ordinary words ("Takes", "Control"); a sentence
        // full of names does not. The word lists are read only for a mostly capitalised line.
        let title_case = n_long >= 3 && caps * 10 >= n_long * 7 && {
            let (common, common_caps) = long()
                .filter(|t| lex.is_common(t.text(text)))
                .fold((0, 0), |(n, c), t| {
                    (n + 1, c + usize::from(t.is_capitalized(text)))
                });
            common_caps >= 1 && common_caps * 2 >= common
        };
        Self {
            text,
            toks,
            first_word,
            title_case,
        }
    }

    fn word(&self, i: usize) -> &'t str {
        self.toks[i].text(self.text)
    }

    fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(Token::is_word)
    }

    /// Starts with a capital, or is an article glued to a capitalised name ("al-Qaim").
    fn starts_name(&self, i: usize) -> bool {
        let t = &self.toks[i];
        if !t.is_word() {
            return false;
        }
        if t.is_capitalized(self.text) {
            return true;
        }
        let w = self.word(i);
        // Most lowercase words have no hyphen: look for its byte ('‐' starts with 0xE2) first.
        if !w.bytes().any(|b| b == b'-' || b == 0xE2) {
            return false;
        }
        w.split_once(['-', '‐']).is_some_and(|(art, rest)| {
            lower_is(art, CONNECTORS) && rest.chars().next().is_some_and(char::is_uppercase)
        })
    }

    fn is_connector(&self, i: usize) -> bool {
        self.is_word(i)
            && !self.toks[i].is_capitalized(self.text)
            && lower_is(self.word(i), CONNECTORS)
    }

    /// A comma inside a name the gazetteer has whole ("Washington, D.C."): right after a
    /// word and before a capitalised word of two letters or more, or an initial ("D."), so
    /// that a quote's "Kate, I promise" is not GeoNames' "Kate, I". The run goes on only
    /// while its text is still the start of a gazetteer name, so "Paris, Texas" stays two
    /// names.
    fn is_name_comma(&self, i: usize) -> bool {
        self.toks[i].kind == TokenKind::Punct
            && self.word(i) == ","
            && i > 0
            && self.is_word(i - 1)
            && self.toks[i - 1].span.end == self.toks[i].span.start
            && self.toks.get(i + 1).is_some_and(|t| {
                t.is_capitalized(self.text)
                    && (t.span.len() > 1 || (i + 2 < self.toks.len() && self.is_name_period(i + 2)))
            })
    }

    /// A period that belongs to an abbreviated name part ("St. Louis", "Ft. Worth").
    fn is_name_period(&self, i: usize) -> bool {
        self.toks[i].kind == TokenKind::Punct
            && self.word(i) == "."
            && i > 0
            && self.is_word(i - 1)
            && self.word(i - 1).len() <= 3
            && self
                .toks
                .get(i + 1)
                .is_some_and(|t| t.is_capitalized(self.text))
            && self.toks[i - 1].span.end == self.toks[i].span.start
    }
}

/// Strips a possessive "'s" from the end of a token's text.
fn without_possessive(s: &str) -> &str {
    s.strip_suffix("'s")
        .or_else(|| s.strip_suffix("’s"))
        .unwrap_or(s)
}

/// Candidate mentions of one sentence, given its tokens.
pub(crate) fn recognize_sentence(
    gaz: &Gazetteer,
    lex: &Lexicon,
    text: &str,
    toks: &[Token],
    sentence_index: usize,
    out: &mut Vec<PlaceMention>,
) {
    let view = SentenceView::new(text, toks, lex);
    let mut folded = String::new();
    let mut key = String::new();
    let mut i = 0;
    while i < view.toks.len() {
        if !view.starts_name(i) {
            i += 1;
            continue;
        }
        let Some((last, span, postings)) = longest_match(gaz, &view, i, &mut folded, &mut key)
        else {
            i += 1;
            continue;
        };
        if let Some(m) = classify(gaz, lex, &view, i, last, span, postings, sentence_index) {
            out.push(m);
        }
        i = last + 1;
    }
}

/// The longest token run from `start` whose text is a gazetteer name.
fn longest_match(
    gaz: &Gazetteer,
    view: &SentenceView<'_>,
    start: usize,
    folded: &mut String,
    key: &mut String,
) -> Option<(usize, Span, Rc<[Posting]>)> {
    let mut best = None;
    let mut j = start;
    while j < view.toks.len() && j < start + MAX_NAME_TOKENS {
        if j > start {
            let inside = view.toks[j].is_capitalized(view.text)
                || view.starts_name(j)
                || (view.is_connector(j)
                    && view
                        .toks
                        .get(j + 1)
                        .is_some_and(|t| t.is_capitalized(view.text)))
                || view.is_name_period(j)
                || view.is_name_comma(j)
                || (view.toks[j].kind == TokenKind::Number && view.toks[j - 1].is_word());
            if !inside {
                break;
            }
        }
        let start_byte = view.toks[start].span.start;
        let end_tok = &view.toks[j];
        let raw = Span::new(start_byte, end_tok.span.end).slice(view.text);
        let name = without_possessive(raw);
        let span = Span::new(start_byte, start_byte + name.len());
        let Some(postings) = read_name(gaz, name, folded, key) else {
            break;
        };
        if end_tok.is_word() && !view.is_connector(j) && !postings.is_empty() {
            best = Some((j, span, postings));
        }
        if name.len() < raw.len() {
            break; // a possessive ends the name
        }
        j += 1;
    }
    best
}

/// The gazetteer's reading of a name (see [`NameReading`]), from this thread's memo when
/// the name was read before; `folded` and `key` are scratch buffers.
fn read_name(gaz: &Gazetteer, name: &str, folded: &mut String, key: &mut String) -> NameReading {
    if name.len() > NAME_KEPT_BYTES {
        return look_up_name(gaz, name, folded, key);
    }
    NAMES.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.0 != gaz.id() || memo.1.len() >= NAMES_KEPT {
            memo.1.clear();
            memo.0 = gaz.id();
        }
        if let Some(reading) = memo.1.get(name) {
            return reading.clone();
        }
        let reading = look_up_name(gaz, name, folded, key);
        memo.1.insert(name.into(), reading.clone());
        reading
    })
}

/// [`read_name`] without the memo.
fn look_up_name(gaz: &Gazetteer, name: &str, folded: &mut String, key: &mut String) -> NameReading {
    skeleton_into(name, folded, key);
    if key.is_empty() || !gaz.has_prefix(key) {
        return None;
    }
    Some(gaz.lookup_key(key).into())
}

/// "Kent, Wash.", "JACKSON, Miss.", "Florence, S.C.": a province's press abbreviation, with
/// its period, right after "Town," names the province even where the word alone is a common
/// one or is too short to be read elsewhere.
fn is_state_qualifier(
    gaz: &Gazetteer,
    view: &SentenceView<'_>,
    first: usize,
    postings: &[Posting],
) -> bool {
    first >= 2
        && view.word(first - 1) == ","
        && view.toks[first - 2].is_capitalized(view.text)
        && (view.word(first).ends_with('.') // dotted initials: "S.C."
            || view.toks.get(first + 1).is_some_and(|t| {
                t.span.start == view.toks[first].span.end && t.span.slice(view.text) == "."
            }))
        && postings
            .iter()
            .any(|p| matches!(gaz.entry(p.entry()).kind, EntryKind::Admin1))
}

/// Applies the false-hit rules to a match; `None` drops it.
#[allow(clippy::too_many_arguments)]
fn classify(
    gaz: &Gazetteer,
    lex: &Lexicon,
    view: &SentenceView<'_>,
    first: usize,
    last: usize,
    span: Span,
    postings: Rc<[Posting]>,
    sentence: usize,
) -> Option<PlaceMention> {
    let surface = span.slice(view.text);
    let single = first == last;
    let next = last + 1;
    if lex.is_media_at(surface, view.is_word(next).then(|| view.word(next))) {
        return None;
    }
    // Only an article or connector, a word that is never a place alone ("June", "Sunni"), or
    // a person's title ("Sen." before a name).
    if single
        && (lower_is(surface, CONNECTORS)
            || lex.is_not_place(without_possessive(surface))
            || lex.is_title(surface))
    {
        return None;
    }
    let is_country_like = postings.iter().any(|p| {
        let e = gaz.entry(p.entry());
        matches!(e.kind, EntryKind::Country) || (p.is_demonym())
    });
    // Short or all-caps tokens: only countries ("UK", "USA"); headlines in capitals are left out.
    let letters = surface.chars().filter(|c| c.is_alphabetic()).count();
    let all_caps = surface
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    // "Louisville, Ky.", "Columbia, S.C.": a state's press abbreviation after its town.
    let qualifier = is_state_qualifier(gaz, view, first, &postings);
    if letters <= 2 && !is_country_like && !qualifier {
        return None;
    }
    if all_caps && letters <= 5 && !is_country_like && !qualifier {
        return None;
    }
    let at_start = view.first_word == Some(first) || view.title_case;
    let common = single && lex.is_common(without_possessive(view.word(first))) && !qualifier;
    if common && at_start {
        return None;
    }
    let prev_word = (first > 0 && view.is_word(first - 1)).then(|| view.word(first - 1));
    let locative = prev_word.is_some_and(|w| lower_is(w, LOCATIVES));
    if common && !locative && !is_country_like {
        return None;
    }
    let mut role = MentionRole::Place;
    // "Syrian", "Iraqis": an adjective or a people, context for resolution only; its
    // candidates are its demonym readings.
    let demonym = postings.iter().any(|p| p.is_demonym());
    if demonym {
        role = MentionRole::Demonym;
    }
    // People: "President Jordan", "Mr. Paris", "Michael Jordan".
    let title_before = prev_word.is_some_and(|w| lex.is_title(w))
        || (first >= 2
            && view.word(first - 1) == "."
            && view.is_word(first - 2)
            && lex.is_title(view.word(first - 2)));
    if title_before && role == MentionRole::Place && !is_country_like {
        return None;
    }
    // "Shawn Bailey", "Nic Robertson": a given name before a one-word match; "Jordan Smith":
    // a given name matched as a place and followed by a surname.
    let first_name_before = first > 0
        && view.toks[first - 1].is_capitalized(view.text)
        && lex.is_first_name(view.word(first - 1));
    let next_cap_word = view
        .toks
        .get(last + 1)
        .is_some_and(|t| t.is_capitalized(view.text));
    let is_given_name = single && lex.is_first_name(surface) && next_cap_word && !view.title_case;
    // A given name before a country is a surname too ("Michael Jordan").
    if single && (first_name_before || (is_given_name && !is_country_like)) {
        return None;
    }
    let cap_before = first > 0
        && view.toks[first - 1].is_capitalized(view.text)
        && Some(first - 1) != view.first_word
        && !view.title_case
        && prev_word.is_some_and(|w| !lower_is(w, PLACE_MODIFIERS) && !lex.is_common(w));
    let next_cap = view
        .toks
        .get(next)
        .is_some_and(|t| t.is_capitalized(view.text))
        && !view.title_case;
    let next_word = view.is_word(next).then(|| view.word(next));
    let mut level_hint = None;
    let mut full = span;
    if let Some(level) = next_word.and_then(|w| lex.place_head(w)) {
        if level > 0 {
            level_hint = Some(level);
            full = Span::new(span.start, view.toks[next].span.end);
        }
    } else if next_word.is_some_and(|w| lex.is_org_head(w)) && next_cap {
        role = MentionRole::Embedded;
    } else if next_word
        .is_some_and(|w| w.eq_ignore_ascii_case("dollar") || w.eq_ignore_ascii_case("dollars"))
    {
        // "the US dollar exchange rate": a currency, not where anything happened.
        role = MentionRole::Embedded;
    } else if next_cap && single && !is_country_like && role == MentionRole::Place {
        // "Jordan Smith", "Baghdad Operations Command": part of a longer proper name.
        role = MentionRole::Embedded;
    }
    if cap_before && single && role == MentionRole::Place && !is_country_like {
        role = MentionRole::Embedded;
    }
    // "the province of Anbar", "the district of Ramadi".
    if level_hint.is_none() && first >= 2 && view.word(first - 1).eq_ignore_ascii_case("of") {
        level_hint = lex.place_head(view.word(first - 2)).filter(|&l| l > 0);
    }
    let candidates = postings
        .iter()
        .filter(|p| !demonym || p.is_demonym())
        .take(MAX_CANDIDATES)
        .copied()
        .collect();
    Some(PlaceMention {
        span,
        full_span: full,
        sentence,
        role,
        level_hint,
        candidates,
        resolved: None,
        weak: common,
        fallback: false,
        fragment: false,
    })
}

/// A mention for a span given by the caller (resolution-only geocoding): the span's text, then
/// forms without "the", a possessive or trailing punctuation, then the longest run of words
/// inside it that names a place ("Republic of Armenia", "Vienna/Fairfax-GMU Metro").
pub(crate) fn mention_for_span(
    gaz: &Gazetteer,
    lex: &Lexicon,
    text: &str,
    span: Span,
    sentence: usize,
) -> PlaceMention {
    let surface = span.slice(text);
    let trimmed = surface.trim_matches(|c: char| !c.is_alphanumeric());
    let without_the = trimmed
        .strip_prefix("the ")
        .or_else(|| trimmed.strip_prefix("The "))
        .unwrap_or(trimmed);
    let mut level_hint = None;
    let mut postings = Vec::new();
    let single_word =
        !without_the.contains(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
    if !(single_word && lex.is_not_place(without_possessive(without_the))) {
        for form in [
            surface,
            trimmed,
            without_possessive(trimmed),
            without_the,
            without_possessive(without_the),
        ] {
            postings = gaz.lookup(form);
            if !postings.is_empty() {
                break;
            }
        }
    }
    // "the Gulf": a word never a place alone names a sea or region with its article.
    if postings.is_empty()
        && single_word
        && text
            .get(..span.start)
            .is_some_and(|b| b.ends_with("the ") || b.ends_with("The "))
    {
        postings = gaz
            .lookup(&format!("the {without_the}"))
            .into_iter()
            .filter(|p| gaz.entry(p.entry()).kind == EntryKind::Region)
            .collect();
    }
    // A demonym given as a toponym ("Canadian") is its country, not a town of that name.
    prefer_demonyms(&mut postings);
    let mut fragment = false;
    if postings.is_empty() {
        let (found, hint) = partial_lookup(gaz, lex, without_the);
        fragment = !found.is_empty();
        postings = found;
        level_hint = hint;
    }
    postings.truncate(MAX_CANDIDATES);
    PlaceMention {
        span,
        full_span: span,
        sentence,
        // A demonym given as a toponym ("Syrian") stands for its country.
        role: MentionRole::Place,
        level_hint,
        candidates: postings,
        resolved: None,
        weak: false,
        fallback: false,
        fragment,
    }
}

/// Where some postings read the name as a demonym ("Canadian"), only those: the name is the
/// country's adjective, not a town called so.
fn prefer_demonyms(postings: &mut Vec<Posting>) {
    if postings.iter().any(|p| p.is_demonym()) {
        postings.retain(|p| p.is_demonym());
    }
}

/// The longest run of words inside `name` that is a gazetteer name, skipping runs that are
/// single words never meaning a place alone. Returns the postings and the level implied by a
/// following head word ("Anbar province").
fn partial_lookup(gaz: &Gazetteer, lex: &Lexicon, name: &str) -> (Vec<Posting>, Option<u8>) {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | ',' | '(' | ')' | '&'))
        .filter(|w| !w.is_empty())
        .collect();
    for len in (1..words.len()).rev() {
        for start in 0..=words.len() - len {
            let part = &words[start..start + len];
            if len == 1
                && (lex.is_not_place(part[0])
                    // Short or common words only as capitals ("US" of "US Federal Reserve").
                    || ((lex.is_common(part[0]) || part[0].len() < 3)
                        && !part[0].chars().all(|c| c.is_ascii_uppercase())))
            {
                continue;
            }
            if part
                .iter()
                .all(|w| lex.is_not_place(w) || lower_is(w, CONNECTORS))
            {
                continue;
            }
            // Only main names: a fragment matching some far place's alternate name is too weak
            // to stand for the whole. A country is named by its short forms and adjectives too
            // ("US Federal Reserve", "European Central Bank").
            let mut postings: Vec<Posting> = gaz
                .lookup(&part.join(" "))
                .into_iter()
                .filter(|p| {
                    p.is_primary()
                        || p.is_demonym()
                        || matches!(
                            gaz.entry(p.entry()).kind,
                            EntryKind::Country | EntryKind::Region
                        )
                })
                .collect();
            prefer_demonyms(&mut postings);
            if !postings.is_empty() {
                let hint = words
                    .get(start + len)
                    .and_then(|w| lex.place_head(w))
                    .filter(|&l| l > 0);
                return (postings, hint);
            }
        }
    }
    (Vec::new(), None)
}
