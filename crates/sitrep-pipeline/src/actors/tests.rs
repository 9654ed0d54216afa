//! Table tests over the real tables in `data/actors/` and the gazetteer's country names.

use std::sync::OnceLock;

use chrono::NaiveDate;
use sitrep_model::Span;

use super::*;

const SOURCES: ActorSources<'static> = ActorSources {
    state_forces: include_str!("../../../../data/actors/state_forces.tsv"),
    groups: include_str!("../../../../data/actors/groups.tsv"),
    generic: include_str!("../../../../data/actors/generic.tsv"),
    state_aliases: include_str!("../../../../data/actors/state_aliases.tsv"),
    ethnic_groups: include_str!("../../../../data/actors/ethnic_groups.tsv"),
};

/// What the binary would pass: gazetteer names (with ACLED's spelling where it differs),
/// demonyms, and the short country forms used as adjectives.
fn countries() -> CountryNames {
    let rows = |tsv: &'static str| {
        tsv.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
    };
    let mut names: Vec<(String, String)> =
        rows(include_str!("../../../../data/gazetteer/countries.tsv"))
            .filter(|c| c.len() > 2)
            .map(|c| (c[0].to_string(), c[2].to_string()))
            .collect();
    for (iso, acled) in [("CD", "Democratic Republic of Congo"), ("PS", "Palestine")] {
        if let Some(n) = names.iter_mut().find(|(i, _)| i == iso) {
            n.1 = acled.to_string();
        }
    }
    let demonyms = rows(include_str!("../../../../data/gazetteer/demonyms.tsv"))
        .chain(rows(include_str!(
            "../../../../data/gazetteer/country_aliases.tsv"
        )))
        .filter(|c| c.len() == 2 && c[0].len() == 2)
        .map(|c| (c[1].to_string(), c[0].to_string()))
        .collect();
    CountryNames { names, demonyms }
}

fn dict() -> &'static ActorDictionary {
    static DICT: OnceLock<ActorDictionary> = OnceLock::new();
    DICT.get_or_init(|| match ActorDictionary::new(SOURCES, &countries()) {
        Ok(d) => d,
        Err(e) => panic!("the real actor tables must load: {e}"),
    })
}

fn date(s: &str) -> NaiveDate {
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => d,
        Err(e) => panic!("bad test date {s}: {e}"),
    }
}

/// (surface, name, inter, generic)
type Want = (&'static str, &'static str, u8, bool);
/// (sentence, event country, event date, mentions)
type Case = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static [Want],
);
/// (role, country, date, name, inter)
type ComposeCase = (
    Role,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    u8,
);

fn run(text: &str, country: Option<&str>, day: Option<&str>) -> Vec<(String, String, u8, bool)> {
    let ctx = ActorContext {
        country,
        date: day.map(date),
    };
    dict()
        .find(text, Span::new(0, text.len()), &ctx)
        .into_iter()
        .map(|m| {
            (
                m.span.slice(text).to_string(),
                m.actor.name,
                m.actor.inter,
                m.generic,
            )
        })
        .collect()
}

const IQ: Option<&str> = Some("IQ");
const D14: Option<&str> = Some("2014-06-21");

