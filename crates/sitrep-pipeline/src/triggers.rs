//! Event triggers: words and phrases that announce an event ("seized control", "shelled",
//! "protesters"), each naming a [`Frame`]; and the modality around them (negated,
//! hypothetical, reported).

use rustc_hash::FxHashMap;

use sitrep_model::Span;

use crate::tokens::{Token, with_lowercase};

/// What kind of happening a trigger announces, before actors decide the ACLED type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Frame {
    Take,
    Control,
    Retake,
    Withdraw,
    Handover,
    Clash,
    Airstrike,
    Shelling,
    Ied,
    /// A crude bomb, cocktail or hand-made bomb thrown by hand: ACLED codes it by who threw
    /// it at whom (mostly riots, else attacks or remote explosives), not by the weapon.
    CrudeBomb,
    Suicide,
    Grenade,
    Chemical,
    Attack,
    Kill,
    Abduct,
    Sexual,
    Protest,
    ProtestIntervene,
    ProtestForce,
    Riot,
    Mob,
    Arrest,
    Agreement,
    Hq,
    Loot,
    Disrupt,
    GroupChange,
    /// Power seized by force ("seized power", "staged a coup"): ACLED's "Other" strategic
    /// development, whoever was detained along the way.
    Coup,
    Deploy,
    Request,
    Demand,
    Reject,
    Aid,
    Threaten,
    Accuse,
    Disapprove,
    Sanction,
    Consult,
    Support,
    Investigate,
    Cooperate,
    Concede,
    Agree,
}

impl Frame {
    fn parse(s: &str) -> Option<Self> {
        use Frame::*;
        Some(match s {
            "take" => Take,
            "control" => Control,
            "retake" => Retake,
            "withdraw" => Withdraw,
            "handover" => Handover,
            "clash" => Clash,
            "airstrike" => Airstrike,
            "shelling" => Shelling,
            "ied" => Ied,
            "crude_bomb" => CrudeBomb,
            "suicide" => Suicide,
            "grenade" => Grenade,
            "chemical" => Chemical,
            "attack" => Attack,
            "kill" => Kill,
            "abduct" => Abduct,
            "sexual" => Sexual,
            "protest" => Protest,
            "protest_intervene" => ProtestIntervene,
            "protest_force" => ProtestForce,
            "riot" => Riot,
            "mob" => Mob,
            "arrest" => Arrest,
            "agreement" => Agreement,
            "hq" => Hq,
            "loot" => Loot,
            "disrupt" => Disrupt,
            "group_change" => GroupChange,
            "coup" => Coup,
            "deploy" => Deploy,
            "request" => Request,
            "demand" => Demand,
            "reject" => Reject,
            "aid" => Aid,
            "threaten" => Threaten,
            "accuse" => Accuse,
            "disapprove" => Disapprove,
            "sanction" => Sanction,
            "consult" => Consult,
            "support" => Support,
            "investigate" => Investigate,
            "cooperate" => Cooperate,
            "concede" => Concede,
            "agree" => Agree,
            _ => return None,
        })
    }

    /// Political acts that ACLED does not code (PLOVER only).
    pub fn is_political(self) -> bool {
        use Frame::*;
        matches!(
            self,
            Request
                | Demand
                | Reject
                | Aid
                | Threaten
                | Accuse
                | Disapprove
                | Sanction
                | Consult
                | Support
                | Investigate
                | Cooperate
                | Concede
                | Agree
        )
    }

    /// Frames of violence told by its means or its harm (an attack, a blast, a killing).
    pub fn is_violent_frame(self) -> bool {
        use Frame::*;
        matches!(
            self,
            Clash
                | Airstrike
                | Shelling
                | Ied
                | CrudeBomb
                | Suicide
                | Grenade
                | Chemical
                | Attack
                | Kill
                | Abduct
                | Sexual
        )
    }

    /// Frames that change who holds a place.
    pub fn is_territorial(self) -> bool {
        matches!(
            self,
            Frame::Take | Frame::Control | Frame::Retake | Frame::Withdraw | Frame::Handover
        )
    }

