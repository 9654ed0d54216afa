//! Reading the actor tables (`data/actors/*.tsv`) into typed rows. Every row is checked
//! here, so matching and composing never meet a malformed value.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::ActorDataError;

/// A validity window, both ends inclusive; `None` is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Window {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Window {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= date) && self.to.is_none_or(|t| date <= t)
    }

    /// Days between `date` and the nearest end of the window (0 inside it).
    pub fn distance(&self, date: NaiveDate) -> i64 {
        if let Some(f) = self.from.filter(|&f| date < f) {
            (f - date).num_days()
        } else if let Some(t) = self.to.filter(|&t| t < date) {
            (date - t).num_days()
        } else {
            0
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupKind {
    Armed,
    Party,
    Criminal,
    Identity,
    State,
    External,
}

#[derive(Debug, Clone)]
pub(super) struct GroupRow {
    pub name: String,
    pub inter: u8,
    pub countries: Vec<String>,
    pub window: Window,
    pub kind: GroupKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StateRole {
    Military,
    Police,
    Government,
}

#[derive(Debug, Clone)]
pub(super) struct StateAliasRow {
    pub country: String,
    pub role: StateRole,
    pub unit: Option<String>,
    pub window: Window,
    pub scope: Vec<String>,
}

/// The `role` column of `generic.tsv`, finer than [`super::Role`]: identity militias keep
/// their flavour (tribal, clan, ethnic, communal) because it is part of the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GenericKind {
    Military,
    Police,
    Government,
    ArmedUnidentified,
    Rebels,
    Protesters,
    Rioters,
    Civilians,
    Tribal,
    Clan,
    Ethnic,
    Communal,
    Vigilantes,
    Volunteers,
    Gang,
    Pirates,
    PrivateSecurity,
}

impl GenericKind {
    fn parse(s: &str) -> Option<Self> {
        use GenericKind::*;
        Some(match s {
            "military" => Military,
            "police" => Police,
            "government" => Government,
            "armed_unidentified" => ArmedUnidentified,
            "rebels" => Rebels,
            "protesters" => Protesters,
            "rioters" => Rioters,
            "civilians" => Civilians,
            "tribal" => Tribal,
            "clan" => Clan,
            "ethnic" => Ethnic,
            "communal" => Communal,
            "vigilantes" => Vigilantes,
            "volunteers" => Volunteers,
            "gang" => Gang,
            "pirates" => Pirates,
            "private_security" => PrivateSecurity,
            _ => return None,
        })
    }

    pub fn state_role(self) -> Option<StateRole> {
        match self {
            GenericKind::Military => Some(StateRole::Military),
            GenericKind::Police => Some(StateRole::Police),
            GenericKind::Government => Some(StateRole::Government),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct GenericRow {
    /// Lowercase surface form.
    pub head: String,
    pub kind: GenericKind,
    pub inter: u8,
    pub unit: Option<String>,
    /// Counts only right after a country word ("Kenyan forces"), never alone.
    pub country_only: bool,
}

#[derive(Debug, Clone)]
pub(super) struct EthnicRow {
    pub name: String,
    pub suffix: String,
    pub countries: Vec<String>,
}

#[derive(Debug, Clone)]
pub(super) struct Period {
    pub start: NaiveDate,
    pub open: bool,
    pub label: String,
}

/// One surface form and what it names.
#[derive(Debug, Clone)]
pub(super) struct Alias {
    pub text: String,
    pub case_sensitive: bool,
    pub target: Target,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Group(usize),
    State(usize),
    Ethnic(usize),
    /// A generic head that implies an ethnic community (`heads` column).
    EthnicHead(usize),
    Head(usize),
    /// A country name or demonym: index into the dictionary's country list.
    Country(usize),
}

/// Everything read from the five tables.
#[derive(Debug, Default)]
pub(super) struct Tables {
    pub groups: Vec<GroupRow>,
    pub state_aliases: Vec<StateAliasRow>,
    pub generic: Vec<GenericRow>,
    pub ethnic: Vec<EthnicRow>,
    /// Periods of each country, sorted by start.
    pub periods: HashMap<String, Vec<Period>>,
    pub aliases: Vec<Alias>,
}

/// Heads missing from `generic.tsv` that the matcher needs; a row in the file wins.
const SUPPLEMENT: &[(&str, GenericKind, bool)] = &[
    ("forces", GenericKind::Military, true),
    ("force", GenericKind::Military, true),
    ("jets", GenericKind::Military, true),
    ("aircraft", GenericKind::Military, true),
    ("planes", GenericKind::Military, true),
    ("helicopters", GenericKind::Military, true),
    ("warships", GenericKind::Military, true),
    ("tribes", GenericKind::Tribal, false),
    ("local tribes", GenericKind::Tribal, false),
];

pub(super) fn read(src: &super::ActorSources<'_>) -> Result<Tables, ActorDataError> {
    let mut t = Tables::default();
    read_groups(src.groups, &mut t)?;
    read_state_aliases(src.state_aliases, &mut t)?;
    read_generic(src.generic, &mut t)?;
    read_ethnic(src.ethnic_groups, &mut t)?;
    read_periods(src.state_forces, &mut t)?;
    Ok(t)
}

/// A data row with its file and line, for errors.
struct Row<'a> {
    file: &'static str,
    line: usize,
    cols: Vec<&'a str>,
}

impl<'a> Row<'a> {
    fn err(&self, reason: impl Into<String>) -> ActorDataError {
        ActorDataError::Invalid {
            file: self.file,
            line: self.line,
            reason: reason.into(),
        }
    }

    fn col(&self, i: usize) -> &'a str {
        self.cols.get(i).copied().unwrap_or("")
    }

    fn inter(&self, i: usize) -> Result<u8, ActorDataError> {
        match self.col(i).parse::<u8>() {
            Ok(n @ 1..=8) => Ok(n),
            _ => Err(self.err(format!("inter code {:?} is not 1-8", self.col(i)))),
        }
    }

    fn countries(&self, i: usize) -> Result<Vec<String>, ActorDataError> {
        let mut out = Vec::new();
        for c in self
            .col(i)
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            out.push(self.country_code(c)?);
        }
        Ok(out)
    }

    fn country_code(&self, c: &str) -> Result<String, ActorDataError> {
        if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(c.to_string())
        } else {
            Err(self.err(format!("{c:?} is not an ISO2 country code")))
        }
    }

    fn window(&self, from: usize, to: usize) -> Result<Window, ActorDataError> {
        let w = Window {
            from: self.date(from, false)?,
            to: self.date(to, true)?,
        };
        if let (Some(f), Some(t)) = (w.from, w.to)
            && t < f
        {
            return Err(self.err(format!("window ends ({t}) before it starts ({f})")));
        }
        Ok(w)
    }

    /// `YYYY` (first or last day of the year) or `YYYY-MM-DD`; empty is open.
    fn date(&self, i: usize, end: bool) -> Result<Option<NaiveDate>, ActorDataError> {
        let s = self.col(i);
        if s.is_empty() {
            return Ok(None);
        }
        parse_date(s, end)
            .map(Some)
            .ok_or_else(|| self.err(format!("{s:?} is not a YYYY or YYYY-MM-DD date")))
    }
}

fn parse_date(s: &str, end: bool) -> Option<NaiveDate> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y = s.parse::<i32>().ok()?;
        return if end {
            NaiveDate::from_ymd_opt(y, 12, 31)
        } else {
            NaiveDate::from_ymd_opt(y, 1, 1)
        };
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The rows of a TSV file after checking its header; comments and blank lines skipped.
fn rows<'a>(
    file: &'static str,
    text: &'a str,
    header: &[&str],
) -> Result<Vec<Row<'a>>, ActorDataError> {
    let mut out = Vec::new();
    let mut seen_header = false;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let row = Row {
            file,
            line: n + 1,
            cols,
        };
        if !seen_header {
            if row.cols != header {
                return Err(row.err(format!("header should be {:?}", header.join("\t"))));
            }
            seen_header = true;
            continue;
        }
        if row.cols.len() != header.len() {
            return Err(row.err(format!(
                "{} columns, expected {}",
                row.cols.len(),
                header.len()
            )));
        }
        out.push(row);
    }
    if !seen_header {
        return Err(ActorDataError::Invalid {
            file,
            line: 0,
            reason: "no header line".into(),
        });
    }
    Ok(out)
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split('|').map(str::trim).filter(|a| !a.is_empty())
}

