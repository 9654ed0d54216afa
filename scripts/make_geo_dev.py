#!/usr/bin/env python3
"""Build a geoparsing development pack from the *train* halves of acled-dev and gva-dev.

The public geoparsing packs (LGL, GWN) are quoted whole for comparison with published
figures, so nothing is tuned on them. This script derives a tuning set instead: in each train
document it finds the gold event's place name in the text and writes it as a given toponym
span with the gold coordinates. Output (not committed; third-party text stays out of the
repository): target/geo-dev/{docs.jsonl,gold.jsonl}, usable with
`sitrep eval toponyms target/geo-dev --resolution-only`.
"""
import argparse, hashlib, json, os, re

def split_of(g):
    key = str(g.get("incident_id") or g["doc_id"])
    return "test" if int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % 5 == 0 else "train"

def find_spans(text, name):
    out = []
    if not name or len(name) < 3:
        return out
    for m in re.finditer(r"(?<![\w])" + re.escape(name) + r"(?![\w])", text):
        out.append((len(text[:m.start()].encode()), len(text[:m.end()].encode()), m.group(0)))
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bench", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "target", "geo-dev"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    docs_out, gold_out = [], []
    for pack in ("acled-dev", "gva-dev"):
        gold = {}
        for line in open(os.path.join(a.bench, pack, "gold.jsonl"), encoding="utf-8"):
            g = json.loads(line)
            if split_of(g) == "train":
                gold[g["doc_id"]] = g
        for line in open(os.path.join(a.bench, pack, "docs.jsonl"), encoding="utf-8"):
            d = json.loads(line)
            g = gold.get(d["id"])
            if not g:
                continue
            evs = g.get("events") or [g]
            tops, seen = [], set()
            for e in evs:
                if e.get("latitude") is None or (e.get("geo_precision") not in (None, 1)):
                    continue
                for s, t, txt in find_spans(d["text"], e.get("location")):
                    if (s, t) in seen:
                        continue
                    seen.add((s, t))
                    tops.append({"start": s, "end": t, "text": txt, "latitude": e["latitude"], "longitude": e["longitude"]})
            if tops:
                docs_out.append({"id": d["id"], "text": d["text"], "published": d.get("published"),
                                 "toponyms": [{"start": t["start"], "end": t["end"]} for t in tops]})
                gold_out.append({"doc_id": d["id"], "toponyms": tops})
    with open(os.path.join(a.out, "docs.jsonl"), "w", encoding="utf-8") as f:
        for d in docs_out:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    with open(os.path.join(a.out, "gold.jsonl"), "w", encoding="utf-8") as f:
        for g in gold_out:
            f.write(json.dumps(g, ensure_ascii=False) + "\n")
    print(f"{len(docs_out)} docs, {sum(len(g['toponyms']) for g in gold_out)} toponyms -> {a.out}")

if __name__ == "__main__":
    main()