#[test]
fn mention_table() {
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("the Islamic State of Iraq and the Levant (ISIS) militants seized Qaim.", IQ, D14,
            &[("the Islamic State of Iraq and the Levant (ISIS) militants", "Islamic State", 2, false)]),
        ("Militants of the Islamic State of Iraq and the Levant (ISIL) captured Rutbah.", IQ, D14,
            &[("Militants of the Islamic State of Iraq and the Levant (ISIL)", "Islamic State", 2, false)]),
        ("ISIL has not entered Hadithah.", IQ, D14, &[("ISIL", "Islamic State", 2, false)]),
        // A name two groups share: the country decides, and without one the group of that name.
        ("Al Shabaab attacked the post.", None, D14, &[("Al Shabaab", "Al Shabaab", 2, false)]),
        ("Al Shabaab attacked the post.", Some("MZ"), Some("2020-05-01"),
            &[("Al Shabaab", "Islamic State (Mozambique)", 2, false)]),
        ("Daesh fighters entered Rutba on June 22.", IQ, D14,
            &[("Daesh fighters", "Islamic State", 2, false)]),
        ("Iraqi security forces withdrew from Haditha overnight.", IQ, D14,
            &[("Iraqi security forces", "Military Forces of Iraq (2006-2014)", 1, false)]),
        ("Iraq's military said it would retake the crossing.", IQ, D14,
            &[("Iraq's military", "Military Forces of Iraq (2006-2014)", 1, false)]),
        ("Iraq’s government has little say over the road.", IQ, D14,
            &[("Iraq’s government", "Government of Iraq (2006-2014)", 1, false)]),
        ("Obama said U.S. troops would not return to combat.", IQ, D14,
            &[("U.S. troops", "Military Forces of United States (2009-2017)", 8, false)]),
        ("American jets struck near Sinjar.", IQ, Some("2014-08-08"),
            &[("American jets", "Military Forces of United States (2009-2017)", 8, false)]),
        ("The Syrian Observatory for Human Rights said the town had fallen.", Some("SY"), D14, &[]),
        ("Abu Kamal is held by al-Nusra Front, not ISIL.", Some("SY"), D14,
            &[("al-Nusra Front", "Jabhat al Nusra", 2, false), ("ISIL", "Islamic State", 2, false)]),
        ("Peshmerga forces moved into Kirkuk.", IQ, D14,
            &[("Peshmerga forces", "Military Forces of Iraq (2006-2014) Peshmerga", 1, false)]),
        ("Kurdish Peshmerga fighters crossed into Kobani.", Some("SY"), Some("2014-11-01"),
            &[("Peshmerga fighters", "Military Forces of Iraq (2014-2018) Peshmerga", 8, false)]),
        ("Shiite militias paraded through Sadr City.", IQ, D14,
            &[("Shiite militias", "PMF: Popular Mobilization Forces", 3, false)]),
        ("Sunni tribesmen joined the fight.", IQ, D14,
            &[("Sunni tribesmen", "Sunni Muslim Communal Militia (Iraq)", 4, false)]),
        ("Support from some local tribes helped the advance.", IQ, D14,
            &[("local tribes", "Unidentified Tribal Militia (Iraq)", 4, true)]),
        ("the Iraqi government asked for airstrikes", IQ, D14,
            &[("the Iraqi government", "Government of Iraq (2006-2014)", 1, false)]),
        ("Around 70 Iraqi volunteers were ambushed.", IQ, D14,
            &[("Iraqi volunteers", "Militia (Pro-Government)", 3, false)]),
        ("Iraqi border guards fled the post.", IQ, D14,
            &[("Iraqi border guards", "Military Forces of Iraq (2006-2014) Border Guard", 1, false)]),
        ("Gunmen killed two shepherds.", IQ, D14,
            &[("Gunmen", "Unidentified Armed Group (Iraq)", 3, true),
              ("shepherds", "Civilians (Iraq)", 7, true)]),
        ("Security forces repelled the attack.", IQ, D14,
            &[("Security forces", "Military Forces of Iraq (2006-2014)", 1, true)]),
        ("the army shelled the town", IQ, D14,
            &[("the army", "Military Forces of Iraq (2006-2014)", 1, true)]),
        ("the Pokot raiders drove off 200 cattle", Some("KE"), Some("2004-03-01"),
            &[("the Pokot raiders", "Pokot Ethnic Militia (Kenya)", 4, false)]),
        ("Pokot gunmen attacked Turkana herders at the well.", Some("KE"), Some("2004-03-01"),
            &[("Pokot gunmen", "Pokot Ethnic Militia (Kenya)", 4, false),
              ("Turkana herders", "Turkana Ethnic Militia (Kenya)", 4, false)]),
        ("He travelled from Turkana to Nairobi.", Some("KE"), Some("2004-03-01"), &[]),
        ("Protesters blocked the road and police fired tear gas.", Some("KE"), Some("2004-03-01"),
            &[("Protesters", "Protesters (Kenya)", 6, true),
              ("police", "Police Forces of Kenya (2002-2013)", 1, true)]),
        ("Kenyan police crossed into Gedo.", Some("SO"), Some("2011-10-20"),
            &[("Kenyan police", "Police Forces of Kenya (2002-2013)", 8, false)]),
        ("the government of Kenya denied it", Some("KE"), Some("2004-03-01"),
            &[("the government of Kenya", "Government of Kenya (2002-2013)", 1, false)]),
        ("Taliban fighters attacked a checkpoint.", Some("AF"), Some("2020-05-01"),
            &[("Taliban fighters", "Taliban", 2, false)]),
        ("The Taliban detained a journalist.", Some("AF"), Some("2022-05-01"),
            &[("The Taliban", "Military Forces of Afghanistan (2021-)", 1, false),
              ("journalist", "Civilians (Afghanistan)", 7, true)]),
        ("Taliban militants attacked a checkpoint in Swat.", Some("PK"), Some("2014-05-01"),
            &[("Taliban militants", "TTP: Tehreek-i-Taliban Pakistan", 2, false)]),
        ("Islamic State claimed the Kabul attack.", Some("AF"), Some("2019-05-01"),
            &[("Islamic State", "Islamic State (Afghanistan)", 2, false)]),
        ("Houthis shelled Aden.", Some("YE"), Some("2015-05-01"),
            &[("Houthis", "Houthi Movement - Ansar Allah", 2, false)]),
        ("Houthis shelled Marib.", Some("YE"), Some("2020-05-01"),
            &[("Houthis", "Military Forces of Yemen (2016-) Supreme Political Council", 1, false)]),
        ("IS fighters stormed the town.", IQ, D14, &[("IS fighters", "Islamic State", 2, false)]),
        ("The situation is dire and this is group work.", IQ, D14, &[]),
        ("WHAT IS NEXT FOR MOSUL", IQ, D14, &[]),
        ("The crisis deepened as Basis and ISISland talks failed.", IQ, D14, &[]),
        ("anti-Taliban forces gathered.", Some("AF"), Some("2020-05-01"), &[]),
        ("Syrian rebels shelled the base.", Some("SY"), D14,
            &[("Syrian rebels", "Opposition Rebels (Syria)", 2, false)]),
        ("Malian rebels took Kidal.", Some("ML"), Some("2012-03-30"),
            &[("Malian rebels", "Unidentified Armed Group (Mali)", 2, true)]),
        ("Gunmen Kill Five In Kenyan Village", Some("KE"), Some("2004-03-01"),
            &[("Gunmen", "Unidentified Armed Group (Kenya)", 3, true)]),
        ("Fighters of Hayat Tahrir al-Sham (HTS) entered Idlib.", Some("SY"), Some("2019-05-01"),
            &[("Fighters of Hayat Tahrir al-Sham (HTS)", "HTS: Hayat Tahrir al Sham", 2, false)]),
        ("Kata’ib Hezbollah claimed the strike.", IQ, Some("2020-01-01"),
            &[("Kata’ib Hezbollah", "Kataib Hezbollah", 3, false)]),
        ("Islamic\n  State fighters crossed.", IQ, D14,
            &[("Islamic\n  State fighters", "Islamic State", 2, false)]),
        ("herdsmen attacked farmers in Benue.", Some("NG"), Some("2018-01-01"),
            &[("herdsmen", "Fulani Ethnic Militia (Nigeria)", 4, true),
              ("farmers", "Civilians (Nigeria)", 7, true)]),
        ("Donations went to the Salvation Army.", Some("KE"), Some("2004-03-01"), &[]),
        ("the UPDF attacked a settlement", Some("BD"), Some("2019-01-01"),
            &[("the UPDF", "UPDF: United People's Democratic Front", 3, false)]),
        ("the UPDF attacked a camp", Some("UG"), Some("2019-01-01"),
            &[("the UPDF", "Military Forces of Uganda (1986-)", 1, false)]),
        ("Rapid Support Forces fighters looted the market.", Some("SD"), Some("2023-06-01"),
            &[("Rapid Support Forces fighters", "RSF: Rapid Support Forces", 2, false)]),
        ("Rapid Support Forces were deployed to Darfur.", Some("SD"), Some("2019-06-01"),
            &[("Rapid Support Forces", "Military Forces of Sudan (2019-) Rapid Support Forces", 1, false)]),
    ];
    let mut failures = Vec::new();
    for &(text, country, day, want) in cases {
        let got = run(text, country, day);
        let want: Vec<_> = want
            .iter()
            .map(|&(s, n, i, g)| (s.to_string(), n.to_string(), i, g))
            .collect();
        if got != want {
            failures.push(format!("{text:?}\n   got  {got:?}\n   want {want:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing rows:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn compose_table() {
    let d = dict();
    let cases: &[ComposeCase] = &[
        (
            Role::Military,
            IQ,
            D14,
            "Military Forces of Iraq (2006-2014)",
            1,
        ),
        (
            Role::Military,
            IQ,
            Some("2014-09-08"),
            "Military Forces of Iraq (2014-2018)",
            1,
        ),
        (
            Role::Military,
            IQ,
            None,
            "Military Forces of Iraq (2022-)",
            1,
        ),
        (
            Role::Police,
            Some("KE"),
            Some("2004-03-01"),
            "Police Forces of Kenya (2002-2013)",
            1,
        ),
        (
            Role::Police,
            Some("KE"),
            Some("2013-04-08"),
            "Police Forces of Kenya (2002-2013)",
            1,
        ),
        (
            Role::Police,
            Some("KE"),
            Some("2013-04-09"),
            "Police Forces of Kenya (2013-2022)",
            1,
        ),
        (
            Role::Government,
            Some("SY"),
            Some("2015-01-01"),
            "Government of Syria (2000-2024)",
            1,
        ),
        (Role::Protesters, Some("KE"), None, "Protesters (Kenya)", 6),
        (Role::Rioters, Some("KE"), None, "Rioters (Kenya)", 5),
        (
            Role::Civilians,
            Some("CD"),
            None,
            "Civilians (Democratic Republic of Congo)",
            7,
        ),
        (
            Role::ArmedUnidentified,
            IQ,
            None,
            "Unidentified Armed Group (Iraq)",
            3,
        ),
        (
            Role::Identity,
            Some("KE"),
            None,
            "Unidentified Ethnic Militia (Kenya)",
            4,
        ),
        (Role::Volunteers, IQ, None, "Militia (Pro-Government)", 3),
        (
            Role::PrivateSecurity,
            Some("KE"),
            None,
            "Private Security Forces (Kenya)",
            8,
        ),
        (
            Role::External,
            Some("US"),
            D14,
            "Military Forces of United States (2009-2017)",
            8,
        ),
        (Role::Military, None, None, "Military Forces", 1),
        (Role::Protesters, None, None, "Protesters", 6),
    ];
    for &(role, country, day, name, inter) in cases {
        let a = d.compose(role, country, day.map(date));
        assert_eq!(
            (a.name.as_str(), a.inter),
            (name, inter),
            "{role:?} {country:?} {day:?}"
        );
        assert_eq!(a.country.as_deref(), country);
    }
}

#[test]
fn demonyms() {
    let d = dict();
    assert_eq!(d.country_of_demonym("Iraqi"), Some("IQ"));
    assert_eq!(d.country_of_demonym("syrians"), Some("SY"));
    assert_eq!(d.country_of_demonym("Iraq"), Some("IQ"));
    assert_eq!(d.country_of_demonym("Martian"), None);
}

#[test]
fn spans_fall_on_the_sentence_and_stay_in_it() {
    let text = "First sentence. Iraqi forces and ISIS militants clashed. Police came.";
    let sentence = Span::new(16, 56);
    let ctx = ActorContext {
        country: IQ,
        date: D14.map(date),
    };
    let got: Vec<&str> = dict()
        .find(text, sentence, &ctx)
        .iter()
        .map(|m| m.span.slice(text))
        .collect();
    assert_eq!(got, ["Iraqi forces", "ISIS militants"]);
}

#[test]
fn plural_and_generic_flags() {
    let text = "A soldier and 2,000 troops";
    let ctx = ActorContext {
        country: IQ,
        date: None,
    };
    let got: Vec<(bool, bool)> = dict()
        .find(text, Span::new(0, text.len()), &ctx)
        .iter()
        .map(|m| (m.plural, m.generic))
        .collect();
    assert_eq!(got, [(false, true), (true, true)]);
}

#[test]
fn without_context_open_rows_win() {
    let got = run("Taliban fighters and Houthis", None, None);
    let names: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
    assert_eq!(
        names,
        [
            "Military Forces of Afghanistan (2021-)",
            "Military Forces of Yemen (2016-) Supreme Political Council"
        ]
    );
}

#[test]
fn never_panics_on_odd_input() {
    let ctx = ActorContext {
        country: IQ,
        date: D14.map(date),
    };
    let long = "crisis ".repeat(5000) + "ISIS";
    let texts = [
        "",
        " ",
        "é",
        "Iraqi",
        "’s",
        "the ",
        "ISIS’",
        "ISIS's",
        "\u{200B}ISIS\u{FEFF} fighters",
        "Ünïcödé Iraqi 🎉 troops 🎉 of Iraq",
        "'Iraq's's forces",
        "of the of the of",
        long.as_str(),
    ];
    for text in texts {
        for (s, e) in [
            (0, text.len()),
            (1, text.len()),
            (0, text.len() + 5),
            (3, 1),
        ] {
            for m in dict().find(text, Span::new(s, e), &ctx) {
                assert!(text.get(m.span.start..m.span.end).is_some(), "{text:?}");
                assert!(m.span.start >= s && m.span.end <= e);
            }
        }
    }
    let found = dict().find(&long, Span::new(0, long.len()), &ctx);
    assert_eq!(found.len(), 1);
}

#[test]
fn data_errors_name_file_and_line() {
    let bad_inter = "name\tinter\tcountries\taliases\tcase_sensitive_aliases\tfrom\tto\tkind\n\
                     # comment\n\
                     Foo\t9\t\tFoo\t\t\t\tarmed\n";
    let short = "head\trole\tinter\tunit\nsoldiers\tmilitary\n";
    let bad_date =
        "country_code\tfrom\tto\tlabel\tstart_date\nIQ\t2006\t2014\t2006-2014\t2006-13-01\n";
    let bad_header = "code\tfrom\tto\tlabel\tstart_date\n";
    let cases: [(ActorSources<'_>, &str); 4] = [
        (
            ActorSources {
                groups: bad_inter,
                ..SOURCES
            },
            "groups.tsv:3:",
        ),
        (
            ActorSources {
                generic: short,
                ..SOURCES
            },
            "generic.tsv:2:",
        ),
        (
            ActorSources {
                state_forces: bad_date,
                ..SOURCES
            },
            "state_forces.tsv:2:",
        ),
        (
            ActorSources {
                state_forces: bad_header,
                ..SOURCES
            },
            "state_forces.tsv:1:",
        ),
    ];
    for (src, want) in cases {
        match ActorDictionary::new(src, &CountryNames::default()) {
            Ok(_) => panic!("{want} should fail"),
            Err(e) => assert!(e.to_string().starts_with(want), "{e}"),
        }
    }
}

#[test]
fn debug_is_a_summary() {
    let s = format!("{:?}", dict());
    assert!(s.starts_with("ActorDictionary { groups: "), "{s}");
}
