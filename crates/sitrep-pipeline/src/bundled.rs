//! The dictionaries in `data/`, compiled into whatever links the pipeline: the word lists,
//! the actor and trigger tables, and a small gazetteer (countries, provinces and the curated
//! supplement, plus towns the caller names) for tests, benchmarks and fuzzing, which do not
//! run the binary's build script. The binary adds the full gazetteer and the trained models.

use sitrep_gazetteer::{Builder, Divisions, Gazetteer};

use crate::PipelineSources;
use crate::actors::ActorSources;
use crate::geocode::{Lexicon, LexiconSources};

macro_rules! data {
    ($path:literal) => {
        include_str!(concat!("../../../data/", $path))
    };
}

/// The geoparser's word lists, with the community names of the actor tables and the outlet
/// table.
pub fn lexicon() -> Lexicon {
    Lexicon::new(LexiconSources {
        common_words: data!("lexicon/common_words.txt"),
        person_titles: data!("lexicon/person_titles.txt"),
        org_heads: data!("lexicon/org_heads.txt"),
        place_heads: data!("lexicon/place_heads.txt"),
        media: data!("lexicon/media.txt"),
        not_places: data!("lexicon/not_places.txt"),
        first_names: data!("lexicon/first_names.txt"),
    })
    .with_identities(data!("actors/ethnic_groups.tsv"))
    .with_outlets(data!("lexicon/outlets.tsv"))
}

/// The actor, trigger and demonym tables, with the classifiers' weight tables if given.
pub fn sources<'a>(
    classifier: Option<(&'a str, &'a str)>,
    plover: Option<&'a str>,
) -> PipelineSources<'a> {
    PipelineSources {
        actors: ActorSources {
            state_forces: data!("actors/state_forces.tsv"),
            groups: data!("actors/groups.tsv"),
            generic: data!("actors/generic.tsv"),
            state_aliases: data!("actors/state_aliases.tsv"),
            ethnic_groups: data!("actors/ethnic_groups.tsv"),
        },
        triggers: data!("triggers/triggers.tsv"),
        demonyms: data!("gazetteer/demonyms.tsv"),
        classifier,
        plover,
    }
}

/// The bundled country and division tables; `admin2` is the districts table, which small
/// gazetteers leave out.
pub fn divisions(admin2: Option<&'static str>) -> Divisions<'static> {
    Divisions {
        countries: data!("gazetteer/countries.tsv"),
        country_aliases: data!("gazetteer/country_aliases.tsv"),
        admin1: data!("gazetteer/admin1.tsv"),
        admin2,
        admin1_aliases: data!("gazetteer/admin1_aliases.tsv"),
    }
}

/// Countries, provinces, their aliases, the curated supplement and demonyms, plus `towns`
/// (GeoNames rows, 19 tab-separated columns).
///
/// # Panics
/// When the bundled tables or `towns` do not parse: they are the caller's fixed data.
pub fn small_gazetteer(towns: &str) -> Gazetteer {
    let mut b = Builder::new();
    b.add_divisions(&divisions(None)).expect("divisions");
    b.add_geonames(
        "supplement.tsv",
        data!("gazetteer/supplement.tsv").as_bytes(),
    )
    .expect("supplement");
    b.add_geonames("towns", towns.as_bytes()).expect("towns");
    b.add_demonyms(data!("gazetteer/demonyms.tsv"))
        .expect("demonyms");
    Gazetteer::from_bytes(&b.finish().expect("compiles")).expect("loads")
}
