//! Numbers in news prose ("at least 11", "around 70", "a dozen", "dozens", "1.6 million",
//! "twenty-one") and casualty statements built on them: who was killed, wounded,
//! displaced, deployed, arrested or abducted, and how many.

use sitrep_model::Span;

use crate::tokens::{Token, TokenKind, tokenize};

/// Numbers above this are not read as counts of people (typos, ids, hostile input).
const MAX_COUNT: u64 = 50_000_000;

/// How exact a stated number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approx {
    Exact,
    /// "at least", "more than", "over".
    AtLeast,
    /// "around", "about", "some", "nearly", "close to".
    About,
    /// "up to", "as many as".
    AtMost,
    /// A word without a figure: "dozens", "several", "hundreds".
    Vague,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    /// From the qualifier ("at least") to the number.
    pub span: Span,
    /// Index of the number's (last) token.
    pub token: usize,
    pub value: u32,
    pub approx: Approx,
}

/// Longer than any number word: a longer word is none.
const NUMBER_WORD_BYTES: usize = 16;

/// `word` with its ASCII letters lowercased (as `str::to_ascii_lowercase`), in `buf`; `None`
/// when it does not fit. The number words are asked about every word of a sentence.
fn ascii_lower<'b>(word: &str, buf: &'b mut [u8; NUMBER_WORD_BYTES]) -> Option<&'b str> {
    let lower = buf.get_mut(..word.len())?;
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    // Lowercasing ASCII bytes keeps UTF-8 valid.
    std::str::from_utf8(lower).ok()
}

/// Values of number words; "a dozen" and vague words follow ACLED's conventions for
/// counts the source leaves open.
pub fn small_number(word: &str) -> Option<u32> {
    let mut buf = [0u8; NUMBER_WORD_BYTES];
    Some(match ascii_lower(word, &mut buf)? {
        "a" | "an" | "one" | "single" | "lone" => 1,
        "two" | "both" | "pair" | "couple" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" | "dozen" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        "hundred" => 100,
        "thousand" => 1000,
        _ => return None,
    })
}

/// Vague quantity words and the figure ACLED-style coding gives them.
fn vague_number(word: &str) -> Option<u32> {
    let mut buf = [0u8; NUMBER_WORD_BYTES];
    Some(match ascii_lower(word, &mut buf)? {
        "several" | "few" | "some" | "multiple" | "number" => 3,
        "many" | "numerous" | "scores" => 10,
        "dozens" | "tens" => 12,
        "hundreds" => 100,
        "thousands" => 1000,
        _ => return None,
    })
}

fn multiplier(word: &str) -> Option<u64> {
    [("hundred", 100), ("thousand", 1000), ("million", 1_000_000)]
        .into_iter()
        .find(|(w, _)| word.eq_ignore_ascii_case(w))
        .map(|(_, m)| m)
}

/// "at least", "more than", "about"… ending `words`: the kind of count and how many words
/// the qualifier takes.
fn qualifier(words: &[&str]) -> Option<(Approx, usize)> {
    let n = words.len();
    let is = |i: usize, x: &str| words[i].eq_ignore_ascii_case(x);
    let two = |a: &str, b: &str| n >= 2 && is(n - 2, a) && is(n - 1, b);
    if two("at", "least") || two("more", "than") || two("no", "fewer") || two("not", "less") {
        return Some((Approx::AtLeast, 2));
    }
    if two("close", "to") || two("as", "many") || two("up", "to") {
        let a = if is(n - 2, "close") {
            Approx::About
        } else {
            Approx::AtMost
        };
        return Some((a, 2));
    }
    let last = n.checked_sub(1)?;
    if ["over", "above"].iter().any(|w| is(last, w)) {
        return Some((Approx::AtLeast, 1));
    }
    let about = [
        "around",
        "about",
        "some",
        "nearly",
        "almost",
        "approximately",
        "roughly",
        "estimated",
    ];
    about
        .iter()
        .any(|w| is(last, w))
        .then_some((Approx::About, 1))
}

