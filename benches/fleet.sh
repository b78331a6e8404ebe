#!/usr/bin/env bash
# Fleet figures: the durable service (mx-aggregation-service, on SQLite) and the naive
# integrator (fleet/src/naive.rs) against the in-process MX emulator over virtual days,
# in one run, with the same personas on the same frozen clock. Prints ONE Markdown table
# of both: MX calls per member-day by call, wasted calls, unneeded prompts, staleness
# p50/p99, transactions missing/doubled against MX's truth, the service's CPU time, CPU
# share beside the emulator, peak RSS and database bytes per member. A script, not a
# timed test.
#
#   benches/fleet.sh                                 # N=40 DAYS=3, release builds
#   N=10000 NAIVE_N=1000 DAYS=7 benches/fleet.sh     # the issue's scale
#   PROFILE=dev CHECK=1 benches/fleet.sh             # CI's cross-check (debug builds):
#                                                    # exit 1 on a transaction missing or
#                                                    # doubled in the service's copy, or
#                                                    # an aggregate MX did not start
#   DATABASE=postgres://… benches/fleet.sh           # the service on this database
# With MX_TEST_POSTGRES_URL set (and no DATABASE), a second run puts the service on a
# fresh PostgreSQL database as two instances and prints a second table.
# Extra arguments go to mx-fleet (`mx-fleet --help`).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${N:-40}
NAIVE_N=${NAIVE_N:-$N}
DAYS=${DAYS:-3}
PROFILE=${PROFILE:-release}
CHECK=${CHECK:-0}

cd "$REPO"
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
DIR=$TARGET/$([[ $PROFILE == dev ]] && echo debug || echo "$PROFILE")
ARGS=(--members "$N" --naive-members "$NAIVE_N" --days "$DAYS")
if [[ -f service/Cargo.toml ]]; then
    echo "building mx-fleet and mx-aggregation-service ($PROFILE)..." >&2
    cargo build --quiet --profile "$PROFILE" -p mx-fleet -p mx-aggregation-service
    ARGS+=(--service-bin "$DIR/mx-aggregation-service")
else
    echo "building mx-fleet ($PROFILE); no service package: the naive side alone..." >&2
    cargo build --quiet --profile "$PROFILE" -p mx-fleet
    ARGS+=(--naive-only)
fi
[[ -n ${DATABASE:-} ]] && ARGS+=(--database "$DATABASE")
if [[ $CHECK == 1 ]]; then
    if [[ -f service/Cargo.toml ]]; then
        ARGS+=(--check)
    else
        echo "no service package: nothing to cross-check; the naive side's figures only" >&2
    fi
fi

fleet() {
    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg): mx-fleet $*"
    "$DIR/mx-fleet" "$@"
}
fleet "${ARGS[@]}" "$@"

# With a PostgreSQL server (MX_TEST_POSTGRES_URL, e.g. from .ci/postgres.sh), the service
# again on a fresh database of it, as two instances sharing it.
if [[ -n ${MX_TEST_POSTGRES_URL:-} && -f service/Cargo.toml && -z ${DATABASE:-} ]]; then
    DB=fleet_$$_$RANDOM
    psql "$MX_TEST_POSTGRES_URL" -qc "CREATE DATABASE $DB"
    trap 'psql "$MX_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $DB" || true' EXIT
    echo
    fleet "${ARGS[@]}" --database "${MX_TEST_POSTGRES_URL%/*}/$DB" --instances 2 "$@"
fi
