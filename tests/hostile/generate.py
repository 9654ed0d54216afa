#!/usr/bin/env python3
"""Writes sitrep's hostile-input corpus into a directory (never into the repository).

    python3 tests/hostile/generate.py [--small] [OUT]      (OUT defaults to target/hostile-corpus)

Every file is generated from a fixed seed, so two runs write the same bytes. Beside the
documents the generator writes `.expected.json` (hidden, so `sitrep extract OUT` does not read
it): for every input the number of units `extract` must account for, where a unit is one
document that ends processed or skipped with a reason (a text or HTML file is one unit, a JSONL
file one per non-blank line, a feed one per entry, a walk error one). The hostile test checks
`processed + skipped` against the sum.

`--small` writes the same kinds of input at sizes a normal `cargo test` can afford (a few MB);
the 100 MB inputs are then sparse files, which cost no disk and no time to write.
"""

import argparse
import json
import os
import random
import shutil
import sys

MIB = 1024 * 1024
MAX_DOCUMENT_BYTES = 64 * MIB  # sitrep_pipeline::ingest::MAX_DOCUMENT_BYTES

# Rust's char::is_whitespace (Unicode White_Space), which `str::trim` uses; Python's
# str.isspace() also counts U+001C..U+001F, so it cannot be used to predict blank lines.
RUST_WHITESPACE = set(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

PROSE = (
    "Militants attacked an army checkpoint near Mosul on Saturday, killing at least 11 "
    "soldiers and wounding 20 others, a security official said. "
    "Iraqi forces later recaptured the town of Qaim from ISIS fighters. "
)


def rust_trim(s):
    start, end = 0, len(s)
    while start < end and s[start] in RUST_WHITESPACE:
        start += 1
    while end > start and s[end - 1] in RUST_WHITESPACE:
        end -= 1
    return s[start:end]


def jsonl_units(data):
    """Units of a JSONL file as sitrep streams it: every non-blank line, over-long ones too."""
    units = 0
    for line in data.split(b"\n"):
        if len(line) > MAX_DOCUMENT_BYTES:
            units += 1
            continue
        text = line.decode("utf-8", "replace").lstrip("\ufeff")
        if rust_trim(text):
            units += 1
    return units


class Corpus:
    def __init__(self, root, small):
        self.root = root
        self.small = small
        self.rng = random.Random(0x517E)
        self.expected = {}

    def path(self, rel):
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def expect(self, rel, low, high=None):
        self.expected[rel] = [low, low if high is None else high]

    def write(self, rel, data, units=1, high=None):
        """A file with its units; `units=None` counts JSONL lines."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(self.path(rel), "wb") as f:
            f.write(data)
        if units is None:
            units = jsonl_units(data)
        self.expect(rel, units, high)

    def write_lines(self, rel, lines):
        """A JSONL file from lines given as str or bytes."""
        data = b"\n".join(l.encode("utf-8") if isinstance(l, str) else l for l in lines) + b"\n"
        self.write(rel, data, units=None)

    def sparse(self, rel, size, units=1):
        """A file of `size` NUL bytes that takes no disk space."""
        with open(self.path(rel), "wb") as f:
            f.truncate(size)
        self.expect(rel, units)

    def random_bytes(self, n):
        return bytes(self.rng.getrandbits(8) for _ in range(n))

    # Sizes that differ between the full and the small corpus.
    def n(self, full, small):
        return small if self.small else full


def binary(c):
    c.write("binary/random.txt", c.random_bytes(c.n(1 * MIB, 16 * 1024)))
    c.write("binary/random.html", c.random_bytes(c.n(256 * 1024, 8 * 1024)))
    c.write("binary/random.rss", c.random_bytes(c.n(256 * 1024, 8 * 1024)))
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + c.random_bytes(4096)
    c.write("binary/image.txt", png)
    c.write("binary/archive.html", b"PK\x03\x04" + c.random_bytes(4096))
    # Control characters but no NUL: still not text.
    c.write("binary/controls.txt", bytes(c.rng.choice(range(1, 9)) for _ in range(4096)))
    # A NUL early is binary; a NUL after the sniffed 8 KiB is text with a NUL in it.
    c.write("binary/nul_early.txt", "Clashes in Mosul\x00killed 3 people.\n")
    c.write("binary/nul_late.txt", PROSE * 60 + "Fighting in Ra\x00qqa killed 4.\x00\n" + PROSE)
    # Random lines (each starts with a letter so none is blank) in a JSONL file.
    lines = []
    for _ in range(c.n(2000, 50)):
        raw = c.random_bytes(c.rng.randint(0, 200)).replace(b"\n", b" ")
        lines.append(b"X" + raw)
    c.write_lines("binary/random.jsonl", lines)


def utf8(c):
    c.write("utf8/invalid.txt", b"Title \xff\xfe\n" + PROSE.encode() + b"\xc3\x28 \xa0\xa1 \xe2\x82 Mosul\xf0\x28\x8c\x28 killed 5.\n")
    c.write("utf8/overlong.txt", b"Overlong \xc0\xaf \xe0\x80\xaf surrogate \xed\xa0\x80 five-byte \xf8\x88\x80\x80\x80 in Qaim.\n" + PROSE.encode())
    c.write("utf8/truncated_multibyte.txt", PROSE.encode() + "Fighting in الموصل".encode()[:-1])
    c.write("utf8/only_invalid.txt", b"\xff" * 300)
    c.write("utf8/latin1_in_utf8.html", b"<html><head><meta charset='utf-8'></head><body><p>Caf\xe9 in Mosul: 3 killed, na\xefve \xab quotes \xbb.</p></body></html>")
    c.write("utf8/windows1256.html", b"<html><head><meta charset=windows-1256></head><body><p>\xc7\xe1\xe3\xe6\xd5\xe1 Mosul 4 killed.</p></body></html>")
    c.write("utf8/bogus_charset.html", b"<html><head><meta charset=\"x-no-such-\xff\"></head><body><p>Qaim \xff\xfe 2 killed.</p></body></html>")
    c.write("utf8/bom_then_invalid.txt", b"\xef\xbb\xbf\xef\xbb\xbfDouble BOM \xff Mosul.\n")
    c.write_lines("utf8/invalid.jsonl", [
        b'{"id":"u1","text":"Mosul \xff\xfe 3 killed"}',
        b'{"id":"u2\xc3","text":"id cut mid-character"}',
        b'{"id":"u3","text":"\xed\xa0\x80 encoded surrogate"}',
        b'\xef\xbb\xbf{"id":"u4","text":"BOM on a line"}',
        b'{"id":"u5","text":"lone surrogate escape \\ud800 in Qaim"}',
        b'{"id":"u6","text":"pair \\ud83d\\ude00 and reversed \\ude00\\ud83d"}',
    ])


def utf16(c):
    body = "Clashes in Mosul\n\n" + PROSE + "Fighting near الرقة left 4 dead.\n"
    c.write("utf16/le_bom.txt", b"\xff\xfe" + body.encode("utf-16-le"))
    c.write("utf16/be_bom.txt", b"\xfe\xff" + body.encode("utf-16-be"))
    c.write("utf16/le_bom.html", b"\xff\xfe" + ("<html><body><p>" + PROSE + "</p></body></html>").encode("utf-16-le"))
    c.write("utf16/be_bom.html", b"\xfe\xff" + ("<html><body><p>" + PROSE + "</p></body></html>").encode("utf-16-be"))
    c.write("utf16/odd_length.txt", b"\xff\xfe" + body.encode("utf-16-le") + b"\x41")
    c.write("utf16/lone_surrogate.txt", b"\xff\xfe" + "Mosul ".encode("utf-16-le") + b"\x00\xd8" + " killed 3.".encode("utf-16-le"))
    c.write("utf16/bom_only.txt", b"\xff\xfe")
    c.write("utf16/no_bom.txt", body.encode("utf-16-le"))
    rss = '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>F</title><item><title>T</title><description>' + PROSE + "</description></item></channel></rss>"
    c.write("utf16/feed_le_bom.xml", b"\xff\xfe" + rss.encode("utf-16-le"), units=1)
    # UTF-16 in a JSONL file: every line decodes as UTF-8 with NULs and fails.
    data = b"\xff\xfe" + ('{"id":"w1","text":"Mosul"}\n{"id":"w2","text":"Qaim"}\n').encode("utf-16-le")
    c.write("utf16/le_bom.jsonl", data, units=None)


def long_inputs(c):
    # 100 MB on one line: over the per-document limit, skipped with a reason.
    if c.small:
        c.sparse("long/line_100mb.txt", 100 * MIB)
        c.sparse("long/line_100mb.jsonl", 100 * MIB)
    else:
        sentence = b"Fighters shelled Mosul and Qaim on Saturday, killing 3 civilians "
        with open(c.path("long/line_100mb.txt"), "wb") as f:
            for _ in range(100 * MIB // len(sentence) + 1):
                f.write(sentence)
        c.expect("long/line_100mb.txt", 1)
        with open(c.path("long/line_100mb.jsonl"), "wb") as f:
            f.write(b'{"id":"huge","text":"')
            for _ in range(100 * MIB // len(sentence) + 1):
                f.write(sentence)
            f.write(b'"}\n{"id":"after-huge","text":"The line after the huge one is read: 2 killed in Qaim."}\n')
        c.expect("long/line_100mb.jsonl", 2)
    # Under the limit, so the whole pipeline sees it: one long line, one long word, runs of
    # sentence marks and abbreviations.
    size = c.n(16 * MIB, 256 * 1024)
    c.write("long/line_under_limit.txt", (PROSE.replace(". ", ", ") * (size // len(PROSE) + 1))[:size])
    c.write("long/one_word.txt", "Mosul" + "a" * c.n(4 * MIB, 64 * 1024) + " killed 3.")
    c.write("long/dots.txt", "." * c.n(4 * MIB, 64 * 1024))
    c.write("long/abbreviations.txt", "U.S. Maj. Gen. Dr. J. " * c.n(200_000, 2_000) + "killed 3 in Mosul.")
    c.write("long/digits.txt", "9" * c.n(1 * MIB, 16 * 1024) + " killed in Mosul on 1" + "0" * 5000 + "/2/2014.")
    c.write("long/numbers_run.txt", " ".join(str(i) for i in range(c.n(300_000, 3_000))) + " killed.")
    c.write("long/capitalised_run.txt", " ".join(["Mosul", "Qaim", "Baghdad", "Al", "New", "Saint"] * c.n(150_000, 1_500)) + ".")
    c.write("long/many_lines.txt", "Mosul\n" * c.n(1_000_000, 10_000))
    c.write("long/blank_lines.txt", "Title\n" + "\n" * c.n(2_000_000, 20_000) + "Qaim fell.")
    c.write("long/crlf_cr.txt", "Title\r\r\n" + ("Qaim fell.\r" * c.n(100_000, 1_000)))
    # Every other line is boilerplate: as many excluded spans as sentences.
    c.write("long/boilerplate_lines.txt", "Title\n" + "Advertisement\nQaim fell to ISIS on Saturday.\n" * c.n(200_000, 2_000))


def tiny_documents(c):
    # 10^6 (10^3 when small) tiny documents, one per JSONL line.
    count = c.n(1_000_000, 1_000)
    path = c.path("tiny/tiny.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for i in range(count):
            text = ["3 killed in Mosul.", "x", "Qaim fell.", "?", "1e999 killed"][i % 5]
            f.write(json.dumps({"id": f"t{i}", "text": text}) + "\n")
    c.expect("tiny/tiny.jsonl", count)
    # And many tiny files in one folder.
    files = c.n(5_000, 100)
    for i in range(files):
        with open(c.path(f"tiny/files/{i:05}.txt"), "w", encoding="utf-8") as f:
            f.write("x" if i % 2 else f"{i} killed in Qaim.")
    for i in range(files):
        c.expect(f"tiny/files/{i:05}.txt", 1)


def html(c):
    deep = c.n(200_000, 20_000)
    c.write("html/deep_div.html", "<html><head><title>Deep</title></head><body>" + "<div>" * deep + "<p>Qaim fell; 3 killed.</p>" + "</div>" * deep + "</body></html>")
    c.write("html/unclosed_span.html", "<span>" * deep + "Mosul shelled, 2 killed.")
    c.write("html/nested_tables.html", "<table><tr><td>" * c.n(30_000, 3_000) + "Qaim")
    c.write("html/just_under_depth.html", "<body>" + "<div>" * 250 + "<p>" + PROSE + "</p>" + "</div>" * 250)
    c.write("html/misnested_formatting.html", "<p>" + "<b><i>x</b></i>" * c.n(50_000, 2_000) + PROSE + "</p>")
    c.write("html/nested_anchors.html", "<p>" + "<a href=x>a" * c.n(50_000, 2_000) + PROSE + "</p>")
    c.write("html/nested_lists.html", "<ul><li>" * c.n(50_000, 2_000) + PROSE)
    c.write("html/nested_quotes.html", "<blockquote>" * c.n(50_000, 2_000) + PROSE)
    c.write("html/scripts_styles_only.html", "<html><head><style>p{color:red}</style><script>var x = '<p>Mosul 3 killed</p>';</script></head><body><script>document.write(1)</script><noscript><style>a{}</style></noscript><template><p>hidden</p></template></body></html>")
    c.write("html/entities_only.html", "<p>&amp;&lt;&gt;&quot;&#0;&#x0;&#x110000;&#xD800;&#99999999999999999999;&nbsp;&nbsp&notit;&amp&#x1F600;&unknown;&#</p>")
    c.write("html/entities_many.html", "<p>" + "&amp;&#x202E;&#8203;" * c.n(300_000, 3_000) + "</p>")
    c.write("html/comments_only.html", "<!-- Mosul 3 killed --><!-- -->")
    c.write("html/unclosed_comment.html", "<p>before</p><!-- " + PROSE * c.n(2000, 20))
    c.write("html/unclosed_script.html", "<p>Qaim fell.</p><script>" + "var a = 1;" * c.n(100_000, 1_000))
    c.write("html/unclosed_tag.html", "<div class=\"" + "a" * c.n(1_000_000, 10_000))
    c.write("html/huge_attribute.html", "<p title=\"" + "x" * c.n(8 * MIB, 64 * 1024) + "\">Mosul 2 killed.</p>")
    c.write("html/many_attributes.html", "<p " + " ".join(f"a{i}=1" for i in range(c.n(100_000, 1_000))) + ">Mosul</p>")
    c.write("html/many_paragraphs.html", "<body>" + "<p>Clashes in Qaim.</p>" * c.n(300_000, 3_000) + "</body>")
    c.write("html/cdata_svg_math.html", "<svg><![CDATA[Mosul 3 killed]]><foreignObject><p>in svg</p></foreignObject></svg><math><mtext><p>math</p></mtext></math><p>" + PROSE + "</p>")
    c.write("html/frameset.html", "<frameset><frame src=x><noframes><p>" + PROSE + "</p></noframes></frameset>")
    c.write("html/plaintext.html", "<plaintext><p>" + PROSE + "</p></plaintext><p>after")
    c.write("html/empty.html", b"")
    c.write("html/whitespace.html", " \n\t\r\n  ")
    c.write("html/only_lt.html", "<" * c.n(1_000_000, 10_000))
    c.write("html/meta_charset_loop.html", b"<meta charset=utf-16><meta charset=utf-7><p>Mosul \xff 3 killed.</p>")
    c.write("html/hidden_everything.html", "<body hidden><nav><p>x</p></nav><aside><p>y</p></aside><footer><p>z</p></footer></body>")
    c.write("html/readability_bait.html", "<html><head><title>" + "T|" * 5000 + "</title><meta property='article:published_time' content='2014-02-30T99:99:99Z'><meta name='author' content='" + "A" * 100_000 + "'></head><body><article><h1>" + "H" * 10_000 + "</h1>" + "<p>" + PROSE + "</p>" * 5 + "</article></body></html>")


def jsonl(c):
    c.write_lines("jsonl/malformed.jsonl", [
        '{"id":"m1","text":"Fine line: 3 killed in Mosul."}',
        "not json at all",
        "{",
        "}",
        "[]",
        "null",
        '"a string"',
        "12345",
        '{"id":"m2","text":"x"} trailing garbage',
        '{"id":"m3","text":"x",}',
        "{'id':'m4','text':'single quotes'}",
        '{"id":"m5","text":"unterminated',
        '{"id":"m6","text":"bad escape \\q"}',
        '{"id":"m7","text":"raw control \x01 char"}',
        '{"id":"m8","text":"raw NUL \x00 byte"}',
        '{"id":"m9","text":"escaped NUL \\u0000 in Mosul, 3 killed"}',
        '{"id":"m10","text":"dup keys","text":"second wins?","id":"m10b"}',
        '{"id":"m11","text":' + "[" * 200_000 + "]" * 200_000 + "}",
        '{"id":"m12","text":"x","extra":' + "{\"a\":" * 100_000 + "1" + "}" * 100_000 + "}",
        '   \t  ',
        "\ufeff",
        "\u00a0\u3000",
        '{"id":"m13","text":"CRLF line"}\r',
        '\x1c\x1d\x1e\x1f',
    ])
    full = '{"id":"tr1","text":"A complete line about Mosul, 3 killed.","title":"T","published":"2014-06-10"}'
    cut = [full[:i] for i in range(1, len(full), 7)]
    c.write_lines("jsonl/truncated.jsonl", cut)
    # A file cut in the middle of a multi-byte character, without a final newline.
    data = (full + "\n" + '{"id":"tr2","text":"الموصل').encode("utf-8")[:-1]
    c.write("jsonl/truncated_mid_char.jsonl", data, units=None)
    text = "Fighting in Mosul killed 3."
    c.write_lines("jsonl/wrong_types.jsonl", [json.dumps(o) for o in [
        {"id": ["a"], "text": text},
        {"id": {"a": 1}, "text": text},
        {"id": True, "text": text},
        {"id": 1.5, "text": text},
        {"id": 12, "text": text},
        {"id": -12, "text": text},
        {"id": 18446744073709551615, "text": text},
        {"id": "", "text": text},
        {"id": "   ", "text": text},
        {"id": None, "text": text},
        {"text": text},
        {"id": "w1"},
        {"id": "w2", "text": None},
        {"id": "w3", "text": 12},
        {"id": "w4", "text": ["a", "b"]},
        {"id": "w5", "text": {"en": text}},
        {"id": "w6", "html": 5},
        {"id": "w7", "html": "<p>" + text + "</p>", "text": None},
        {"id": "w8", "text": text, "html": 5},
        {"id": "w9", "text": text, "title": 5, "published": 20140610, "source": ["a"], "url": {}, "language": True},
        {"id": "w10", "text": text, "published": "February 30, 2014"},
        {"id": "w11", "text": text, "published": "2014-02-30"},
        {"id": "w12", "text": text, "published": "9999-12-31T25:61:61Z"},
        {"id": "w13", "text": text, "published": "-0001-01-01"},
        {"id": "w14", "text": text, "published": "+275760-09-13"},
        {"id": "w15", "text": text, "published": "2014-06-10T00:00:00+99:00"},
        {"id": "w16", "text": text, "toponyms": "Mosul"},
        {"id": "w17", "text": text, "toponyms": [1, "a", None, [], {}]},
        {"id": "w18", "text": text, "toponyms": [{"start": 12, "end": 5}]},
        {"id": "w19", "text": text, "toponyms": [{"start": 0, "end": 10**6}]},
        {"id": "w20", "text": text, "toponyms": [{"start": -1, "end": 5}]},
        {"id": "w21", "text": text, "toponyms": [{"start": 1.5, "end": 5}]},
        {"id": "w22", "text": "Ḿosul", "toponyms": [{"start": 1, "end": 3}]},
        {"id": "w23", "text": text, "toponyms": [{"start": 12, "end": 17}] * 10_000},
        {"id": "w24", "text": text, "toponyms": [{"start": "12", "end": "17"}]},
    ]] + [
        '{"id":1e999,"text":"x"}',
        '{"id":"w25","text":"x","toponyms":[{"start":1e999,"end":2}]}',
        '{"id":"w26","text":"x","toponyms":[{"start":99999999999999999999999,"end":2}]}',
        '{"id":"w27","text":"' + "Mosul " * 10_000 + '","toponyms":[' + ",".join('{"start":%d,"end":%d}' % (i * 6, i * 6 + 5) for i in range(10_000)) + "]}",
    ])
    # A JSON array and a pretty-printed object in a .jsonl file are read line by line.
    c.write_lines("jsonl/pretty.jsonl", json.dumps([{"id": "p1", "text": text}], indent=2).split("\n"))
    c.write_lines("jsonl/html_field.jsonl", [json.dumps(o) for o in [
        {"id": "h1", "html": "<div>" * 100_000 + "<p>" + text + "</p>"},
        {"id": "h2", "html": "<script>only</script>"},
        {"id": "h3", "html": "&amp;&lt;&#x202E;"},
        {"id": "h4", "html": "<p>" + text + "</p>" * 3},
    ]])


def feeds(c):
    items = c.n(100_000, 1_000)
    with open(c.path("feeds/rss_many.xml"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Many</title>\n')
        for i in range(items):
            f.write(f"<item><title>Item {i}</title><guid>g{i}</guid><pubDate>Sat, 14 Jun 2014 10:00:00 GMT</pubDate><description>{i % 97} killed in Mosul &amp; Qaim.</description></item>\n")
        f.write("</channel></rss>\n")
    c.expect("feeds/rss_many.xml", items)
    entries = c.n(10_000, 300)
    with open(c.path("feeds/atom_many.atom"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2014-06-14T00:00:00Z</updated>\n')
        for i in range(entries):
            f.write(f'<entry><title type="html">&lt;b&gt;E{i}&lt;/b&gt;</title><id>urn:e{i}</id><updated>2014-06-14T00:00:00Z</updated><content type="html">&lt;p&gt;{i} wounded in Raqqa.&lt;/p&gt;</content></entry>\n')
        f.write("</feed>\n")
    c.expect("feeds/atom_many.atom", entries)
    item = "<item><title>T{0}</title><description>Mosul {0} killed.</description></item>"
    whole = '<rss version="2.0"><channel><title>T</title>' + "".join(item.format(i) for i in range(10)) + "</channel></rss>"
    c.write("feeds/truncated.rss", whole[: len(whole) // 2], units=1, high=10)
    c.write("feeds/not_xml.xml", "this is not a feed {} <<<")
    c.write("feeds/empty.xml", "")
    c.write("feeds/no_items.rss", '<rss version="2.0"><channel><title>Empty</title></channel></rss>')
    c.write("feeds/items_without_text.rss", '<rss version="2.0"><channel><title>T</title>' + "<item><title>only title</title></item>" * 5 + "</channel></rss>", units=5)
    c.write("feeds/html_bomb_description.rss", '<rss version="2.0"><channel><title>T</title><item><title>Deep</title><description>' + "&lt;div&gt;" * c.n(100_000, 5_000) + "Mosul 3 killed" + "</description></item></channel></rss>")
    c.write("feeds/cdata.rss", '<rss version="2.0"><channel><title>T</title><item><title><![CDATA[<b>Qaim</b>]]></title><description><![CDATA[<p>' + PROSE + "</p><script>x</script>]]></description></item></channel></rss>")
    laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    ) + ']><rss version="2.0"><channel><title>&lol9;</title><item><title>x</title><description>&lol9; Mosul 3 killed</description></item></channel></rss>'
    c.write("feeds/billion_laughs.rss", laughs, units=1)
    c.write("feeds/external_entity.rss", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>T</title><item><title>x</title><description>&x; Mosul</description></item></channel></rss>', units=1)
    c.write("feeds/bad_dates.rss", '<rss version="2.0"><channel><title>T</title>' + "".join(
        f"<item><title>d</title><pubDate>{d}</pubDate><description>Mosul 3 killed.</description></item>"
        for d in ["Feb 30 2014", "Mon, 30 Feb 2014 99:99:99 ZZZ", "", "99999999999999999999", "1e999"]
    ) + "</channel></rss>", units=5)
    c.write("feeds/big_item.rss", '<rss version="2.0"><channel><title>T</title><item><title>Big</title><description>' + (PROSE * c.n(40_000, 400)) + "</description></item></channel></rss>")
    c.write("feeds/deep_xml.xml", "<rss>" + "<a>" * c.n(100_000, 5_000) + "</a>" * c.n(100_000, 5_000) + "</rss>", units=1)
    c.write("feeds/namespaces.atom", '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="' + "u" * 100_000 + '"><entry><x:title>q</x:title><summary>Mosul 3 killed.</summary></entry></feed>', units=1)


NUMBERS = [
    "1e999 killed", "99999999999999999999 wounded", "18446744073709551616 dead",
    "4294967296 people were displaced", "-5 killed", "0 killed", "00000000000000000000003 killed",
    "1,000,000,000,000,000 displaced", "1.6.7.8 killed", "1..2 killed", "1,,,,2 wounded",
    "3.14159265358979323846264338327950288 killed", "NaN killed", "inf wounded", "0x1F killed",
    "١٢ killed", "½ killed", "⁹⁹⁹ killed", "Ⅻ killed", "twenty-one thousand million hundred killed",
    "dozens of dozens of hundreds killed", "a million billion trillion killed",
    "at least at least at least 3 killed", "up to 1e308 killed", "1 000 000 killed",
    "9" * 400 + " killed", "1." + "0" * 400 + " killed", "killed killed killed", "1-2-3-4 killed",
    "between 5 and 99999999999999999999 were wounded",
]

DATES = [
    "February 30", "February 30, 2014", "2014-02-30", "2014-13-01", "0000-01-01", "9999-99-99",
    "on 31/31/9999", "on 0/0/0", "on 29/2/2015", "June 0", "June 99, 2014", "June 10, 99999",
    "32nd of December", "May 5-99", "Feb. 31st", "in 1899", "in 2099-2000", "in 2014-99",
    "99999 years ago", "18446744073709551616 years ago", "last Saturday", "since Friday night",
    "the day before", "mid-Smarch 2014", "early January 10000", "on 1/2/-3",
]

UNICODE_PLACES = [
    "Mo\u200bsul", "Ra\u200dqqa", "\u202eluosoM\u202c", "Al-\u2060Qaim", "\u2067الموصل\u2069",
    "Mos\u00adul", "Q\u0301\u0302\u0303\u0304a\u0305\u0306\u0307im", "Ba\ufeffghdad", "Mosul\u2028Qaim",
    "\u200f\u200eFallujah", "İstanbul", "ISTANBUL İ", "Straße STRASSE", "ﬃ ﬁ ﬂ", "\ufdfa Mecca",
    "Ǆ Ǳ ǅ", "ΣΑΣ σας", "\U0001f1ee\U0001f1f6 Iraq", "Mosul\ufe0f", "\u0301Mosul", "Qaim\u0300\u0300",
    "Kharkiv\u0000", "Homs\x7f", "Aleppo\u00a0", "Idlib\u3000", "\U000e0041\U000e007f Daraa",
]


def readers(c):
    prose = "Clashes near Mosul on Saturday. "
    c.write("numbers/numbers.txt", "Casualties\n\n" + " ".join(f"In Qaim, {n} in the attack." for n in NUMBERS) + "\n")
    c.write_lines("numbers/numbers.jsonl", [json.dumps({"id": f"n{i}", "text": prose + n + ".", "published": "2014-06-14"}) for i, n in enumerate(NUMBERS)])
    c.write("dates/dates.txt", "Dates\n\n" + " ".join(f"Militants attacked Mosul {d}, killing 3." for d in DATES) + "\n")
    c.write_lines("dates/dates.jsonl", [
        json.dumps({"id": f"d{i}", "text": f"Militants attacked Mosul {d}, killing 3.", "published": p})
        for i, d in enumerate(DATES)
        for p in ["2014-06-14", "0001-01-01", "9999-12-31", "2016-02-29", "-262143-01-01", "+262142-12-31"]
    ])
    c.write("unicode/places.txt", "Places\n\n" + " ".join(f"Militants attacked {p} on Saturday, killing 3 soldiers in {p}." for p in UNICODE_PLACES) + "\n")
    c.write_lines("unicode/places.jsonl", [json.dumps({"id": f"u{i}", "text": f"Fighting in {p} killed 4 people near {p}.", "published": "2014-06-14"}) for i, p in enumerate(UNICODE_PLACES)])
    c.write("unicode/zero_width_flood.txt", "Mosul" + "\u200b\u200d\u2060\ufeff\u202e" * c.n(200_000, 2_000) + " killed 3.")
    c.write("unicode/combining_flood.txt", "Q" + "\u0301" * c.n(1_000_000, 10_000) + "aim killed 3.")
    c.write("unicode/expanding_case.txt", ("İ" * c.n(100_000, 1_000)) + " Mosul. " + "\ufdfa" * c.n(100_000, 1_000) + " Qaim killed 3.")
    c.write("unicode/separators.txt", "Mosul\u2028fell.\u2029Qaim\u0085fell.\u000cRaqqa\u000bfell.")
    c.write("unicode/private_noncharacters.txt", "\ue000\uffff\U0010ffff Mosul \ufffe killed 3.")


def names_and_links(c):
    root = c.root
    # File names that are not UTF-8, or that carry newlines and bidi controls.
    odd = os.path.join(os.fsencode(root), b"names")
    os.makedirs(odd, exist_ok=True)
    names = [b"\xff\xfe not utf8.txt", "new\nline.txt".encode(), "\u202etxt.exe.txt".encode(), b"spaces   .txt"]
    for name in names:
        with open(os.path.join(odd, name), "wb") as f:
            f.write(PROSE.encode())
        # JSON cannot hold a non-UTF-8 name: the key shows its bytes escaped.
        c.expected["names/" + name.decode("utf-8", "backslashreplace")] = [1, 1]
    # Not documents: skipped silently by the walk (no units).
    with open(c.path("names/.hidden.txt"), "w") as f:
        f.write(PROSE)
    with open(c.path("names/notes.md"), "w") as f:
        f.write(PROSE)
    with open(c.path("names/data.json"), "w") as f:
        f.write("{}")
    with open(c.path("names/program.bin"), "wb") as f:
        f.write(b"\x7fELF")
    # Symbolic links: a loop back to an ancestor, two links pointing at each other, one at
    # itself, a dangling one, and good ones.
    links = c.path("links/x")[:-2]
    os.makedirs(links, exist_ok=True)
    with open(os.path.join(links, "real.txt"), "w") as f:
        f.write(PROSE)
    c.expect("links/real.txt", 1)
    for name, target in [
        ("loop", "."),
        ("loop_up", ".."),
        ("ping.txt", "pong.txt"),
        ("pong.txt", "ping.txt"),
        ("self.txt", "self.txt"),
        ("dangling.txt", "no-such-file.txt"),
        ("alias.txt", "real.txt"),
        ("zero.txt", "/dev/zero"),
    ]:
        os.symlink(target, os.path.join(links, name))
    for name in ["loop", "loop_up", "ping.txt", "pong.txt", "self.txt", "dangling.txt", "alias.txt"]:
        c.expect("links/" + name, 1)
    # A deep chain of folders.
    deep = os.path.join(links, *(["d"] * 200))
    os.makedirs(deep, exist_ok=True)
    with open(os.path.join(deep, "deep.txt"), "w") as f:
        f.write(PROSE)
    c.expect("links/" + "d/" * 200 + "deep.txt", 1)


def manifest(c):
    # A hostile manifest in the corpus root: read automatically for `extract DIR`.
    lines = [
        json.dumps({"file": "links/real.txt", "id": "from-manifest", "published": "2014-06-14", "title": "T"}),
        json.dumps({"file": "links/real.txt", "id": "duplicate"}),
        json.dumps({"file": "utf8/invalid.txt", "published": "2014-02-30"}),
        json.dumps({"file": 5}),
        json.dumps({"id": "no-file"}),
        json.dumps({"file": "does/not/exist.txt", "id": "ghost"}),
        json.dumps({"file": "../../../etc/passwd", "id": "escape"}),
        "not json",
        '{"file":"truncated',
    ]
    data = ("\n".join(lines) + "\n").encode() + b'{"file":"names/x\xff.txt"}\n'
    with open(c.path("manifest.jsonl"), "wb") as f:
        f.write(data)
    # Skips: the UTF-8 repair, the duplicate, the impossible date, the number as "file", the
    # missing "file", and the two lines that are not JSON. An entry naming no existing file
    # attaches to nothing and is not a unit.
    c.expect("manifest.jsonl", 7)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="target/hostile-corpus")
    parser.add_argument("--small", action="store_true", help="sizes for the normal test run")
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    inside_target = out.startswith(os.path.join(repo, "target") + os.sep)
    if out.startswith(repo + os.sep) and not inside_target:
        sys.exit(f"refusing to write the corpus into the repository: {out}")
    if os.path.lexists(out):
        if not os.path.isfile(os.path.join(out, ".expected.json")) and os.listdir(out):
            sys.exit(f"{out} exists and is not a hostile corpus; not overwriting it")
        shutil.rmtree(out)
    os.makedirs(out)
    c = Corpus(out, args.small)
    for part in [binary, utf8, utf16, long_inputs, tiny_documents, html, jsonl, feeds, readers, names_and_links, manifest]:
        part(c)
    low = sum(v[0] for v in c.expected.values())
    high = sum(v[1] for v in c.expected.values())
    with open(os.path.join(out, ".expected.json"), "w", encoding="utf-8") as f:
        json.dump({"small": args.small, "units": [low, high], "files": c.expected}, f, indent=1, ensure_ascii=True)
    print(f"wrote {len(c.expected)} inputs ({low}..{high} units) to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