/// Parses a digit token ("1,600", "1.6"), `None` when absurd.
fn digits(s: &str) -> Option<f64> {
    let v: f64 = if s.contains(',') {
        s.chars()
            .filter(|c| *c != ',')
            .collect::<String>()
            .parse()
            .ok()?
    } else {
        s.parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// Quantities of `text[range]` over its tokens.
pub fn find_quantities(text: &str, toks: &[Token]) -> Vec<Quantity> {
    let mut out = Vec::new();
    let word = |i: usize| toks[i].text(text);
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let mut value: Option<(u64, usize, Approx)> = None;
        if t.kind == TokenKind::Number {
            // Not a year, a time or a date part.
            // "3rd", "4pm", "1e999", "10km": letters glued to the digits make no count.
            let next_is_ordinal = toks
                .get(i + 1)
                .is_some_and(|n| n.kind == TokenKind::Word && n.span.start == t.span.end);
            let year = is_year_of_date(text, toks, i);
            if let (Some(v), false, false) = (digits(word(i)), next_is_ordinal, year) {
                let mut v = v;
                let mut end = i;
                if let Some(m) = toks
                    .get(i + 1)
                    .filter(|n| n.is_word())
                    .and_then(|n| multiplier(n.text(text)))
                {
                    v *= m as f64;
                    end = i + 1;
                }
                if v.fract() == 0.0 && v >= 0.0 && v <= MAX_COUNT as f64 {
                    value = Some((v as u64, end, Approx::Exact));
                }
            }
        } else if t.is_word() {
            let w = word(i);
            if let Some(v) = compound_number(w) {
                let mut v = u64::from(v);
                let mut end = i;
                if let Some(m) = toks
                    .get(i + 1)
                    .filter(|n| n.is_word())
                    .and_then(|n| multiplier(n.text(text)))
                {
                    v *= m;
                    end = i + 1;
                }
                // "a" and "one" count only before "dozen"/a noun handled by the caller's head check.
                let is_article = w.eq_ignore_ascii_case("a") || w.eq_ignore_ascii_case("an");
                if is_article {
                    if toks
                        .get(i + 1)
                        .is_some_and(|n| n.text(text).eq_ignore_ascii_case("dozen"))
                    {
                        value = Some((12, i + 1, Approx::Exact));
                    }
                } else if !w.eq_ignore_ascii_case("dozen") {
                    value = Some((v, end, Approx::Exact));
                }
            } else if let Some(v) = vague_number(w) {
                let next_of = toks
                    .get(i + 1)
                    .is_some_and(|n| n.text(text).eq_ignore_ascii_case("of"));
                let strong = matches!(
                    w.to_ascii_lowercase().as_str(),
                    "dozens" | "tens" | "hundreds" | "thousands" | "scores"
                );
                let lower = w.to_ascii_lowercase();
                // "a number of" / "several" / "many" stand for counts; "some" alone is not a number.
                if strong
                    || (lower != "some" && lower != "number")
                    || (lower == "number" && next_of)
                {
                    value = Some((u64::from(v), i, Approx::Vague));
                }
            }
        }
        if let Some((v, end, approx)) = value {
            let before: Vec<&str> = toks[i.saturating_sub(3)..i]
                .iter()
                .map(|t| t.text(text))
                .collect();
            let (approx, start) = match qualifier(&before) {
                Some((a, n)) if approx != Approx::Vague => (a, i - n),
                _ => (approx, i),
            };
            out.push(Quantity {
                span: Span::new(toks[start].span.start, toks[end].span.end),
                token: end,
                value: u32::try_from(v).unwrap_or(u32::MAX),
                approx,
            });
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The year of a written date ("9 March 2020", "March 9, 2020", "in May 2019"): never a count.
fn is_year_of_date(text: &str, toks: &[Token], i: usize) -> bool {
    let w = toks[i].text(text);
    let year_like = w.len() == 4 && w.parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y));
    if !year_like {
        return false;
    }
    // Back over a comma and a day number to the month name.
    let mut j = i;
    for _ in 0..3 {
        let Some(k) = j.checked_sub(1) else {
            return false;
        };
        j = k;
        let t = toks[j].text(text);
        if is_month_name(t) {
            return true;
        }
        if !(t == "," || (toks[j].kind == TokenKind::Number && t.len() <= 2)) {
            return false;
        }
    }
    false
}

fn is_month_name(w: &str) -> bool {
    matches!(
        w.trim_end_matches('.').to_ascii_lowercase().as_str(),
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    )
}

/// "twenty-one", "seventy", "eleven".
fn compound_number(w: &str) -> Option<u32> {
    if let Some((tens, ones)) = w.split_once('-') {
        let (t, o) = (small_number(tens)?, small_number(ones)?);
        return (t >= 20 && t % 10 == 0 && o < 10).then_some(t + o);
    }
    small_number(w)
}

/// What happened to the people counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CasualtyKind {
    Killed,
    Wounded,
    Displaced,
    Deployed,
    Arrested,
    Abducted,
}

/// A count of people tied to what happened to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Casualty {
    pub kind: CasualtyKind,
    pub count: u32,
    pub approx: Approx,
    pub quantity: Span,
    pub verb: Span,
    /// The noun counted ("soldiers", "militants"), lowercase, when given.
    pub head: Option<String>,
}

