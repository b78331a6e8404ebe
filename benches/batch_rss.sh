#!/usr/bin/env bash
# Peak memory (max RSS, /usr/bin/time -v) of `mx-aggregation batch` on 1 and 2 threads, for
# 1M generated members read from a file and 10M read from a pipe (the 1M file ten times over),
# to show memory does not grow with the input.
#
#   benches/batch_rss.sh                      # generates 1M members (about 760 MiB) first
#   INPUT=/tmp/m1m.jsonl benches/batch_rss.sh # reuses a file from gen_members.py 1000000 7
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$(dirname "$REPO")/shared}
WORK=${WORK:-$REPO/target/bench}
INPUT=${INPUT:-$WORK/members-1000000-7.jsonl}
NOW=2026-11-24T12:00:00Z

mkdir -p "$WORK"
cargo build --release --quiet --manifest-path "$REPO/Cargo.toml" --bin mx-aggregation
BATCH="$REPO/target/release/mx-aggregation"
if [[ ! -s "$INPUT" ]]; then
    echo "generating 1,000,000 members (seed 7)..." >&2
    python3 "$SHARED/bench/gen_members.py" 1000000 7 > "$INPUT.tmp"
    mv "$INPUT.tmp" "$INPUT"
fi

# Prints "<max RSS KiB> <wall s>" of one batch run reading standard input.
measure() {
    local threads=$1
    shift
    "$@" | /usr/bin/time -v "$BATCH" batch --threads "$threads" --now "$NOW" - 2> "$WORK/rss.err" > /dev/null || true
    awk '/Maximum resident set size/ { rss = $NF } /Elapsed \(wall clock\)/ { wall = $NF } END { print rss, wall }' "$WORK/rss.err"
}
ten_times() { for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$INPUT"; done; }

lines=$(wc -l < "$INPUT")
echo "| input | threads | max RSS (KiB) | wall (m:s) |"
echo "|---|---:|---:|---:|"
for threads in 1 2; do
    read -r rss wall < <(measure "$threads" cat "$INPUT")
    echo "| $lines lines, $(( $(wc -c < "$INPUT") >> 20 )) MiB | $threads | $rss | $wall |"
    read -r rss wall < <(measure "$threads" ten_times)
    echo "| $((10 * lines)) lines (the file 10 times, through a pipe) | $threads | $rss | $wall |"
done