    /// How specific the frame is: when several frames share a sentence, the most specific
    /// one names the event and the others add to it ("shelled … 20 killed").
    pub fn specificity(self) -> u8 {
        use Frame::*;
        match self {
            // A suicide attack is one, whatever carried the bomb ("a car bomb driven by a
            // suicide attacker").
            Suicide => 10,
            // So is a chemical attack, whatever delivered the agent ("mortar shells loaded
            // with mustard gas").
            Chemical => 10,
            Airstrike | Grenade | Ied | Shelling => 9,
            ProtestForce => 9,
            Sexual | Abduct => 8,
            // Violence at a demonstration makes it a riot, whatever the police did.
            Riot | Mob => 8,
            ProtestIntervene | CrudeBomb => 7,
            Protest => 6,
            Clash => 6,
            Attack | Coup => 5,
            Arrest | Loot | Disrupt | Hq | Agreement | GroupChange => 4,
            Kill => 3,
            Take | Retake | Withdraw | Handover | Control => 2,
            Deploy => 2,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone)]
enum Part {
    Word(String),
    Prefix(String),
    Gap,
}

/// A trigger found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TriggerHit {
    pub frame: Frame,
    pub span: Span,
    /// Token indices (inclusive) within the sentence's tokens.
    pub first: usize,
    pub last: usize,
}

/// The compiled trigger lexicon (`data/triggers/triggers.tsv`).
#[derive(Debug, Clone, Default)]
pub struct TriggerSet {
    /// Patterns indexed by their first word (or prefix) for a quick start check.
    by_first: FxHashMap<String, Vec<(Frame, Vec<Part>)>>,
    prefixes: Vec<(String, Frame, Vec<Part>)>,
    /// Indices into `prefixes` by the first byte a word must have to start with each (in
    /// file order), so a word is checked only against the prefixes it could start with.
    prefixes_by_byte: Vec<Vec<usize>>,
}

/// An error in the trigger file, with its line.
#[derive(Debug, thiserror::Error)]
#[error("triggers.tsv line {line}: {reason}")]
pub struct TriggerDataError {
    pub line: usize,
    pub reason: String,
}

impl TriggerSet {
    pub fn parse(tsv: &str) -> Result<Self, TriggerDataError> {
        let mut set = TriggerSet::default();
        let mut header_seen = false;
        for (i, line) in tsv.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if !header_seen {
                header_seen = true;
                continue;
            }
            let (frame, pattern) = line.split_once('\t').ok_or_else(|| TriggerDataError {
                line: i + 1,
                reason: "expected frame<TAB>pattern".into(),
            })?;
            let frame = Frame::parse(frame.trim()).ok_or_else(|| TriggerDataError {
                line: i + 1,
                reason: format!("unknown frame {frame:?}"),
            })?;
            let parts: Vec<Part> = pattern
                .split_whitespace()
                .map(|w| match w {
                    "_" => Part::Gap,
                    w if w.ends_with('*') => Part::Prefix(w.trim_end_matches('*').to_string()),
                    w => Part::Word(w.to_string()),
                })
                .collect();
            match parts.first() {
                Some(Part::Word(w)) => set
                    .by_first
                    .entry(w.clone())
                    .or_default()
                    .push((frame, parts)),
                Some(Part::Prefix(p)) => set.prefixes.push((p.clone(), frame, parts)),
                _ => {
                    return Err(TriggerDataError {
                        line: i + 1,
                        reason: "a pattern must start with a word".into(),
                    });
                }
            }
        }
        set.prefixes_by_byte = vec![Vec::new(); 256];
        for (k, (prefix, _, _)) in set.prefixes.iter().enumerate() {
            match prefix.as_bytes().first() {
                Some(&b) => set.prefixes_by_byte[usize::from(b)].push(k),
                // An empty prefix starts every word.
                None => set.prefixes_by_byte.iter_mut().for_each(|v| v.push(k)),
            }
        }
        Ok(set)
    }

    /// Triggers of a sentence, longest first at each position, not overlapping.
    pub fn find(&self, text: &str, toks: &[Token]) -> Vec<TriggerHit> {
        // Every token lowercased into one buffer (one allocation per sentence, not per token).
        let mut buf = String::with_capacity(toks.iter().map(|t| t.span.len()).sum::<usize>() + 8);
        let mut ends = Vec::with_capacity(toks.len());
        for t in toks {
            with_lowercase(t.text(text), |w| buf.push_str(w));
            ends.push(buf.len());
        }
        let mut start = 0;
        let lower: Vec<&str> = ends
            .iter()
            .map(|&end| {
                let w = buf.get(start..end).unwrap_or_default();
                start = end;
                w
            })
            .collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            if is_month_name(text, toks, i) {
                i += 1;
                continue;
            }
            let mut best: Option<(usize, Frame)> = None;
            let mut consider = |frame: Frame, parts: &[Part]| {
                if let Some(end) = match_at(&lower, toks, i, parts)
                    && best.is_none_or(|(e, _)| end > e)
                {
                    best = Some((end, frame));
                }
            };
            if let Some(cands) = self.by_first.get(lower[i]) {
                for (frame, parts) in cands {
                    consider(*frame, parts);
                }
            }
            let first_byte = lower[i].as_bytes().first().copied().unwrap_or_default();
            for &k in self
                .prefixes_by_byte
                .get(usize::from(first_byte))
                .into_iter()
                .flatten()
            {
                let (prefix, frame, parts) = &self.prefixes[k];
                if lower[i].starts_with(prefix.as_str()) {
                    consider(*frame, parts);
                }
            }
            if let Some((end, frame)) = best {
                out.push(TriggerHit {
                    frame,
                    span: Span::new(toks[i].span.start, toks[end].span.end),
                    first: i,
                    last: end,
                });
                i = end + 1;
            } else {
                i += 1;
            }
        }
        out
    }
}

