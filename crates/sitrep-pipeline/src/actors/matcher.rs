//! The two Aho-Corasick automata (case-insensitive and case-sensitive aliases) and the
//! word-boundary rules every hit must pass.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, Input, Match, MatchKind};
use rustc_hash::FxHashMap;

use super::ActorDataError;
use super::load::{Alias, Target};
use super::norm::{Norm, normalize};

/// One distinct surface form and everything it may name.
#[derive(Debug)]
pub(super) struct Pattern {
    pub text: String,
    pub targets: Vec<Target>,
    /// Byte ranges of short all-caps words ("US", "IS" in "IS group") that must keep their
    /// case even in the case-insensitive automaton, so "us" and "is" never match.
    exact: Vec<(usize, usize)>,
    /// An all-caps case-sensitive alias ("IS", "KIA"): rejected inside all-caps text.
    shouting_guard: bool,
}

#[derive(Debug)]
pub(super) struct Matcher {
    ci: AhoCorasick,
    ci_pats: Vec<Pattern>,
    cs: AhoCorasick,
    cs_pats: Vec<Pattern>,
}

/// The automata's answers for one sentence, by automaton (case-sensitive or not) and search
/// range. Assembly reads each sentence twice (without a country for the document's country
/// votes, then in its own country); which hits are accepted may differ, but most searches
/// repeat, and an answer does not depend on the country.
#[derive(Debug, Default)]
pub(super) struct Searches(FxHashMap<(bool, usize, usize), Option<Match>>);

/// A hit in normalized coordinates, with what the caller resolved it to.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit<R> {
    pub start: usize,
    pub end: usize,
    pub res: R,
}

fn is_caps_word(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.chars().any(char::is_lowercase)
}

fn patterns(aliases: &[Alias], case_sensitive: bool) -> Vec<Pattern> {
    let mut out: Vec<Pattern> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for a in aliases
        .iter()
        .filter(|a| a.case_sensitive == case_sensitive)
    {
        let text = normalize(&a.text);
        if text.is_empty() {
            continue;
        }
        let key = if case_sensitive {
            text.clone()
        } else {
            text.to_lowercase()
        };
        let i = *index.entry(key).or_insert_with(|| {
            out.push(Pattern {
                exact: if case_sensitive {
                    Vec::new()
                } else {
                    exact_words(&text)
                },
                shouting_guard: case_sensitive && is_caps_word(&text),
                text,
                targets: Vec::new(),
            });
            out.len() - 1
        });
        if let Some(p) = out.get_mut(i)
            && !p.targets.contains(&a.target)
        {
            p.targets.push(a.target);
        }
    }
    out
}

/// Words of two or three capital letters.
fn exact_words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            let w = &text[s..i];
            if (2..=3).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_uppercase()) {
                out.push((s, i));
            }
        }
    }
    out
}

fn build(pats: &[Pattern], case_insensitive: bool) -> Result<AhoCorasick, ActorDataError> {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(case_insensitive)
        .build(pats.iter().map(|p| p.text.as_str()))
        .map_err(|e| ActorDataError::Automaton(e.to_string()))
}

impl Matcher {
    pub fn new(aliases: &[Alias]) -> Result<Matcher, ActorDataError> {
        let ci_pats = patterns(aliases, false);
        let cs_pats = patterns(aliases, true);
        Ok(Matcher {
            ci: build(&ci_pats, true)?,
            cs: build(&cs_pats, false)?,
            ci_pats,
            cs_pats,
        })
    }

    pub fn pattern_count(&self) -> usize {
        self.ci_pats.len() + self.cs_pats.len()
    }

