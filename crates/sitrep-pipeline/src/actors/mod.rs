//! Actor recognition: who acts in a sentence, named the way ACLED names actors.
//!
//! [`ActorDictionary`] is built once from the tables in `data/actors/` ([`ActorSources`])
//! and the gazetteer's country names ([`CountryNames`]); it is immutable and shared by
//! `&self`. [`ActorDictionary::find`] returns the [`ActorMention`]s of one sentence, each a
//! byte [`Span`] with the [`Actor`] it names, for an [`ActorContext`] (the event's country
//! and date). [`ActorDictionary::compose`] builds the generic actors (state forces with
//! their period label, `Protesters (Kenya)`, ...) that assembly needs on its own.
//!
//! Inside: `load` reads and checks the tables, `matcher` holds the two Aho-Corasick
//! automata and the word-boundary rules, `resolve` picks what each hit names for the
//! event's country and date, `find` joins hits into phrases ("Iraqi" + "security
//! forces"), `compose` writes the names.

mod compose;
mod find;
mod load;
mod matcher;
mod norm;
mod resolve;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use sitrep_model::Span;

pub use find::PreparedSentence;
use load::{Alias, Tables, Target};
use matcher::Matcher;

/// The texts of `data/actors/*.tsv` (the binary embeds them with `include_str!`).
#[derive(Debug, Clone, Copy)]
pub struct ActorSources<'a> {
    pub state_forces: &'a str,
    pub groups: &'a str,
    pub generic: &'a str,
    pub state_aliases: &'a str,
    pub ethnic_groups: &'a str,
}

/// Countries as the gazetteer knows them.
///
/// `names` maps ISO2 to ACLED's English name (`("CD", "Democratic Republic of Congo")`);
/// `demonyms` maps demonyms and adjectives to ISO2 (`("Iraqi", "IQ")`). Both are matched in
/// text before an actor head ("Iraq's military", "Iraqi forces"); short country forms used
/// as adjectives ("U.S.", "UK") belong in `demonyms` too.
#[derive(Debug, Clone, Default)]
pub struct CountryNames {
    pub names: Vec<(String, String)>,
    pub demonyms: Vec<(String, String)>,
}

/// A malformed actor table.
#[derive(Debug, thiserror::Error)]
pub enum ActorDataError {
    #[error("{file}:{line}: {reason}")]
    Invalid {
        file: &'static str,
        line: usize,
        reason: String,
    },
    #[error("cannot build the actor matcher: {0}")]
    Automaton(String),
}

/// What the assembly stage knows when reading a sentence: the event's (or document's)
/// country (ISO2) and date.
#[derive(Debug, Clone, Copy, Default)]
pub struct ActorContext<'a> {
    pub country: Option<&'a str>,
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub name: String,
    pub inter: u8,
    pub role: Role,
    /// ISO2 of the country the actor belongs to, when known.
    pub country: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Military,
    Police,
    Government,
    /// A group of `groups.tsv` (any kind but `external`).
    Named,
    Rebels,
    ArmedUnidentified,
    Protesters,
    Rioters,
    Civilians,
    /// Ethnic, clan, tribal or communal militia.
    Identity,
    Vigilantes,
    Gang,
    Pirates,
    PrivateSecurity,
    /// Pro-government militia volunteers.
    Volunteers,
    /// A multinational or foreign force of `groups.tsv` (kind `external`), or a state's
    /// forces composed as acting abroad.
    External,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActorMention {
    /// The whole phrase ("Iraqi security forces", "ISIS militants", "the Pokot raiders").
    pub span: Span,
    pub actor: Actor,
    /// True when the text does not name the actor ("the militants", "gunmen", "security
    /// forces" without a country): assembly may resolve it to the actor salient in context.
    pub generic: bool,
    /// The head noun is plural ("troops", "ISIS militants"); a hint, false when unsure.
    pub plural: bool,
}

/// The compiled actor tables. Build once, share by reference.
pub struct ActorDictionary {
    tables: Tables,
    /// ISO2 → ACLED country name.
    country_names: HashMap<String, String>,
    /// Lowercased demonym → ISO2.
    demonyms: HashMap<String, String>,
    /// ISO2 of each `Target::Country`, and whether the word is a name (not a demonym).
    country_words: Vec<(String, bool)>,
    /// The core "Islamic State" row and its provinces ("Islamic State (Egypt)").
    core: Option<usize>,
    provinces: Vec<usize>,
    /// Lowercased single-word ethnic aliases, to tell plurals ("Pokots") from bare names.
    ethnic_words: std::collections::HashSet<String>,
    matcher: Matcher,
}

