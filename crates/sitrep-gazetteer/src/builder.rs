//! Compiling gazetteer tables (GeoNames TSV and sitrep's own TSVs) into a [`Gazetteer`].

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use crate::Error;
use crate::index::{
    Country, Entry, EntryKind, Gazetteer, MAGIC, NONE, Posting, Tables, VERSION, pack_value,
};
use crate::normalize::{fold_into, skeleton_into};

/// Generic words of administrative names; a second key without them is added ("Harris" for
/// "Harris County") and marked bare, so resolution can tell the two apart.
const ADMIN_WORDS: &[&str] = &[
    "county",
    "parish",
    "borough",
    "district",
    "province",
    "governorate",
    "muhafazat",
    "muhafazah",
    "region",
    "state",
    "department",
    "prefecture",
    "oblast",
    "raion",
    "municipality",
    "qadaa",
    "qada",
    "nahiyat",
    "wilayah",
    "regency",
    "division",
    "territory",
    "emirate",
    "kreis",
    "landkreis",
    "city",
    "of",
];

/// Accumulates entries and name keys; [`Builder::finish`] compiles them.
#[derive(Debug, Default)]
pub struct Builder {
    entries: Vec<Entry>,
    countries: Vec<Country>,
    by_iso2: HashMap<String, u16>,
    admin_codes: HashMap<String, u32>,
    seen_geonameids: HashSet<u32>,
    keys: Vec<(String, Posting)>,
    folded: String,
    key: String,
}

/// Counts reported after reading a GeoNames file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReadStats {
    pub rows: usize,
    pub added: usize,
    pub merged: usize,
    pub skipped: usize,
}

/// The tables of countries and administrative divisions (`data/gazetteer/`), which go in
/// before any place so that places can be tied to them.
#[derive(Debug, Clone, Copy)]
pub struct Divisions<'a> {
    pub countries: &'a str,
    pub country_aliases: &'a str,
    pub admin1: &'a str,
    /// Left out by small gazetteers (tests, fuzzing).
    pub admin2: Option<&'a str>,
    pub admin1_aliases: &'a str,
}

