#!/usr/bin/env bash
# Issue 4's figures on local workers, release build, interleaved rounds, medians (min-max):
#   1. stragglers: primes on 2 workers while one is held stopped 80% of the time (SIGSTOP/SIGCONT duty cycle, a
#      badly overloaded host), with scheduling.speculation on and off; wall time and the ratio off/on
#   2. load: 64 local workers of 1 slot, 10^6 no-op tasks: wall time, tasks/s, coordinator peak RSS
#   3. the journal's cost: 100,000 no-op tasks on 2 workers with and without --journal
# The TLS-vs-plain figure is benchmarks/transport-cost.sh; cut-host detection is benchmarks/cut-detection.sh.
# Usage: bash benchmarks/reliability-figures.sh [REPEATS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-5}"
source benchmarks/common.sh
printf 'scheduling:\n  speculation: true\n' >spec.yaml
printf 'scheduling:\n  speculation: false\n' >nospec.yaml


# Runs "$@" while the worker called local-2 is stopped 80 ms of every 100 ms.
throttled() {
    "$@" &
    local main=$! pid=""
    for _ in $(seq 500); do
        pid=$(pgrep -f -- "--id local-2 " | head -1 || true)
        [ -n "$pid" ] && break
        sleep 0.01
    done
    while kill -0 "$main" 2>/dev/null; do
        kill -STOP "$pid" 2>/dev/null || true
        sleep 0.08
        kill -CONT "$pid" 2>/dev/null || true
        sleep 0.02
    done
    wait "$main"
}

# Wall time of each captured run (benchmarks/run-summary.py); a run without a summary stops the script.
seconds() { run_summary wall_seconds "$@"; }

for run in $(seq 1 "$repeats"); do
    echo "round $run/$repeats" >&2
    throttled "$fanout" run primes --limit 20000000 --tasks 40 --workers 2 --summary-only --cluster spec.yaml \
        >"spec.$run" 2>&1
    throttled "$fanout" run primes --limit 20000000 --tasks 40 --workers 2 --summary-only --cluster nospec.yaml \
        >"nospec.$run" 2>&1
    "$fanout" run noop --tasks 1000000 --workers 64 --summary-only >"load.$run" 2>&1
    rm -f "journal.$run"
    "$fanout" run noop --tasks 100000 --workers 2 --summary-only >"plain.$run" 2>&1
    "$fanout" run noop --tasks 100000 --workers 2 --summary-only --journal "journal.$run" >"journaled.$run" 2>&1
done

echo "== Fanout reliability figures: $repeats rounds, medians (min-max), $(nproc) cores, $(date -u +%F)"
on=$(seconds spec.[0-9]*)
off=$(seconds nospec.[0-9]*)
ratios=$(paste <(echo "$off") <(echo "$on") | awk '{ printf "%.3f\n", $1 / $2 }')
copies=$(run_summary speculative_copies spec.[0-9]* | awk '{ s += $1 } END { print s + 0 }')
copy_wins=$(run_summary speculative_wins spec.[0-9]* | awk '{ s += $1 } END { print s + 0 }')
echo "straggler (local-2 stopped 80% of the time), primes < 20M in 40 tasks on 2 workers:"
echo "  speculation on  $(echo "$on" | median) s ($(echo "$on" | range)); copies $copies in all rounds, won by the copy $copy_wins"
echo "  speculation off $(echo "$off" | median) s ($(echo "$off" | range)); off/on per round: median $(echo "$ratios" | median) ($(echo "$ratios" | range))"
load_rates=$(run_summary tasks_per_second load.*)
load_ok=$(run_summary ok load.*)
load_ok=$(echo "$load_ok" | grep -cx 1000000 || true)
load_rss=$(run_summary coordinator_peak_rss_mib load.*)
echo "64 workers x 1 slot, 10^6 no-op tasks: complete in $load_ok of $repeats rounds; $(seconds load.* | median) s ($(seconds load.* | range)), $(echo "$load_rates" | median) tasks/s; coordinator peak RSS $(echo "$load_rss" | median) MiB (max $(echo "$load_rss" | sort -g | tail -1))"
p=$(run_summary tasks_per_second plain.[0-9]*)
j=$(run_summary tasks_per_second journaled.*)
jr=$(paste <(echo "$j") <(echo "$p") | awk '{ printf "%.3f\n", $1 / $2 }')
echo "100,000 no-op tasks, 2 workers: $(echo "$p" | median) tasks/s without a journal, $(echo "$j" | median) with --journal; with/without per round $(echo "$jr" | median) ($(echo "$jr" | range))"
