//! The compiled gazetteer: a table of entries and an FST from name skeletons to them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use fst::raw::Fst;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::normalize::skeleton_into;

/// File signature of a compiled gazetteer, followed by the format version.
pub(crate) const MAGIC: &[u8; 8] = b"SITREPGZ";
pub(crate) const VERSION: u32 = 1;

/// Index value meaning "none" in the `u32` entry references.
pub const NONE: u32 = u32::MAX;

/// What kind of thing an entry is; drives priors and geo-precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EntryKind {
    /// A populated place or a site (village, town, crossing, dam, base).
    Place,
    /// First-order administrative division (province, state, governorate).
    Admin1,
    /// Second-order administrative division (district, county).
    Admin2,
    /// A country.
    Country,
    /// A continent or a named region spanning several units (Middle East, Sahel).
    Region,
}

/// One gazetteer entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// GeoNames id (synthetic ids above 90,000,000 for curated entries without one).
    pub geonameid: u32,
    pub name: Box<str>,
    pub kind: EntryKind,
    /// GeoNames feature code, e.g. `PPLA`, `ADM1`, `PCLI`.
    pub feature_code: Box<str>,
    pub lat: f32,
    pub lon: f32,
    /// Index into [`Gazetteer::countries`], or `u16::MAX`.
    pub country: u16,
    /// Entry index of the admin-1 area containing this entry (itself for an admin-1), or [`NONE`].
    pub admin1: u32,
    /// Entry index of the admin-2 area, or [`NONE`].
    pub admin2: u32,
    pub population: u32,
}

/// A country and what resolution needs to know about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Country {
    pub iso2: Box<str>,
    pub iso3: Box<str>,
    pub name: Box<str>,
    pub continent: Box<str>,
    /// ISO2 codes of land neighbours.
    pub neighbours: Vec<Box<str>>,
    /// Entry index of the country's own entry.
    pub entry: u32,
}

/// How a name key points at an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Posting(pub u32);

impl Posting {
    const PRIMARY: u32 = 1 << 31;
    const DEMONYM: u32 = 1 << 30;
    const BARE: u32 = 1 << 29;
    const INDEX: u32 = (1 << 29) - 1;

    pub(crate) fn new(entry: u32, primary: bool, demonym: bool, bare: bool) -> Self {
        let mut v = entry & Self::INDEX;
        if primary {
            v |= Self::PRIMARY;
        }
        if demonym {
            v |= Self::DEMONYM;
        }
        if bare {
            v |= Self::BARE;
        }
        Posting(v)
    }

    /// The entry this posting points at.
    pub fn entry(self) -> u32 {
        self.0 & Self::INDEX
    }

    /// The key came from the entry's main name (not an alternate name).
    pub fn is_primary(self) -> bool {
        self.0 & Self::PRIMARY != 0
    }

    /// The key is a demonym or adjective of a country ("Syrian"); the entry is the country.
    pub fn is_demonym(self) -> bool {
        self.0 & Self::DEMONYM != 0
    }

    /// The key is an administrative name without its generic word ("Harris" for "Harris County").
    pub fn is_bare(self) -> bool {
        self.0 & Self::BARE != 0
    }
}

/// The serialised body (everything but the FST, which is stored raw after it).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Tables {
    pub entries: Vec<Entry>,
    pub countries: Vec<Country>,
    /// Admin codes (`IQ.01`, `US.TX.201`) and the entry they name, sorted by code.
    pub admin_codes: Vec<(Box<str>, u32)>,
    pub postings: Vec<u32>,
}

/// The gazetteer: immutable once loaded, shared by `&self`.
pub struct Gazetteer {
    entries: Vec<Entry>,
    countries: Vec<Country>,
    admin_codes: Vec<(Box<str>, u32)>,
    postings: Vec<u32>,
    fst: Fst<Vec<u8>>,
    by_iso2: HashMap<Box<str>, u16>,
    by_geonameid: HashMap<u32, u32>,
    /// See [`Gazetteer::id`].
    id: u64,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("entries", &self.entries.len())
            .field("countries", &self.countries.len())
            .field("keys", &self.fst.len())
            .finish()
    }
}

