#!/usr/bin/env python3
"""Validate the actor dictionary in data/actors/ (standard library only).

    python3 scripts/check_actors.py [--strict]

Checks column counts, codes and dates in every TSV, duplicate canonical names, and aliases shared between
rows. A shared alias is 'intended' when the two rows cannot both apply (disjoint non-empty country sets or
disjoint validity windows) and a 'clash' otherwise. Exit status 1 on errors (and, with --strict, on clashes).
"""
import collections
import datetime as dt
import json
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "actors")
ISO_JSON = "/usr/share/iso-codes/json/iso_3166-1.json"
EXTRA_CODES = {"XK"}  # Kosovo (user-assigned code used by ACLED-style data)
ROLES = {"military": 1, "police": 1, "government": 1, "armed_unidentified": 3, "rebels": 2, "protesters": 6,
         "rioters": 5, "civilians": 7, "tribal": 4, "clan": 4, "ethnic": 4, "communal": 4, "vigilantes": 4,
         "volunteers": 3, "gang": 3, "pirates": 3, "private_security": 8}
KINDS = {"armed", "party", "criminal", "identity", "state", "external"}
SUFFIXES = {"Ethnic Militia", "Clan Militia", "Tribal Militia", "Communal Militia", "Caste Militia", "Indigenous Militia"}
# short English words that must never be case-insensitive aliases
COMMON = set("""a an and the of in on at to for by with from is it as be or we us our you he she they them his her
its all any art bar bat bra can cap car cat cod con cop dam day den die dig dim dot era eve fan far fat fee fig fit
fly fog for fun gap gas gun guy hat hit hub ice ill ink jam jet job joy key kid lab law lay leg let lid lip log lot
man map mat may men mix mob mud net new nod not now nut oak odd off oil old one out owl pad pan pat pay pen pet pie
pin pit pop pot pro put rag ram ran rat raw ray red rib rid rim rip rod row rub rug run sad saw say sea set she shy
sin sip sir sit six ski sky son spa spy sub sum sun tab tag tan tap tar tax tea ten tie tin tip toe ton top toy try
tub two use van war was way web wet who why win wit won yes yet zip able acts aims also area army away back band
bank base bear beat been best bill bird blow blue boat body bomb bone book born both call came camp card care case
cash cell city clan club coal code cold come cost crew crop cure dark data date dead deal dear deep deny desk diet
does done door down draw drop drug each earn east easy edge else even ever face fact fail fair fall farm fast fear
feel fell felt file fill film find fine fire firm fish five flag flat flow food foot form fort four free from fuel
full fund gain game gang gave gear gift girl give glad goal goes gold gone good grew grow gulf half hall hand hang
hard harm have head hear heat held hell help here hero hide high hill hire hold hole holy home hope host hour huge
hung hunt hurt idea inch iron item jail join joke jump jury just keen keep kept kick kill kind king knee knew know
lack lady laid lake land lane last late lead left less life lift like line link list live load loan lock long look
lord lose loss lost love luck made mail main make male many mark mass meal mean meat meet mend mile milk mind mine
miss mode more most move much must name navy near neck need news next nice nine none nose note okay once only open
over pace pack page paid pain pair palm park part pass past path peak pick pile pink plan play plot plus poll pool
poor port post pour pull pure push race rail rain rank rare rate read real rear rely rent rest rice rich ride ring
rise risk road rock role roll roof room root rose rule rush safe said sake sale salt same sand save seat seed seek
seem seen self sell send sent ship shop shot show shut sick side sign site size skin slip slow snow soft soil sold
sole some song soon sort soul spot star stay step stop such suit sure take tale talk tall tank tape task team tear
tell tend term test text than that them then they thin this thus tide till time tiny told tone took tool tour town
tree trip true tube turn twin type unit upon used user vast very vice view vote wage wait wake walk wall want ward
warm wash wave weak wear week well went were west what when whom wide wife wild will wind wine wing wire wise wish
with wood word wore work yard yeah year your zero zone""".split())
GROUP_ALIASES, STATE_ALIASES = {}, {}
DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


COUNTRY_NAMES = set()


def iso_codes():
    try:
        with open(ISO_JSON, encoding="utf-8") as fh:
            data = json.load(fh)["3166-1"]
        COUNTRY_NAMES.update(x["name"].casefold() for x in data)
        COUNTRY_NAMES.update(x.get("common_name", "").casefold() for x in data if x.get("common_name"))
        return {x["alpha_2"] for x in data} | EXTRA_CODES
    except OSError:
        return None


