//! From automaton hits to actor mentions: each hit is resolved against the event's
//! country and date, then neighbouring hits are joined into phrases ("Iraqi" + "security
//! forces", "Daesh" + "fighters", "Pokot" + "gunmen", "militants of" + "ISIS").

use sitrep_model::Span;

use super::load::GenericKind;
use super::matcher::{Hit, Searches};
use super::norm::Norm;
use super::resolve::Res;
use super::{Actor, ActorContext, ActorDictionary, ActorMention};

/// A sentence made ready for [`ActorDictionary::find_in`]: its matching copy, whether it is
/// a headline in Title Case, and the automata's answers so far (shared by every reading).
#[derive(Debug)]
pub struct PreparedSentence {
    norm: Norm,
    title_case: bool,
    searches: Searches,
}

/// Words after a named actor that stay part of its mention ("ISIS members").
const TRAILING: &[&str] = &[
    "members",
    "member",
    "operatives",
    "cadres",
    "loyalists",
    "commanders",
    "elements",
    "leaders",
    "units",
    "men",
    "affiliates",
    "followers",
];

/// Words allowed between a country word and a state head ("Iraqi elite troops").
const MODIFIERS: &[&str] = &[
    "security",
    "armed",
    "government",
    "pro-government",
    "special",
    "federal",
    "border",
    "elite",
    "regular",
    "local",
    "national",
    "state",
    "regime",
    "ground",
    "air",
    "naval",
    "allied",
    "counter-terrorism",
    "counterterrorism",
    "anti-terrorism",
    "anti-terror",
    "riot",
    "paramilitary",
    "rapid",
    "reaction",
    "intervention",
    "reserve",
    "defence",
    "defense",
    "mobile",
    "armoured",
    "armored",
    "combat",
    "operations",
];

/// A mention in normalized coordinates.
struct Found {
    start: usize,
    end: usize,
    actor: Actor,
    generic: bool,
    plural: bool,
}

impl ActorDictionary {
    /// `None` when the span is not in the text or the sentence is too long to map.
    pub(super) fn prepare_sentence(&self, text: &str, sentence: Span) -> Option<PreparedSentence> {
        let part = text.get(sentence.start..sentence.end)?;
        let norm = Norm::new(part, sentence.start)?;
        Some(PreparedSentence {
            title_case: is_title_case(&norm.text),
            norm,
            searches: Searches::default(),
        })
    }

    pub(super) fn find_mentions(
        &self,
        prepared: &mut PreparedSentence,
        ctx: &ActorContext<'_>,
    ) -> Vec<ActorMention> {
        let PreparedSentence {
            norm,
            title_case,
            searches,
        } = prepared;
        let (norm, title_case) = (&*norm, *title_case);
        let hits = self
            .matcher
            .hits(norm, searches, |p, s, _| self.resolve(p, norm, s, ctx));
        let mut found: Vec<Found> = Vec::new();
        let mut pending = None;
        let mut i = 0;
        while let Some(h) = hits.get(i) {
            let next = hits.get(i + 1);
            i += 1;
            match h.res {
                Res::Country(c) => {
                    if let Some(n) = next
                        && let Some(f) = self.country_phrase(norm, h, n, c, ctx)
                    {
                        found.push(f);
                        i += 1;
                    }
                }
                Res::Head { row, implied } => {
                    if let Some(n) = next
                        && let Some(kind) = row.and_then(|r| self.tables.generic.get(r))
                        && of_gap(norm, h.end, n.start)
                    {
                        if matches!(n.res, Res::Group(_) | Res::State(_))
                            && !matches!(
                                kind.kind,
                                GenericKind::Civilians | GenericKind::Government
                            )
                        {
                            pending = Some((h.start, is_plural(&kind.head)));
                            continue;
                        }
                        if let Res::Country(c) = n.res
                            && kind.kind.state_role().is_some()
                            && let Some((iso, _)) = self.country_words.get(c)
                        {
                            let actor = self.generic_actor(
                                kind.kind,
                                kind.inter,
                                kind.unit.as_deref(),
                                Some(iso),
                                ctx.date,
                                ctx.country,
                            );
                            found.push(Found {
                                start: h.start,
                                end: n.end,
                                actor,
                                generic: false,
                                plural: is_plural(
                                    norm.text.get(h.start..h.end).unwrap_or_default(),
                                ),
                            });
                            i += 1;
                            continue;
                        }
                    }
                    if let Some(mut f) = self.head_alone(norm, h, row, implied, title_case, ctx) {
                        // "army artillery", "police commandos": one actor, one mention.
                        if let Some(n) = next
                            && self.same_state_head(row, n)
                            && norm.text.get(h.end..n.start) == Some(" ")
                        {
                            f.end = n.end;
                            f.plural = is_plural(norm.text.get(n.start..n.end).unwrap_or_default());
                            i += 1;
                        }
                        found.push(f);
                    }
                }
                Res::Group(_) | Res::State(_) => {
                    let (start, plural) = pending.take().unwrap_or((h.start, false));
                    let rest = hits.get(i - 1..).unwrap_or_default();
                    let (f, used) = self.named_phrase(norm, rest, start, ctx);
                    i += used.saturating_sub(1);
                    found.extend(f.map(|f| Found {
                        plural: f.plural || plural,
                        ..f
                    }));
                }
                Res::Ethnic { row, bare, plural } => {
                    let head = next.filter(|n| norm.text.get(h.end..n.start) == Some(" "));
                    let head_row = head.and_then(|n| match n.res {
                        Res::Head { row: Some(r), .. } => self.tables.generic.get(r),
                        _ => None,
                    });
                    let Some(actor) = self.ethnic_actor(row, ctx.country) else {
                        continue;
                    };
                    if let (Some(n), Some(g)) = (head, head_row) {
                        let actor = match g.kind {
                            GenericKind::Civilians | GenericKind::Protesters => self.generic_actor(
                                g.kind,
                                g.inter,
                                None,
                                actor.country.as_deref(),
                                ctx.date,
                                ctx.country,
                            ),
                            k if k.state_role().is_some() => continue,
                            _ => actor,
                        };
                        found.push(Found {
                            start: h.start,
                            end: n.end,
                            actor,
                            generic: false,
                            plural: is_plural(&g.head),
                        });
                        i += 1;
                    } else if !bare || plural {
                        found.push(Found {
                            start: h.start,
                            end: h.end,
                            actor,
                            generic: false,
                            plural,
                        });
                    }
                }
            }
        }
        self.finish(norm, found)
    }

