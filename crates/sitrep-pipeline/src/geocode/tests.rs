//! Table tests of the recognition rules and of resolution, on a small gazetteer built here
//! from the bundled country and province tables plus towns chosen to set traps: places named
//! like common words ("Of", "Mobile"), people ("Bailey", "Obama"), adjectives ("Sunni") and
//! months ("June"), and names shared across countries ("Paris", "Jordan").

use sitrep_gazetteer::Gazetteer;
use sitrep_model::{Document, Span};

use super::{Geocoder, Lexicon, MentionRole, PlaceMention};

/// GeoNames rows (19 columns): real places whose names collide with words and people.
const TOWNS: &str = "\
99072\tMosul\tMosul\tAl Mawsil,Mossul\t36.335\t43.119\tP\tPPLA\tIQ\t\t15\t\t\t\t1739800\t\t\t\t
92138\tAl Qa'im\tAl Qa'im\tQaim,Al-Qaim,Husaybah\t34.392\t40.989\tP\tPPLA2\tIQ\t\t01\t\t\t\t74100\t\t\t\t
92004\tRawah\tRawah\tRawa\t34.482\t41.919\tP\tPPLA2\tIQ\t\t01\t\t\t\t13000\t\t\t\t
98717\tRamadi\tRamadi\tAr Ramadi\t33.421\t43.308\tP\tPPLA\tIQ\t\t01\t\t\t\t223500\t\t\t\t
98182\tBaghdad\tBaghdad\tBagdad\t33.341\t44.401\tP\tPPLC\tIQ\t\t07\t\t\t\t5672513\t\t\t\t
2988507\tParis\tParis\t\t48.853\t2.349\tP\tPPLC\tFR\t\t11\t\t\t\t2138551\t\t\t\t
4717560\tParis\tParis\t\t33.661\t-95.556\tP\tPPLA2\tUS\t\tTX\t277\t\t\t24782\t\t\t\t
4646571\tParis\tParis\t\t36.302\t-88.327\tP\tPPLA2\tUS\t\tTN\t079\t\t\t10156\t\t\t\t
4076598\tMobile\tMobile\t\t30.694\t-88.043\tP\tPPLA2\tUS\t\tAL\t\t\t\t190432\t\t\t\t
740430\tOf\tOf\t\t40.944\t40.267\tP\tPPLA2\tTR\t\t61\t\t\t\t16000\t\t\t\t
1854487\tObama\tObama\t\t35.5\t135.75\tP\tPPLA2\tJP\t\t32\t\t\t\t31000\t\t\t\t
5418104\tBailey\tBailey\t\t39.405\t-105.474\tP\tPPL\tUS\t\tCO\t\t\t\t9000\t\t\t\t
3166720\tSuni\tSuni\tSunni\t40.28\t8.55\tP\tPPLA3\tIT\t\t14\t\t\t\t1100\t\t\t\t
2970797\tUnieux\tUnieux\tJune\t45.40\t4.27\tP\tPPL\tFR\t\t84\t\t\t\t8800\t\t\t\t
1710116\tJordan\tJordan\t\t10.658\t122.596\tP\tPPLA3\tPH\t\t06\t\t\t\t8255\t\t\t\t
5521781\tCanadian\tCanadian\t\t35.913\t-100.382\tP\tPPLA2\tUS\t\tTX\t\t\t\t2649\t\t\t\t
1135689\tKunduz\tKunduz\tKonduz\t36.729\t68.857\tP\tPPLA\tAF\t\t24\t\t\t\t161902\t\t\t\t
751818\tArtova\tArtova\tKunduz\t40.116\t36.300\tP\tPPLA2\tTR\t\t60\t\t\t\t6231\t\t\t\t
4885995\tBureau\tBureau\t\t41.368\t-89.389\tP\tPPL\tUS\t\tIL\t\t\t\t3000\t\t\t\t
320635\tBozhuyuk\tBozhuyuk\tTaliban\t37.981\t41.413\tP\tPPL\tTR\t\t74\t\t\t\t1140\t\t\t\t
5128581\tNew York City\tNew York City\tNew York,NYC\t40.714\t-74.006\tP\tPPL\tUS\t\tNY\t\t\t\t8804190\t\t\t\t
6086871\tNelson\tNelson\t\t49.500\t-117.286\tP\tPPL\tCA\t\t02\t\t\t\t10230\t\t\t\t
4347242\tAberdeen\tAberdeen\t\t39.510\t-76.164\tP\tPPL\tUS\t\tMD\t\t\t\t16000\t\t\t\t
";