impl Gazetteer {
    /// Loads a gazetteer compiled by [`crate::Builder::finish`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let body = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| Error::Format("not a sitrep gazetteer (bad signature)".into()))?;
        let (version, body) = split_u32(body)?;
        if version != VERSION {
            return Err(Error::Format(format!(
                "gazetteer format {version}, this sitrep reads {VERSION}"
            )));
        }
        let (table_len, body) = split_u32(body)?;
        let table_len = table_len as usize;
        if body.len() < table_len {
            return Err(Error::Format("truncated gazetteer".into()));
        }
        let (table_bytes, fst_bytes) = body.split_at(table_len);
        let tables: Tables =
            postcard::from_bytes(table_bytes).map_err(|e| Error::Format(e.to_string()))?;
        let fst = Fst::new(fst_bytes.to_vec()).map_err(|e| Error::Format(e.to_string()))?;
        Ok(Self::from_parts(tables, fst))
    }

    pub(crate) fn from_parts(tables: Tables, fst: Fst<Vec<u8>>) -> Self {
        let by_iso2 = tables
            .countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.iso2.clone(), i as u16))
            .collect();
        let by_geonameid = tables
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.geonameid, i as u32))
            .collect();
        Self {
            entries: tables.entries,
            countries: tables.countries,
            admin_codes: tables.admin_codes,
            postings: tables.postings,
            fst,
            by_iso2,
            by_geonameid,
            id: next_id(),
        }
    }

    /// A number no other gazetteer loaded by this process has: callers that remember
    /// lookups across documents key their memos by it.
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, index: u32) -> &Entry {
        &self.entries[index as usize]
    }

    /// The entry with a GeoNames id.
    pub fn by_geonameid(&self, geonameid: u32) -> Option<u32> {
        self.by_geonameid.get(&geonameid).copied()
    }

    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// The country of an entry.
    pub fn country_of(&self, entry: &Entry) -> Option<&Country> {
        self.countries.get(entry.country as usize)
    }

    /// A country by ISO 3166-1 alpha-2 code.
    pub fn country_by_iso2(&self, iso2: &str) -> Option<(u16, &Country)> {
        let i = *self.by_iso2.get(iso2)?;
        Some((i, &self.countries[i as usize]))
    }

    /// The admin-1 entry of an entry (the entry itself for an admin-1 area).
    pub fn admin1_of(&self, entry: &Entry) -> Option<&Entry> {
        (entry.admin1 != NONE).then(|| self.entry(entry.admin1))
    }

    /// The admin-2 entry of an entry.
    pub fn admin2_of(&self, entry: &Entry) -> Option<&Entry> {
        (entry.admin2 != NONE).then(|| self.entry(entry.admin2))
    }

    /// An administrative area by GeoNames-style code (`IQ.01`, `US.TX.201`).
    pub fn admin_by_code(&self, code: &str) -> Option<u32> {
        self.admin_codes
            .binary_search_by(|(c, _)| c.as_ref().cmp(code))
            .ok()
            .map(|i| self.admin_codes[i].1)
    }

    /// Every administrative code and its entry.
    pub fn admin_code_pairs(&self) -> impl Iterator<Item = (&str, u32)> {
        self.admin_codes.iter().map(|(c, i)| (c.as_ref(), *i))
    }

    /// Number of distinct name keys.
    pub fn key_count(&self) -> usize {
        self.fst.len()
    }

    /// Every key, in order (for building the bare scan automaton in benchmarks).
    pub fn keys(&self) -> Vec<String> {
        use fst::Streamer;
        let mut out = Vec::with_capacity(self.fst.len());
        let mut stream = self.fst.stream();
        while let Some((k, _)) = stream.next() {
            out.push(String::from_utf8_lossy(k).into_owned());
        }
        out
    }

    /// Postings of an exact skeleton key.
    pub fn lookup_key(&self, key: &str) -> Vec<Posting> {
        match self.fst.get(key.as_bytes()) {
            Some(out) => self.postings_of(out.value()),
            None => Vec::new(),
        }
    }

    /// Postings of a surface form (normalised here).
    pub fn lookup(&self, surface: &str) -> Vec<Posting> {
        let mut folded = String::new();
        let mut key = String::new();
        skeleton_into(surface, &mut folded, &mut key);
        self.lookup_key(&key)
    }

    /// Whether some key starts with `prefix` (lets recognition stop extending a span early).
    pub fn has_prefix(&self, prefix: &str) -> bool {
        let mut node = self.fst.root();
        for &b in prefix.as_bytes() {
            match node.find_input(b) {
                Some(i) => node = self.fst.node(node.transition(i).addr),
                None => return false,
            }
        }
        true
    }

    fn postings_of(&self, value: u64) -> Vec<Posting> {
        let (offset, len) = unpack_value(value);
        self.postings
            .get(offset..offset + len)
            .unwrap_or(&[])
            .iter()
            .map(|&p| Posting(p))
            .collect()
    }
}

/// The next [`Gazetteer::id`].
fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

pub(crate) fn pack_value(offset: usize, len: usize) -> u64 {
    ((offset as u64) << 20) | (len.min((1 << 20) - 1) as u64)
}

fn unpack_value(v: u64) -> (usize, usize) {
    ((v >> 20) as usize, (v & ((1 << 20) - 1)) as usize)
}

fn split_u32(b: &[u8]) -> Result<(u32, &[u8]), Error> {
    if b.len() < 4 {
        return Err(Error::Format("truncated gazetteer header".into()));
    }
    let (head, rest) = b.split_at(4);
    let mut arr = [0u8; 4];
    arr.copy_from_slice(head);
    Ok((u32::from_le_bytes(arr), rest))
}
