#!/usr/bin/env bash
# Checks fanout bench's wall times against /usr/bin/time, in interleaved rounds (a shared machine drifts): each
# round times `fanout run primes ... --wait-for-workers` on 2 local workers with /usr/bin/time (whole process:
# exec, start-up, cluster, shutdown), then runs `fanout bench primes --modes local --repeat 1 --warmup 0` and takes
# its local wall time (cluster start to workers stopped). Prints both medians and the per-round ratios.
# Release build, under the lab lock (to keep the other benchmarks off the machine meanwhile).
# Usage: bash benchmarks/bench-vs-time.sh [ROUNDS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
source benchmarks/common.sh
job=(--limit 25000000 --tasks 200)
flock /run/fanout-lab-session.lock bash -c '
    fanout=$1; rounds=$2; shift 2
    for round in $(seq 1 "$rounds"); do
        /usr/bin/time -f "%e" -o "time.$round" "$fanout" run primes "$@" --workers 2 --summary-only \
            --wait-for-workers >/dev/null
        "$fanout" bench primes --modes local --workers 2 --repeat 1 --warmup 0 --quiet --out "bench.$round" \
            -- "$@" >/dev/null
    done
' bench-vs-time "$fanout" "$rounds" "${job[@]}"
echo "== primes ${job[*]}, 2 local workers, $rounds interleaved rounds, $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$rounds" <<'PY'
import json, statistics, sys
rounds = int(sys.argv[1])
timed = [float(open(f"time.{r}").read().split()[-1]) for r in range(1, rounds + 1)]
bench = [[m for m in json.load(open(f"bench.{r}/report.json"))["modes"] if m["mode"] == "local"][0]["wall"]["median"]
         for r in range(1, rounds + 1)]
ratios = [b / t for b, t in zip(bench, timed)]
print(f"/usr/bin/time, whole fanout run process: median {statistics.median(timed):.3f} s ({min(timed):.3f}-{max(timed):.3f})")
print(f"fanout bench, local mode wall:           median {statistics.median(bench):.3f} s ({min(bench):.3f}-{max(bench):.3f})")
print(f"bench / time per round: {', '.join(f'{r:.3f}' for r in ratios)}; median {statistics.median(ratios):.3f}; "
      f"ratio of medians {statistics.median(bench) / statistics.median(timed):.3f}")
PY
