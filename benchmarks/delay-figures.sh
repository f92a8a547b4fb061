#!/usr/bin/env bash
# No-op throughput and latency over the 3 lab hosts with DELAY ms added each way on every worker connection,
# beside 0 ms through the same relay, in interleaved rounds: `fanout bench noop --overhead`, release build, under
# the lab lock. The kernel here has no sch_netem (`deploy/lab.sh delay` fails), so the delay comes from
# benchmarks/delay-proxy.py, a user-space delay line the workers dial through coordinator.advertise.
# Usage: bash benchmarks/delay-figures.sh [ROUNDS] [DELAY_MS] [NOOP_TASKS]
#   (defaults 1, 10, 500000: enough tasks that the first round trips, before the window has grown to cover the
#   delay, do not dominate; a round takes a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1}"
delay="${2:-10}"
noop_tasks="${3:-500000}"
repo="$PWD"
bash deploy/build-worker.sh >&2
source benchmarks/common.sh
flock /run/fanout-lab-session.lock bash -c '
    set -euo pipefail
    fanout=$1; rounds=$2; delay=$3; repo=$4; noop_tasks=$5
    bash "$repo/deploy/lab.sh" up 3 >&2
    eval "$(bash "$repo/deploy/lab.sh" env)"
    sed -e "s/^  listen: .*/  listen: 10.213.0.1:47100\n  advertise: 10.213.0.1:47101/" "$FANOUT_LAB_CLUSTER" >relayed.yaml
    for round in $(seq 1 "$rounds"); do
        for ms in 0 "$delay"; do
            python3 "$repo/benchmarks/delay-proxy.py" 10.213.0.1:47101 10.213.0.1:47100 "$ms" &
            proxy=$!
            sleep 0.5
            "$fanout" bench noop --modes sequential --overhead --repeat 3 --warmup 1 --quiet --noop-tasks "$noop_tasks" \
                --cluster relayed.yaml --overhead-label "+$ms ms" --out "r$round-$ms" >/dev/null
            kill "$proxy"; wait "$proxy" 2>/dev/null || true
        done
    done
' delay-figures "$fanout" "$rounds" "$delay" "$repo" "$noop_tasks"
echo "== no-op tasks/s over 3 lab hosts through the delay relay, $rounds rounds, $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$rounds" "$delay" <<'PY'
import json, statistics, sys
rounds, delay = int(sys.argv[1]), sys.argv[2]
rows = {}
for ms in ("0", delay):
    rates, p50s, p99s = [], [], []
    for r in range(1, rounds + 1):
        report = json.load(open(f"r{r}-{ms}/report.json"))
        hosts = [o for o in report["overhead"] if "hosts" in o["setting"]][0]
        rates.append(hosts["noopTasksPerSecond"]["median"])
        p50s.append(hosts["latency"]["p50"]); p99s.append(hosts["latency"]["p99"])
    rows[ms] = statistics.median(rates)
    print(f"+{ms} ms each way: {statistics.median(rates):,.0f} no-op tasks/s (rounds {', '.join(f'{x:,.0f}' for x in rates)}); "
          f"single-task latency p50 {statistics.median(p50s)*1000:.2f} ms, p99 {statistics.median(p99s)*1000:.2f} ms")
print(f"+{delay} ms ÷ +0 ms: {rows[delay] / rows['0']:.3f}")
PY
