#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for SECONDS each (default 60), two at a time, and
# fails if any of them finds a crash. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#
# cargo-fuzz needs nightly compiler flags; on the stable toolchain RUSTC_BOOTSTRAP=1 allows
# them. Targets are built with debug assertions (so overflows panic) and without a sanitizer
# (the code forbids `unsafe`; the sanitizer would halve the executions). Corpora grow in
# fuzz/corpus/TARGET, seeded from examples/; crashes land in fuzz/artifacts/TARGET, and each
# one becomes a regression test beside the code it broke.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-60}"
shift || true
export RUSTC_BOOTSTRAP=1
jobs="${FUZZ_JOBS:-2}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi

echo "== building ${#targets[@]} fuzz targets"
cargo fuzz build -O --debug-assertions --sanitizer none

seed() {
    local target="$1" dir="corpus/$1"
    mkdir -p "$dir"
    [ -n "$(ls -A "$dir")" ] && return
    case "$target" in
        ingest_html) cp ../examples/*.html "$dir"/ ;;
        ingest_jsonl) cp ../examples/*.jsonl "$dir"/ ;;
        ingest_feed) cp ../examples/*.xml "$dir"/ ;;
        *) cp ../examples/*.txt "$dir"/ ;;
    esac
}

mkdir -p logs
run() {
    local target="$1"
    seed "$target"
    # -rss_limit_mb bounds memory; -timeout turns a hang on one input into a crash.
    if cargo fuzz run -O --debug-assertions --sanitizer none "$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30 -max_len=65536 \
        -print_final_stats=1 >"logs/$target.log" 2>&1; then
        echo "ok    $target: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$') executions in ${seconds}s"
    else
        echo "CRASH $target: see fuzz/logs/$target.log and fuzz/artifacts/$target/"
        tail -n 30 "logs/$target.log"
        return 1
    fi
}

status=0
running=0
for target in "${targets[@]}"; do
    run "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || status=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || status=1
    running=$((running - 1))
done
exit "$status"
