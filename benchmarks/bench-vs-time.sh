#!/usr/bin/env bash
# Checks fanout bench's wall times against /usr/bin/time for the same run: REPEATS runs of
# `fanout run primes ... --wait-for-workers` on 2 local workers timed by /usr/bin/time (whole process: start-up,
# cluster, shutdown), beside `fanout bench primes --modes local` (each run: cluster start to workers stopped).
# Release build, under the lab lock (to keep other benchmarks off the machine meanwhile).
# Usage: bash benchmarks/bench-vs-time.sh [REPEATS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-5}"
source benchmarks/common.sh
job=(--limit 25000000 --tasks 200)
flock /run/fanout-lab-session.lock bash -c '
    fanout=$1; repeats=$2; shift 2
    for run in $(seq 1 "$repeats"); do
        /usr/bin/time -f "%e" -o "time.$run" "$fanout" run primes "$@" --workers 2 --summary-only --wait-for-workers >/dev/null
    done
    "$fanout" bench primes --modes local --workers 2 --repeat "$repeats" --quiet --out bench -- "$@" >/dev/null
' bench-vs-time "$fanout" "$repeats" "${job[@]}"
time_median=$(cat time.* | median)
bench_median=$(python3 -c 'import json; r = json.load(open("bench/report.json")); print([m for m in r["modes"] if m["mode"] == "local"][0]["wall"]["median"])')
echo "== primes ${job[*]}, 2 local workers, $repeats runs each, $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "/usr/bin/time (whole fanout run process): median $time_median s ($(cat time.* | range))"
echo "fanout bench --modes local (cluster start to workers stopped): median $bench_median s"
python3 -c "print('bench ÷ /usr/bin/time: %.3f' % ($bench_median / $time_median))"
