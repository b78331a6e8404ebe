#!/usr/bin/env bash
# Throughput of `mx-aggregation batch` beside the parse floor, physical baselines and a
# plain Python implementation of the same rules, on the same generated members, in one run.
#
#   benches/batch.sh                        # 200,000 members, best of 3
#   N=1000000 PYTHON=0 benches/batch.sh     # 1M members, without the (slow) Python run
#   N=20000 RUNS=1 benches/batch.sh         # CI's cross-check
#   INPUT=/tmp/m.jsonl benches/batch.sh     # an input generated before (N must match)
#
# Programs, each reading the file on standard input and writing to a file:
#   floor      ../shared/bench/floor: serde parse of the fields a decision needs, no rules
#   batch-1    mx-aggregation batch --threads 1
#   batch-2    mx-aggregation batch --threads 2
#   cat        cat > /dev/null: what reading the bytes costs
#   wc -l      GNU wc -l, a memchr line count: what finding the lines costs
#   python     benches/batch_reference.py (PYTHON=0 skips it)
# Prints best-of-RUNS and median wall times with ratios to the floor, and the median of the
# per-run ratios of batch --threads 2 to the floor; checks that batch wrote the same
# bytes on 1 and 2 threads and as the Python reference, and exits non-zero if not.
#
# SHARED is the shared material beside the repository (CI clones the repo with shared/
# next to it); WORK holds the generated input, the builds and the outputs.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$(dirname "$REPO")/shared}
WORK=${WORK:-$REPO/target/bench}
N=${N:-200000}
SEED=${SEED:-7}
RUNS=${RUNS:-3}
PYTHON=${PYTHON:-1}
# gen_members.py's reference instant: its timestamps lie within a week before it.
NOW=2026-11-24T12:00:00Z
# The target: batch on 2 threads at most 0.65x the single-threaded floor on a 2-core machine.
TARGET=0.65

mkdir -p "$WORK"

# The floor is built from a writable copy, so shared/ stays untouched, with this repo's
# Cargo.lock, so both sides use the same serde and serde_json.
rm -rf "$WORK/floor"
cp -rp "$SHARED/bench/floor" "$WORK/floor"
chmod -R u+w "$WORK/floor"
cp -p "$REPO/Cargo.lock" "$WORK/floor/Cargo.lock"
# The copy lies inside the repository's workspace (target/bench): an empty [workspace]
# table makes it a workspace of its own, as in shared/.
grep -q '^\[workspace\]' "$WORK/floor/Cargo.toml" || printf '\n[workspace]\n' >> "$WORK/floor/Cargo.toml"
echo "building the floor and mx-aggregation (release)..." >&2
cargo build --release --quiet --manifest-path "$WORK/floor/Cargo.toml" --target-dir "$WORK/floor-target"
cargo build --release --quiet --manifest-path "$REPO/Cargo.toml" --bin mx-aggregation
FLOOR="$WORK/floor-target/release/floor"
BATCH="$REPO/target/release/mx-aggregation"

INPUT=${INPUT:-$WORK/members-$N-$SEED.jsonl}
if [[ ! -s "$INPUT" ]]; then
    echo "generating $N members (seed $SEED)..." >&2
    python3 "$SHARED/bench/gen_members.py" "$N" "$SEED" > "$INPUT.tmp"
    mv "$INPUT.tmp" "$INPUT"
fi

run_floor() { "$FLOOR" < "$INPUT" > "$WORK/floor.out" 2> /dev/null; }
run_batch1() { "$BATCH" batch --threads 1 --now "$NOW" - < "$INPUT" > "$WORK/batch1.out" 2> "$WORK/batch.err"; }
run_batch2() { "$BATCH" batch --threads 2 --now "$NOW" - < "$INPUT" > "$WORK/batch2.out" 2> "$WORK/batch.err"; }
run_cat() { cat < "$INPUT" > /dev/null; }
run_wc() { wc -l < "$INPUT" > "$WORK/wc.out"; }
run_python() { python3 "$REPO/benches/batch_reference.py" "$NOW" < "$INPUT" > "$WORK/python.out"; }

# Wall time of one run of $1, in nanoseconds.
elapsed_ns() {
    local start end
    start=$(date +%s%N)
    "$1"
    end=$(date +%s%N)
    echo $((end - start))
}

