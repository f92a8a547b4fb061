#!/usr/bin/env bash
# Measures what each transport costs on the 3-host SSH lab (deploy/lab.sh): the same run of no-op tasks on the
# 3 hosts (1 worker each, 2 slots) with `transport: tls` (the default), `transport: plain` and
# `transport: ssh-tunnel` (every worker's connection inside its SSH session, the coordinator on loopback), release
# build, interleaved rounds (the order rotates each round) so machine noise spreads over all three. Reports median
# tasks/s overall and from the moment every worker was ready, per-round ratios against plain, and the coordinator
# process's CPU time per run (user + system: with ssh-tunnel it also decrypts and relays every byte; the hosts'
# sshd, which does the other end, runs outside the coordinator and is not counted).
# Needs root (the lab). Usage: bash benchmarks/tunnel-cost.sh [ROUNDS] [TASKS]   (default 5 rounds, 100000 tasks)
set -euo pipefail
TIMEFORMAT='%U %S'
cd "$(dirname "$0")/.."
rounds="${1:-5}"
tasks="${2:-100000}"
bash deploy/lab.sh up 3 >&2
bash deploy/build-worker.sh >&2
eval "$(bash deploy/lab.sh env)"
source benchmarks/common.sh
# Warm the hosts' worker cache, so no round pays the upload.
"$fanout" run noop --tasks 10 --cluster "$FANOUT_LAB_CLUSTER" --summary-only >/dev/null 2>&1
for transport in tls plain ssh-tunnel; do
    listen="$FANOUT_LAB_COORDINATOR_ADDRESS:0"
    if [ "$transport" = ssh-tunnel ]; then listen="127.0.0.1:0"; fi
    sed -e "s/^  listen: .*/  listen: $listen/" "$FANOUT_LAB_CLUSTER" >"$transport.yaml"
    echo "transport: $transport" >>"$transport.yaml"
done

# Tasks/s of a captured run (benchmarks/run-summary.py): the whole run, or from when every worker was ready.
overall_rate() { run_summary tasks_per_second "$1"; }
ready_rate() { run_summary ready_tasks_per_second "$1"; }
cpu_seconds() { awk '{ printf "%.3f\n", $1 + $2 }' "$1"; }
orders=("tls plain ssh-tunnel" "plain ssh-tunnel tls" "ssh-tunnel tls plain")
for round in $(seq 1 "$rounds"); do
    order="${orders[$(((round - 1) % 3))]}"
    echo "round $round/$rounds ($order)" >&2
    for transport in $order; do
        { time "$fanout" run noop --tasks "$tasks" --cluster "$transport.yaml" --wait-for-workers --summary-only \
            >"$transport.$round" 2>&1 || { cat "$transport.$round" >&2; exit 1; }; } 2>"cpu-$transport.$round"
        ready_rate "$transport.$round" >/dev/null || { cat "$transport.$round" >&2; exit 1; }
    done
    line="  "
    for transport in tls plain ssh-tunnel; do
        line+="$transport $(overall_rate "$transport.$round") ($(ready_rate "$transport.$round") ready,"
        line+=" CPU $(cpu_seconds "cpu-$transport.$round") s); "
    done
    echo "$line" >&2
    for transport in tls ssh-tunnel; do
        echo "$(ready_rate "$transport.$round") $(ready_rate "plain.$round")" \
            | awk '{ printf "%.4f\n", $1 / $2 }' >>"ratio-$transport"
    done
done

echo "== Fanout transport cost on the 3-host SSH lab: $tasks no-op tasks, 1 worker x 2 slots per host," \
    "$rounds interleaved rounds, medians (min-max), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
    "$(date -u +%F)"
for transport in tls plain ssh-tunnel; do
    echo "$transport: $(for f in "$transport".[0-9]*; do overall_rate "$f"; done | median) tasks/s overall," \
        "$(for f in "$transport".[0-9]*; do ready_rate "$f"; done | median) tasks/s once every worker was ready" \
        "($(for f in "$transport".[0-9]*; do ready_rate "$f"; done | range)); coordinator CPU" \
        "$(for f in cpu-"$transport".*; do cpu_seconds "$f"; done | median) s per run"
done
for transport in tls ssh-tunnel; do
    echo "$transport/plain (ready rates, per round): median $(median <"ratio-$transport")" \
        "($(range <"ratio-$transport"))"
done
