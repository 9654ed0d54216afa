//! Compiles the bundled gazetteer tables in `data/gazetteer/` into one index that the binary
//! embeds, so sitrep needs no data files at run time and loads its gazetteer in milliseconds.

use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use sitrep_gazetteer::{Builder, Divisions};

fn read(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    println!("cargo::rerun-if-changed={}", path.display());
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let data = manifest.join("../../data/gazetteer");
    let (countries, country_aliases) = (
        read(&data, "countries.tsv"),
        read(&data, "country_aliases.tsv"),
    );
    let (admin1, admin2, admin1_aliases) = (
        read(&data, "admin1.tsv"),
        read(&data, "admin2.tsv"),
        read(&data, "admin1_aliases.tsv"),
    );
    let mut b = Builder::new();
    b.add_divisions(&Divisions {
        countries: &countries,
        country_aliases: &country_aliases,
        admin1: &admin1,
        admin2: Some(&admin2),
        admin1_aliases: &admin1_aliases,
    })
    .expect("country and division tables");
    let places = data.join("places.tsv.gz");
    println!("cargo::rerun-if-changed={}", places.display());
    let file =
        fs::File::open(&places).unwrap_or_else(|e| panic!("reading {}: {e}", places.display()));
    b.add_geonames(
        "places.tsv.gz",
        BufReader::new(flate2::read::GzDecoder::new(file)),
    )
    .expect("places.tsv.gz");
    b.add_geonames("supplement.tsv", read(&data, "supplement.tsv").as_bytes())
        .expect("supplement.tsv");
    b.add_demonyms(&read(&data, "demonyms.tsv"))
        .expect("demonyms.tsv");
    let bytes = b.finish().expect("compiling the gazetteer");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("gazetteer.bin");
    fs::write(&out, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}