def rows(name):
    path = os.path.join(ROOT, name)
    out, header = [], None
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                continue
            out.append((n, cols))
    return header, out


def parse_day(s, end):
    if not s:
        return dt.date.max if end else dt.date.min
    if len(s) == 4:
        return dt.date(int(s), 12, 31) if end else dt.date(int(s), 1, 1)
    return dt.date.fromisoformat(s)


def norm(alias):
    a = alias.casefold().replace("\u2019", "'")
    a = re.sub(r"[\s\-_]+", " ", a)
    return a.strip()


class Report:
    def __init__(self):
        self.errors, self.warnings, self.notes = [], [], []

    def err(self, f, n, msg):
        self.errors.append("%s:%d: %s" % (f, n, msg))

    def warn(self, msg):
        self.warnings.append(msg)


def check_codes(rep, f, n, field, codes, iso):
    if not field:
        return set()
    cc = [c.strip() for c in field.split(",")]
    for c in cc:
        if not re.fullmatch(r"[A-Z]{2}", c) or (iso is not None and c not in iso):
            rep.err(f, n, "bad country code %r" % c)
    return set(cc)


def check_state_forces(rep, iso):
    f = "state_forces.tsv"
    header, data = rows(f)
    if header != ["country_code", "from", "to", "label", "start_date"]:
        rep.err(f, 0, "unexpected header %r" % header)
    per = collections.defaultdict(list)
    for n, c in data:
        if len(c) != 5:
            rep.err(f, n, "expected 5 columns, got %d" % len(c))
            continue
        cc, fr, to, label, sd = c
        check_codes(rep, f, n, cc, None, iso)
        if not re.fullmatch(r"\d{4}", fr) or (to and not re.fullmatch(r"\d{4}", to)):
            rep.err(f, n, "bad years %r %r" % (fr, to))
            continue
        if to and int(to) < int(fr):
            rep.err(f, n, "to < from")
        if not re.fullmatch(r"\d{4}-(\d{4})?", label):
            rep.err(f, n, "bad label %r" % label)
        if sd:
            try:
                d = dt.date.fromisoformat(sd)
                if abs(d.year - int(fr)) > 1:
                    rep.err(f, n, "start_date %s far from 'from' %s" % (sd, fr))
            except ValueError:
                rep.err(f, n, "bad start_date %r" % sd)
        per[cc].append((n, int(fr), int(to) if to else None, sd))
    for cc, ps in per.items():
        open_rows = [p for p in ps if p[2] is None]
        if len(open_rows) != 1:
            rep.err(f, ps[0][0], "%s has %d open-ended periods (want 1)" % (cc, len(open_rows)))
        starts = [p[3] or str(p[1]) for p in ps]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            rep.err(f, ps[0][0], "%s periods not in increasing start order" % cc)
    if iso is not None:
        missing = sorted(iso - set(per) - {"AQ"})
        if missing:
            rep.warn("state_forces.tsv: no period for %s" % ", ".join(missing))
    return len(data), len(per), sum(1 for ps in per.values() if min(p[1] for p in ps) <= 2000)


def windows_overlap(a, b):
    return a[0] <= b[1] and b[0] <= a[1]


