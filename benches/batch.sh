#!/usr/bin/env bash
# Throughput of `mx-aggregation batch` beside the parse floor and a plain Python
# implementation of the same rules, on the same generated members, in one run.
#
#   benches/batch.sh                  # 200,000 members, best of 3
#   N=20000 RUNS=5 benches/batch.sh   # smaller, more runs
#
# SHARED is the shared material beside the repository (CI clones the repo with shared/
# next to it); WORK holds the generated input, the builds and the outputs.
# Prints a table of best-of-RUNS wall times with ratios to the floor, checks that batch
# and the Python reference wrote the same bytes, and exits non-zero if they did not.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$(dirname "$REPO")/shared}
WORK=${WORK:-$REPO/target/bench}
N=${N:-200000}
SEED=${SEED:-7}
RUNS=${RUNS:-3}
# gen_members.py's reference instant: its timestamps lie within a week before it.
NOW=2026-11-24T12:00:00Z
TARGET=1.5

mkdir -p "$WORK"

# The floor is built from a writable copy, so shared/ stays untouched, with this repo's
# Cargo.lock, so both sides use the same serde and serde_json.
rm -rf "$WORK/floor"
cp -r "$SHARED/bench/floor" "$WORK/floor"
chmod -R u+w "$WORK/floor"
cp "$REPO/Cargo.lock" "$WORK/floor/Cargo.lock"
# The copy lies inside the repository's workspace (target/bench): an empty [workspace]
# table makes it a workspace of its own, as in shared/.
grep -q '^\[workspace\]' "$WORK/floor/Cargo.toml" || printf '\n[workspace]\n' >> "$WORK/floor/Cargo.toml"
echo "building the floor and mx-aggregation (release)..." >&2
cargo build --release --quiet --manifest-path "$WORK/floor/Cargo.toml" --target-dir "$WORK/floor-target"
cargo build --release --quiet --manifest-path "$REPO/Cargo.toml" --bin mx-aggregation
FLOOR="$WORK/floor-target/release/floor"
BATCH="$REPO/target/release/mx-aggregation"

INPUT="$WORK/members-$N-$SEED.jsonl"
if [[ ! -s "$INPUT" ]]; then
    echo "generating $N members (seed $SEED)..." >&2
    python3 "$SHARED/bench/gen_members.py" "$N" "$SEED" > "$INPUT.tmp"
    mv "$INPUT.tmp" "$INPUT"
fi

run_floor() { "$FLOOR" < "$INPUT" > "$WORK/floor.out" 2> /dev/null; }
run_batch() { "$BATCH" batch --now "$NOW" - < "$INPUT" > "$WORK/batch.out" 2> "$WORK/batch.err"; }
run_python() { python3 "$REPO/benches/batch_reference.py" "$NOW" < "$INPUT" > "$WORK/python.out"; }

# Wall time of one run of $1, in nanoseconds.
elapsed_ns() {
    local start end
    start=$(date +%s%N)
    "$1"
    end=$(date +%s%N)
    echo $((end - start))
}

declare -A best
names=(floor batch python)
for ((run = 1; run <= RUNS; run++)); do
    echo "run $run of $RUNS..." >&2
    # Interleaved, so a slow moment of the machine hits all three alike.
    for name in "${names[@]}"; do
        ns=$(elapsed_ns "run_$name")
        if [[ -z "${best[$name]:-}" || $ns -lt ${best[$name]} ]]; then
            best[$name]=$ns
        fi
    done
done

lines=$(wc -l < "$INPUT")
mib=$(( $(wc -c < "$INPUT") / 1048576 ))
echo
echo "$lines members, $mib MiB; best of $RUNS; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
printf '| %-24s | %10s | %14s | %13s |\n' "program" "time (s)" "ratio to floor" "members per s"
printf '|%s|%s|%s|%s|\n' "--------------------------" "-----------:" "---------------:" "--------------:"
declare -A labels=([floor]="floor (parse only)" [batch]="mx-aggregation batch" [python]="Python reference")
for name in "${names[@]}"; do
    awk -v label="${labels[$name]}" -v ns="${best[$name]}" -v floor="${best[floor]}" -v lines="$lines" \
        'BEGIN { printf "| %-24s | %10.3f | %14.2f | %13.0f |\n", label, ns / 1e9, ns / floor, lines / (ns / 1e9) }'
done
echo

status=0
if cmp -s "$WORK/batch.out" "$WORK/python.out"; then
    echo "batch and the Python reference wrote the same $lines lines."
else
    echo "MISMATCH: batch and the Python reference disagree: diff $WORK/batch.out $WORK/python.out" >&2
    status=1
fi
awk -v b="${best[batch]}" -v f="${best[floor]}" -v t="$TARGET" \
    'BEGIN { r = b / f; printf "batch / floor = %.2f: %s (target <= %.1f)\n", r, (r <= t ? "target met" : "TARGET MISSED"), t }'
if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f "batch peak memory (max RSS): %M KiB for a $mib MiB input" \
        "$BATCH" batch --now "$NOW" "$INPUT" 2>&1 > /dev/null | tail -n 1
fi
exit $status