fn gazetteer() -> Gazetteer {
    crate::bundled::small_gazetteer(TOWNS)
}

fn lexicon() -> Lexicon {
    crate::bundled::lexicon()
}

fn document(text: &str) -> Document {
    Document {
        id: "t".into(),
        text: text.into(),
        ..Document::default()
    }
}

/// Mentions as "surface → place, country".
fn render(g: &Gazetteer, text: &str, mentions: &[PlaceMention]) -> Vec<String> {
    mentions
        .iter()
        .map(|m| {
            let e = m.resolved.map(|r| g.entry(r.entry));
            let cc = e.and_then(|e| g.country_of(e)).map_or("-", |c| &c.iso2);
            format!(
                "{} → {}, {cc}",
                m.span.slice(text),
                e.map_or("?", |e| &e.name)
            )
        })
        .collect()
}

/// Recognised place mentions (not demonyms).
fn places(text: &str) -> Vec<String> {
    places_in(&gazetteer(), text)
}

/// [`places`] with another gazetteer.
fn places_in(g: &Gazetteer, text: &str) -> Vec<String> {
    let l = lexicon();
    let geo = Geocoder::new(g, &l);
    let sents = crate::sentences::split(text, Span::new(0, text.len()));
    let mut mentions = geo.mentions(&document(text), &sents);
    mentions.retain(|m| m.role == MentionRole::Place);
    render(g, text, &mentions)
}

