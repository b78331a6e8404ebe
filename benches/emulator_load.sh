#!/usr/bin/env bash
# Load on the MX emulator: N MX Bank members driven concurrently to CONNECTED (each through
# an MFA challenge) by the load driver (emulator/examples/load.rs) against the release
# `mx-emulator` binary in real time with 1 ms job steps. Prints members/s, p50/p99 request
# latency and the emulator's peak RSS. A script, not a timed test.
#
#   benches/emulator_load.sh                         # N=2000, CONCURRENCY=64, best of 3
#   N=500 CONCURRENCY=16 RUNS=1 benches/emulator_load.sh
#   PROFILE=dev benches/emulator_load.sh             # debug builds (no release build)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${N:-2000}
CONCURRENCY=${CONCURRENCY:-64}
RUNS=${RUNS:-3}
PROFILE=${PROFILE:-release}
STEP_MS=${STEP_MS:-1}

cd "$REPO"
echo "building mx-emulator and the load driver ($PROFILE)..." >&2
cargo build --quiet --profile "$PROFILE" -p mx-emulator --bin mx-emulator --example load
DIR=$REPO/target/$([[ $PROFILE == dev ]] && echo debug || echo "$PROFILE")

for run in $(seq 1 "$RUNS"); do
    OUT=$(mktemp)
    "$DIR/mx-emulator" --addr 127.0.0.1:0 --client-id load --api-key load-key \
        --step-ms "$STEP_MS" > "$OUT" &
    PID=$!
    for _ in $(seq 1 100); do [[ -s $OUT ]] && break; sleep 0.05; done
    BASE=$(head -n1 "$OUT")
    RSS_START=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status")
    "$DIR/examples/load" "$BASE" load load-key "$N" "$CONCURRENCY" | sed "s/^/run $run: /"
    HWM=$(awk '/^VmHWM/ {print $2}' "/proc/$PID/status")
    RSS_END=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status")
    echo "run $run: rss_start_kib=$RSS_START rss_end_kib=$RSS_END rss_peak_kib=$HWM"
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    rm -f "$OUT"
done