impl Builder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds countries, their aliases, provinces (and districts) and the provinces' aliases,
    /// in the order they depend on each other.
    pub fn add_divisions(&mut self, d: &Divisions<'_>) -> Result<(), Error> {
        self.add_countries(d.countries)?;
        self.add_country_aliases(d.country_aliases)?;
        self.add_admin(d.admin1, 1)?;
        if let Some(admin2) = d.admin2 {
            self.add_admin(admin2, 2)?;
        }
        self.add_admin_aliases(d.admin1_aliases)?;
        Ok(())
    }

    /// Starts from an existing gazetteer: every entry and name key is kept.
    pub fn from_gazetteer(g: &Gazetteer) -> Self {
        let mut b = Self::new();
        b.entries = g.entries().to_vec();
        b.countries = g.countries().to_vec();
        b.by_iso2 = b
            .countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.iso2.to_string(), i as u16))
            .collect();
        b.seen_geonameids = b.entries.iter().map(|e| e.geonameid).collect();
        b.admin_codes = g
            .admin_code_pairs()
            .map(|(c, i)| (c.to_string(), i))
            .collect();
        for key in g.keys() {
            for p in g.lookup_key(&key) {
                b.keys.push((key.clone(), p));
            }
        }
        b
    }

    /// `countries.tsv`: iso, iso3, name, capital, continent, population, areakm2, neighbours,
    /// geonameid, latitude, longitude (header line required).
    pub fn add_countries(&mut self, tsv: &str) -> Result<usize, Error> {
        let table = Table::parse("countries.tsv", tsv)?;
        let mut n = 0;
        for row in table.rows() {
            let iso2 = row.get("iso")?.to_string();
            // A country without coordinates cannot be resolved to a point.
            if iso2.len() != 2
                || self.by_iso2.contains_key(&iso2)
                || row.get("latitude")?.is_empty()
            {
                continue;
            }
            let idx = self.countries.len() as u16;
            let entry_idx = self.entries.len() as u32;
            let name = row.get("name")?;
            let geonameid = row.parse_or("geonameid", 0u32)?;
            self.entries.push(Entry {
                geonameid,
                name: name.into(),
                kind: EntryKind::Country,
                feature_code: "PCLI".into(),
                lat: row.parse_or("latitude", 0.0f32)?,
                lon: row.parse_or("longitude", 0.0f32)?,
                country: idx,
                admin1: NONE,
                admin2: NONE,
                population: clamp_u32(row.parse_or("population", 0u64)?),
            });
            self.seen_geonameids.insert(geonameid);
            self.countries.push(Country {
                iso2: iso2.as_str().into(),
                iso3: row.get("iso3")?.into(),
                name: name.into(),
                continent: row.get("continent")?.into(),
                neighbours: row
                    .get("neighbours")?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(Into::into)
                    .collect(),
                entry: entry_idx,
            });
            self.by_iso2.insert(iso2, idx);
            self.add_name(name, entry_idx, true, false, false);
            n += 1;
        }
        Ok(n)
    }

    /// `iso<TAB>alias` rows: other names of countries ("U.S.", "Britain").
    pub fn add_country_aliases(&mut self, tsv: &str) -> Result<usize, Error> {
        self.add_country_names(tsv, "country aliases", false)
    }

    /// `key<TAB>demonym` rows: adjectives and demonyms ("Syrian", "Iraqis"). The key is a
    /// country's ISO code, an administrative code (`US.TX`) or a GeoNames id (continents,
    /// regions), so load this after the tables those keys refer to.
    pub fn add_demonyms(&mut self, tsv: &str) -> Result<usize, Error> {
        self.add_country_names(tsv, "demonyms", true)
    }

    fn add_country_names(&mut self, tsv: &str, what: &str, demonym: bool) -> Result<usize, Error> {
        let table = Table::parse(what, tsv)?;
        let by_id: HashMap<u32, u32> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.geonameid, i as u32))
            .collect();
        let mut n = 0;
        for row in table.rows() {
            let key = row.col(0);
            let entry = if let Some(&c) = self.by_iso2.get(key) {
                self.countries[c as usize].entry
            } else if let Some(&a) = self.admin_codes.get(key) {
                a
            } else if let Some(&e) = key.parse::<u32>().ok().and_then(|id| by_id.get(&id)) {
                e
            } else {
                continue;
            };
            self.add_name(row.col(1), entry, false, demonym, false);
            n += 1;
        }
        Ok(n)
    }

    /// `code<TAB>alias` rows: other names of administrative areas ("Ky.", "Salahuddin").
    pub fn add_admin_aliases(&mut self, tsv: &str) -> Result<usize, Error> {
        let table = Table::parse("admin aliases", tsv)?;
        let mut n = 0;
        for row in table.rows() {
            let Some(&entry) = self.admin_codes.get(row.col(0)) else {
                continue;
            };
            self.add_name(row.col(1), entry, false, false, false);
            n += 1;
        }
        Ok(n)
    }

    /// `admin1.tsv` / `admin2.tsv`: code, name, asciiname, geonameid, latitude, longitude, population.
    pub fn add_admin(&mut self, tsv: &str, level: u8) -> Result<usize, Error> {
        let what = if level == 1 {
            "admin1.tsv"
        } else {
            "admin2.tsv"
        };
        let table = Table::parse(what, tsv)?;
        let mut n = 0;
        for row in table.rows() {
            let code = row.get("code")?;
            // Areas without coordinates cannot be placed on a map or scored by distance.
            if self.admin_codes.contains_key(code) || row.get("latitude")?.is_empty() {
                continue;
            }
            let mut parts = code.split('.');
            let cc = parts.next().unwrap_or_default();
            let country = self.by_iso2.get(cc).copied().unwrap_or(u16::MAX);
            let idx = self.entries.len() as u32;
            let admin1 = if level == 1 {
                idx
            } else {
                let a1 = code.rsplit_once('.').map(|(p, _)| p).unwrap_or_default();
                self.admin_codes.get(a1).copied().unwrap_or(NONE)
            };
            let name = row.get("name")?;
            let geonameid = row.parse_or("geonameid", 0u32)?;
            self.entries.push(Entry {
                geonameid,
                name: name.into(),
                kind: if level == 1 {
                    EntryKind::Admin1
                } else {
                    EntryKind::Admin2
                },
                feature_code: if level == 1 {
                    "ADM1".into()
                } else {
                    "ADM2".into()
                },
                lat: row.parse_or("latitude", 0.0f32)?,
                lon: row.parse_or("longitude", 0.0f32)?,
                country,
                admin1,
                admin2: if level == 2 { idx } else { NONE },
                population: clamp_u32(row.parse_or("population", 0u64)?),
            });
            if geonameid != 0 {
                self.seen_geonameids.insert(geonameid);
            }
            self.admin_codes.insert(code.to_string(), idx);
            self.add_admin_names(name, idx);
            let ascii = row.get("asciiname").unwrap_or_default();
            if !ascii.is_empty() && ascii != name {
                self.add_admin_names(ascii, idx);
            }
            n += 1;
        }
        Ok(n)
    }

    fn add_admin_names(&mut self, name: &str, idx: u32) {
        self.add_name(name, idx, true, false, false);
        let mut folded = String::new();
        fold_into(name, &mut folded);
        let words: Vec<&str> = folded.split(' ').collect();
        let core: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| !ADMIN_WORDS.contains(w))
            .collect();
        if core.len() < words.len()
            && !core.is_empty()
            && core.iter().map(|w| w.len()).sum::<usize>() >= 3
        {
            self.add_name(&core.join(" "), idx, true, false, true);
        }
    }

    /// Rows in GeoNames' 19-column format (`allCountries.txt`, `cities500.txt`, sitrep's
    /// supplement). Extra columns are ignored; `#` lines and blank lines are skipped.
    /// Administrative and country rows enrich the matching existing areas.
    pub fn add_geonames<R: BufRead>(
        &mut self,
        source: &str,
        reader: R,
    ) -> Result<ReadStats, Error> {
        let mut stats = ReadStats::default();
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| Error::Io(format!("{source}: line {}: {e}", i + 1)))?;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            stats.rows += 1;
            match self.add_geonames_row(&line) {
                Ok(RowOutcome::Added) => stats.added += 1,
                Ok(RowOutcome::Merged) => stats.merged += 1,
                Ok(RowOutcome::Skipped) => stats.skipped += 1,
                Err(reason) => {
                    return Err(Error::Row {
                        file: source.into(),
                        line: i + 1,
                        reason,
                    });
                }
            }
        }
        Ok(stats)
    }

    fn add_geonames_row(&mut self, line: &str) -> Result<RowOutcome, String> {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 19 {
            return Err(format!(
                "expected 19 tab-separated columns, found {}",
                cols.len()
            ));
        }
        let geonameid: u32 = cols[0]
            .trim()
            .parse()
            .map_err(|_| format!("bad geonameid {:?}", cols[0]))?;
        let lat: f32 = cols[4]
            .trim()
            .parse()
            .map_err(|_| format!("bad latitude {:?}", cols[4]))?;
        let lon: f32 = cols[5]
            .trim()
            .parse()
            .map_err(|_| format!("bad longitude {:?}", cols[5]))?;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(format!("coordinates out of range: {lat}, {lon}"));
        }
        let (fclass, fcode, cc) = (cols[6], cols[7], cols[8]);
        let (name, ascii) = (cols[1], cols[2]);
        let alternates = cols[3].split(',').filter(|a| usable_name(a) && !is_code(a));
        if let Some(existing) = self.existing_area(fclass, fcode, cc, cols[10], cols[11]) {
            // An administrative or country row: its names enrich the area we already have.
            for n in std::iter::once(name)
                .chain(std::iter::once(ascii))
                .chain(alternates)
            {
                if usable_name(n) {
                    self.add_name(n, existing, false, false, false);
                }
            }
            let e = &mut self.entries[existing as usize];
            if e.geonameid == 0 {
                e.geonameid = geonameid;
            }
            self.seen_geonameids.insert(geonameid);
            return Ok(RowOutcome::Merged);
        }
        if self.seen_geonameids.contains(&geonameid) || !keep_feature(fclass, fcode) {
            return Ok(RowOutcome::Skipped);
        }
        let country = self.by_iso2.get(cc).copied().unwrap_or(u16::MAX);
        let a1 = self
            .admin_codes
            .get(&format!("{cc}.{}", cols[10]))
            .copied()
            .unwrap_or(NONE);
        let a2 = if cols[11].is_empty() {
            NONE
        } else {
            self.admin_codes
                .get(&format!("{cc}.{}.{}", cols[10], cols[11]))
                .copied()
                .unwrap_or(NONE)
        };
        let idx = self.entries.len() as u32;
        self.entries.push(Entry {
            geonameid,
            name: name.into(),
            // Natural features and named areas: regions, seas, deserts, peninsulas.
            kind: if matches!(fclass, "L" | "H" | "T") {
                EntryKind::Region
            } else {
                EntryKind::Place
            },
            feature_code: if fcode.is_empty() {
                "PPL".into()
            } else {
                fcode.into()
            },
            lat,
            lon,
            country,
            admin1: a1,
            admin2: a2,
            population: clamp_u32(cols[14].trim().parse::<u64>().unwrap_or(0)),
        });
        self.seen_geonameids.insert(geonameid);
        self.add_name(name, idx, true, false, false);
        if !ascii.is_empty() && ascii != name {
            self.add_name(ascii, idx, true, false, false);
        }
        for alt in alternates {
            self.add_name(alt, idx, false, false, false);
        }
        Ok(RowOutcome::Added)
    }

    /// The entry an ADM1/ADM2/country row describes, when we already have it.
    fn existing_area(
        &self,
        fclass: &str,
        fcode: &str,
        cc: &str,
        a1: &str,
        a2: &str,
    ) -> Option<u32> {
        if fclass != "A" {
            return None;
        }
        match fcode {
            "ADM1" | "ADM1H" => self.admin_codes.get(&format!("{cc}.{a1}")).copied(),
            "ADM2" | "ADM2H" => self.admin_codes.get(&format!("{cc}.{a1}.{a2}")).copied(),
            "PCLI" | "PCLD" | "PCLF" | "PCLS" | "PCLIX" | "PCL" | "TERR" => self
                .by_iso2
                .get(cc)
                .map(|&c| self.countries[c as usize].entry),
            _ => None,
        }
    }

    fn add_name(&mut self, name: &str, entry: u32, primary: bool, demonym: bool, bare: bool) {
        skeleton_into(name, &mut self.folded, &mut self.key);
        if self.key.len() < 2 {
            return;
        }
        self.keys.push((
            self.key.clone(),
            Posting::new(entry, primary, demonym, bare),
        ));
    }

    /// Compiles everything added so far.
    pub fn finish(mut self) -> Result<Vec<u8>, Error> {
        self.keys.sort_by(|a, b| a.0.cmp(&b.0));
        let entries = &self.entries;
        let mut postings: Vec<u32> = Vec::with_capacity(self.keys.len());
        let mut map = fst::MapBuilder::memory();
        let mut i = 0;
        while i < self.keys.len() {
            let key = &self.keys[i].0;
            let mut j = i;
            let mut group: Vec<Posting> = Vec::new();
            while j < self.keys.len() && &self.keys[j].0 == key {
                group.push(self.keys[j].1);
                j += 1;
            }
            group.sort_by(|a, b| {
                let (ea, eb) = (&entries[a.entry() as usize], &entries[b.entry() as usize]);
                eb.population
                    .cmp(&ea.population)
                    .then(a.entry().cmp(&b.entry()))
                    .then(b.0.cmp(&a.0))
            });
            // One posting per entry: the best-flagged one (primary before alternate) wins.
            let mut seen = HashSet::new();
            let offset = postings.len();
            for p in merge_flags(&group) {
                if seen.insert(p.entry()) {
                    postings.push(p.0);
                }
            }
            map.insert(key.as_bytes(), pack_value(offset, postings.len() - offset))
                .map_err(|e| Error::Format(e.to_string()))?;
            i = j;
        }
        let fst_bytes = map.into_inner().map_err(|e| Error::Format(e.to_string()))?;
        let mut admin_codes: Vec<(Box<str>, u32)> = self
            .admin_codes
            .into_iter()
            .map(|(c, i)| (c.into_boxed_str(), i))
            .collect();
        admin_codes.sort();
        let tables = Tables {
            entries: self.entries,
            countries: self.countries,
            admin_codes,
            postings,
        };
        let table_bytes =
            postcard::to_allocvec(&tables).map_err(|e| Error::Format(e.to_string()))?;
        let mut out = Vec::with_capacity(16 + table_bytes.len() + fst_bytes.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        let table_len = u32::try_from(table_bytes.len())
            .map_err(|_| Error::Format("gazetteer tables over 4 GiB".into()))?;
        out.extend_from_slice(&table_len.to_le_bytes());
        out.extend_from_slice(&table_bytes);
        out.extend_from_slice(&fst_bytes);
        Ok(out)
    }
}