fn casualty_verb(w: &str) -> Option<CasualtyKind> {
    use CasualtyKind as K;
    Some(match w.to_ascii_lowercase().as_str() {
        "killed" | "killing" | "kill" | "kills" | "dead" | "died" | "die" | "dies" | "slain"
        | "murdered" | "killings" | "deaths" | "death" | "fatalities" | "fatality" | "bodies"
        | "lives" | "gunned" | "executed" | "beheaded" | "massacred" | "perished" | "lynched"
        | "shot dead" | "casualties" => K::Killed,
        "wounded" | "wounding" | "injured" | "injuring" | "hurt" | "injuries" | "injury"
        | "wounds" | "hospitalised" | "hospitalized" => K::Wounded,
        "displaced" | "fled" | "flee" | "fleeing" | "evacuated" | "homeless" | "refugees" => {
            K::Displaced
        }
        "deployed" | "deploy" | "sent" | "send" | "dispatched" | "troops" | "reinforcements" => {
            K::Deployed
        }
        "arrested" | "detained" | "arrests" | "arresting" | "detaining" | "apprehended"
        | "rounded" => K::Arrested,
        "abducted" | "kidnapped" | "kidnapping" | "abducting" | "hostages" | "hostage"
        | "captive" => K::Abducted,
        _ => return None,
    })
}

/// Words that may stand between a number and its verb ("11 Iraqi soldiers have been
/// killed", "1 suspected Mungiki member killed"): anything but a word that opens another
/// clause.
fn is_filler(w: &str, _t: &Token, _text: &str) -> bool {
    !matches!(
        w.to_ascii_lowercase().as_str(),
        "who"
            | "which"
            | "that"
            | "when"
            | "after"
            | "before"
            | "while"
            | "but"
            | "because"
            | "as"
            | "since"
            | "if"
            | "during"
            | "following"
            | "despite"
            | "although"
            | "where"
            | "said"
            | "says"
            | "told"
            | "reported"
            | "according"
            | "than"
            | "per"
    )
}

/// Counted things that are not people ("88 animals stolen", "30 houses razed").
fn is_non_person(head: &str) -> bool {
    matches!(
        head,
        "animals"
            | "cattle"
            | "goats"
            | "sheep"
            | "camels"
            | "cows"
            | "livestock"
            | "donkeys"
            | "houses"
            | "homes"
            | "huts"
            | "shops"
            | "vehicles"
            | "cars"
            | "buses"
            | "trucks"
            | "buildings"
            | "rounds"
            | "bullets"
            | "kg"
            | "kilograms"
            | "tonnes"
            | "tons"
            | "acres"
            | "hectares"
            | "km"
            | "kilometres"
            | "kilometers"
            | "miles"
            | "metres"
            | "meters"
            | "hours"
            | "days"
            | "weeks"
            | "months"
            | "years"
            | "minutes"
            | "percent"
            | "per"
            | "times"
            | "shillings"
            | "dollars"
            | "rupees"
            | "taka"
            | "million"
            | "billion"
            | "rockets"
            | "mortars"
            | "shells"
            | "bombs"
            | "grenades"
            | "weapons"
            | "guns"
            | "rifles"
    )
}

