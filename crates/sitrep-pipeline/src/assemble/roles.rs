//! Who did what to whom around a trigger: agent and patient from word order, voice and
//! the prepositions "by", "to", "against", "between … and …".

use sitrep_model::Span;

use crate::actors::ActorMention;
use crate::tokens::Token;
use crate::triggers::TriggerHit;

const BE: &[&str] = &[
    "was", "were", "been", "being", "is", "are", "be", "got", "get", "has", "have", "had",
];

/// Whether the trigger is a passive participle ("were killed", "was taken", "is controlled by").
pub fn is_passive(text: &str, toks: &[Token], hit: &TriggerHit) -> bool {
    let first = toks[hit.first].text(text).to_lowercase();
    if !is_participle(&first) && first != "under" {
        return false;
    }
    if first == "under"
        || first == "held" && toks.get(hit.last + 1).is_some_and(|t| t.text(text) == "by")
    {
        return true;
    }
    let mut j = hit.first;
    let mut steps = 0;
    while j > 0 && steps < 3 {
        j -= 1;
        steps += 1;
        let w = toks[j].text(text).to_lowercase();
        if BE.contains(&w.as_str()) {
            // "have taken" is active; "have been taken" is passive (and "been" is in BE).
            return !matches!(w.as_str(), "has" | "have" | "had");
        }
        if !w.ends_with("ly")
            && !matches!(
                w.as_str(),
                "reportedly" | "also" | "allegedly" | "then" | "already" | "later"
            )
        {
            break;
        }
    }
    // "be overrun by", "to be overrun": an infinitive passive.
    toks.get(hit.last + 1)
        .is_some_and(|t| t.text(text).eq_ignore_ascii_case("by"))
}

/// A past participle: "-ed", "-en" or one of the irregular ones news uses.
fn is_participle(w: &str) -> bool {
    w.ends_with("ed")
        || w.ends_with("en")
        || matches!(
            w,
            "overrun"
                | "held"
                | "shot"
                | "hit"
                | "won"
                | "lost"
                | "struck"
                | "caught"
                | "kept"
                | "sent"
                | "slain"
                | "dead"
                | "hurt"
                | "beat"
                | "blown"
                | "torn"
                | "burnt"
        )
}

/// Agent and patient of a trigger among the sentence's actor mentions (indices into `actors`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    pub agent: Option<usize>,
    pub patient: Option<usize>,
}

/// Index of the token where `span` starts (tokens are in text order).
fn token_of(toks: &[Token], span: Span) -> usize {
    toks.partition_point(|t| t.span.start < span.start)
}

/// Compared without allocating: a sentence may hold thousands of tokens and actors.
fn clause_break(w: &str) -> bool {
    CLAUSE_BREAKS.iter().any(|b| w.eq_ignore_ascii_case(b))
}

/// Words that open another clause: an actor beyond one is not the trigger's agent ("the
/// security forces since the group overran Mosul").
const CLAUSE_BREAKS: &[&str] = &[
    ";",
    "since",
    "after",
    "before",
    "when",
    "because",
    "until",
    "although",
    "though",
    "whereas",
    "said",
    "told",
    "but",
    "while",
    "which",
    "who",
    "where",
    "according",
];

fn is_determiner(w: &str) -> bool {
    ["the", "a", "an", "some", "suspected", "local"]
        .iter()
        .any(|d| w.eq_ignore_ascii_case(d))
}

/// Whether a seizing or capturing trigger takes people, not ground: "seized a school
/// principal", "captured two aid workers". The object is the first noun within four words
/// after the verb (determiners, numbers and modifiers skipped), and people are the
/// civilian nouns ACLED codes as victims; armed men captured stay a matter for the fight.
pub fn takes_a_person(text: &str, toks: &[Token], hit: &TriggerHit) -> bool {
    let verb = toks[hit.first].text(text).to_ascii_lowercase();
    if ![
        "seize",
        "seized",
        "seizing",
        "capture",
        "captured",
        "capturing",
    ]
    .contains(&verb.as_str())
        || hit.last != hit.first
    {
        return false;
    }
    for t in toks.iter().skip(hit.last + 1).take(4) {
        let w = t.text(text).to_ascii_lowercase();
        if !w.chars().all(|c| c.is_alphanumeric() || c == '-') || clause_break(&w) {
            return false;
        }
        if super::coding::victims_of_noun(&w) == super::coding::Victims::Civilians {
            return true;
        }
        // "control", "the town of": ground, not people.
        if matches!(
            w.as_str(),
            "control" | "of" | "from" | "in" | "at" | "near" | "on"
        ) {
            return false;
        }
    }
    false
}