def check_groups(rep, iso):
    f = "groups.tsv"
    header, data = rows(f)
    want = ["name", "inter", "countries", "aliases", "case_sensitive_aliases", "from", "to", "kind"]
    if header != want:
        rep.err(f, 0, "unexpected header %r" % header)
    names = {}
    alias_rows = collections.defaultdict(list)
    cs_rows = collections.defaultdict(list)
    info = {}
    for n, c in data:
        if len(c) != 8:
            rep.err(f, n, "expected 8 columns, got %d" % len(c))
            continue
        name, inter, countries, aliases, cs, fr, to, kind = c
        if name in names:
            rep.err(f, n, "duplicate canonical name %r (line %d)" % (name, names[name]))
        names[name] = n
        if inter not in {str(i) for i in range(1, 9)}:
            rep.err(f, n, "bad inter %r" % inter)
        if kind not in KINDS:
            rep.err(f, n, "bad kind %r" % kind)
        if kind == "state" and inter != "1":
            rep.err(f, n, "kind state needs inter 1")
        if kind == "external" and inter != "8":
            rep.err(f, n, "kind external needs inter 8")
        ccs = check_codes(rep, f, n, countries, None, iso)
        for d, end in ((fr, False), (to, True)):
            if d and not DATE.match(d):
                rep.err(f, n, "bad date %r" % d)
        try:
            win = (parse_day(fr, False), parse_day(to, True))
            if win[0] > win[1]:
                rep.err(f, n, "from after to")
        except ValueError:
            rep.err(f, n, "bad date")
            win = (dt.date.min, dt.date.max)
        info[name] = (ccs, win, n)
        al = [a for a in aliases.split("|") if a]
        for a in al:
            if a != a.strip() or "\t" in a:
                rep.err(f, n, "whitespace around alias %r" % a)
            m = re.search(r"\(([^)]*)\)$", a)
            if m and m.group(1).casefold() in COUNTRY_NAMES:
                rep.warn("groups.tsv:%d: alias qualified by a country name (not a surface form?) %r" % (n, a))
            if " " not in a and a.casefold() in COMMON:
                rep.err(f, n, "common English word as case-insensitive alias: %r" % a)
            alias_rows[norm(a)].append(name)
        for a in [a for a in cs.split("|") if a]:
            cs_rows[a].append(name)
            if a.casefold() in COMMON and a == a.lower():
                rep.err(f, n, "lowercase common word as case-sensitive alias: %r" % a)
        # the short form before ':' in a canonical name is NOT an implicit alias (some are ambiguous: HM, RPF, PLA)
    clashes, intended = [], []
    for table, label in ((alias_rows, "alias"), (cs_rows, "case-sensitive alias")):
        for a, owners in table.items():
            owners = sorted(set(owners))
            if len(owners) < 2:
                continue
            for i in range(len(owners)):
                for j in range(i + 1, len(owners)):
                    x, y = info.get(owners[i]), info.get(owners[j])
                    if not x or not y:
                        continue
                    disjoint_cc = x[0] and y[0] and not (x[0] & y[0])
                    disjoint_time = not windows_overlap(x[1], y[1])
                    item = "%s %r: %s | %s" % (label, a, owners[i], owners[j])
                    (intended if (disjoint_cc or disjoint_time) else clashes).append(item)
    # aliases also used case-insensitively by another group
    for a, owners in cs_rows.items():
        for other in alias_rows.get(norm(a), []):
            if other not in owners:
                x, y = info[owners[0]], info[other]
                if not ((x[0] and y[0] and not (x[0] & y[0])) or not windows_overlap(x[1], y[1])):
                    clashes.append("case-sensitive %r of %s also an alias of %s" % (a, owners[0], other))
    counts = collections.Counter(c[1] for _, c in data if len(c) == 8)
    GROUP_ALIASES.update({'alias': alias_rows, 'cs': cs_rows, 'info': info})
    return len(data), counts, clashes, intended


def check_generic(rep):
    f = "generic.tsv"
    header, data = rows(f)
    if header != ["head", "role", "inter", "unit"]:
        rep.err(f, 0, "unexpected header %r" % header)
    seen = {}
    for n, c in data:
        if len(c) != 4:
            rep.err(f, n, "expected 4 columns, got %d" % len(c))
            continue
        head, role, inter, unit = c
        if head != head.lower():
            rep.err(f, n, "head not lowercase: %r" % head)
        if role not in ROLES:
            rep.err(f, n, "unknown role %r" % role)
        elif str(ROLES[role]) != inter:
            rep.err(f, n, "inter %s does not match role %s" % (inter, role))
        if unit and role not in ("military", "police"):
            rep.err(f, n, "unit only allowed for military/police")
        if head in seen:
            rep.err(f, n, "duplicate head %r (line %d)" % (head, seen[head]))
        seen[head] = n
    return len(data), collections.Counter(c[1] for _, c in data if len(c) == 4)