    /// Adds a leading "the" and maps spans back to the original text.
    fn finish(&self, norm: &Norm, found: Vec<Found>) -> Vec<ActorMention> {
        let mut out = Vec::with_capacity(found.len());
        let mut last_end = 0;
        for mut f in found {
            if f.start < last_end {
                continue;
            }
            if f.start >= 4
                && norm
                    .text
                    .get(f.start - 4..f.start)
                    .is_some_and(|t| t.eq_ignore_ascii_case("the "))
                && !norm
                    .prev_char(f.start - 4)
                    .is_some_and(char::is_alphanumeric)
                && f.start - 4 >= last_end
            {
                f.start -= 4;
            }
            last_end = f.end;
            if let Some(span) = norm.span(f.start, f.end) {
                out.push(ActorMention {
                    span,
                    actor: f.actor,
                    generic: f.generic,
                    plural: f.plural,
                });
            }
        }
        out
    }

    /// A named actor at `hits[0]`, with an echo in parentheses ("... Levant (ISIS)") and a
    /// trailing head ("fighters", "members"). Returns the mention and the hits it used.
    fn named_phrase(
        &self,
        norm: &Norm,
        hits: &[Hit<Res>],
        start: usize,
        ctx: &ActorContext<'_>,
    ) -> (Option<Found>, usize) {
        let Some(h) = hits.first() else {
            return (None, 1);
        };
        let Some(actor) = self.named_actor(h.res, ctx) else {
            return (None, 1);
        };
        let mut end = h.end;
        let mut used = 1;
        if let Some(n) = hits.get(used)
            && norm.text.get(end..n.start) == Some(" (")
            && norm.text.get(n.end..).is_some_and(|t| t.starts_with(')'))
            && self
                .named_actor(n.res, ctx)
                .is_some_and(|a| a.name == actor.name)
        {
            end = n.end + 1;
            used += 1;
        }
        let mut plural = false;
        let head = hits
            .get(used)
            .filter(|n| norm.text.get(end..n.start) == Some(" "));
        let head_row = head.and_then(|n| match n.res {
            Res::Head { row: Some(r), .. } => self.tables.generic.get(r),
            _ => None,
        });
        if let (Some(n), Some(g)) = (head, head_row)
            && !matches!(g.kind, GenericKind::Civilians | GenericKind::Protesters)
        {
            end = n.end;
            plural = is_plural(&g.head);
        } else if let Some((ws, w)) = norm.word_after(end)
            && norm.text.get(end..ws) == Some(" ")
            && TRAILING.iter().any(|t| t.eq_ignore_ascii_case(w))
        {
            end = ws + w.len();
            plural = is_plural(w);
        }
        while hits.get(used).is_some_and(|n| n.start < end) {
            used += 1;
        }
        let found = Found {
            start,
            end,
            actor,
            generic: false,
            plural,
        };
        (Some(found), used)
    }