/// "March" and "May" written as months: capitalised, beside a day or a year ("On 2 March
/// 2020", "in May 2019", "March 3"), or after "in"/"early"/"late" ("in March"). Not a
/// protest march.
fn is_month_name(text: &str, toks: &[Token], i: usize) -> bool {
    let w = toks[i].text(text);
    if w != "March" && w != "May" {
        return false;
    }
    let number = |j: Option<usize>| {
        j.and_then(|j| toks.get(j))
            .is_some_and(|t| t.kind == crate::tokens::TokenKind::Number)
    };
    let before = i
        .checked_sub(1)
        .map(|j| toks[j].text(text).to_ascii_lowercase());
    number(i.checked_sub(1))
        || number(Some(i + 1))
        || before.is_some_and(|b| {
            matches!(
                b.as_str(),
                "in" | "early" | "late" | "mid" | "since" | "until" | "last" | "next" | "of"
            )
        })
}

/// The index of the last token matched when `parts` match from token `i`.
fn match_at(lower: &[&str], toks: &[Token], i: usize, parts: &[Part]) -> Option<usize> {
    fn go(lower: &[&str], toks: &[Token], i: usize, parts: &[Part], last: usize) -> Option<usize> {
        let Some((part, rest)) = parts.split_first() else {
            return Some(last);
        };
        match part {
            Part::Gap => {
                // The gap takes no word, or one word or number ("seized 40 rifles").
                go(lower, toks, i, rest, last).or_else(|| {
                    (i < lower.len() && toks[i].kind != crate::tokens::TokenKind::Punct)
                        .then_some(())
                        .and_then(|()| go(lower, toks, i + 1, rest, i))
                })
            }
            Part::Word(w) => (i < lower.len() && lower[i] == w.as_str())
                .then_some(())
                .and_then(|()| go(lower, toks, i + 1, rest, i)),
            Part::Prefix(p) => (i < lower.len() && lower[i].starts_with(p.as_str()))
                .then_some(())
                .and_then(|()| go(lower, toks, i + 1, rest, i)),
        }
    }
    go(lower, toks, i, parts, i)
}

/// Whether a trigger reports something that happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    Asserted,
    /// "ISIS doesn't control that town", "no clashes were reported".
    Negated,
    /// "could now march on Baghdad", "vowed to", "it will fall to ISIS", "if the tribes do not help".
    Hypothetical,
}

const NEGATORS: &[&str] = &[
    "not", "n't", "never", "no", "neither", "nor", "without", "denied", "deny", "denies",
    "doesn't", "didn't", "don't", "hasn't", "haven't", "wasn't", "weren't", "isn't", "aren't",
    "cannot", "won't", "wouldn't", "nobody",
];
const HEDGES: &[&str] = &[
    "could",
    "would",
    "might",
    "may",
    "will",
    "shall",
    "if",
    "unless",
    "threaten",
    "threatened",
    "threatens",
    "vowed",
    "vow",
    "vows",
    "plan",
    "plans",
    "planned",
    "planning",
    "intend",
    "intends",
    "aim",
    "aims",
    "expected",
    "expect",
    "possibility",
    "possibilities",
    "fear",
    "fears",
    "feared",
    "risk",
    "danger",
    "potential",
    "likely",
    "whether",
    "want",
    "wants",
    "wanted",
    "prepare",
    "preparing",
    "ready",
    "able",
    "capable",
    "seek",
    "seeking",
    "seeks",
    "attempt",
    "attempted",
    "attempting",
    "try",
    "tried",
    "trying",
    "hope",
    "hopes",
    "should",
    "prevent",
    "avoid",
    "warned",
    "warn",
    "must",
    "difficult",
    "until",
    "before",
    "unable",
    "called",
    "calls",
    "asked",
    "requested",
    "request",
    "urged",
    "demanded",
    "appealed",
    "support",
    "form",
];

