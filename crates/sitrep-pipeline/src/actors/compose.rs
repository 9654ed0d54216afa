//! ACLED-style names: state forces with their government period, and the generic actors
//! named after a country ("Protesters (Kenya)"). See `data/actors/README.md`.

use chrono::NaiveDate;
use sitrep_model::inter;

use super::load::{GenericKind, Period, StateRole};
use super::{Actor, ActorDictionary, Role};

/// The inter code a generic role has when the table gives none.
pub(super) fn default_inter(kind: GenericKind) -> u8 {
    use GenericKind::*;
    match kind {
        Military | Police | Government => inter::STATE,
        Rebels => inter::REBEL,
        ArmedUnidentified | Volunteers | Gang | Pirates => inter::POLITICAL_MILITIA,
        Tribal | Clan | Ethnic | Communal | Vigilantes => inter::IDENTITY_MILITIA,
        Rioters => inter::RIOTERS,
        Protesters => inter::PROTESTERS,
        Civilians => inter::CIVILIANS,
        PrivateSecurity => inter::EXTERNAL,
    }
}

pub(super) fn role_of(kind: GenericKind) -> Role {
    use GenericKind::*;
    match kind {
        Military => Role::Military,
        Police => Role::Police,
        Government => Role::Government,
        ArmedUnidentified => Role::ArmedUnidentified,
        Rebels => Role::Rebels,
        Protesters => Role::Protesters,
        Rioters => Role::Rioters,
        Civilians => Role::Civilians,
        Tribal | Clan | Ethnic | Communal => Role::Identity,
        Vigilantes => Role::Vigilantes,
        Volunteers => Role::Volunteers,
        Gang => Role::Gang,
        Pirates => Role::Pirates,
        PrivateSecurity => Role::PrivateSecurity,
    }
}

/// The period in force on `date`: the latest start on or before it (the earliest period
/// for older dates, so a label is always composed); without a date, the open-ended one.
fn period(list: &[Period], date: Option<NaiveDate>) -> Option<&Period> {
    match date {
        Some(d) => list.iter().rev().find(|p| p.start <= d).or(list.first()),
        None => list.iter().rev().find(|p| p.open).or(list.last()),
    }
}

impl ActorDictionary {
    /// ACLED's name of a country, or the code itself when the gazetteer lacks it.
    pub(super) fn country_name<'a>(&'a self, iso: &'a str) -> &'a str {
        self.country_names.get(iso).map_or(iso, String::as_str)
    }

    /// `Military Forces of Iraq (2006-2014) Peshmerga`. Inter 8 when the force acts outside
    /// its own country (`event_country`), else 1.
    pub(super) fn state_actor(
        &self,
        role: StateRole,
        country: Option<&str>,
        date: Option<NaiveDate>,
        unit: Option<&str>,
        event_country: Option<&str>,
    ) -> Actor {
        let (base, role_out) = match role {
            StateRole::Military => ("Military Forces", Role::Military),
            StateRole::Police => ("Police Forces", Role::Police),
            StateRole::Government => ("Government", Role::Government),
        };
        let mut name = base.to_string();
        if let Some(c) = country {
            name.push_str(" of ");
            name.push_str(self.country_name(c));
            let label = self
                .tables
                .periods
                .get(c)
                .and_then(|list| period(list, date));
            if let Some(p) = label {
                name.push_str(" (");
                name.push_str(&p.label);
                name.push(')');
            }
        }
        if let Some(u) = unit {
            name.push(' ');
            name.push_str(u);
        }
        let abroad = matches!((country, event_country), (Some(a), Some(e)) if a != e);
        Actor {
            name,
            inter: if abroad {
                inter::EXTERNAL
            } else {
                inter::STATE
            },
            role: role_out,
            country: country.map(str::to_string),
        }
    }

    /// The actor a generic head names in `country`: state forces, or `Protesters (Kenya)`,
    /// `Unidentified Tribal Militia (Iraq)`, `Militia (Pro-Government)`, ...
    pub(super) fn generic_actor(
        &self,
        kind: GenericKind,
        inter_code: u8,
        unit: Option<&str>,
        country: Option<&str>,
        date: Option<NaiveDate>,
        event_country: Option<&str>,
    ) -> Actor {
        if let Some(role) = kind.state_role() {
            return self.state_actor(role, country, date, unit, event_country);
        }
        use GenericKind::*;
        let base = match kind {
            ArmedUnidentified | Rebels => "Unidentified Armed Group",
            Protesters => "Protesters",
            Rioters => "Rioters",
            Civilians => "Civilians",
            Tribal => "Unidentified Tribal Militia",
            Clan => "Unidentified Clan Militia",
            Ethnic => "Unidentified Ethnic Militia",
            Communal => "Unidentified Communal Militia",
            Vigilantes => "Vigilante Group",
            Gang => "Unidentified Gang",
            Pirates => "Pirates",
            PrivateSecurity => "Private Security Forces",
            Volunteers => "Militia (Pro-Government)",
            Military | Police | Government => "",
        };
        let name = match country {
            Some(c) if kind != Volunteers => format!("{base} ({})", self.country_name(c)),
            _ => base.to_string(),
        };
        Actor {
            name,
            inter: inter_code,
            role: role_of(kind),
            country: country.map(str::to_string),
        }
    }

    /// `{Name} {suffix} ({country})` for a community of `ethnic_groups.tsv`, in the event's
    /// country when the community lives there, else in its first listed country.
    pub(super) fn ethnic_actor(&self, row: usize, event_country: Option<&str>) -> Option<Actor> {
        let r = self.tables.ethnic.get(row)?;
        let country = event_country
            .filter(|c| r.countries.iter().any(|x| x == c))
            .or_else(|| r.countries.first().map(String::as_str));
        let name = match country {
            Some(c) => format!("{} {} ({})", r.name, r.suffix, self.country_name(c)),
            None => format!("{} {}", r.name, r.suffix),
        };
        Some(Actor {
            name,
            inter: inter::IDENTITY_MILITIA,
            role: Role::Identity,
            country: country.map(str::to_string),
        })
    }

    /// The public [`ActorDictionary::compose`].
    pub(super) fn compose_role(
        &self,
        role: Role,
        country: Option<&str>,
        date: Option<NaiveDate>,
    ) -> Actor {
        let kind = match role {
            Role::Military => GenericKind::Military,
            Role::Police => GenericKind::Police,
            Role::Government => GenericKind::Government,
            Role::External => {
                let mut a = self.state_actor(StateRole::Military, country, date, None, None);
                a.inter = inter::EXTERNAL;
                a.role = Role::External;
                return a;
            }
            // A named group cannot be composed; its unnamed stand-in is.
            Role::Named | Role::ArmedUnidentified => GenericKind::ArmedUnidentified,
            Role::Rebels => GenericKind::Rebels,
            Role::Protesters => GenericKind::Protesters,
            Role::Rioters => GenericKind::Rioters,
            Role::Civilians => GenericKind::Civilians,
            Role::Identity => GenericKind::Ethnic,
            Role::Vigilantes => GenericKind::Vigilantes,
            Role::Gang => GenericKind::Gang,
            Role::Pirates => GenericKind::Pirates,
            Role::PrivateSecurity => GenericKind::PrivateSecurity,
            Role::Volunteers => GenericKind::Volunteers,
        };
        self.generic_actor(kind, default_inter(kind), None, country, date, None)
    }
}
