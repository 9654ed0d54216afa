//! A whole `Pipeline` without the binary's build script: the bundled dictionaries, and a
//! gazetteer compiled in-process from the country and province tables plus a few towns.

use sitrep_gazetteer::{Builder, Gazetteer};
use sitrep_pipeline::actors::ActorSources;
use sitrep_pipeline::geocode::{Lexicon, LexiconSources};
use sitrep_pipeline::{Pipeline, PipelineSources};

macro_rules! data {
    ($path:literal) => {
        include_str!(concat!("../../../data/", $path))
    };
}

/// GeoNames rows (19 columns) for the towns the hostile corpus names.
const TOWNS: &str = "\
99072\tMosul\tMosul\tAl Mawsil,Mossul\t36.335\t43.11889\tP\tPPLA\tIQ\t\t15\t\t\t\t1739800\t\t223\tAsia/Baghdad\t2020-01-01
97593\tQaim\tQaim\tAl Qa'im,Al-Qaim\t34.37\t41.09\tP\tPPL\tIQ\t\t01\t\t\t\t74100\t\t150\tAsia/Baghdad\t2020-01-01
163915\tRaqqa\tRaqqa\tAr Raqqah,Rakka\t35.95\t39.01\tP\tPPLA\tSY\t\t04\t\t\t\t177636\t\t250\tAsia/Damascus\t2020-01-01
98182\tBaghdad\tBaghdad\tBagdad\t33.34\t44.40\tP\tPPLC\tIQ\t\t07\t\t\t\t5672513\t\t40\tAsia/Baghdad\t2020-01-01
98530\tFallujah\tFallujah\tFalluja\t33.35\t43.78\tP\tPPL\tIQ\t\t01\t\t\t\t190159\t\t45\tAsia/Baghdad\t2020-01-01
";

pub fn gazetteer() -> Gazetteer {
    let mut b = Builder::new();
    b.add_countries(data!("gazetteer/countries.tsv"))
        .expect("countries");
    b.add_country_aliases(data!("gazetteer/country_aliases.tsv"))
        .expect("aliases");
    b.add_admin(data!("gazetteer/admin1.tsv"), 1)
        .expect("admin1");
    b.add_admin_aliases(data!("gazetteer/admin1_aliases.tsv"))
        .expect("admin1 aliases");
    b.add_geonames(
        "supplement.tsv",
        data!("gazetteer/supplement.tsv").as_bytes(),
    )
    .expect("supplement");
    b.add_geonames("towns", TOWNS.as_bytes()).expect("towns");
    b.add_demonyms(data!("gazetteer/demonyms.tsv"))
        .expect("demonyms");
    Gazetteer::from_bytes(&b.finish().expect("compiles")).expect("loads")
}

pub fn pipeline() -> Pipeline {
    let lexicon = Lexicon::new(LexiconSources {
        common_words: data!("lexicon/common_words.txt"),
        person_titles: data!("lexicon/person_titles.txt"),
        org_heads: data!("lexicon/org_heads.txt"),
        place_heads: data!("lexicon/place_heads.txt"),
        media: data!("lexicon/media.txt"),
        not_places: data!("lexicon/not_places.txt"),
        first_names: data!("lexicon/first_names.txt"),
    });
    let sources = PipelineSources {
        actors: ActorSources {
            state_forces: data!("actors/state_forces.tsv"),
            groups: data!("actors/groups.tsv"),
            generic: data!("actors/generic.tsv"),
            state_aliases: data!("actors/state_aliases.tsv"),
            ethnic_groups: data!("actors/ethnic_groups.tsv"),
        },
        triggers: data!("triggers/triggers.tsv"),
        demonyms: data!("gazetteer/demonyms.tsv"),
        classifier: None,
        plover: None,
    };
    Pipeline::new(gazetteer(), lexicon, sources).expect("bundled dictionaries are valid")
}
