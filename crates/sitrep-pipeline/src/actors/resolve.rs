//! What one automaton hit names for an event's country and date: the best of the rows
//! that share the surface form (window, then scope, then kind), a generic head, or a
//! country word.

use std::cmp::Reverse;

use super::load::{GroupKind, Target, Window};
use super::matcher::Pattern;
use super::norm::Norm;
use super::{Actor, ActorContext, ActorDictionary, Role};

/// What one hit names, before phrases are formed.
#[derive(Debug, Clone, Copy)]
pub(super) enum Res {
    Group(usize),
    State(usize),
    /// A community; `bare` single words need a head or a plural to count.
    Ethnic {
        row: usize,
        bare: bool,
        plural: bool,
    },
    /// A generic head, and the community it implies in the event's country, if any.
    Head {
        row: Option<usize>,
        implied: Option<usize>,
    },
    Country(usize),
}

/// How a candidate row ranks for a hit; larger is better.
type Rank = (bool, bool, bool, u8, i64, Reverse<usize>);

impl ActorDictionary {
    pub(super) fn resolve(
        &self,
        p: &Pattern,
        norm: &Norm,
        s: usize,
        ctx: &ActorContext<'_>,
    ) -> Option<Res> {
        let mut best: Option<(Rank, Res)> = None;
        // A word every country uses ("riot police") names one country's unit (Russia's OMON)
        // only where that country is the event's: with no country in sight it stays generic.
        let generic_word = p.targets.iter().any(|t| matches!(t, Target::Head(_)));
        let unscoped_here =
            |countries: &[String]| generic_word && ctx.country.is_none() && !countries.is_empty();
        for (order, &t) in p.targets.iter().enumerate() {
            let cand = match t {
                Target::Group(i) => self.tables.groups.get(i).and_then(|g| {
                    let specific = scope(&g.countries, ctx.country)?;
                    // "Al Shabaab" with no country in sight is the group of that name, not
                    // the Mozambican insurgents locals also call al-Shabaab.
                    let own_name = g.name.eq_ignore_ascii_case(&p.text);
                    let r = rank(g.window, specific, 2, order, ctx);
                    Some(((r.0, r.1, own_name, r.3, r.4, r.5), Res::Group(i)))
                }),
                Target::State(i) => self.tables.state_aliases.get(i).and_then(|a| {
                    if unscoped_here(&a.scope) {
                        return None;
                    }
                    let specific = scope(&a.scope, ctx.country)?;
                    Some((rank(a.window, specific, 1, order, ctx), Res::State(i)))
                }),
                Target::Ethnic(i) => self.tables.ethnic.get(i).and_then(|e| {
                    let specific = scope(&e.countries, ctx.country)?;
                    let bare = !p.text.contains(' ');
                    let plural = bare && self.is_ethnic_plural(&p.text);
                    let res = Res::Ethnic {
                        row: i,
                        bare,
                        plural,
                    };
                    Some((rank(Window::default(), specific, 0, order, ctx), res))
                }),
                _ => None,
            };
            if let Some((r, res)) = cand
                && best.as_ref().is_none_or(|(b, _)| r > *b)
            {
                best = Some((r, res));
            }
        }
        if let Some((_, res)) = best {
            return Some(match res {
                Res::Group(g) => Res::Group(self.province(g, ctx)),
                other => other,
            });
        }
        let mut row = None;
        let mut implied = None;
        let mut country = None;
        for &t in &p.targets {
            match t {
                Target::Head(r) => row = row.or(Some(r)),
                Target::EthnicHead(e) => {
                    let lives_there = ctx.country.is_some_and(|c| {
                        self.tables
                            .ethnic
                            .get(e)
                            .is_some_and(|row| row.countries.iter().any(|x| x == c))
                    });
                    if lives_there {
                        implied = implied.or(Some(e));
                    }
                }
                Target::Country(c) => country = country.or(Some(c)),
                _ => {}
            }
        }
        if row.is_some() || implied.is_some() {
            return Some(Res::Head { row, implied });
        }
        let capitalized = norm
            .text
            .get(s..)
            .and_then(|t| t.chars().next())
            .is_some_and(char::is_uppercase);
        country.filter(|_| capitalized).map(Res::Country)
    }

    fn is_ethnic_plural(&self, word: &str) -> bool {
        let w = word.to_lowercase();
        let stem = |cut: &str| {
            w.strip_suffix(cut)
                .is_some_and(|s| self.ethnic_words.contains(s))
        };
        stem("s") || stem("es")
    }

    /// In a country with an Islamic State province, the core group is that province.
    fn province(&self, g: usize, ctx: &ActorContext<'_>) -> usize {
        let (Some(core), Some(c)) = (self.core, ctx.country) else {
            return g;
        };
        if g != core {
            return g;
        }
        self.provinces
            .iter()
            .copied()
            .find(|&p| {
                self.tables.groups.get(p).is_some_and(|row| {
                    row.countries.iter().any(|x| x == c)
                        && ctx.date.is_none_or(|d| row.window.contains(d))
                        && (ctx.date.is_some() || row.window.to.is_none())
                })
            })
            .unwrap_or(g)
    }

    pub(super) fn named_actor(&self, res: Res, ctx: &ActorContext<'_>) -> Option<Actor> {
        match res {
            Res::Group(i) => {
                let g = self.tables.groups.get(i)?;
                let country = (g.kind == GroupKind::State || g.countries.len() == 1)
                    .then(|| g.countries.first().cloned())
                    .flatten();
                Some(Actor {
                    name: g.name.clone(),
                    inter: g.inter,
                    role: if g.kind == GroupKind::External {
                        Role::External
                    } else {
                        Role::Named
                    },
                    country,
                })
            }
            Res::State(i) => {
                let a = self.tables.state_aliases.get(i)?;
                Some(self.state_actor(
                    a.role,
                    Some(&a.country),
                    ctx.date,
                    a.unit.as_deref(),
                    ctx.country,
                ))
            }
            _ => None,
        }
    }
}

/// `Some(specific)` when a row with these countries applies to the event's country:
/// specific when it lists the country, not specific when it lists none.
fn scope(countries: &[String], event: Option<&str>) -> Option<bool> {
    match event {
        None => Some(false),
        Some(_) if countries.is_empty() => Some(false),
        Some(c) => countries.iter().any(|x| x == c).then_some(true),
    }
}

/// In the window first, then rows listing the event's country, then a group named by its own
/// name (set by the caller), then groups over state
/// aliases over communities, then the nearest window, then file order.
fn rank(w: Window, specific: bool, kind: u8, order: usize, ctx: &ActorContext<'_>) -> Rank {
    let (inside, near) = match ctx.date {
        Some(d) => (w.contains(d), -w.distance(d)),
        None => (
            w.to.is_none(),
            w.to.map_or(i64::MAX, |t| {
                i64::from(chrono::Datelike::num_days_from_ce(&t))
            }),
        ),
    };
    (inside, specific, false, kind, near, Reverse(order))
}