fn push_aliases(t: &mut Tables, ci: &str, cs: &str, target: Target) {
    for a in split_list(ci) {
        t.aliases.push(Alias {
            text: a.to_string(),
            case_sensitive: false,
            target,
        });
    }
    for a in split_list(cs) {
        t.aliases.push(Alias {
            text: a.to_string(),
            case_sensitive: true,
            target,
        });
    }
}

fn read_groups(text: &str, t: &mut Tables) -> Result<(), ActorDataError> {
    let header = [
        "name",
        "inter",
        "countries",
        "aliases",
        "case_sensitive_aliases",
        "from",
        "to",
        "kind",
    ];
    for row in rows("groups.tsv", text, &header)? {
        let name = row.col(0);
        if name.is_empty() {
            return Err(row.err("empty name"));
        }
        let kind = match row.col(7) {
            "armed" => GroupKind::Armed,
            "party" => GroupKind::Party,
            "criminal" => GroupKind::Criminal,
            "identity" => GroupKind::Identity,
            "state" => GroupKind::State,
            "external" => GroupKind::External,
            k => return Err(row.err(format!("unknown kind {k:?}"))),
        };
        let idx = t.groups.len();
        t.groups.push(GroupRow {
            name: name.to_string(),
            inter: row.inter(1)?,
            countries: row.countries(2)?,
            window: row.window(5, 6)?,
            kind,
        });
        // The full name matches itself; the short form before ':' does not.
        let full = name.split_once(": ").map_or(name, |(_, full)| full);
        push_aliases(t, full, "", Target::Group(idx));
        push_aliases(t, row.col(3), row.col(4), Target::Group(idx));
    }
    Ok(())
}

