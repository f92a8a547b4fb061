#!/usr/bin/env bash
# Before/after of per-frame authentication (issue 12, finding 6) on Fanout's own per-task overhead: the same run of
# no-op tasks on 2 local workers, with `transport: plain` on a BEFORE build (no frame tags) and an AFTER build
# (HMAC-SHA256 tag on every frame), and `transport: tls` on the AFTER build (no tags inside TLS), in interleaved
# rounds (the order rotates each round). Each directory holds `fanout` and `fanout-worker` (release builds).
# Reports per configuration the median no-op rate (whole run, and from when every worker was ready) and the CPU
# time (user + system, coordinator and workers) per task.
# Usage: bash benchmarks/ab-frame-authentication.sh BEFORE_DIR AFTER_DIR [ROUNDS] [TASKS]   (default 5, 200000)
set -euo pipefail
TIMEFORMAT='%U %S'
run_summary_parser="$(cd "$(dirname "$0")" && pwd)/run-summary.py"
before="$(cd "$1" && pwd)"
after="$(cd "$2" && pwd)"
rounds="${3:-5}"
tasks="${4:-200000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "n/a" } else if (NR % 2) { print a[(NR + 1) / 2] } else { print (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'; }
for transport in tls plain; do
    printf 'transport: %s\nlocal:\n  workers: 2\n  slots: 1\n' "$transport" >"$transport.yaml"
done
# Tasks/s of a captured run (benchmarks/run-summary.py): the whole run, or from when every worker was ready.
overall_rate() { python3 "$run_summary_parser" tasks_per_second "$1"; }
ready_rate() { python3 "$run_summary_parser" ready_tasks_per_second "$1"; }
cpu_seconds() { awk '{ printf "%.3f\n", $1 + $2 }' "$1"; }
configurations=(before-plain after-plain after-tls)
for round in $(seq 1 "$rounds"); do
    shift_by=$(( (round - 1) % 3 ))
    order=("${configurations[@]:shift_by}" "${configurations[@]:0:shift_by}")
    line="round $round/$rounds:"
    for configuration in "${order[@]}"; do
        dir="$before"; [ "${configuration%%-*}" = after ] && dir="$after"
        transport="${configuration#*-}"
        { time "$dir/fanout" run noop --tasks "$tasks" --cluster "$transport.yaml" --wait-for-workers --summary-only \
            >"$configuration.$round" 2>&1 || { cat "$configuration.$round" >&2; exit 1; }; } 2>"cpu-$configuration.$round"
        ready=$(ready_rate "$configuration.$round")
        line="$line $configuration $ready/s $(cpu_seconds "cpu-$configuration.$round") s CPU;"
    done
    echo "$line" >&2
done
echo "== $tasks no-op tasks, 2 local workers (1 slot each), $rounds interleaved rounds, medians, $(nproc) cores," \
    "$(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
for configuration in "${configurations[@]}"; do
    overall=$(for f in "$configuration".[0-9]*; do overall_rate "$f"; done | median)
    ready=$(for f in "$configuration".[0-9]*; do ready_rate "$f"; done | median)
    cpu=$(for f in cpu-"$configuration".*; do cpu_seconds "$f"; done | median)
    echo "$configuration: $overall tasks/s overall, $ready tasks/s when ready; CPU $cpu s per run," \
        "$(echo "$cpu $tasks" | awk '{ printf "%.2f", $1 / $2 * 1e6 }') µs per task"
done
