//! The whole pipeline as one immutable value: built once from the bundled data, then
//! shared by `&self` across documents and threads.

use sitrep_gazetteer::Gazetteer;
use sitrep_model::{Document, Span, Toponym};

use crate::actors::{ActorDataError, ActorDictionary, ActorSources, CountryNames};
use crate::assemble::{Assembler, Extraction, OutletCountries};
use crate::classify::{EventClassifier, LinearModel};
use crate::dates::DateReader;
use crate::geocode::{Geocoder, Lexicon, ResolveConfig};
use crate::sentences;
use crate::triggers::{TriggerDataError, TriggerSet};

/// Errors in the bundled or user-supplied dictionaries.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("actor dictionary: {0}")]
    Actors(#[from] ActorDataError),
    #[error(transparent)]
    Triggers(#[from] TriggerDataError),
    #[error("event classifier: {0}")]
    Classifier(String),
}

/// The texts of the dictionaries the pipeline is built from.
#[derive(Debug, Clone, Copy)]
pub struct PipelineSources<'a> {
    pub actors: ActorSources<'a>,
    pub triggers: &'a str,
    /// `data/gazetteer/demonyms.tsv`: `key<TAB>demonym` (rows keyed by ISO2 are countries).
    pub demonyms: &'a str,
    /// The event classifier's weight tables (event type, sub-event type), when bundled.
    pub classifier: Option<(&'a str, &'a str)>,
    /// The PLOVER classifier's weight table, when bundled.
    pub plover: Option<&'a str>,
}

/// Every stage's compiled data.
#[derive(Debug)]
pub struct Pipeline {
    pub gazetteer: Gazetteer,
    pub lexicon: Lexicon,
    pub actors: ActorDictionary,
    pub triggers: TriggerSet,
    pub dates: DateReader,
    pub classifier: Option<EventClassifier>,
    pub plover: Option<LinearModel>,
    /// Weights of toponym resolution (defaults are the tuned values).
    pub resolve: ResolveConfig,
    /// The outlets' countries read so far (a memo: extraction's output is the same without).
    outlets: OutletCountries,
}

impl Pipeline {
    pub fn new(
        gazetteer: Gazetteer,
        lexicon: Lexicon,
        src: PipelineSources<'_>,
    ) -> Result<Self, PipelineError> {
        let countries = country_names(&gazetteer, src.demonyms);
        Ok(Self {
            actors: ActorDictionary::new(src.actors, &countries)?,
            triggers: TriggerSet::parse(src.triggers)?,
            dates: DateReader::new(),
            classifier: match src.classifier {
                Some((types, subs)) => Some(EventClassifier::new(
                    LinearModel::from_tsv(types).map_err(PipelineError::Classifier)?,
                    LinearModel::from_tsv(subs).map_err(PipelineError::Classifier)?,
                )),
                None => None,
            },
            plover: match src.plover {
                Some(t) => Some(LinearModel::from_tsv(t).map_err(PipelineError::Classifier)?),
                None => None,
            },
            resolve: ResolveConfig::default(),
            outlets: OutletCountries::default(),
            gazetteer,
            lexicon,
        })
    }

    pub fn geocoder(&self) -> Geocoder<'_> {
        Geocoder {
            config: self.resolve,
            ..Geocoder::new(&self.gazetteer, &self.lexicon)
        }
    }

    fn assembler(&self) -> Assembler<'_> {
        Assembler {
            geocoder: self.geocoder(),
            actors: &self.actors,
            triggers: &self.triggers,
            dates: &self.dates,
            classifier: self.classifier.as_ref(),
            plover: self.plover.as_ref(),
            outlets: &self.outlets,
        }
    }

    /// Events and control statements of one document.
    pub fn extract(&self, doc: &Document) -> Extraction {
        self.assembler().extract(doc)
    }

    /// Toponyms of one document: recognised, or the given spans when `given` is set.
    pub fn toponyms(&self, doc: &Document, given: bool) -> Vec<Toponym> {
        let sents = sentences::split(&doc.text, Span::new(0, doc.text.len()));
        let g = self.geocoder();
        let mentions = match (&doc.given_toponyms, given) {
            (Some(spans), true) => g.given(doc, &sents, spans),
            (None, true) => Vec::new(),
            _ => g.mentions(doc, &sents),
        };
        g.toponyms(doc, &mentions)
    }
}

/// Country names from the gazetteer and country demonyms from the demonym table.
fn country_names(g: &Gazetteer, demonyms_tsv: &str) -> CountryNames {
    let names = g
        .countries()
        .iter()
        .map(|c| (c.iso2.to_string(), c.name.to_string()))
        .collect();
    let demonyms = demonyms_tsv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .filter(|(k, _)| k.len() == 2 && g.country_by_iso2(k).is_some())
        .map(|(k, d)| (d.trim().to_string(), k.to_string()))
        .collect();
    CountryNames { names, demonyms }
}