declare -A best all
names=(floor batch1 batch2 cat wc)
if [[ $PYTHON == 1 ]]; then names+=(python); fi
for ((run = 1; run <= RUNS; run++)); do
    echo "run $run of $RUNS..." >&2
    # Interleaved, so a slow moment of the machine hits all of them alike. Outside the
    # timing, each program's previous output is deleted (truncating it in the timed
    # redirection cost the program with the longer output more) and the outputs before it
    # are written to disk (writing them back while a program runs takes a CPU from it, and
    # more from one that needs both CPUs than from a one-thread one).
    for name in "${names[@]}"; do
        rm -f "$WORK/$name.out"
        sync
        ns=$(elapsed_ns "run_$name")
        all[$name]+="$ns "
        if [[ -z "${best[$name]:-}" || $ns -lt ${best[$name]} ]]; then
            best[$name]=$ns
        fi
    done
done

lines=$(wc -l < "$INPUT")
mib=$(( $(wc -c < "$INPUT") / 1048576 ))
echo
echo "$lines members, $mib MiB; best of $RUNS; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-32s | %10s | %14s | %13s | %12s | %15s |\n' "program" "best (s)" "ratio to floor" "members per s" "median (s)" "median ratio"
printf '|%s|%s|%s|%s|%s|%s|\n' "----------------------------------" "-----------:" "---------------:" "--------------:" "-------------:" "----------------:"
declare -A labels=([floor]="floor (parse only, 1 thread)" [batch1]="batch --threads 1" [batch2]="batch --threads 2"
    [cat]="cat > /dev/null (reading)" [wc]="wc -l (memchr line count)" [python]="Python reference")
# The median of the runs of $1, in nanoseconds.
median_ns() { tr ' ' '\n' <<< "${all[$1]}" | grep . | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'; }
floor_median=$(median_ns floor)
for name in "${names[@]}"; do
    awk -v label="${labels[$name]}" -v ns="${best[$name]}" -v floor="${best[floor]}" -v lines="$lines" \
        -v med="$(median_ns "$name")" -v floor_med="$floor_median" \
        'BEGIN { printf "| %-32s | %10.3f | %14.2f | %13.0f | %12.3f | %15.2f |\n", label, ns / 1e9, ns / floor, lines / (ns / 1e9), med / 1e9, med / floor_med }'
done
echo

status=0
if cmp -s "$WORK/batch1.out" "$WORK/batch2.out"; then
    echo "batch wrote the same $lines lines on 1 and 2 threads."
else
    echo "MISMATCH: batch --threads 1 and --threads 2 disagree: diff $WORK/batch1.out $WORK/batch2.out" >&2
    status=1
fi
if [[ $PYTHON == 1 ]]; then
    if cmp -s "$WORK/batch1.out" "$WORK/python.out"; then
        echo "batch and the Python reference wrote the same $lines lines."
    else
        echo "MISMATCH: batch and the Python reference disagree: diff $WORK/batch1.out $WORK/python.out" >&2
        status=1
    fi
fi
# Each run times the floor and batch moments apart, so the ratio within a run shares the
# machine's state of that moment; its median over the runs is the steadiest figure on a
# shared machine, where a lucky run of the one-thread floor moves a best-of ratio by 20%.
paired_median=$(paste <(tr ' ' '\n' <<< "${all[batch2]}" | grep .) <(tr ' ' '\n' <<< "${all[floor]}" | grep .) |
    awk '{ print $1 / $2 }' | sort -g | awk '{ t[NR] = $1 } END { printf "%.2f", t[int((NR + 1) / 2)] }')
awk -v b="${best[batch2]}" -v f="${best[floor]}" -v bm="$(median_ns batch2)" -v fm="$floor_median" -v t="$TARGET" \
    -v pm="$paired_median" \
    'BEGIN { r = b / f; m = bm / fm
        printf "batch --threads 2 / floor = %.2f best of runs, %.2f median, %.2f median of the per-run ratios: %s (target <= %.2f best of runs, aim 0.5)\n",
            r, m, pm, (r <= t ? "target met" : "TARGET MISSED"), t }'
if [[ -x /usr/bin/time ]]; then
    for threads in 1 2; do
        /usr/bin/time -f "batch --threads $threads peak memory (max RSS): %M KiB for a $mib MiB input" \
            "$BATCH" batch --threads "$threads" --now "$NOW" "$INPUT" 2>&1 > /dev/null | tail -n 1
    done
fi
exit $status