def check_state_aliases(rep, iso):
    f = "state_aliases.tsv"
    header, data = rows(f)
    if header != ["country_code", "role", "unit", "aliases", "case_sensitive_aliases", "from", "to", "scope"]:
        rep.err(f, 0, "unexpected header %r" % header)
    seen = collections.defaultdict(list)
    for n, c in data:
        if len(c) != 8:
            rep.err(f, n, "expected 8 columns, got %d" % len(c))
            continue
        cc, role, unit, al, cs, fr, to, scope = c
        check_codes(rep, f, n, cc, None, iso)
        scope_set = check_codes(rep, f, n, scope, None, iso)
        if role not in ("military", "police", "government"):
            rep.err(f, n, "bad role %r" % role)
        for d in (fr, to):
            if d and not DATE.match(d):
                rep.err(f, n, "bad date %r" % d)
        if not al and not cs:
            rep.err(f, n, "row without aliases")
        win = (parse_day(fr, False), parse_day(to, True))
        for a in [x for x in al.split("|") if x]:
            if " " not in a and a.casefold() in COMMON:
                rep.err(f, n, "common English word as case-insensitive alias: %r" % a)
            seen[norm(a)].append((cc, unit, scope_set, win, n))
        for a in [x for x in cs.split("|") if x]:
            seen["=" + a].append((cc, unit, scope_set, win, n))
    clashes = []
    for a, owners in seen.items():
        for i in range(len(owners)):
            for j in range(i + 1, len(owners)):
                x, y = owners[i], owners[j]
                if (x[0], x[1]) == (y[0], y[1]):
                    continue
                if x[2] and y[2] and not (x[2] & y[2]):
                    continue
                if not windows_overlap(x[3], y[3]):
                    continue
                clashes.append("state alias %r: %s/%s (line %d) vs %s/%s (line %d)" %
                               (a.lstrip("="), x[0], x[1] or "-", x[4], y[0], y[1] or "-", y[4]))
    STATE_ALIASES.update(seen)
    return len(data), clashes


def check_ethnic(rep, iso):
    f = "ethnic_groups.tsv"
    header, data = rows(f)
    if header != ["name", "suffix", "countries", "aliases", "heads"]:
        rep.err(f, 0, "unexpected header %r" % header)
    seen = {}
    for n, c in data:
        if len(c) != 5:
            rep.err(f, n, "expected 5 columns, got %d" % len(c))
            continue
        name, suffix, countries, al, heads = c
        if suffix not in SUFFIXES:
            rep.err(f, n, "bad suffix %r" % suffix)
        ccs = check_codes(rep, f, n, countries, None, iso)
        if not ccs:
            rep.err(f, n, "countries required")
        key = (name, suffix)
        if key in seen:
            rep.err(f, n, "duplicate %r (line %d)" % (key, seen[key]))
        seen[key] = n
        if not al:
            rep.err(f, n, "no aliases")
    return len(data)


def cross_check():
    """Aliases that both a group and a state force claim for the same countries and dates."""
    out = []
    info = GROUP_ALIASES.get("info", {})
    for key, owners in STATE_ALIASES.items():
        groups = GROUP_ALIASES["cs"].get(key[1:], []) if key.startswith("=") else GROUP_ALIASES["alias"].get(key, [])
        for g in sorted(set(groups)):
            g_cc, g_win, g_line = info[g]
            for cc, unit, scope, win, line in owners:
                if g_cc and scope and not (g_cc & scope):
                    continue
                if g_cc and not scope and cc not in g_cc:
                    continue  # a global name of a foreign force vs a group scoped elsewhere: the scoped group wins
                if not windows_overlap(g_win, win):
                    continue
                out.append("alias %r: group %s (groups.tsv:%d) vs state %s/%s (state_aliases.tsv:%d)" %
                           (key.lstrip("="), g, g_line, cc, unit or "-", line))
    return out


def main():
    strict = "--strict" in sys.argv
    iso = iso_codes()
    rep = Report()
    n_sf, n_cc, n_deep = check_state_forces(rep, iso)
    n_g, g_counts, clashes, intended = check_groups(rep, iso)
    n_gen, gen_counts = check_generic(rep)
    n_sa, sa_clashes = check_state_aliases(rep, iso)
    n_e = check_ethnic(rep, iso)
    sa_clashes += cross_check()
    print("state_forces.tsv : %d periods, %d countries, %d with history back to 2000 or earlier" % (n_sf, n_cc, n_deep))
    print("groups.tsv       : %d groups; by inter: %s" % (n_g, dict(sorted(g_counts.items()))))
    print("generic.tsv      : %d heads; by role: %s" % (n_gen, dict(sorted(gen_counts.items()))))
    print("state_aliases.tsv: %d rows" % n_sa)
    print("ethnic_groups.tsv: %d communities" % n_e)
    print("shared aliases, intended (disjoint countries or periods): %d" % len(intended))
    if "-v" in sys.argv:
        for x in intended:
            print("  intended:", x)
    for x in clashes + sa_clashes:
        print("  CLASH:", x)
    for w in rep.warnings:
        print("  warning:", w)
    for e in rep.errors:
        print("  ERROR:", e)
    print("%d errors, %d clashes, %d warnings" % (len(rep.errors), len(clashes) + len(sa_clashes), len(rep.warnings)))
    return 1 if rep.errors or (strict and (clashes or sa_clashes)) else 0


if __name__ == "__main__":
    sys.exit(main())
