#!/usr/bin/env bash
# Regenerates docs/bench-example/ (report.md, report.json, report.csv, sweep.svg): release build, the 3-host SSH
# lab, `fanout bench primes` with every section, under the lab lock. Needs root (the lab).
# Usage: bash benchmarks/bench-example.sh [extra fanout bench options]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fanout-worker >&2
swift build -c release --product fanout >&2
bash deploy/build-worker.sh >&2
exec flock /run/fanout-lab-session.lock bash -c '
    bash deploy/lab.sh up 3 >&2
    eval "$(bash deploy/lab.sh env)"
    .build/release/fanout bench primes --lessons --sweep --overhead --cluster "$FANOUT_LAB_CLUSTER" \
        --out docs/bench-example "$@" -- --limit 8000000 --tasks 64
' bench-example "$@"