/// Singular people an unnumbered killing verb may name ("Police kill youth", "a man was killed").
fn is_singular_person(w: &str) -> bool {
    matches!(
        w,
        "man"
            | "woman"
            | "person"
            | "volunteer"
            | "motorcyclist"
            | "cyclist"
            | "pedestrian"
            | "passenger"
            | "tourist"
            | "labourer"
            | "laborer"
            | "fisherman"
            | "herdsman"
            | "civilian"
            | "soldier"
            | "officer"
            | "policeman"
            | "policewoman"
            | "boy"
            | "girl"
            | "child"
            | "youth"
            | "student"
            | "rider"
            | "driver"
            | "resident"
            | "villager"
            | "farmer"
            | "trader"
            | "herder"
            | "worker"
            | "teacher"
            | "militant"
            | "fighter"
            | "rebel"
            | "raider"
            | "bandit"
            | "suspect"
            | "protester"
            | "demonstrator"
            | "victim"
            | "employee"
            | "contractor"
            | "mugger"
            | "shepherd"
            | "sheperd"
            | "hostage"
            | "reservist"
            | "guard"
            | "leader"
            | "activist"
            | "supporter"
            | "journalist"
            | "commander"
            | "member"
            | "businessman"
            | "shopkeeper"
            | "teenager"
            | "pastor"
            | "priest"
            | "imam"
            | "cleric"
            | "doctor"
            | "nurse"
            | "chief"
            | "elder"
            | "councillor"
            | "councilor"
            | "politician"
            | "candidate"
            | "rustler"
            | "thief"
            | "robber"
            | "criminal"
            | "gangster"
            | "smuggler"
            | "trooper"
            | "jawan"
            | "constable"
            | "cop"
            | "informer"
            | "informant"
            | "girlfriend"
            | "wife"
            | "husband"
            | "son"
            | "daughter"
            | "mother"
            | "father"
            | "brother"
            | "sister"
            | "lawyer"
            | "judge"
            | "official"
    )
}

/// Plural people an unnumbered killing may name ("kill civilians", "kill Kenyan police officers").
fn is_plural_person(w: &str) -> bool {
    matches!(
        w,
        "civilians"
            | "villagers"
            | "people"
            | "residents"
            | "officers"
            | "policemen"
            | "soldiers"
            | "troops"
            | "fishermen"
            | "herders"
            | "farmers"
            | "raiders"
            | "militants"
            | "fighters"
            | "rebels"
            | "insurgents"
            | "students"
            | "worshippers"
            | "passengers"
            | "children"
            | "women"
            | "men"
            | "workers"
            | "traders"
            | "bandits"
            | "rustlers"
            | "tribesmen"
            | "guards"
            | "members"
            | "supporters"
            | "activists"
            | "pilgrims"
            | "refugees"
            | "miners"
            | "teachers"
            | "journalists"
            | "protesters"
            | "demonstrators"
    )
}