/// Words that end the clause a modal word governs.
fn clause_break(w: &str) -> bool {
    matches!(
        w,
        "," | ";"
            | ":"
            | "."
            | "and"
            | "but"
            | "while"
            | "after"
            | "since"
            | "as"
            | "when"
            | "said"
            | "told"
            | "—"
            | "–"
            | "("
            | ")"
    )
}

/// The modality of a trigger: a negator or hedge in the same clause, up to eight words before it.
pub fn modality(text: &str, toks: &[Token], hit: &TriggerHit) -> Modality {
    let mut j = hit.first;
    let mut steps = 0;
    let mut found = Modality::Asserted;
    while j > 0 && steps < 8 {
        j -= 1;
        steps += 1;
        let w = toks[j].text(text).to_lowercase();
        if clause_break(&w) {
            break;
        }
        let w = w.replace('’', "'");
        if NEGATORS.contains(&w.as_str()) || w.ends_with("n't") {
            found = Modality::Negated;
            break;
        }
        // "before dawn" tells the time, not that the event is yet to come.
        let time_of_day = w == "before"
            && toks.get(j + 1).is_some_and(|t| {
                matches!(
                    t.text(text).to_lowercase().as_str(),
                    "dawn" | "daybreak" | "sunrise" | "midnight" | "noon" | "sunset" | "nightfall"
                )
            });
        if HEDGES.contains(&w.as_str()) && !time_of_day {
            found = Modality::Hypothetical;
            break;
        }
    }
    // Nominal negation right after: "no casualties", handled above; "failed to".
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::tokenize;

    fn set() -> TriggerSet {
        TriggerSet::parse(include_str!("../../../data/triggers/triggers.tsv"))
            .expect("trigger data loads")
    }

    fn hits(text: &str) -> Vec<(Frame, String, Modality)> {
        let toks = tokenize(text, Span::new(0, text.len()));
        set()
            .find(text, &toks)
            .iter()
            .map(|h| {
                (
                    h.frame,
                    h.span.slice(text).to_string(),
                    modality(text, &toks, h),
                )
            })
            .collect()
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn trigger_table() {
        use Frame::*;
        use Modality::*;
        let cases: &[(&str, &[(Frame, &str, Modality)])] = &[
            // "March" the month is no protest march; "May" the month no modal.
            (
                "On 2 March 2020, a man was killed in Kandahar.",
                &[(Kill, "killed", Asserted)],
            ),
            (
                "Thousands march on parliament in March.",
                &[(Protest, "march", Asserted)],
            ),
            (
                "A strategic border crossing fell Saturday to the control of ISIS militants.",
                &[(Take, "fell Saturday to the control", Asserted)],
            ),
            (
                "ISIS doesn't control that town, he added.",
                &[(Control, "control", Negated)],
            ),
            (
                "the militants could now march from the west",
                &[(Protest, "march", Hypothetical)],
            ),
            (
                "Iraqi forces shelled areas",
                &[(Shelling, "shelled", Asserted)],
            ),
            (
                "a suicide bomber blew himself up",
                &[
                    (Suicide, "suicide bomber", Asserted),
                    (Suicide, "blew himself up", Asserted),
                ],
            ),
            (
                "Police fired tear gas to disperse the protesters",
                &[
                    (ProtestIntervene, "tear gas", Asserted),
                    (ProtestIntervene, "disperse", Asserted),
                    (Protest, "protesters", Asserted),
                ],
            ),
            (
                "Iraq's military withdrew overnight from Haditha",
                &[(Withdraw, "withdrew", Asserted)],
            ),
            // "before dawn" is a time, "before they could" a hedge.
            (
                "Officers went on television before dawn to say they had seized power",
                &[(Coup, "seized power", Asserted)],
            ),
            (
                "Troops left before they could seize power",
                &[(Coup, "seize power", Hypothetical)],
            ),
        ];
        for (text, want) in cases {
            let want: Vec<(Frame, String, Modality)> = want
                .iter()
                .map(|(f, s, m)| (*f, s.to_string(), *m))
                .collect();
            assert_eq!(hits(text), want, "{text:?}");
        }
    }
}
