#!/usr/bin/env bash
# A real full disk under `sitrep ingest` (the test suite simulates one with
# SITREP_STORE_MAX_PAGES; this checks the same promises on a file system that runs out of
# room). Needs root, or any user allowed to mount a tmpfs. Usage: scripts/full_disk.sh [SITREP]
#
# 1. ingest the examples into a 400 KB tmpfs: exit status 2 and "the disk or the database
#    is full" naming the file; 2. the file passes `PRAGMA integrity_check`; 3. the tmpfs grows
#    to 4 MB and the same command finishes; 4. the store then reads exactly as one written in
#    a single run on an ordinary disk.
set -euo pipefail
cd "$(dirname "$0")/.."
sitrep="${1:-target/debug/sitrep}"
work="$(mktemp -d)"
mkdir "$work/tiny"
mount -t tmpfs -o size=400k tmpfs "$work/tiny"
trap 'umount "$work/tiny" 2>/dev/null; rm -rf "$work"' EXIT
run() { "$sitrep" ingest examples --manifest examples/manifest.jsonl -q --db "$1"; }

set +e
run "$work/tiny/s.db" 2>"$work/err"
status=$?
set -e
cat "$work/err"
[ "$status" -eq 2 ] || { echo "FAIL: exit status $status, expected 2"; exit 1; }
grep -q "$work/tiny/s.db: the disk or the database is full" "$work/err" \
    || { echo "FAIL: no clear message"; exit 1; }
python3 - "$work/tiny/s.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
ok = c.execute("PRAGMA integrity_check").fetchone()[0]
n = c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
print(f"after the disk filled: integrity {ok}, {n} documents")
sys.exit(ok != "ok")
EOF
mount -o remount,size=4m "$work/tiny"
run "$work/tiny/s.db"
run "$work/ref.db"
for cmd in events incidents control claims; do
    cmp <("$sitrep" "$cmd" --db "$work/ref.db" --format jsonl -q) \
        <("$sitrep" "$cmd" --db "$work/tiny/s.db" --format jsonl -q) \
        || { echo "FAIL: $cmd differ from an uninterrupted run"; exit 1; }
done
echo "ok: a full disk stopped ingest cleanly; the re-run finished with the same store"