#[test]
fn false_hits_are_rejected() {
    let cases: &[(&str, &[&str])] = &[
        // A common word capitalised by the sentence start is no place; after "in" it is.
        (
            "Mobile phones were cut. Fighting spread in Mobile.",
            &["Mobile → Mobile, US"],
        ),
        (
            "Of the 1.6 million people of Mosul, half fled.",
            &["Mosul → Mosul, IQ"],
        ),
        // A currency names no place.
        (
            "Traders in Baghdad protested the rising US dollar rate.",
            &["Baghdad → Baghdad, IQ"],
        ),
        // People: a given name before, a title before.
        (
            "Shawn Bailey wrote from Baghdad.",
            &["Baghdad → Baghdad, IQ"],
        ),
        (
            "President Obama spoke about Ramadi.",
            &["Ramadi → Ramadi, IQ"],
        ),
        // Alone later, a surname the story gave a person is still the person, unless the
        // sentence puts it somewhere ("into Jordan") or it names a country.
        (
            "Shawn Bailey wrote from Baghdad. Bailey said Obama called. Mr. Obama left.",
            &["Baghdad → Baghdad, IQ"],
        ),
        (
            "Michael Jordan spoke. Refugees crossed into Jordan.",
            &["Jordan → Jordan, JO"],
        ),
        // Adjectives and months that GeoNames lists as alternate names.
        (
            "In June the Sunni tribes met in Ramadi.",
            &["Ramadi → Ramadi, IQ"],
        ),
        // Media and organisations.
        (
            "Al Jazeera reported clashes in Mosul.",
            &["Mosul → Mosul, IQ"],
        ),
        (
            "Al Arabiya reported clashes in Mosul.",
            &["Mosul → Mosul, IQ"],
        ),
        (
            "Al-Mayadeen said fighters entered Raqqa.",
            &["Raqqa → Raqqa, SY"],
        ),
        // A media name that begins with a place name.
        (
            "USA Today reported a shooting in Baghdad.",
            &["Baghdad → Baghdad, IQ"],
        ),
        // An organisation's head word is no place alone ("Bureau" is also an Illinois county).
        ("The Central Bureau of Investigation filed its report.", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(places(text), *want, "{text:?}");
    }
}

#[test]
fn context_picks_the_reading() {
    let cases: &[(&str, &[&str])] = &[
        // A country name beats a small town of the same name; "X, Y" picks the town in Y.
        (
            "Refugees crossed into Jordan from Syria.",
            &["Jordan → Jordan, JO", "Syria → Syria, SY"],
        ),
        (
            "The storm reached Paris, Texas, at noon.",
            &["Paris → Paris, US", "Texas → Texas, US"],
        ),
        (
            "Talks in Paris, France, ended.",
            &["Paris → Paris, FR", "France → France, FR"],
        ),
        // A name repeated is one piece of evidence: it does not outvote the state beside it.
        (
            "A man from Paris was held in Paris. Paris police and Paris officers said the \
             court in Texas will hear it.",
            &[
                "Paris → Paris, US",
                "Paris → Paris, US",
                "Paris → Paris, US",
                "Paris → Paris, US",
                "Texas → Texas, US",
            ],
        ),
        // Transliterations and articles.
        (
            "Fighters left Al-Qaim for Rawa.",
            &["Al-Qaim → Al Qa'im, IQ", "Rawa → Rawah, IQ"],
        ),
        // A curated place of its own beats an alternate name of a bigger town.
        ("They held Husaybah.", &["Husaybah → Husaybah, IQ"]),
    ];
    for (text, want) in cases {
        assert_eq!(places(text), *want, "{text:?}");
    }
}

#[test]
fn head_words_give_the_level() {
    let (g, l) = (gazetteer(), lexicon());
    let geo = Geocoder::new(&g, &l);
    let text = "Clashes spread across Anbar province and Ninawa.";
    let doc = document(text);
    let sents = crate::sentences::split(text, Span::new(0, text.len()));
    let got: Vec<(String, Option<u8>, String)> = geo
        .mentions(&doc, &sents)
        .iter()
        .map(|m| {
            let e = m.resolved.map(|r| g.entry(r.entry));
            (
                m.full_span.slice(text).to_string(),
                m.level_hint,
                e.map_or("?".into(), |e| e.feature_code.to_string()),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("Anbar province".into(), Some(1), "ADM1".into()),
            ("Ninawa".into(), None, "ADM1".into())
        ]
    );
}

/// Caller-given spans (resolution-only geocoding), resolved.
fn given(text: &str, spans: &[&str]) -> Vec<String> {
    let (g, l) = (gazetteer(), lexicon());
    let geo = Geocoder::new(&g, &l);
    let spans: Vec<Span> = spans
        .iter()
        .map(|s| {
            let start = text.find(s).expect("span in text");
            Span::new(start, start + s.len())
        })
        .collect();
    let sents = crate::sentences::split(text, Span::new(0, text.len()));
    render(&g, text, &geo.given(&document(text), &sents, &spans))
}

#[test]
fn given_spans_are_resolved_in_context() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        // A demonym given as a toponym is its country, not a town of that name.
        (
            "Canadian buyers pushed prices up in Paris, Texas.",
            &["Canadian"],
            &["Canadian → Canada, CA"],
        ),
        // A fragment of a longer name stands only where the story is: a street named after
        // Paris in a Ramadi story is in Ramadi; a mosque named after Rawah in Anbar is in Rawah.
        (
            "Fighting reached the Paris Street market in Ramadi.",
            &["Paris Street market"],
            &["Paris Street market → Ramadi, IQ"],
        ),
        (
            "Gunmen near Ramadi attacked the Rawah Grand Mosque.",
            &["Rawah Grand Mosque"],
            &["Rawah Grand Mosque → Rawah, IQ"],
        ),
        // A country inside an organisation's name stands wherever the story is; so does its
        // short form ("US") or its adjective ("European").
        (
            "Traders in Aberdeen, Maryland, watched the Bank of Japan, the US Federal Reserve \
             and the European Central Bank.",
            &[
                "Bank of Japan",
                "US Federal Reserve",
                "European Central Bank",
            ],
            &[
                "Bank of Japan → Japan, JP",
                "US Federal Reserve → United States, US",
                "European Central Bank → Europe, -",
            ],
        ),
        // A country's adjective inside a name is not the country: the French Quarter is in
        // the story's town. A country's official long form is that country.
        (
            "Brass bands played in the French Quarter of Mobile, Alabama.",
            &["French Quarter", "Mobile"],
            &["French Quarter → Mobile, US", "Mobile → Mobile, US"],
        ),
        (
            "Envoys of the Democratic People's Republic of Korea met in Geneva. Miners in SA \
             went on strike.",
            &["Democratic People's Republic of Korea", "SA"],
            &[
                "Democratic People's Republic of Korea → North Korea, KP",
                "SA → South Africa, ZA",
            ],
        ),
        // A bare "New York" is the city; the press abbreviations of provinces are read.
        (
            "She moved from New York to Nelson, BC, last year.",
            &["New York", "BC"],
            &["New York → New York City, US", "BC → British Columbia, CA"],
        ),
        // Context is read with the recognition rules: "Taliban" (a Turkish village's alternate
        // name) does not pull "Kunduz" to a Turkish town of that alternate name.
        (
            "Taliban militants shot a man in Kunduz city.",
            &["Kunduz"],
            &["Kunduz → Kunduz, AF"],
        ),
        // Streets named together are streets of the story's town, not towns of their names.
        (
            "Police in Mobile closed the corner of Paris and Aberdeen streets on Sunday.",
            &["Mobile", "Paris", "Aberdeen"],
            &[
                "Mobile → Mobile, US",
                "Paris → Mobile, US",
                "Aberdeen → Mobile, US",
            ],
        ),
        // A name the gazetteer lacks lies where most of the story's places agree, not in a
        // small town named twice that nothing else supports.
        (
            "Bailey was quiet on Monday, and Bailey again on Tuesday. Fighters moved from Al \
             Qa'im to Rawah and on to Ramadi. The Zzyzx Market burned overnight.",
            &[
                "Bailey",
                "Bailey",
                "Al Qa'im",
                "Rawah",
                "Ramadi",
                "Zzyzx Market",
            ],
            &[
                "Bailey → Bailey, US",
                "Bailey → Bailey, US",
                "Al Qa'im → Al Qa'im, IQ",
                "Rawah → Rawah, IQ",
                "Ramadi → Ramadi, IQ",
                "Zzyzx Market → Al Qa'im, IQ",
            ],
        ),
        // ... and a place named beside it stands in only if the story supports it or it lies
        // where the story is.
        (
            "Fighters moved from Al Qa'im to Rawah and on to Ramadi. The Zzyzx Market near \
             Aberdeen burned overnight.",
            &["Al Qa'im", "Rawah", "Ramadi", "Zzyzx Market"],
            &[
                "Al Qa'im → Al Qa'im, IQ",
                "Rawah → Rawah, IQ",
                "Ramadi → Ramadi, IQ",
                "Zzyzx Market → Al Qa'im, IQ",
            ],
        ),
        // A name the text puts in a place ("the ... Hotel in Mosul") is there, whichever place
        // is named nearer.
        (
            "Reporters from Baghdad stayed at the Zzyzx Grand Palace Hotel in Mosul.",
            &["Baghdad", "Zzyzx Grand Palace Hotel", "Mosul"],
            &[
                "Baghdad → Baghdad, IQ",
                "Zzyzx Grand Palace Hotel → Mosul, IQ",
                "Mosul → Mosul, IQ",
            ],
        ),
        // A word never a place alone names a sea with its article: "the Gulf".
        (
            "Tankers waited in the Gulf, off Qatar.",
            &["Gulf"],
            &["Gulf → Persian Gulf, -"],
        ),
    ];
    for (text, spans, want) in cases {
        assert_eq!(given(text, spans), *want, "{text:?}");
    }
}

