#!/usr/bin/env python3
"""Derive data/lexicon/common_words.txt: words that news prose mostly writes in lowercase.

Reads the *train* halves (score.py's split_of) of the public packs in ../shared/bench that hold
running news text (gva-dev, acled-dev) and sitrep's own examples/, counts for every word how often
it appears in lowercase and how often capitalised in mid-sentence, and keeps the words that are
lowercase at least as often as capitalised. Only the word list is written: no text.

Usage: python3 scripts/build_lexicon.py [--bench ../shared/bench]
"""
import argparse, collections, hashlib, json, os, re

WORD = re.compile(r"[A-Za-z][a-z]+(?:['’-][A-Za-z]+)*")


def split_of(gold_line):
    key = str(gold_line.get("incident_id") or gold_line["doc_id"])
    return "test" if int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 5 == 0 else "train"


def train_texts(pack):
    gold = {}
    with open(os.path.join(pack, "gold.jsonl"), encoding="utf-8") as f:
        for line in f:
            g = json.loads(line)
            gold[g["doc_id"]] = split_of(g)
    with open(os.path.join(pack, "docs.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if gold.get(d["id"]) == "train":
                yield d.get("text") or ""


def example_texts(root):
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if name.endswith((".txt", ".html", ".jsonl", ".xml")):
                with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as f:
                    yield re.sub(r"<[^>]+>", " ", f.read())


def count(texts, lower, cap_mid):
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
            for i, m in enumerate(WORD.finditer(sentence)):
                w = m.group(0)
                if w.islower():
                    lower[w] += 1
                elif i > 0 and w[0].isupper() and not w.isupper():
                    cap_mid[w.lower()] += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bench", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "data", "lexicon", "common_words.txt"))
    a = ap.parse_args()
    lower, cap_mid = collections.Counter(), collections.Counter()
    for pack in ("gva-dev", "acled-dev"):
        count(train_texts(os.path.join(a.bench, pack)), lower, cap_mid)
    count(example_texts(os.path.join(os.path.dirname(__file__), "..", "examples")), lower, cap_mid)
    words = sorted(w for w, n in lower.items() if n >= 3 and n >= cap_mid[w] and len(w) > 1)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("# Words mostly written in lowercase in news prose (derived by scripts/build_lexicon.py).\n")
        for w in words:
            f.write(w + "\n")
    print(f"{len(words)} common words -> {a.out}")


if __name__ == "__main__":
    main()