/// Whether the actor at token `at`, inside the trigger, is its object: after a preposition
/// the trigger spans ("clashed with police", "fired on the protesters"), not a word of the
/// trigger's own ("jet fighters", "suicide bomber").
fn object_inside(text: &str, toks: &[Token], hit: &TriggerHit, at: usize) -> bool {
    toks[hit.first + 1..at].iter().any(|t| {
        ["with", "on", "at", "against"]
            .iter()
            .any(|p| t.text(text).eq_ignore_ascii_case(p))
    })
}

/// The first of the actors coordinated with actor `last` ("Iraqi army units and Popular
/// Mobilisation fighters liberated …", "troops, police and allied militias"): walking back
/// over actors joined by "and", "&" or a comma, with at most one lowercase word on either
/// side of the joint ("army units and allied militias"). ACLED names the first of them as the
/// actor.
fn first_conjunct(text: &str, actors: &[ActorMention], last: usize) -> usize {
    let mut first = last;
    while first > 0 {
        let (prev, cur) = (&actors[first - 1], &actors[first]);
        match text.get(prev.span.end..cur.span.start) {
            Some(gap) if coordinates(gap) => first -= 1,
            _ => break,
        }
    }
    first
}

/// Actor `first` and the actors coordinated with it after it ("private guards and police").
pub fn conjuncts(text: &str, actors: &[ActorMention], first: usize) -> std::ops::Range<usize> {
    let mut last = first;
    while last + 1 < actors.len() {
        match text.get(actors[last].span.end..actors[last + 1].span.start) {
            Some(gap) if coordinates(gap) => last += 1,
            _ => break,
        }
    }
    first..last + 1
}

/// "Government forces backed by Emirati troops pushed …": the actor named as the backing
/// of the one before it is not the subject; the one it backs is.
fn backed(text: &str, actors: &[ActorMention], last: usize) -> usize {
    let mut i = last;
    while i > 0 {
        let gap = text
            .get(actors[i - 1].span.end..actors[i].span.start)
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if gap.contains([',', ';', '.']) || !ends_with_backing(&gap) {
            break;
        }
        i -= 1;
    }
    i
}

/// Whether actor `i` is named as backing someone the text does not name as an actor ("its
/// units, supported by VDP volunteers, regained …"): then it is not the subject either.
fn is_backer(text: &str, actors: &[ActorMention], i: usize) -> bool {
    let head = text.get(..actors[i].span.start).unwrap_or("");
    // The clause so far, back to a comma or stop.
    let clause = head.rsplit([',', ';', '.']).next().unwrap_or(head);
    ends_with_backing(&clause.to_ascii_lowercase())
}

/// Whether lowercase `text` ends with a backing phrase ("backed by", "supported by",
/// "alongside"), then at most one word before the backer's name ("backed by local
/// Macawisley fighters").
fn ends_with_backing(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (0..=1).any(|extra| {
        let head = &words[..words.len().saturating_sub(extra)];
        matches!(
            head,
            [.., "backed" | "supported" | "aided" | "assisted", "by"] | [.., "alongside"]
        )
    })
}