impl fmt::Debug for ActorDictionary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActorDictionary")
            .field("groups", &self.tables.groups.len())
            .field("state_aliases", &self.tables.state_aliases.len())
            .field("generic_heads", &self.tables.generic.len())
            .field("ethnic_groups", &self.tables.ethnic.len())
            .field("countries_with_periods", &self.tables.periods.len())
            .field("patterns", &self.matcher.pattern_count())
            .finish()
    }
}

impl ActorDictionary {
    pub fn new(src: ActorSources<'_>, countries: &CountryNames) -> Result<Self, ActorDataError> {
        let mut tables = load::read(&src)?;
        let mut aliases: Vec<Alias> = std::mem::take(&mut tables.aliases);
        let mut country_words = Vec::new();
        let words = countries
            .names
            .iter()
            .map(|(iso, name)| (name, iso, true))
            .chain(countries.demonyms.iter().map(|(d, iso)| (d, iso, false)));
        for (word, iso, is_name) in words {
            aliases.push(Alias {
                text: word.clone(),
                case_sensitive: false,
                target: Target::Country(country_words.len()),
            });
            country_words.push((iso.clone(), is_name));
        }
        let ethnic_words = aliases
            .iter()
            .filter(|a| matches!(a.target, Target::Ethnic(_)) && !a.text.contains(' '))
            .map(|a| a.text.to_lowercase())
            .collect();
        let (core, provinces) = provinces(&tables);
        let matcher = Matcher::new(&aliases)?;
        Ok(ActorDictionary {
            tables,
            country_names: countries.names.iter().cloned().collect(),
            demonyms: countries
                .demonyms
                .iter()
                .map(|(d, iso)| (d.to_lowercase(), iso.clone()))
                .collect(),
            country_words,
            core,
            provinces,
            ethnic_words,
            matcher,
        })
    }

    /// Actor mentions in `text[sentence]`, leftmost-longest, non-overlapping, in text order.
    pub fn find(&self, text: &str, sentence: Span, ctx: &ActorContext<'_>) -> Vec<ActorMention> {
        match self.prepare(text, sentence) {
            Some(mut prepared) => self.find_in(&mut prepared, ctx),
            None => Vec::new(),
        }
    }

    /// A sentence made ready to be read by [`ActorDictionary::find_in`] in several contexts:
    /// it is normalised and scanned once. `None` when there is nothing to read.
    pub fn prepare(&self, text: &str, sentence: Span) -> Option<PreparedSentence> {
        self.prepare_sentence(text, sentence)
    }

    /// [`ActorDictionary::find`] of a prepared sentence: the same mentions.
    pub fn find_in(
        &self,
        sentence: &mut PreparedSentence,
        ctx: &ActorContext<'_>,
    ) -> Vec<ActorMention> {
        self.find_mentions(sentence, ctx)
    }

    /// Composes a generic actor the ACLED way for a country (ISO2) and date:
    /// `Military Forces of Iraq (2014-2018)`, `Police Forces of Kenya (2013-2022)`,
    /// `Government of X (period)`, `Protesters (X)`, `Rioters (X)`, `Civilians (X)`,
    /// `Unidentified Armed Group (X)`, ... Without a country the name has none
    /// (`Military Forces`, `Protesters`). `Role::Named` gives the unnamed stand-in
    /// (`Unidentified Armed Group`), `Role::Identity` an `Unidentified Ethnic Militia`,
    /// `Role::External` the country's military with inter 8.
    pub fn compose(&self, role: Role, country: Option<&str>, date: Option<NaiveDate>) -> Actor {
        self.compose_role(role, country, date)
    }

    /// The ISO2 country a demonym or adjective names ("Iraqi" → "IQ"); a country name
    /// ("Iraq") also works.
    pub fn country_of_demonym(&self, word: &str) -> Option<&str> {
        let key = norm::normalize(word).to_lowercase();
        if let Some(iso) = self.demonyms.get(&key) {
            return Some(iso);
        }
        self.country_names
            .iter()
            .find(|(_, name)| name.to_lowercase() == key)
            .map(|(iso, _)| iso.as_str())
    }
}

/// The row named like a global group plus ` (Region)` is a province of it: "Islamic State
/// (Egypt)" of "Islamic State". Only global cores count, so "Taliban (Kenya)" is not one.
fn provinces(t: &Tables) -> (Option<usize>, Vec<usize>) {
    let core = t.groups.iter().position(|g| {
        g.countries.is_empty()
            && t.groups
                .iter()
                .any(|p| p.name.starts_with(&format!("{} (", g.name)))
    });
    let Some(c) = core else {
        return (None, Vec::new());
    };
    let prefix = format!("{} (", t.groups[c].name);
    let provinces = (0..t.groups.len())
        .filter(|&i| t.groups[i].name.starts_with(&prefix) && !t.groups[i].countries.is_empty())
        .collect();
    (core, provinces)
}