    /// "Iraqi security forces", "Iraq's military", "Kenyan protesters".
    fn country_phrase(
        &self,
        norm: &Norm,
        h: &Hit<Res>,
        n: &Hit<Res>,
        c: usize,
        ctx: &ActorContext<'_>,
    ) -> Option<Found> {
        let (iso, is_name) = self.country_words.get(c)?;
        let Res::Head {
            row: Some(r),
            implied,
        } = n.res
        else {
            return None;
        };
        let g = self.tables.generic.get(r)?;
        let head_text = norm.text.get(n.start..n.end)?;
        let titled = head_text.chars().next().is_some_and(char::is_uppercase);
        if !country_gap_ok(norm.text.get(h.end..n.start)?, *is_name, g.kind, titled) {
            return None;
        }
        let community = implied.filter(|&e| {
            self.tables
                .ethnic
                .get(e)
                .is_some_and(|row| row.countries.iter().any(|x| x == iso))
        });
        let (actor, generic) = match community.and_then(|e| self.ethnic_actor(e, Some(iso))) {
            Some(a) => (a, false),
            None => {
                let a = self.generic_actor(
                    g.kind,
                    g.inter,
                    g.unit.as_deref(),
                    Some(iso),
                    ctx.date,
                    ctx.country,
                );
                let unnamed =
                    matches!(g.kind, GenericKind::Rebels | GenericKind::ArmedUnidentified);
                (a, unnamed)
            }
        };
        Some(Found {
            start: h.start,
            end: n.end,
            actor,
            generic,
            plural: is_plural(head_text),
        })
    }

    fn same_state_head(&self, row: Option<usize>, n: &Hit<Res>) -> bool {
        let kind = |r: Option<usize>| r.and_then(|r| self.tables.generic.get(r)).map(|g| g.kind);
        let Res::Head { row: next, .. } = n.res else {
            return false;
        };
        let (a, b) = (kind(row), kind(next));
        a.is_some_and(|k| k.state_role().is_some()) && a == b
    }

    /// A head with no name next to it: the actor of its kind in the event's country.
    fn head_alone(
        &self,
        norm: &Norm,
        h: &Hit<Res>,
        row: Option<usize>,
        implied: Option<usize>,
        title_case: bool,
        ctx: &ActorContext<'_>,
    ) -> Option<Found> {
        let head_text = norm.text.get(h.start..h.end)?;
        let g = row.and_then(|r| self.tables.generic.get(r));
        let actor = match implied.and_then(|e| self.ethnic_actor(e, ctx.country)) {
            Some(a) => a,
            None => {
                let g = g.filter(|g| !g.country_only)?;
                if !title_case && inside_proper_name(norm, h.start, h.end) {
                    return None;
                }
                self.generic_actor(
                    g.kind,
                    g.inter,
                    g.unit.as_deref(),
                    ctx.country,
                    ctx.date,
                    ctx.country,
                )
            }
        };
        Some(Found {
            start: h.start,
            end: h.end,
            actor,
            generic: true,
            plural: is_plural(head_text),
        })
    }
}
/// "militants of the", "fighters from".
fn of_gap(norm: &Norm, a: usize, b: usize) -> bool {
    norm.text.get(a..b).is_some_and(|g| {
        [" of ", " of the ", " from ", " from the "]
            .iter()
            .any(|w| g.eq_ignore_ascii_case(w))
    })
}

/// Between a country word and its head: an optional possessive, then up to two modifiers.
/// A country name (not a demonym) without `'s` only takes state heads ("Kenya police").
fn country_gap_ok(gap: &str, is_name: bool, kind: GenericKind, head_titled: bool) -> bool {
    let (possessive, rest) = match gap.strip_prefix("'s") {
        Some(r) => (true, r),
        None => (false, gap),
    };
    if is_name && !possessive && kind.state_role().is_none() {
        return false;
    }
    if !rest.starts_with(' ') || !rest.ends_with(' ') {
        return false;
    }
    let words: Vec<&str> = rest.split(' ').filter(|w| !w.is_empty()).collect();
    words.len() <= 2
        && words.iter().all(|w| {
            let lw = w.to_lowercase();
            MODIFIERS.contains(&lw.as_str()) && (lw == *w || (head_titled && lw != "state"))
        })
}

/// A capitalized head inside an unknown proper name: "the Salvation Army", "Police
/// Commissioner". Not at the start of a sentence unless the next word is capitalized too.
fn inside_proper_name(norm: &Norm, s: usize, e: usize) -> bool {
    let titled = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    if !norm.text.get(s..e).is_some_and(titled) {
        return false;
    }
    let next_cap = norm
        .word_after(e)
        .is_some_and(|(ws, w)| norm.text.get(e..ws) == Some(" ") && titled(w));
    let prev_cap = norm.text.get(..s).is_some_and(|b| b.ends_with(' '))
        && norm
            .word_before(s)
            .is_some_and(|w| titled(w) && !matches!(w, "The" | "A" | "An"));
    next_cap || prev_cap
}

/// Most longer words capitalized: a headline, where capitals say nothing about names.
fn is_title_case(text: &str) -> bool {
    // Counted in one pass, without collecting the words: this runs on every sentence.
    let (mut words, mut caps) = (0usize, 0usize);
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
    {
        words += 1;
        caps += usize::from(w.chars().next().is_some_and(char::is_uppercase));
    }
    words >= 3 && caps * 5 >= words * 4
}

fn is_plural(head: &str) -> bool {
    let last = head.rsplit(' ').next().unwrap_or(head).to_lowercase();
    (last.ends_with('s') && !last.ends_with("ss"))
        || last.ends_with("men")
        || matches!(
            last.as_str(),
            "people" | "police" | "personnel" | "children"
        )
}