/// Whether the words from `i` kill: "kill", "killed", "murdered", "lynched", "shot dead",
/// "hacked to death". Returns the index of the verb's last word.
fn killing_at(lower: &[String], i: usize) -> Option<usize> {
    match lower[i].as_str() {
        "kill" | "kills" | "killed" | "murdered" | "lynched" | "beheaded" | "massacred"
        | "executed" | "died" | "dies" => Some(i),
        "shot" | "gunned" | "hacked" | "stabbed" | "beaten" | "clubbed" | "burnt" | "burned"
        | "stoned" | "found" | "shooting" | "stabbing" | "beating" | "hacking" => {
            let at = |k: usize| lower.get(i + k).map(String::as_str);
            // "shooting him to death": the victim between the verb and "to death".
            let skip = usize::from(matches!(at(1), Some("him" | "her")));
            match (at(1 + skip), at(2 + skip)) {
                (Some("dead"), _) => Some(i + 1 + skip),
                (Some("down"), _) if lower[i] == "gunned" => Some(i + 1),
                (Some("to"), Some("death")) => Some(i + 2 + skip),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A killing the text does not count with a number: one person ("Police kill youth", "a
/// man was shot dead", "Policeman killed after ambush"), or several, coded as ACLED codes an
/// unknown plural toll ("kill civilians" → 3).
fn unnumbered_killing(text: &str, toks: &[Token]) -> Option<Casualty> {
    let lower: Vec<String> = toks
        .iter()
        .map(|t| t.text(text).to_ascii_lowercase())
        .collect();
    let found = |count: u32, approx: Approx, at: usize, verb: usize| Casualty {
        kind: CasualtyKind::Killed,
        count,
        approx,
        quantity: toks[at].span,
        verb: toks[verb].span,
        head: Some(lower[at].clone()),
    };
    for i in 0..lower.len() {
        let Some(end) = killing_at(&lower, i) else {
            continue;
        };
        // "shooting him to death", "shot her dead": one victim.
        if matches!(lower.get(i + 1).map(String::as_str), Some("him" | "her")) && end > i + 1 {
            return Some(found(1, Approx::Exact, i + 1, i));
        }
        // Object after an active verb: "kill (a|the)? [adjectives]* youth|civilians".
        let shot_dead = end == i + 1 && lower[end] == "dead";
        if shot_dead
            || matches!(
                lower[i].as_str(),
                "kill" | "kills" | "killed" | "murdered" | "lynched" | "executed"
            )
        {
            if named_person_at(text, toks, end + 1) {
                return Some(found(1, Approx::Exact, end + 1, i));
            }
            for j in end + 1..lower.len().min(end + 5) {
                let x = lower[j].as_str();
                if is_singular_person(x) {
                    return Some(found(1, Approx::Exact, j, i));
                }
                if is_plural_person(x) {
                    return Some(found(3, Approx::Vague, j, i));
                }
                if !toks[j].is_word()
                    || matches!(
                        x,
                        "and" | "in" | "at" | "on" | "by" | "with" | "after" | "during"
                    )
                {
                    break;
                }
            }
        }
        // Subject before: "a man was killed", "one officer was shot dead", headline
        // "Policeman killed after ambush".
        let back: Vec<usize> = (i.saturating_sub(6)..i).rev().collect();
        // "was killed", "was shot and killed", "was attacked and killed".
        let passive = back
            .iter()
            .take_while(|&&k| {
                !matches!(lower[k].as_str(), "was" | "been" | "is")
                    && (lower[k] == "and" || lower[k].ends_with("ed") || lower[k] == "shot")
            })
            .count();
        let aux = back.get(passive).copied();
        let passive = aux.is_some_and(|k| matches!(lower[k].as_str(), "was" | "been" | "is"));
        let headline = back.first().is_some_and(|&k| is_singular_person(&lower[k]));
        if (passive || headline)
            && let Some(&k) = back.iter().find(|&&k| is_singular_person(&lower[k]))
        {
            return Some(found(1, Approx::Exact, k, i));
        }
        // "was killed" has one victim whatever the noun ("an alleged drug dealer was shot
        // dead"); "has been killed" may follow a plural subject ("have been"), so only "was".
        if let Some(k) = aux.filter(|&k| lower[k] == "was" && k > 0 && toks[k - 1].is_word()) {
            return Some(found(1, Approx::Exact, k - 1, i));
        }
    }
    None
}

/// One to three capitalised words closed by a comma, a full stop or a preposition: a
/// person's name as the object of a killing ("police killed Dinesh Sahu, 30, a commander").
/// A plural ("Kenyans", "Taliban fighters") or a following noun makes it something else.
fn named_person_at(text: &str, toks: &[Token], start: usize) -> bool {
    let mut n = 0;
    for t in toks.iter().skip(start).take(4) {
        let w = t.text(text);
        let capitalised = t.is_word()
            && w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().skip(1).all(char::is_lowercase)
            && !w.ends_with('s');
        if capitalised && n < 3 {
            n += 1;
            continue;
        }
        let closes = matches!(w, "," | "." | ";")
            || matches!(
                w.to_ascii_lowercase().as_str(),
                "in" | "on" | "at" | "near" | "after" | "during" | "outside"
            );
        return n > 0 && closes;
    }
    false
}

/// Casualty statements of one sentence.
pub fn find_casualties(text: &str, sentence: Span) -> Vec<Casualty> {
    find_casualties_in(text, &tokenize(text, sentence))
}

/// [`find_casualties`] of a sentence already tokenised (`toks` from [`tokenize`]).
pub fn find_casualties_in(text: &str, toks: &[Token]) -> Vec<Casualty> {
    let quantities = find_quantities(text, toks);
    let mut out: Vec<Casualty> = Vec::new();
    for (qi, q) in quantities.iter().enumerate() {
        // "six people, including three children, were killed": the subset is not counted again.
        let first_tok = toks.partition_point(|t| t.span.start < q.span.start);
        if first_tok > 0
            && toks[first_tok - 1]
                .text(text)
                .eq_ignore_ascii_case("including")
        {
            continue;
        }
        // Ages: "a 25-year-old man", "the 30 year old".
        let after_number = joined_lowercase(text, &toks[q.token + 1..toks.len().min(q.token + 3)]);
        if after_number.starts_with(b"-year")
            || after_number.starts_with(b"year-old")
            || after_number.starts_with(b"yearold")
        {
            continue;
        }
        // An active verb right before the number takes it as its object: "killed three villagers".
        let start_tok = if first_tok < toks.len() {
            first_tok
        } else {
            q.token
        };
        let mut found: Option<(CasualtyKind, Span)> = start_tok
            .checked_sub(1)
            .map(|j| &toks[j])
            .filter(|t| t.is_word())
            .and_then(|t| casualty_verb(t.text(text)).map(|k| (k, t.span)))
            .filter(|(k, _)| *k != CasualtyKind::Deployed);
        // Look right: "11 soldiers have been killed", "20 dead", "2,000 troops".
        // The next count stops the search, unless it is a subset ("including three children").
        let next_q = quantities[qi + 1..]
            .iter()
            .find(|n| {
                let at = toks.partition_point(|t| t.span.start < n.span.start);
                !(at > 0 && toks[at - 1].text(text).eq_ignore_ascii_case("including"))
            })
            .map_or(usize::MAX, |n| n.token);
        let mut in_aside = false;
        #[allow(clippy::needless_range_loop)] // `j` is compared with other token indices too
        for j in q.token + 1..toks.len().min(q.token + 12) {
            if found.is_some() {
                break;
            }
            if j >= next_q {
                break;
            }
            let t = &toks[j];
            if !t.is_word() {
                // ", including three children," is an aside: read on past it.
                let opens_aside = t.text(text) == ","
                    && toks
                        .get(j + 1)
                        .is_some_and(|n| n.text(text).eq_ignore_ascii_case("including"));
                if opens_aside {
                    in_aside = true;
                    continue;
                }
                if in_aside && t.text(text) == "," {
                    in_aside = false;
                    continue;
                }
                if matches!(t.text(text), "," | ";" | "(" | ")") && j > q.token + 1 {
                    break;
                }
                continue;
            }
            let w = t.text(text);
            if let Some(k) = casualty_verb(w) {
                // "2,000 troops to guard" counts deployed people; a following verb decides otherwise.
                found = Some((k, t.span));
                if k != CasualtyKind::Deployed {
                    break;
                }
                continue;
            }
            if !is_filler(w, t, text) {
                break;
            }
        }
        // "The death toll in the attack has risen to 11": a toll named earlier in the clause.
        if found.is_none() && first_tok > 0 {
            let prev = toks[first_tok - 1].text(text).to_ascii_lowercase();
            if matches!(prev.as_str(), "to" | "at" | "of" | "reached" | "hit") {
                let toll = (first_tok.saturating_sub(10)..first_tok)
                    .rev()
                    .take_while(|&k| !matches!(toks[k].text(text), "." | ";"))
                    .find(|&k| toks[k].text(text).eq_ignore_ascii_case("toll"));
                if let Some(k) = toll {
                    found = Some((CasualtyKind::Killed, toks[k].span));
                }
            }
        }
        // Look left: "killed 20 militants", "killing at least 11", "death toll rose to 30".
        if found.is_none() {
            let prev_q_end = if qi > 0 {
                quantities[qi - 1].token + 1
            } else {
                0
            };
            for j in (prev_q_end..start_tok).rev().take(5) {
                let t = &toks[j];
                if !t.is_word() {
                    break;
                }
                let w = t.text(text);
                if let Some(k) = casualty_verb(w) {
                    found = Some((k, t.span));
                    break;
                }
                let mut buf = [0u8; NUMBER_WORD_BYTES];
                // A word longer than the buffer is none of these.
                if !matches!(
                    ascii_lower(w, &mut buf).unwrap_or_default(),
                    "rose"
                        | "risen"
                        | "climbed"
                        | "increased"
                        | "jumped"
                        | "stands"
                        | "has"
                        | "had"
                        | "now"
                        | "toll"
                        | "to"
                        | "reached"
                        | "stood"
                        | "at"
                        | "of"
                        | "leaving"
                        | "left"
                        | "claimed"
                        | "the"
                        | "and"
                        | "injuring"
                        | "wounding"
                        | "some"
                ) {
                    break;
                }
            }
        }
        if let Some((kind, verb)) = found {
            let head = toks
                .get(q.token + 1)
                .filter(|t| t.is_word())
                .map(|t| t.text(text).to_ascii_lowercase());
            // Ages and durations: "a 25-year-old", "4 hours".
            // "88 animals stolen" is not a toll; "9 cattle rustlers" is.
            let compound_person = toks.get(q.token + 2).is_some_and(|t| {
                is_plural_person(&t.text(text).to_ascii_lowercase())
                    || t.text(text).ends_with("ers")
            });
            if head.as_deref().is_some_and(is_non_person) && !compound_person {
                continue;
            }
            if head.as_deref().is_some_and(|h| {
                matches!(
                    h,
                    "year"
                        | "years"
                        | "hours"
                        | "hour"
                        | "minutes"
                        | "days"
                        | "km"
                        | "kilometers"
                        | "kilometres"
                        | "miles"
                        | "percent"
                )
            }) {
                continue;
            }
            out.push(Casualty {
                kind,
                count: q.value,
                approx: q.approx,
                quantity: q.span,
                verb,
                head,
            });
        }
    }
    coordinated_counts(text, toks, &quantities, &mut out);
    if !out.iter().any(|c| c.kind == CasualtyKind::Killed)
        && let Some(c) = unnumbered_killing(text, toks)
    {
        out.push(c);
    }
    out
}

/// The texts of `toks` joined and ASCII-lowercased, up to their first 16 bytes.
fn joined_lowercase(text: &str, toks: &[Token]) -> JoinedHead {
    let mut head = JoinedHead::default();
    for t in toks {
        for &b in t.text(text).as_bytes() {
            if head.len == head.bytes.len() {
                return head;
            }
            head.bytes[head.len] = b.to_ascii_lowercase();
            head.len += 1;
        }
    }
    head
}

/// The first bytes of a few words joined (see [`joined_lowercase`]).
#[derive(Default)]
struct JoinedHead {
    bytes: [u8; 16],
    len: usize,
}

impl JoinedHead {
    fn starts_with(&self, prefix: &[u8]) -> bool {
        self.bytes[..self.len].starts_with(prefix)
    }
}

/// Counts joined by "and" share their verb: "killing three civilians and five police",
/// "three CRPF personnel and one civilian were killed". A count the first pass left without
/// a verb takes its neighbour's when only its noun (up to three words) and "and" lie between
/// them, and that noun is of people.
fn coordinated_counts(
    text: &str,
    toks: &[Token],
    quantities: &[Quantity],
    out: &mut Vec<Casualty>,
) {
    let counted = |q: &Quantity, out: &[Casualty]| out.iter().position(|c| c.quantity == q.span);
    let word = |j: usize| toks[j].text(text).to_ascii_lowercase();
    let person = |q: &Quantity| {
        (q.token + 1..toks.len().min(q.token + 4))
            .take_while(|&j| toks[j].is_word() && word(j) != "and")
            .any(|j| {
                let w = word(j);
                is_plural_person(&w) || is_singular_person(&w) || victims_head(&w)
            })
    };
    // Noun words then "and", from just after `a` to just before `b`.
    let joined = |a: &Quantity, b: &Quantity| {
        let first = toks.partition_point(|t| t.span.start < b.span.start);
        first > a.token + 1
            && first - a.token - 1 <= 4
            && word(first - 1) == "and"
            && (a.token + 1..first - 1)
                .all(|j| toks[j].is_word() && casualty_verb(toks[j].text(text)).is_none())
    };
    let mut added = Vec::new();
    for pair in quantities.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if !joined(a, b) {
            continue;
        }
        let (from, to) = match (counted(a, out), counted(b, out)) {
            (Some(i), None) => (i, b),
            (None, Some(i)) => (i, a),
            _ => continue,
        };
        if !person(to) {
            continue;
        }
        let c = &out[from];
        added.push(Casualty {
            kind: c.kind,
            count: to.value,
            approx: to.approx,
            quantity: to.span,
            verb: c.verb,
            head: toks
                .get(to.token + 1)
                .filter(|t| t.is_word())
                .map(|t| t.text(text).to_ascii_lowercase()),
        });
    }
    if !added.is_empty() {
        out.extend(added);
        out.sort_by_key(|c| c.quantity.start);
    }
}

/// Nouns for victims that the person lists leave out ("police", "personnel").
fn victims_head(w: &str) -> bool {
    matches!(
        w,
        "police" | "personnel" | "troops" | "civilians" | "civilian" | "militants" | "fighters"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn casualties(text: &str) -> Vec<(CasualtyKind, u32)> {
        find_casualties(text, Span::new(0, text.len()))
            .iter()
            .map(|c| (c.kind, c.count))
            .collect()
    }

    #[test]
    fn casualty_table() {
        use CasualtyKind::*;
        let cases: &[(&str, &[(CasualtyKind, u32)])] = &[
            (
                "Since clashes erupted Friday in Qaim, at least 11 Iraqi soldiers have been killed and 21 more have been wounded.",
                &[(Killed, 11), (Wounded, 21)],
            ),
            (
                "Also, at least 20 militants were killed after Iraqi forces shelled areas.",
                &[(Killed, 20)],
            ),
            (
                "Around 70 Iraqi volunteers were ambushed and killed as they attempted to defend",
                &[(Killed, 70)],
            ),
            (
                "Iraq has deployed 2,000 troops to guard the dam",
                &[(Deployed, 2000)],
            ),
            (
                "Gunmen killed three villagers and wounded an elderly man",
                &[(Killed, 3)],
            ),
            ("a dozen soldiers were killed", &[(Killed, 12)]),
            ("dozens of people were injured", &[(Wounded, 12)]),
            ("twenty-one people died", &[(Killed, 21)]),
            ("The death toll rose to 35 on Monday.", &[(Killed, 35)]),
            ("Police arrested 14 protesters.", &[(Arrested, 14)]),
            ("a 25-year-old man was killed", &[(Killed, 1)]),
            (
                "On 9 March 2020, Taliban militants ambushed and killed 1 Arbaki",
                &[(Killed, 1)],
            ),
            ("On March 9, 2020, 3 soldiers were killed", &[(Killed, 3)]),
            (
                "In New Grant, a man was shot and killed by armed gunmen.",
                &[(Killed, 1)],
            ),
            ("1 fatality.", &[(Killed, 1)]),
            (
                "an alleged male drug dealer was shot dead by armed individuals",
                &[(Killed, 1)],
            ),
            (
                "Unidentified assailants shot dead an activist of the party",
                &[(Killed, 1)],
            ),
            ("Assailants shot dead two activists", &[(Killed, 2)]),
            (
                "Two policemen were gunned down and eight others sustained bullet wounds.",
                &[(Killed, 2), (Wounded, 8)],
            ),
            (
                "In an encounter, police killed Dinesh Sahu, 30, a commander of PLFI.",
                &[(Killed, 1)],
            ),
            ("police killed Taliban fighters in Ghazni", &[(Killed, 3)]),
            ("A protester died as police opened fire", &[(Killed, 1)]),
            ("a man was found dead in Colonia Jardines", &[(Killed, 1)]),
            (
                "attacked the leader before shooting him to death outside his home",
                &[(Killed, 1)],
            ),
            ("Police kill youth during riots in Kisumu", &[(Killed, 1)]),
            (
                "1 suspected Mungiki member killed at the outskirts",
                &[(Killed, 1)],
            ),
            (
                "7 civilians were killed and 88 animals stolen",
                &[(Killed, 7)],
            ),
            ("9 cattle rustlers shot dead by police", &[(Killed, 9)]),
            (
                "A Red Cross volunteer was shot dead by police",
                &[(Killed, 1)],
            ),
            ("Policeman killed after ambush by rebels", &[(Killed, 1)]),
            (
                "Pokot raiders attack and kill civilians during raid",
                &[(Killed, 3)],
            ),
            (
                "At six people, including three children, were killed in a clash",
                &[(Killed, 6)],
            ),
            (
                "The death toll in the attack has risen to 11.",
                &[(Killed, 11)],
            ),
            ("1e999 killed and 99999999999999999999 wounded", &[]),
            ("close to half of those fled the city", &[]),
            ("He said 1.6 million people lived there", &[]),
            (
                "Al Shabaab attacked the town, killing three civilians and five police before fleeing.",
                &[(Killed, 3), (Killed, 5)],
            ),
            (
                "three CRPF personnel and one civilian were killed and seven persons were injured",
                &[(Killed, 3), (Killed, 1), (Wounded, 7)],
            ),
            (
                "Police arrested 14 protesters and 20 cattle were stolen.",
                &[(Arrested, 14)],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(casualties(text), *want, "{text:?}");
        }
    }

    #[test]
    fn qualifiers_are_kept() {
        let text = "at least 11 soldiers and around 70 volunteers and close to 300 advisers";
        let toks = tokenize(text, Span::new(0, text.len()));
        let q: Vec<(u32, Approx)> = find_quantities(text, &toks)
            .iter()
            .map(|q| (q.value, q.approx))
            .collect();
        assert_eq!(
            q,
            vec![
                (11, Approx::AtLeast),
                (70, Approx::About),
                (300, Approx::About)
            ]
        );
    }
}