/// Areas whose map label sits far from the point GeoNames gives them (an area crossing the
/// antimeridian; a province whose centroid lies on its mainland part) carry GeoNames' point.
#[test]
fn spread_out_provinces_sit_at_geonames_points() {
    let g = gazetteer();
    for (name, lat, lon) in [
        ("Alaska", 64.0, -150.0),
        ("Newfoundland and Labrador", 52.0, -56.0),
    ] {
        let e = g
            .lookup(name)
            .into_iter()
            .map(|p| g.entry(p.entry()))
            .find(|e| e.kind == sitrep_gazetteer::EntryKind::Admin1)
            .expect(name);
        let d = crate::geo::haversine_km(f64::from(e.lat), f64::from(e.lon), lat, lon);
        assert!(d < 5.0, "{name}: {d} km from GeoNames' point");
    }
}

/// A town and a county named in one story: the town is the one lying in that county, whichever
/// is larger ("Paris" beside "Henry County" is Paris, Tennessee, not Paris, Texas). A bare
/// district name without its head word gives no such hint.
#[test]
fn a_named_county_picks_its_town() {
    // The bundled provinces and the counties of the two towns named Paris.
    const COUNTIES: &str =
        "code\tname\tasciiname\tgeonameid\tlatitude\tlongitude\tpopulation\tcoord_source
US.TN.079\tHenry County\tHenry County\t4628829\t36.311\t-88.327\t10819\tcentroid
US.GA.151\tHenry County\tHenry County\t4200051\t33.474\t-84.197\t64781\tcentroid
US.TX.277\tLamar County\tLamar County\t4705086\t33.668\t-95.529\t33631\tcentroid
";
    let mut b = sitrep_gazetteer::Builder::new();
    b.add_divisions(&crate::bundled::divisions(Some(COUNTIES)))
        .expect("divisions");
    b.add_geonames("towns", TOWNS.as_bytes()).expect("towns");
    let g = Gazetteer::from_bytes(&b.finish().expect("compiles")).expect("loads");
    let l = lexicon();
    let geo = Geocoder::new(&g, &l);
    let cases: &[(&str, &str)] = &[
        (
            "U.S. marshals took a driver from Paris to the jail. Henry County court set bail.",
            "Tennessee",
        ),
        (
            "U.S. marshals took a driver from Paris to the jail. Lamar County court set bail.",
            "Texas",
        ),
    ];
    for &(text, state) in cases {
        let spans: Vec<Span> = ["Paris", "County"]
            .iter()
            .map(|w| {
                let end = text.find(w).expect("word") + w.len();
                let start = if *w == "County" {
                    text[..end - w.len() - 1].rfind(' ').map_or(0, |i| i + 1)
                } else {
                    end - w.len()
                };
                Span::new(start, end)
            })
            .collect();
        let sents = crate::sentences::split(text, Span::new(0, text.len()));
        let out = geo.given(&document(text), &sents, &spans);
        let e = g.entry(out[0].resolved.expect("resolved").entry);
        assert_eq!(
            g.admin1_of(e).map(|a| a.name.to_string()).as_deref(),
            Some(state),
            "{text}"
        );
    }
}

