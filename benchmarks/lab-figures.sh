#!/usr/bin/env bash
# Measures Fanout on the 3-host SSH lab (deploy/lab.sh), release build, medians over REPEATS runs:
#   - start to first result, cold (worker binary not on the hosts: includes the upload) and warm
#   - no-op tasks per second over the 3 hosts (100,000 tasks, counted once every worker is ready)
#   - peak RSS of the coordinator process
# Needs root (the lab). Usage: bash benchmarks/lab-figures.sh [REPEATS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-5}"
bash deploy/lab.sh up 3 >&2
bash deploy/build-worker.sh >&2
swift build -c release --product fanout >&2
eval "$(bash deploy/lab.sh env)"
fanout="$PWD/.build/release/fanout"
run_summary_parser="$PWD/benchmarks/run-summary.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
OLDPWD_REPO="$OLDPWD"
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) { print a[(NR + 1) / 2] } else { print (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'; }
# FIELD of each captured run (benchmarks/run-summary.py); fails naming the file when it has no such figure.
run_summary() { python3 "$run_summary_parser" "$@"; }
first_result() { run_summary first_result_seconds "$@"; }

for run in $(seq 1 "$repeats"); do
    echo "round $run/$repeats" >&2
    for n in 1 2 3; do rm -rf "$FANOUT_LAB_DIR/h$n/home/.cache/fanout"; done
    "$fanout" run noop --tasks 10 --cluster "$FANOUT_LAB_CLUSTER" --summary-only >"cold.$run" 2>&1
    "$fanout" run noop --tasks 10 --cluster "$FANOUT_LAB_CLUSTER" --summary-only >"warm.$run" 2>&1
    /usr/bin/time -f "%M" -o "noop-rss.$run" "$fanout" run noop --tasks 100000 --cluster "$FANOUT_LAB_CLUSTER" --summary-only \
        --wait-for-workers >"noop.$run" 2>&1
done
echo "== Fanout on the 3-host SSH lab: $repeats rounds, medians, $(date -u +%F)"
echo "start to first result, cold (uploads the $(du -h "$OLDPWD_REPO/.build-static/fanout-worker" | cut -f1) worker to 3 hosts): $(first_result cold.* | median) s (min $(first_result cold.* | sort -g | head -1), max $(first_result cold.* | sort -g | tail -1))"
echo "start to first result, warm: $(first_result warm.* | median) s (min $(first_result warm.* | sort -g | head -1), max $(first_result warm.* | sort -g | tail -1))"
first_result cold.* warm.* >/dev/null
rates=$(run_summary ready_tasks_per_second noop.*)
echo "no-op tasks/s over 3 hosts (100,000 tasks, once all workers are ready): $(echo "$rates" | median) (min $(echo "$rates" | sort -g | head -1), max $(echo "$rates" | sort -g | tail -1))"
echo "coordinator peak RSS (100,000 no-op tasks): $(tail -qn1 noop-rss.* | median | awk '{ printf "%.1f MiB", $1 / 1024 }')"