    /// Leftmost-longest, non-overlapping hits of both automata that stand on word
    /// boundaries and that `resolve` accepts. A rejected hit does not hide shorter
    /// matches that start after its first character ("Kurdish Peshmerga" out of scope
    /// still leaves "Peshmerga").
    pub fn hits<R: Copy>(
        &self,
        norm: &Norm,
        searches: &mut Searches,
        mut resolve: impl FnMut(&Pattern, usize, usize) -> Option<R>,
    ) -> Vec<Hit<R>> {
        let mut all = Vec::new();
        for (cs, ac, pats) in [
            (true, &self.cs, &self.cs_pats),
            (false, &self.ci, &self.ci_pats),
        ] {
            let mut find = |a: usize, b: usize| {
                *searches
                    .0
                    .entry((cs, a, b))
                    .or_insert_with(|| ac.find(Input::new(norm.text.as_str()).range(a..b)))
            };
            scan(&mut find, pats, norm, &mut resolve, &mut all);
        }
        all.sort_by_key(|h: &Hit<R>| (h.start, std::cmp::Reverse(h.end)));
        let mut out: Vec<Hit<R>> = Vec::with_capacity(all.len());
        for h in all {
            if out.last().is_none_or(|last| last.end <= h.start) {
                out.push(h);
            }
        }
        out
    }
}

/// `find(a, b)`: the automaton's leftmost-longest match in `norm.text[a..b]`.
fn scan<R>(
    find: &mut impl FnMut(usize, usize) -> Option<Match>,
    pats: &[Pattern],
    norm: &Norm,
    resolve: &mut impl FnMut(&Pattern, usize, usize) -> Option<R>,
    out: &mut Vec<Hit<R>>,
) {
    let hay = norm.text.as_str();
    let mut accept = |s: usize, e: usize, p: &Pattern| {
        (e > s
            && hay.is_char_boundary(s)
            && hay.is_char_boundary(e)
            && on_boundaries(norm, p, s, e)
            && case_ok(norm, p, s, e))
        .then(|| resolve(p, s, e))
        .flatten()
    };
    let mut pos = 0;
    while pos < hay.len() {
        let Some(first) = find(pos, hay.len()) else {
            break;
        };
        let s = first.start();
        // The longest match first, then shorter ones at the same start: "Taliban
        // militants" (the Afghan row) out of scope in Pakistan still leaves "Taliban".
        let mut candidate = Some(first);
        let mut accepted = None;
        while let Some(m) = candidate.filter(|m| m.start() == s) {
            let e = m.end();
            if let Some(res) = pats
                .get(m.pattern().as_usize())
                .and_then(|p| accept(s, e, p))
            {
                accepted = Some(Hit {
                    start: s,
                    end: e,
                    res,
                });
                break;
            }
            candidate = (e > s + 1).then(|| find(s, e - 1)).flatten();
        }
        match accepted {
            Some(hit) => {
                pos = hit.end;
                out.push(hit);
            }
            None => {
                let step = hay.get(s..).and_then(|t| t.chars().next());
                pos = s + step.map_or(1, char::len_utf8);
            }
        }
    }
}

/// Not inside a longer word: "ISIS" in "crisis" fails. A hyphen before the hit makes it
/// part of a compound ("anti-ISIS", "anti-government"); one after it does not
/// ("ISIS-linked"). A possessive `'s` may follow.
fn on_boundaries(norm: &Norm, p: &Pattern, s: usize, e: usize) -> bool {
    let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let first = p.text.chars().next();
    let last = p.text.chars().next_back();
    if word_char(first) {
        match norm.prev_char(s) {
            Some('\'' | '-') if word_char(norm.prev_char(s - 1)) => return false,
            c if word_char(c) => return false,
            _ => {}
        }
    }
    if word_char(last) {
        match norm.next_char(e) {
            Some('\'') => {
                let after = norm.next_char(e + 1);
                let possessive =
                    matches!(after, Some('s' | 'S')) && !word_char(norm.next_char(e + 2));
                if word_char(after) && !possessive {
                    return false;
                }
            }
            c if word_char(c) => return false,
            _ => {}
        }
    }
    true
}

fn case_ok(norm: &Norm, p: &Pattern, s: usize, e: usize) -> bool {
    for &(a, b) in &p.exact {
        if norm.text.get(s + a..s + b) != p.text.get(a..b) {
            return false;
        }
    }
    if p.shouting_guard {
        let prev = norm.word_before(s);
        let next = norm.word_after(e).map(|(_, w)| w);
        let shouting = |w: Option<&str>| w.is_none_or(is_caps_word);
        if (prev.is_some() || next.is_some()) && shouting(prev) && shouting(next) {
            return false;
        }
    }
    true
}
