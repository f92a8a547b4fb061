#!/usr/bin/env bash
# Before/after of `fanout bench --overhead` on local workers: two builds (each a directory holding `fanout` and
# `fanout-worker`, e.g. copies of .build/release from two commits) measured in interleaved rounds on this machine.
# Prints per build the medians over rounds of: no-op tasks/s, 1 ms efficiency, single-task latency p50 and p99.
# Usage: bash benchmarks/ab-overhead.sh BEFORE_DIR AFTER_DIR [ROUNDS] [NOOP_TASKS] [-- extra bench options]
set -euo pipefail
before="$(cd "$1" && pwd)"
after="$(cd "$2" && pwd)"
rounds="${3:-5}"
noop_tasks="${4:-200000}"
shift $(( $# < 4 ? $# : 4 ))
[ "${1:-}" = "--" ] && shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
    for side in before after; do
        dir="$before"; [ "$side" = after ] && dir="$after"
        "$dir/fanout" bench noop --modes sequential --overhead --repeat 3 --warmup 1 --quiet \
            --noop-tasks "$noop_tasks" --latency-samples 200 --out "$work/$side-$round" "$@" >/dev/null
    done
done
echo "== fanout bench --overhead, local workers, $rounds interleaved rounds, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
figures = {}
for side in ("before", "after"):
    rates, effs, p50, p99 = [], [], [], []
    for r in range(1, rounds + 1):
        local = json.load(open(f"{work}/{side}-{r}/report.json"))["overhead"][0]
        rates.append(local["noopTasksPerSecond"]["median"]); effs.append(local["efficiencyOneMillisecond"])
        p50.append(local["latency"]["p50"]); p99.append(local["latency"]["p99"])
    figures[side] = (rates, effs)
    print(f"{side:6}: no-op {statistics.median(rates):,.0f} tasks/s (rounds {', '.join(f'{x:,.0f}' for x in rates)}); "
          f"1 ms efficiency {statistics.median(effs):.3f} (rounds {', '.join(f'{x:.3f}' for x in effs)}); "
          f"latency p50 {statistics.median(p50)*1e3:.3f} ms, p99 {statistics.median(p99)*1e3:.3f} ms")
ratio = [a / b for a, b in zip(figures["after"][0], figures["before"][0])]
print(f"after/before no-op rate per round: median {statistics.median(ratio):.3f} ({min(ratio):.3f}-{max(ratio):.3f})")
PY
