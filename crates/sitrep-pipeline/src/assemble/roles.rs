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

/// Index of the token where `span` starts.
fn token_of(toks: &[Token], span: Span) -> usize {
    toks.iter()
        .position(|t| t.span.start >= span.start)
        .unwrap_or(toks.len())
}

fn clause_break(w: &str) -> bool {
    matches!(
        w,
        ";" | "said" | "told" | "but" | "while" | "which" | "who" | "where" | "according"
    )
}

/// Reads the roles of a trigger.
pub fn roles(text: &str, toks: &[Token], hit: &TriggerHit, actors: &[ActorMention]) -> Roles {
    let passive = is_passive(text, toks, hit);
    let mut before: Option<usize> = None;
    let mut after: Option<usize> = None;
    let mut by: Option<usize> = None;
    let mut to: Option<usize> = None;
    for (ai, a) in actors.iter().enumerate() {
        let at = token_of(toks, a.span);
        if at < hit.first {
            let blocked = (at..hit.first).any(|j| clause_break(&toks[j].text(text).to_lowercase()));
            if !blocked {
                before = Some(ai);
            }
        } else if at > hit.last {
            let gap: Vec<String> = (hit.last + 1..at)
                .map(|j| toks[j].text(text).to_lowercase())
                .collect();
            if gap.iter().any(|w| clause_break(w)) {
                continue;
            }
            let prep = gap.iter().rev().find(|w| {
                !matches!(
                    w.as_str(),
                    "the" | "a" | "an" | "some" | "suspected" | "local"
                )
            });
            match prep.map(String::as_str) {
                Some("by") if by.is_none() => by = Some(ai),
                Some("to") if to.is_none() => to = Some(ai),
                _ => {
                    if after.is_none() && gap.len() <= 8 {
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
            agent: before.or(by),
            patient: after.or(to),
        }
    }
}
