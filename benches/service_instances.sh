#!/usr/bin/env bash
# Several mx-aggregation-service instances on one PostgreSQL database, one SIGKILLed
# midway and not restarted: the three-instance test (service/tests/postgres_three_instances.rs)
# at a bench's scale. Prints how long creating and settling took; fails when a member did
# not settle, was created twice, an aggregate was wasted, or the stored transactions differ
# from MX's. A script, not a timed test.
#
#   benches/service_instances.sh                      # N=1000 members, 3 instances, release
#   N=200 INSTANCES=5 benches/service_instances.sh
#   PROFILE=dev N=50 benches/service_instances.sh     # a quick look with debug builds
#
# Uses the cluster MX_TEST_POSTGRES_URL names, or starts a throw-away one with
# .ci/postgres.sh (stopped at exit).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
N=${N:-1000}
INSTANCES=${INSTANCES:-3}
PROFILE=${PROFILE:-release}

if [[ -z ${MX_TEST_POSTGRES_URL:-} ]]; then
    MX_PG_STATE=$(mktemp -u /tmp/mx-aggregation-postgres-bench.XXXXXX)
    export MX_PG_STATE
    trap 'bash .ci/postgres.sh stop' EXIT
    eval "$(bash .ci/postgres.sh start)"
fi
export MX_TEST_POSTGRES_URL

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores: $N members, $INSTANCES instances on PostgreSQL ($PROFILE)"
LOG=$(mktemp /tmp/mx-service-instances.XXXXXX.log)
if MX_PG_MEMBERS=$N MX_PG_INSTANCES=$INSTANCES cargo test --quiet --profile "$PROFILE" \
    -p mx-aggregation-service --test postgres_three_instances -- --nocapture >"$LOG" 2>&1; then
    grep -E '^(seed|SIGKILLed|[0-9]+ members)' "$LOG"
    rm -f "$LOG"
else
    tail -n 60 "$LOG"
    echo "the run failed; its whole output: $LOG" >&2
    exit 1
fi
