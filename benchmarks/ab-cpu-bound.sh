#!/usr/bin/env bash
# Before/after of CPU-bound efficiency on local workers: two builds (each a directory holding `fanout` and
# `fanout-worker`) run `fanout bench JOB --modes sequential,threads,local` in interleaved rounds on this machine.
# Prints per build the medians over rounds of the local and threads efficiencies and of the local wall time, and
# the after/before ratio of the local wall time per round.
# Usage: bash benchmarks/ab-cpu-bound.sh BEFORE_DIR AFTER_DIR [ROUNDS] [-- JOB [job options]]
#   default job: primes --limit 25000000 --tasks 200 (about 5 s on one core of this machine)
set -euo pipefail
before="$(cd "$1" && pwd)"
after="$(cd "$2" && pwd)"
rounds="${3:-3}"
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
job=("${@:-primes}")
[ $# -eq 0 ] && job=(primes -- --limit 25000000 --tasks 200)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
    for side in before after; do
        dir="$before"; [ "$side" = after ] && dir="$after"
        "$dir/fanout" bench --modes sequential,threads,local --repeat 5 --warmup 1 --quiet --out "$work/$side-$round" \
            "${job[@]}" >/dev/null
    done
done
echo "== fanout bench ${job[*]} --modes sequential,threads,local, $rounds interleaved rounds, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
walls = {}
for side in ("before", "after"):
    local_eff, thread_eff, local_wall, launch, tail = [], [], [], [], []
    for r in range(1, rounds + 1):
        report = json.load(open(f"{work}/{side}-{r}/report.json"))
        modes = {m["mode"]: m for m in report["modes"]}
        seq = report["sequentialSeconds"]
        local, threads = modes["local"], modes["threads"]
        local_wall.append(local["wall"]["median"])
        local_eff.append(seq / local["wall"]["median"] / local["coresUsed"])
        thread_eff.append(seq / threads["wall"]["median"] / threads["coresUsed"])
        phases = local.get("phases") or {}
        launch.append(phases.get("launch", 0)); tail.append(phases.get("schedulingAndTransfer", 0))
    walls[side] = local_wall
    print(f"{side:6}: local efficiency {statistics.median(local_eff):.3f} (rounds {', '.join(f'{x:.3f}' for x in local_eff)}); "
          f"threads {statistics.median(thread_eff):.3f} (rounds {', '.join(f'{x:.3f}' for x in thread_eff)}); "
          f"local wall {statistics.median(local_wall):.3f} s, launch {statistics.median(launch)*1e3:.1f} ms, "
          f"scheduling+transfer {statistics.median(tail)*1e3:.1f} ms")
ratio = [a / b for a, b in zip(walls["after"], walls["before"])]
print(f"after/before local wall time per round: median {statistics.median(ratio):.3f} ({min(ratio):.3f}-{max(ratio):.3f})")
PY
