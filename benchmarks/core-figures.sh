#!/usr/bin/env bash
# Measures the core executor's figures on local workers, release build, each repeated and reported as a median:
#   1. primes sized for ~5 s sequential: sequential vs 2 local workers, speedup
#   2. 100,000 no-op tasks (each its own task) through 2 local workers: tasks per second
#   3. 2,000 tasks of ~1 ms CPU (sum-squares) on 2 workers: efficiency = (sequential / 2) / parallel
#   4. start to first result, and peak memory of coordinator + workers (RSS sampled every 10 ms)
# Runs of different kinds are interleaved so machine noise spreads over all of them.
# Usage: bash benchmarks/core-figures.sh [REPEATS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-5}"
source benchmarks/common.sh


# Peak RSS (KiB) of a process and all its descendants, sampled until it exits.
peak_rss() {
    local pid="$1" peak=0 total
    while kill -0 "$pid" 2>/dev/null; do
        total=0
        for p in $pid $(pgrep -P "$pid" || true); do
            rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
            total=$((total + ${rss:-0}))
        done
        [ "$total" -gt "$peak" ] && peak=$total
        sleep 0.01
    done
    echo "$peak"
}

for run in $(seq 1 "$repeats"); do
    echo "round $run/$repeats" >&2
    "$fanout" run primes --limit 25000000 --tasks 200 --workers 2 --speedup --summary-only >"primes.$run" 2>&1
    "$fanout" run noop --tasks 100000 --workers 2 --summary-only >"noop.$run" 2>&1 &
    echo "$(peak_rss $!)" >"noop-rss.$run"
    wait $! || true
    "$fanout" run sum-squares --tasks 2000 --n 850000 --workers 2 --speedup --summary-only >"ms.$run" 2>&1
done

echo "== Fanout core figures: $repeats rounds, medians (min-max), $(nproc) cores, $(date -u +%F)"
# Figures of the captured runs (benchmarks/run-summary.py); a run without one stops the script.
speedups=$(run_summary speedup primes.*)
seq_primes=$(run_summary sequential_seconds primes.*)
par_primes=$(run_summary wall_seconds primes.*)
echo "primes < 25,000,000, 200 tasks: sequential $(echo "$seq_primes" | median) s, 2 workers $(echo "$par_primes" | median) s (incl. start-up), speedup $(echo "$speedups" | median) (min $(echo "$speedups" | sort -g | head -1), max $(echo "$speedups" | sort -g | tail -1))"
compute_speedups=$(run_summary ready_speedup primes.*)
echo "  same, without start-up: speedup $(echo "$compute_speedups" | median)"
rates=$(run_summary tasks_per_second noop.*)
echo "no-op tasks/s, 100,000 tasks, 2 workers (incl. start-up): $(echo "$rates" | median) (min $(echo "$rates" | sort -g | head -1), max $(echo "$rates" | sort -g | tail -1))"
first=$(run_summary first_result_seconds noop.*)
echo "start to first result (noop run): $(echo "$first" | median) s"
echo "peak RSS coordinator + 2 workers, noop run: $(cat noop-rss.* | median | awk '{ printf "%.1f MiB", $1 / 1024 }')"
eff=$(run_summary efficiency ms.*)
eff_compute=$(run_summary ready_efficiency ms.*)
seq_ms=$(run_summary sequential_seconds ms.*)
echo "2,000 x ~1 ms tasks, 2 workers: sequential $(echo "$seq_ms" | median) s; efficiency $(echo "$eff" | median) incl. start-up, $(echo "$eff_compute" | median) without"
