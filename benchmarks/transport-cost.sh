#!/usr/bin/env bash
# Measures what TLS costs on Fanout's own per-task overhead: the same run of 100,000 no-op tasks on 2 local workers
# with `transport: tls` and with `transport: plain`, release build, interleaved rounds (the order alternates each
# round) so machine noise spreads over both. Reports median tasks/s for each, including start-up and from the
# moment every worker was ready, and the ratio tls/plain; and the CPU time (user + system, coordinator and workers)
# each run took, which other load on the machine disturbs far less than wall-clock rates.
# Usage: bash benchmarks/transport-cost.sh [ROUNDS] [TASKS]   (default 5 rounds, 100000 tasks)
set -euo pipefail
TIMEFORMAT='%U %S'
cd "$(dirname "$0")/.."
rounds="${1:-5}"
tasks="${2:-100000}"
source benchmarks/common.sh
for transport in tls plain; do
    printf 'transport: %s\nlocal:\n  workers: 2\n  slots: 1\n' "$transport" >"$transport.yaml"
done

# Tasks/s of a captured run (benchmarks/run-summary.py): the whole run, or from when every worker was ready.
overall_rate() { run_summary tasks_per_second "$1"; }
ready_rate() { run_summary ready_tasks_per_second "$1"; }
cpu_seconds() { awk '{ printf "%.3f\n", $1 + $2 }' "$1"; }

for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order="tls plain"; else order="plain tls"; fi
    echo "round $round/$rounds ($order)" >&2
    for transport in $order; do
        # bash's `time` counts the CPU of fanout and of the workers it waited for.
        { time "$fanout" run noop --tasks "$tasks" --cluster "$transport.yaml" --wait-for-workers --summary-only \
            >"$transport.$round" 2>&1 || { cat "$transport.$round" >&2; exit 1; }; } 2>"cpu-$transport.$round"
    done
    # Plain assignments, so that a summary without the figure stops the script (set -e).
    tls_overall=$(overall_rate "tls.$round")
    tls_ready=$(ready_rate "tls.$round")
    plain_overall=$(overall_rate "plain.$round")
    plain_ready=$(ready_rate "plain.$round")
    echo "  tls $tls_overall tasks/s ($tls_ready when ready)," \
        "plain $plain_overall tasks/s ($plain_ready when ready);" \
        "CPU s tls $(cpu_seconds "cpu-tls.$round"), plain $(cpu_seconds "cpu-plain.$round")" >&2
    echo "$tls_overall $plain_overall" | awk '{ printf "%.4f\n", $1 / $2 }' >>ratio-overall
    echo "$tls_ready $plain_ready" | awk '{ printf "%.4f\n", $1 / $2 }' >>ratio-ready
done

report() {
    local kind="$1" extract="$2"
    local tls plain
    tls=$(for f in tls.[0-9]*; do "$extract" "$f"; done | median)
    plain=$(for f in plain.[0-9]*; do "$extract" "$f"; done | median)
    echo "$kind: tls $tls tasks/s, plain $plain tasks/s, ratio of medians tls/plain $(echo "$tls $plain" \
        | awk '{ printf "%.3f", $1 / $2 }'), median of per-round ratios $(median <"ratio-$kind")" \
        "(min $(sort -g "ratio-$kind" | head -1), max $(sort -g "ratio-$kind" | tail -1))"
}
echo "== Fanout transport cost: $tasks no-op tasks, 2 local workers, $rounds interleaved rounds, medians," \
    "$(nproc) cores, $(date -u +%F)"
report overall overall_rate
report ready ready_rate
tls_cpu=$(for f in cpu-tls.*; do cpu_seconds "$f"; done | median)
plain_cpu=$(for f in cpu-plain.*; do cpu_seconds "$f"; done | median)
echo "CPU (user + system, coordinator + workers) per run: tls $tls_cpu s, plain $plain_cpu s, ratio tls/plain" \
    "$(echo "$tls_cpu $plain_cpu" | awk '{ printf "%.3f", $1 / $2 }'); per task: tls" \
    "$(echo "$tls_cpu $tasks" | awk '{ printf "%.2f", $1 / $2 * 1e6 }') µs, plain" \
    "$(echo "$plain_cpu $tasks" | awk '{ printf "%.2f", $1 / $2 * 1e6 }') µs"
echo "(overall: whole run including start-up; ready: from the moment both workers had joined)"