/// Whether the text between two actors joins them as one subject: a joint ("and", "&", a
/// comma) with at most one lowercase word before it and one after.
fn coordinates(gap: &str) -> bool {
    let spaced = gap.replace(',', " , ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let joint = |w: &str| w.eq_ignore_ascii_case("and") || w == "&" || w == ",";
    let Some(j) = words.iter().position(|w| joint(w)) else {
        return false;
    };
    let lower = |w: &&str| w.chars().all(|c| c.is_lowercase());
    let (before, after) = (&words[..j], &words[j + 1..]);
    let after = match after {
        ["and", rest @ ..] if words[j] == "," => rest,
        rest => rest,
    };
    before.len() <= 1 && after.len() <= 1 && before.iter().all(lower) && after.iter().all(lower)
}

/// "The army said on Tuesday it had recaptured …": the speaker is the agent its pronoun
/// stands for. `break_before`: the clause break nearest before the trigger, which must be
/// "said" (or "announced", "claimed") with "it" or "they" between it and the trigger.
fn speaker_itself(
    text: &str,
    toks: &[Token],
    hit: &TriggerHit,
    actors: &[ActorMention],
    break_before: Option<usize>,
) -> Option<usize> {
    let b = break_before?;
    let word = |j: usize| toks[j].text(text);
    if !["said", "announced", "claimed"]
        .iter()
        .any(|v| word(b).eq_ignore_ascii_case(v))
    {
        return None;
    }
    let pronoun = (b + 1..hit.first)
        .any(|j| word(j).eq_ignore_ascii_case("it") || word(j).eq_ignore_ascii_case("they"));
    if !pronoun {
        return None;
    }
    // The speaker: the actor just before "said", nothing but a few words between ("while
    // Washington said": the militants named before the comma are not the speaker).
    let said_at = toks[b].span.start;
    actors
        .iter()
        .rposition(|a| a.span.end <= said_at)
        .filter(|&i| {
            let gap = &text[actors[i].span.end..said_at];
            gap.split_whitespace().count() <= 3
                && !gap.contains(['.', ';', ','])
                && !gap
                    .split_whitespace()
                    .any(|w| clause_break(w) || w.eq_ignore_ascii_case("and"))
        })
}

/// Reads the roles of a trigger.
///
/// Linear in the sentence's tokens plus its actors: the nearest clause breaks on each side
/// are found once, not once per actor (hostile input has sentences of 10^5 tokens).
pub fn roles(text: &str, toks: &[Token], hit: &TriggerHit, actors: &[ActorMention]) -> Roles {
    let passive = is_passive(text, toks, hit);
    let word = |j: usize| toks[j].text(text);
    let break_before = (0..hit.first).rev().find(|&j| clause_break(word(j)));
    let break_after = (hit.last + 1..toks.len()).find(|&j| clause_break(word(j)));
    let mut before: Option<usize> = None;
    let mut after: Option<usize> = None;
    let mut by: Option<usize> = None;
    let mut to: Option<usize> = None;
    for (ai, a) in actors.iter().enumerate() {
        let at = token_of(toks, a.span);
        if at < hit.first {
            let blocked = break_before.is_some_and(|b| b >= at);
            if !blocked {
                before = Some(ai);
            }
        } else if at > hit.last || (at > hit.first && object_inside(text, toks, hit, at)) {
            // The gap is the tokens hit.last + 1 .. at; an actor inside a trigger of several
            // words ("clashed with police") has none.
            if break_after.is_some_and(|b| b < at) {
                continue;
            }
            let prep = (hit.last + 1..at)
                .rev()
                .map(word)
                .find(|w| !is_determiner(w));
            // "held by the RSF", "backed by US airstrikes": a participle's own agent,
            // not the trigger's. What was held by someone was taken from them.
            let participle = (hit.last + 1..at)
                .rev()
                .map(word)
                .skip_while(|w| is_determiner(w))
                .nth(1)
                .filter(|w| {
                    (w.len() >= 3 && w.ends_with("ed"))
                        || ["held", "led", "run"]
                            .iter()
                            .any(|p| w.eq_ignore_ascii_case(p))
                });
            let holder = participle.is_some_and(|w| {
                ["held", "controlled", "occupied"]
                    .iter()
                    .any(|h| w.eq_ignore_ascii_case(h))
            });
            match prep {
                Some(w) if w.eq_ignore_ascii_case("by") && holder && after.is_none() => {
                    after = Some(ai)
                }
                Some(w) if w.eq_ignore_ascii_case("by") && by.is_none() && participle.is_none() => {
                    by = Some(ai)
                }
                Some(w) if w.eq_ignore_ascii_case("to") && to.is_none() => to = Some(ai),
                _ => {
                    if after.is_none() && at.saturating_sub(hit.last + 1) <= 8 {
                        after = Some(ai);
                    }
                }
            }
        }
    }
    if passive {
        Roles {
            agent: by.or(to),
            patient: before,
        }
    } else {
        // "fell to ISIS": the one it fell to took it.
        let fell = toks[hit.first].text(text).to_lowercase();
        if matches!(
            fell.as_str(),
            "fell" | "fall" | "falling" | "fallen" | "lost"
        ) {
            return Roles {
                agent: to.or(after),
                patient: before,
            };
        }
        Roles {
            agent: before
                .map(|b| backed(text, actors, b))
                .filter(|&b| !is_backer(text, actors, b))
                .map(|b| first_conjunct(text, actors, b))
                .or_else(|| speaker_itself(text, toks, hit, actors, break_before))
                .or(by),
            patient: after.or(to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::{Actor, Role};
    use crate::tokens::tokenize;
    use crate::triggers::Frame;

    #[test]
    fn coordinated_actors_are_one_subject() {
        for (gap, want) in [
            (" and ", true),
            (" & ", true),
            (", ", true),
            (", and ", true),
            (" units and ", true),
            (" and allied ", true),
            (" units and allied ", true),
            (" said ", false),
            (" and Popular Mobilisation ", false),
            (" fought with ", false),
            (" and then attacked ", false),
            ("", false),
        ] {
            assert_eq!(coordinates(gap), want, "{gap:?}");
        }
    }

    #[test]
    fn seizing_people_is_told_from_seizing_ground() {
        for (text, verb, want) in [
            (
                "Gunmen seized a school principal on the road.",
                "seized",
                true,
            ),
            (
                "Rebels captured two aid workers near the camp.",
                "captured",
                true,
            ),
            (
                "Militants seized the town of Rawa on Friday.",
                "seized",
                false,
            ),
            ("ISIS seized control of Qaim.", "seized", false),
            ("The army captured three rebel fighters.", "captured", false),
            ("Police seized guns and ammunition.", "seized", false),
            (
                "Fighters captured the hill, killing two farmers.",
                "captured",
                false,
            ),
        ] {
            let (toks, hit) = hit_at(text, verb, Frame::Take);
            assert_eq!(takes_a_person(text, &toks, &hit), want, "{text}");
        }
    }

    /// The sentence's tokens and a `frame` trigger at the first `verb`.
    fn hit_at(text: &str, verb: &str, frame: Frame) -> (Vec<Token>, TriggerHit) {
        let toks = tokenize(text, Span::new(0, text.len()));
        let at = toks
            .iter()
            .position(|t| t.text(text) == verb)
            .expect("verb");
        let hit = TriggerHit {
            frame,
            span: toks[at].span,
            first: at,
            last: at,
        };
        (toks, hit)
    }

    /// Actors at every occurrence of `names`, the trigger at the first `verb`.
    fn read(text: &str, verb: &str, names: &[&str]) -> (Roles, Vec<String>) {
        let (toks, hit) = hit_at(text, verb, Frame::Clash);
        let actors: Vec<ActorMention> = toks
            .iter()
            .filter(|t| names.contains(&t.text(text)))
            .map(|t| ActorMention {
                span: t.span,
                actor: Actor {
                    name: t.text(text).to_owned(),
                    inter: 1,
                    role: Role::Military,
                    country: None,
                },
                generic: false,
                plural: true,
            })
            .collect();
        let names = actors.iter().map(|a| a.actor.name.clone()).collect();
        (roles(text, &toks, &hit, &actors), names)
    }

    fn named(r: (Roles, Vec<String>)) -> (Option<String>, Option<String>) {
        let (roles, names) = r;
        let get = |i: Option<usize>| i.map(|i| names[i].clone());
        (get(roles.agent), get(roles.patient))
    }

    #[test]
    fn role_table() {
        let actors = &["Army", "ISIS", "Police", "Kurds"];
        let rows = [
            (
                "Army attacked ISIS near Qaim",
                "attacked",
                (Some("Army"), Some("ISIS")),
            ),
            (
                "ISIS was attacked by the Army",
                "attacked",
                (Some("Army"), Some("ISIS")),
            ),
            ("Qaim fell to ISIS", "fell", (Some("ISIS"), None)),
            (
                "Army said Police attacked ISIS",
                "attacked",
                (Some("Police"), Some("ISIS")),
            ),
            (
                "Army attacked, officials said, ISIS",
                "attacked",
                (Some("Army"), None),
            ),
            (
                "Army attacked the suspected ISIS",
                "attacked",
                (Some("Army"), Some("ISIS")),
            ),
            (
                "Army attacked one two three four five six seven eight nine ISIS",
                "attacked",
                (Some("Army"), None),
            ),
            (
                "Kurds handed the town to Police",
                "handed",
                (Some("Kurds"), Some("Police")),
            ),
        ];
        for (text, verb, (agent, patient)) in rows {
            let got = named(read(text, verb, actors));
            let want = (agent.map(str::to_owned), patient.map(str::to_owned));
            assert_eq!(got, want, "{text}");
        }
    }

    /// Hostile input: thousands of actors in one run of text were read in cubic time.
    #[test]
    fn many_actors_in_a_long_sentence_are_read_quickly() {
        let text = "Army attacked ISIS and Police fought Kurds ".repeat(5_000);
        let (r, _) = read(&text, "attacked", &["Army", "ISIS", "Police", "Kurds"]);
        assert_eq!((r.agent, r.patient), (Some(0), Some(1)));
    }
}