/// Names written with a comma or a press abbreviation: "Washington, D.C." is one name (the
/// capital even in a story about Washington state), "Kent, Wash." names the state although
/// "wash" alone is a common word ("Ky.", "S.C.": although they are short), and a comma joins
/// nothing the gazetteer lacks.
#[test]
fn names_across_a_comma() {
    const CAPITAL: &str = "\
4140963\tWashington\tWashington\tWashington D.C.\t38.895\t-77.036\tP\tPPLC\tUS\t\tDC\t001\t\t\t689545\t\t\t\t
5799841\tKent\tKent\t\t47.381\t-122.235\tP\tPPL\tUS\t\tWA\t033\t\t\t136588\t\t\t\t
";
    let g = crate::bundled::small_gazetteer(&format!("{TOWNS}{CAPITAL}"));
    let l = lexicon();
    let geo = Geocoder::new(&g, &l);
    let cases: &[(&str, &[&str])] = &[
        (
            "Crews trained in Kent, Wash., then flew to Washington, D.C., for the parade.",
            &[
                "Kent → Kent, US",
                "Wash → Washington, US",
                "Washington, D.C. → Washington, US",
            ],
        ),
        // Two names stay two where the gazetteer has no name across the comma.
        (
            "He grew up in Paris, Texas, and moved to Mosul.",
            &[
                "Paris → Paris, US",
                "Texas → Texas, US",
                "Mosul → Mosul, IQ",
            ],
        ),
        // Two letters or dotted initials are too short alone, not after "Town,".
        (
            "Tours went from Kent, Ky., to Paris, Tenn., and to Kent, S.C. last year.",
            &[
                "Kent → Kent, US",
                "Ky → Kentucky, US",
                "Paris → Paris, US",
                "Tenn → Tennessee, US",
                "Kent → Kent, US",
                "S.C. → South Carolina, US",
            ],
        ),
        // A verb is no state.
        ("Wash the car, Kent, then rest.", &["Kent → Kent, US"]),
    ];
    for (text, want) in cases {
        assert_eq!(places_in(&g, text), *want, "{text:?}");
    }
    // The abbreviation is read as the state, and the capital as the capital.
    let text = "Crews trained in Kent, Wash., then flew to Washington, D.C., for the parade.";
    let sents = crate::sentences::split(text, Span::new(0, text.len()));
    let levels: Vec<String> = geo
        .mentions(&document(text), &sents)
        .iter()
        .filter_map(|m| m.resolved)
        .map(|r| format!("{:?}", g.entry(r.entry).kind))
        .collect();
    assert_eq!(levels, ["Place", "Admin1", "Place"], "{text}");
}
