//! Word lists behind the geoparser's false-hit rules (`data/lexicon/`).

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};
use sitrep_gazetteer::normalize::fold;

use crate::tokens::with_lowercase;

/// The word lists, parsed once.
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    common: FxHashSet<String>,
    titles: FxHashSet<String>,
    org_heads: FxHashSet<String>,
    place_heads: FxHashMap<String, u8>,
    media: FxHashSet<String>,
    /// The first words of the media names of several words ("al" of "al jazeera").
    media_starts: FxHashSet<String>,
    not_places: FxHashSet<String>,
    first_names: FxHashSet<String>,
    /// Community names ("Maasai", "Kisii", "Nuer") → the ISO2 codes of the countries they live
    /// in: elsewhere the name is the community, not a place with a look-alike name.
    identities: HashMap<String, Vec<String>>,
    /// Folded outlet name → ISO2 of the country it reports from.
    outlets: HashMap<String, String>,
}

/// The texts of the lexicon files, as the binary embeds them.
#[derive(Debug, Clone, Copy, Default)]
pub struct LexiconSources<'a> {
    pub common_words: &'a str,
    pub person_titles: &'a str,
    pub org_heads: &'a str,
    pub place_heads: &'a str,
    pub media: &'a str,
    pub not_places: &'a str,
    pub first_names: &'a str,
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Lexicon {
    pub fn new(src: LexiconSources<'_>) -> Self {
        let words = |t: &str| lines(t).map(str::to_lowercase).collect::<FxHashSet<_>>();
        let common = words(src.common_words);
        // "In", "May", "Will": given names that are mostly words are left to the word rules.
        let first_names = words(src.first_names)
            .into_iter()
            .filter(|n| !common.contains(n))
            .collect();
        Self {
            common,
            titles: words(src.person_titles),
            org_heads: words(src.org_heads),
            place_heads: lines(src.place_heads)
                .filter_map(|l| {
                    let (w, level) = l.split_once('\t')?;
                    Some((w.trim().to_lowercase(), level.trim().parse().ok()?))
                })
                .collect(),
            media: lines(src.media).map(fold).collect(),
            media_starts: lines(src.media)
                .map(fold)
                .flat_map(|m| {
                    let words: Vec<&str> = m.split(' ').collect();
                    (1..words.len())
                        .map(|n| words[..n].join(" "))
                        .collect::<Vec<_>>()
                })
                .collect(),
            not_places: words(src.not_places),
            first_names,
            identities: HashMap::new(),
            outlets: HashMap::new(),
        }
    }

    /// Adds `data/lexicon/outlets.tsv` (outlet, ISO2; a header row `outlet country`).
    pub fn with_outlets(mut self, outlets_tsv: &str) -> Self {
        for l in lines(outlets_tsv) {
            if let Some((name, iso)) = l.split_once('\t')
                && name != "outlet"
            {
                self.outlets
                    .insert(fold(name.trim()), iso.trim().to_ascii_uppercase());
            }
        }
        self
    }

    /// The country an outlet reports from, when the table knows the outlet.
    pub fn outlet_country(&self, outlet: &str) -> Option<&str> {
        self.outlets.get(&fold(outlet.trim())).map(String::as_str)
    }

    /// Adds community names from the actor table `data/actors/ethnic_groups.tsv` (columns
    /// name, suffix, countries, aliases): one-word aliases become identity names.
    pub fn with_identities(mut self, ethnic_groups_tsv: &str) -> Self {
        for l in lines(ethnic_groups_tsv) {
            let cols: Vec<&str> = l.split('\t').collect();
            let (Some(countries), Some(aliases)) = (cols.get(2), cols.get(3)) else {
                continue;
            };
            if cols[0] == "name" {
                continue;
            }
            let countries: Vec<String> = countries
                .split(',')
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .collect();
            for a in aliases
                .split('|')
                .map(str::trim)
                .filter(|a| !a.contains(' '))
            {
                let known = self.identities.entry(fold(a)).or_default();
                known.extend(countries.iter().cloned());
                known.sort_unstable();
                known.dedup();
            }
        }
        self
    }

    /// The countries of the community this word names, if it names one.
    pub fn identity_countries(&self, word: &str) -> Option<&[String]> {
        self.identities.get(&fold(word)).map(Vec::as_slice)
    }

    /// A word news mostly writes in lowercase ("mobile", "of").
    pub fn is_common(&self, word: &str) -> bool {
        with_lowercase(word, |w| self.common.contains(w))
    }

    /// A title that makes the next capitalised word a person ("President", "Mr").
    pub fn is_title(&self, word: &str) -> bool {
        with_lowercase(word.trim_end_matches('.'), |w| self.titles.contains(w))
    }

    /// A word that turns a preceding place name into an organisation ("Post", "University").
    pub fn is_org_head(&self, word: &str) -> bool {
        with_lowercase(word, |w| self.org_heads.contains(w))
    }

    /// The administrative level a head word implies ("province" → 1, "district" → 2, "town" → 0).
    pub fn place_head(&self, word: &str) -> Option<u8> {
        with_lowercase(word, |w| self.place_heads.get(w).copied())
    }

    /// A word that is never a place on its own ("June", "Sunni", "Republic").
    pub fn is_not_place(&self, word: &str) -> bool {
        with_lowercase(word, |w| self.not_places.contains(w))
    }

    /// A common given name ("Shawn", "Rami").
    pub fn is_first_name(&self, word: &str) -> bool {
        with_lowercase(word, |w| self.first_names.contains(w))
    }

    /// A media or organisation name that looks like a place ("Al Jazeera").
    pub fn is_media(&self, surface: &str) -> bool {
        self.media.contains(&fold(surface))
    }

    /// [`Lexicon::is_media`] of `surface`, or of `surface` and the word after it ("Al" +
    /// "Jazeera"); the longer form is built only when `surface` begins a media name.
    pub fn is_media_at(&self, surface: &str, next_word: Option<&str>) -> bool {
        let folded = fold(surface);
        if self.media.contains(&folded) {
            return true;
        }
        next_word.is_some_and(|next| {
            self.media_starts.contains(&folded) && self.is_media(&format!("{surface} {next}"))
        })
    }
}
