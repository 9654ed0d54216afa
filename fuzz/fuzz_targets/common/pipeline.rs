//! A whole `Pipeline` without the binary's build script: the bundled dictionaries, and a
//! gazetteer compiled in-process from the country and province tables plus a few towns.

use sitrep_gazetteer::Gazetteer;
use sitrep_pipeline::{Pipeline, bundled};

/// GeoNames rows (19 columns) for the towns the hostile corpus names.
const TOWNS: &str = "\
99072\tMosul\tMosul\tAl Mawsil,Mossul\t36.335\t43.11889\tP\tPPLA\tIQ\t\t15\t\t\t\t1739800\t\t223\tAsia/Baghdad\t2020-01-01
97593\tQaim\tQaim\tAl Qa'im,Al-Qaim\t34.37\t41.09\tP\tPPL\tIQ\t\t01\t\t\t\t74100\t\t150\tAsia/Baghdad\t2020-01-01
163915\tRaqqa\tRaqqa\tAr Raqqah,Rakka\t35.95\t39.01\tP\tPPLA\tSY\t\t04\t\t\t\t177636\t\t250\tAsia/Damascus\t2020-01-01
98182\tBaghdad\tBaghdad\tBagdad\t33.34\t44.40\tP\tPPLC\tIQ\t\t07\t\t\t\t5672513\t\t40\tAsia/Baghdad\t2020-01-01
98530\tFallujah\tFallujah\tFalluja\t33.35\t43.78\tP\tPPL\tIQ\t\t01\t\t\t\t190159\t\t45\tAsia/Baghdad\t2020-01-01
";

pub fn gazetteer() -> Gazetteer {
    bundled::small_gazetteer(TOWNS)
}

pub fn pipeline() -> Pipeline {
    Pipeline::new(gazetteer(), bundled::lexicon(), bundled::sources(None, None))
        .expect("bundled dictionaries are valid")
}
