#!/usr/bin/env python3
"""Maintains data/training/news-prose, sitrep's own pack of labelled news texts.

The pack has the benchmark packs' layout (docs.jsonl; the answers in labels.jsonl where the
packs have gold.jsonl), so `sitrep train --pack` and `sitrep eval events` read it like any
other, and score.py's fixed split applies: one text in five (by id) is test and is never
trained on.

    python3 scripts/news_pack.py check
    python3 scripts/news_pack.py add NEW.jsonl [...]

NEW.jsonl: one object per line with id, text, published (YYYY-MM-DD), event_type,
sub_event_type, fatalities. `add` refuses the whole batch if any line is malformed, reuses
an id, or repeats a text already in the pack.
"""
import datetime
import json
import pathlib
import sys

PACK = pathlib.Path(__file__).resolve().parent.parent / "data" / "training" / "news-prose"

# ACLED's event types and their sub-event types, spelled as the codebook spells them.
TYPES = {
    "Battles": ["Armed clash", "Government regains territory",
                "Non-state actor overtakes territory"],
    "Explosions/Remote violence": ["Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack",
                                   "Remote explosive/landmine/IED", "Grenade"],
    "Violence against civilians": ["Sexual violence", "Attack",
                                   "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention",
                 "Excessive force against protesters"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Agreement", "Arrests", "Change to group/activity",
                               "Disrupted weapons use", "Headquarters or base established",
                               "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"],
}
KEYS = {"id", "text", "published", "event_type", "sub_event_type", "fatalities"}


def problems(row):
    """What is wrong with one labelled text (an empty list when nothing is)."""
    out = []
    if set(row) != KEYS:
        out.append("keys %s, want %s" % (sorted(row), sorted(KEYS)))
        return out
    if not isinstance(row["text"], str) or len(row["text"].split()) < 4:
        out.append("text too short")
    if row["sub_event_type"] not in TYPES.get(row["event_type"], []):
        out.append("%r is not a sub-event type of %r" % (row["sub_event_type"], row["event_type"]))
    try:
        datetime.date.fromisoformat(row["published"])
    except (TypeError, ValueError):
        out.append("published %r is not YYYY-MM-DD" % (row["published"],))
    if not isinstance(row["fatalities"], int) or row["fatalities"] < 0:
        out.append("fatalities %r is not a count" % (row["fatalities"],))
    return out


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_pack():
    docs = read_jsonl(PACK / "docs.jsonl") if (PACK / "docs.jsonl").exists() else []
    gold = read_jsonl(PACK / "labels.jsonl") if (PACK / "labels.jsonl").exists() else []
    return docs, gold


def check():
    docs, gold = read_pack()
    ids = [d["id"] for d in docs]
    errors = []
    if len(set(ids)) != len(ids):
        errors.append("repeated document ids")
    if [g["doc_id"] for g in gold] != ids:
        errors.append("labels.jsonl does not follow docs.jsonl line for line")
    for d, g in zip(docs, gold):
        e = g["events"][0]
        row = {k: v for k, v in d.items() if k != "source"}
        row.update(event_type=e["event_type"], sub_event_type=e["sub_event_type"],
                   fatalities=e["fatalities"])
        errors += ["%s: %s" % (d["id"], p) for p in problems(row)]
    for e in errors[:20]:
        print("news_pack: " + e, file=sys.stderr)
    counts = {}
    for g in gold:
        s = g["events"][0]["sub_event_type"]
        counts[s] = counts.get(s, 0) + 1
    print("news_pack: %d texts, %d sub-event types" % (len(docs), len(counts)))
    return not errors


def add(paths):
    docs, gold = read_pack()
    ids = {d["id"] for d in docs}
    texts = {d["text"] for d in docs}
    new = []
    errors = []
    for path in paths:
        for n, row in enumerate(read_jsonl(path), 1):
            where = "%s:%d" % (path, n)
            errors += ["%s: %s" % (where, p) for p in problems(row)]
            if row.get("id") in ids:
                errors.append("%s: id %r already in the pack" % (where, row.get("id")))
            if row.get("text") in texts:
                errors.append("%s: text already in the pack" % where)
            ids.add(row.get("id"))
            texts.add(row.get("text"))
            new.append(row)
    if errors:
        for e in errors[:20]:
            print("news_pack: " + e, file=sys.stderr)
        return False
    PACK.mkdir(parents=True, exist_ok=True)
    with open(PACK / "docs.jsonl", "a", encoding="utf-8") as fd, \
            open(PACK / "labels.jsonl", "a", encoding="utf-8") as fg:
        for r in new:
            fd.write(json.dumps({"id": r["id"], "text": r["text"], "published": r["published"],
                                 "source": "sitrep"}, ensure_ascii=False) + "\n")
            fg.write(json.dumps({"doc_id": r["id"], "events": [{
                "event_type": r["event_type"], "sub_event_type": r["sub_event_type"],
                "fatalities": r["fatalities"]}]}, ensure_ascii=False) + "\n")
    print("news_pack: added %d texts" % len(new))
    return check()


def main(argv):
    if argv[:1] == ["check"]:
        return 0 if check() else 1
    if argv[:1] == ["add"] and len(argv) > 1:
        return 0 if add(argv[1:]) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