fn read_state_aliases(text: &str, t: &mut Tables) -> Result<(), ActorDataError> {
    let header = [
        "country_code",
        "role",
        "unit",
        "aliases",
        "case_sensitive_aliases",
        "from",
        "to",
        "scope",
    ];
    for row in rows("state_aliases.tsv", text, &header)? {
        let role = match row.col(1) {
            "military" => StateRole::Military,
            "police" => StateRole::Police,
            "government" => StateRole::Government,
            r => return Err(row.err(format!("unknown role {r:?}"))),
        };
        let idx = t.state_aliases.len();
        t.state_aliases.push(StateAliasRow {
            country: row.country_code(row.col(0))?,
            role,
            unit: Some(row.col(2))
                .filter(|u| !u.is_empty())
                .map(str::to_string),
            window: row.window(5, 6)?,
            scope: row.countries(7)?,
        });
        push_aliases(t, row.col(3), row.col(4), Target::State(idx));
    }
    Ok(())
}

fn read_generic(text: &str, t: &mut Tables) -> Result<(), ActorDataError> {
    for row in rows("generic.tsv", text, &["head", "role", "inter", "unit"])? {
        let head = row.col(0).to_lowercase();
        if head.is_empty() {
            return Err(row.err("empty head"));
        }
        let kind = GenericKind::parse(row.col(1))
            .ok_or_else(|| row.err(format!("unknown role {:?}", row.col(1))))?;
        let idx = t.generic.len();
        t.generic.push(GenericRow {
            head: head.clone(),
            kind,
            inter: row.inter(2)?,
            unit: Some(row.col(3))
                .filter(|u| !u.is_empty())
                .map(str::to_string),
            country_only: false,
        });
        push_aliases(t, &head, "", Target::Head(idx));
    }
    for &(head, kind, country_only) in SUPPLEMENT {
        if t.generic.iter().any(|g| g.head == head) {
            continue;
        }
        let idx = t.generic.len();
        t.generic.push(GenericRow {
            head: head.to_string(),
            kind,
            inter: super::compose::default_inter(kind),
            unit: None,
            country_only,
        });
        push_aliases(t, head, "", Target::Head(idx));
    }
    Ok(())
}

const SUFFIXES: &[&str] = &[
    "Ethnic Militia",
    "Clan Militia",
    "Tribal Militia",
    "Communal Militia",
    "Caste Militia",
    "Indigenous Militia",
];

fn read_ethnic(text: &str, t: &mut Tables) -> Result<(), ActorDataError> {
    let header = ["name", "suffix", "countries", "aliases", "heads"];
    for row in rows("ethnic_groups.tsv", text, &header)? {
        if row.col(0).is_empty() {
            return Err(row.err("empty name"));
        }
        if !SUFFIXES.contains(&row.col(1)) {
            return Err(row.err(format!("unknown suffix {:?}", row.col(1))));
        }
        let idx = t.ethnic.len();
        // Generic heads that imply this community in its countries ("herdsmen": Fulani).
        for h in split_list(row.col(4)) {
            t.aliases.push(Alias {
                text: h.to_lowercase(),
                case_sensitive: false,
                target: Target::EthnicHead(idx),
            });
        }
        t.ethnic.push(EthnicRow {
            name: row.col(0).to_string(),
            suffix: row.col(1).to_string(),
            countries: row.countries(2)?,
        });
        push_aliases(t, row.col(3), "", Target::Ethnic(idx));
    }
    Ok(())
}

fn read_periods(text: &str, t: &mut Tables) -> Result<(), ActorDataError> {
    let header = ["country_code", "from", "to", "label", "start_date"];
    for row in rows("state_forces.tsv", text, &header)? {
        let country = row.country_code(row.col(0))?;
        let from = row
            .date(1, false)?
            .ok_or_else(|| row.err("empty 'from' year"))?;
        let to = row.date(2, true)?;
        if to.is_some_and(|to| to < from) {
            return Err(row.err("'to' is before 'from'"));
        }
        if row.col(3).is_empty() {
            return Err(row.err("empty label"));
        }
        let start = row.date(4, false)?.unwrap_or(from);
        let period = Period {
            start,
            open: to.is_none(),
            label: row.col(3).to_string(),
        };
        t.periods.entry(country).or_default().push(period);
    }
    for list in t.periods.values_mut() {
        list.sort_by_key(|p| p.start);
    }
    Ok(())
}
