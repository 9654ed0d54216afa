#!/usr/bin/env python3
"""Figures on the subsets of ACLED notes that state what is scored (sitrep's own words).

Many ACLED notes never name the place or the day of their event; on those, no reader of the
text can get them right. This prints date exact on the notes whose text contains a date
expression, and place within 161 km on the notes whose text contains the gold location's
name. The subsets are chosen from the text and the gold alone (a regular expression here, not
sitrep's date reader), so they do not favour sitrep.

    target/release/sitrep eval events ../shared/bench/acled-dev --split test --save /tmp/pred.jsonl
    python3 scripts/subsets.py ../shared/bench/acled-dev /tmp/pred.jsonl
"""
import json
import math
import re
import sys

MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
         r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)")
DATE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)? " + MONTH + r"|" + MONTH + r" \d{1,2}\b|"
                  r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
                  r"\byesterday\b|\btoday\b|\blast night\b|\b\d{1,2}/\d{1,2}\b")


def km(a, b, c, d):
    p = math.pi / 180
    h = (math.sin((c - a) * p / 2) ** 2
         + math.cos(a * p) * math.cos(c * p) * math.sin((d - b) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


def main(pack, pred_path):
    first = {}
    for line in open(pred_path, encoding="utf-8"):
        p = json.loads(line)
        first.setdefault(p["doc_id"], p)
    text = {}
    for line in open(pack + "/docs.jsonl", encoding="utf-8"):
        d = json.loads(line)
        if d["id"] in first:
            text[d["id"]] = d["text"]
    dated = [0, 0]
    named = [0, 0]
    exact = [0, 0]
    for line in open(pack + "/gold.jsonl", encoding="utf-8"):
        g = json.loads(line)
        p = first.get(g["doc_id"])
        if p is None:
            continue
        t = text[g["doc_id"]]
        evs = g["events"]
        if str(evs[0].get("time_precision")) == "1" and DATE.search(t):
            dated[1] += 1
            dated[0] += p.get("event_date") in {e.get("event_date") for e in evs}
        loc = evs[0].get("location") or ""
        if loc and loc.lower() in t.lower() and evs[0].get("latitude") is not None:
            named[1] += 1
            d = (km(evs[0]["latitude"], evs[0]["longitude"], p["latitude"], p["longitude"])
                 if p.get("latitude") is not None else math.inf)
            named[0] += d <= 161
            if str(evs[0].get("geo_precision")) == "1":
                exact[1] += 1
                exact[0] += d <= 25
    print("notes stating a date: date exact %.3f (n=%d)" % (dated[0] / max(dated[1], 1), dated[1]))
    print("notes naming the gold location: place within 161 km %.3f (n=%d)"
          % (named[0] / max(named[1], 1), named[1]))
    print("... of those with gold geo_precision 1: place within 25 km %.3f (n=%d)"
          % (exact[0] / max(exact[1], 1), exact[1]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