/// For each entry in a key's group keep one posting: primary if any was primary, demonym or
/// bare only if every posting of the entry was.
fn merge_flags(group: &[Posting]) -> Vec<Posting> {
    let mut out: Vec<Posting> = Vec::with_capacity(group.len());
    for p in group {
        if let Some(q) = out.iter_mut().find(|q| q.entry() == p.entry()) {
            *q = Posting::new(
                q.entry(),
                q.is_primary() || p.is_primary(),
                q.is_demonym() && p.is_demonym(),
                q.is_bare() && p.is_bare(),
            );
        } else {
            out.push(*p);
        }
    }
    out
}

enum RowOutcome {
    Added,
    Merged,
    Skipped,
}

/// Feature classes that can be where a conflict event happens or what news names: populated
/// places, administrative areas, regions, sites (bases, crossings, dams), terrain and water.
fn keep_feature(fclass: &str, fcode: &str) -> bool {
    match fclass {
        "P" | "A" | "L" | "S" | "T" | "H" | "" => {
            !matches!(fcode, "PPLQ" | "PPLH" | "PPLW" | "PPLCH" | "ADMD")
        }
        _ => false,
    }
}

/// Names worth a key in English text: Latin script, not a code or a number, not too long.
pub fn usable_name(name: &str) -> bool {
    let n = name.trim();
    if n.len() < 2
        || n.len() > 60
        || n.chars()
            .all(|c| c.is_ascii_digit() || !c.is_alphanumeric())
    {
        return false;
    }
    let mut folded = String::new();
    fold_into(n, &mut folded);
    !folded.is_empty()
        && folded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b' ')
}

