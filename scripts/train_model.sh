#!/usr/bin/env bash
# Refits the bundled event classifiers (data/model/) from the public benchmark packs'
# train parts (score.py's fixed split; the test parts are never read). Deterministic: the
# same packs give the same bytes. Run from the repository root after `cargo build --release`.
#
#   ACLED heads (event_type, sub_event_type): ACLED notes + CASE 2021 news snippets, the
#     snippets counted twice (chosen by 8-fold cross-validation on the CASE train part
#     against the ACLED dev eighth: see docs/RESULTS.md).
#   PLOVER head: the PLOVER gold-standard sentences.
set -euo pipefail
B=${SITREP_BENCH:-../shared/bench}
BIN=${SITREP_BIN:-target/release/sitrep}
"$BIN" train --pack "$B/acled-dev" --pack "$B/case2021-task2:2" --out-dir data/model
"$BIN" train --pack "$B/plover-gsr" --out-dir data/model
