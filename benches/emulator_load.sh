#!/usr/bin/env bash
# Load on the MX emulator (emulator/examples/load.rs against the release `mx-emulator`
# binary, in real time with 1 ms job steps). Each run starts a fresh emulator, makes
# RESIDENTS members resident (a user and a connected MX Bank member each), then drives N
# more members concurrently to CONNECTED, each through an MFA challenge, plus one listing of
# its transactions. Prints members/s, p50/p99 request latency, p50/p99 of the transaction
# pages, the emulator's RSS per resident member and its peak RSS. A script, not a timed test.
#
# RESIDENTS may list several counts: the runs interleave them (RUNS rounds) and the script
# ends with the best rate of each and its ratio to the first count's.
#
#   benches/emulator_load.sh                                   # N=2000, no residents, best of 3
#   RESIDENTS="2000 100000" benches/emulator_load.sh           # the scale comparison
#   RESIDENTS="10000 100000" N=200 RUNS=1 benches/emulator_load.sh   # memory per resident
#   PROFILE=dev N=200 benches/emulator_load.sh                 # debug builds (no release build)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${N:-2000}
CONCURRENCY=${CONCURRENCY:-64}
RUNS=${RUNS:-3}
PROFILE=${PROFILE:-release}
STEP_MS=${STEP_MS:-1}
RESIDENTS=${RESIDENTS:-0}

cd "$REPO"
echo "building mx-emulator and the load driver ($PROFILE)..." >&2
cargo build --quiet --profile "$PROFILE" -p mx-emulator --bin mx-emulator --example load
DIR=${CARGO_TARGET_DIR:-$REPO/target}/$([[ $PROFILE == dev ]] && echo debug || echo "$PROFILE")

declare -A BEST
for run in $(seq 1 "$RUNS"); do
    for residents in $RESIDENTS; do
        OUT=$(mktemp)
        LOG=$(mktemp)
        "$DIR/mx-emulator" --addr 127.0.0.1:0 --client-id load --api-key load-key \
            --step-ms "$STEP_MS" > "$OUT" &
        PID=$!
        for _ in $(seq 1 100); do [[ -s $OUT ]] && break; sleep 0.05; done
        BASE=$(head -n1 "$OUT")
        "$DIR/examples/load" "$BASE" load load-key "$N" "$CONCURRENCY" "$residents" "$PID" \
            | tee "$LOG" | sed "s/^/run $run residents $residents: /"
        HWM=$(awk '/^VmHWM/ {print $2}' "/proc/$PID/status")
        echo "run $run residents $residents: rss_peak_kib=$HWM"
        kill "$PID"
        wait "$PID" 2>/dev/null || true
        RATE=$(awk -F= '/^members_per_second=/ {print $2}' "$LOG")
        if [[ -z ${BEST[$residents]:-} ]] || awk -v a="$RATE" -v b="${BEST[$residents]}" 'BEGIN {exit !(a > b)}'; then
            BEST[$residents]=$RATE
        fi
        rm -f "$OUT" "$LOG"
    done
done

FIRST=""
for residents in $RESIDENTS; do
    FIRST=${FIRST:-${BEST[$residents]}}
    awk -v r="$residents" -v b="${BEST[$residents]}" -v f="$FIRST" \
        'BEGIN {printf "residents=%s best_members_per_second=%s ratio_to_first=%.3f\n", r, b, b / f}'
done