/// Airport and other short codes among GeoNames alternate names ("OSM", "TQD").
fn is_code(name: &str) -> bool {
    let n = name.trim();
    n.len() <= 4
        && n.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn clamp_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// A TSV table with a header line; `#` lines are comments.
struct Table<'a> {
    what: &'a str,
    header: Vec<&'a str>,
    lines: Vec<(usize, &'a str)>,
}

struct Row<'t, 'a> {
    table: &'t Table<'a>,
    line: usize,
    cols: Vec<&'a str>,
}

impl<'a> Table<'a> {
    fn parse(what: &'a str, text: &'a str) -> Result<Self, Error> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
        let header = lines
            .next()
            .map(|(_, h)| h.split('\t').collect())
            .ok_or_else(|| Error::Format(format!("{what}: no header line")))?;
        Ok(Self {
            what,
            header,
            lines: lines.collect(),
        })
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_, 'a>> {
        self.lines.iter().map(move |&(line, l)| Row {
            table: self,
            line,
            cols: l.split('\t').collect(),
        })
    }
}

impl<'a> Row<'_, 'a> {
    fn col(&self, i: usize) -> &'a str {
        self.cols.get(i).map(|s| s.trim()).unwrap_or("")
    }

    fn get(&self, name: &str) -> Result<&'a str, Error> {
        let i = self
            .table
            .header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| Error::Row {
                file: self.table.what.into(),
                line: self.line,
                reason: format!("no column {name:?}"),
            })?;
        Ok(self.col(i))
    }

    fn parse_or<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, Error> {
        let v = self.get(name)?;
        if v.is_empty() {
            return Ok(default);
        }
        v.parse().map_err(|_| Error::Row {
            file: self.table.what.into(),
            line: self.line,
            reason: format!("bad {name} {v:?}"),
        })
    }
}
