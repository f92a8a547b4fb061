#!/usr/bin/env bash
# Memory held for unauthenticated peers (issue 12, finding 4) and the time the run's own workers take to join
# under such a flood (finding 5). For each transport (plain, tls) and each flood size (0, 256, 10,000 connections),
# starts `fanout run sleep --tasks 8 --milliseconds 3000 --workers 8 --wait-for-workers` with its listener on a
# fixed loopback port while benchmarks/preauth-flood.py keeps that many connections open, each announcing a
# maximal frame (16 MiB) and sending half of it, reopening the ones the coordinator closes. Reports the
# coordinator's peak RSS (VmHWM, sampled every 50 ms) and the run's wall time less the 3 s the tasks sleep
# (≈ the time for 8 workers to start, join and be handed their task).
# Usage: bash benchmarks/preauth-memory.sh            (release build, via benchmarks/common.sh)
#        FANOUT_BIN=.build/debug bash benchmarks/preauth-memory.sh   (an existing build, no rebuild)
set -euo pipefail
cd "$(dirname "$0")/.."
flood="$PWD/benchmarks/preauth-flood.py"
if [ -n "${FANOUT_BIN:-}" ]; then
    fanout="$(cd "$FANOUT_BIN" && pwd)/fanout"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    cd "$work"
else
    source benchmarks/common.sh
fi
ulimit -n "$(ulimit -Hn)"
printf "| transport | flood | peak RSS (MiB) | join + dispatch (s) | flood summary |\n|---|---|---|---|---|\n"
for transport in plain tls; do
    for connections in 0 256 10000; do
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        printf 'coordinator:\n  listen: 127.0.0.1:%s\ntransport: %s\nlocal:\n  slots: 1\n' "$port" "$transport" >cluster.yaml
        flood_pid=""
        if [ "$connections" -gt 0 ]; then
            tls=""
            [ "$transport" = tls ] && tls="--tls"
            python3 "$flood" "$port" "$connections" 25 $tls 2>flood.txt &
            flood_pid=$!
        fi
        start=$(date +%s.%N)
        "$fanout" run sleep --tasks 8 --milliseconds 3000 --workers 8 --wait-for-workers --summary-only \
            --cluster cluster.yaml >run.txt 2>&1 &
        run_pid=$!
        peak=0
        while kill -0 "$run_pid" 2>/dev/null; do
            value=$(awk '/^VmHWM:/ { print $2 }' "/proc/$run_pid/status" 2>/dev/null || true)
            [ -n "$value" ] && [ "$value" -gt "$peak" ] && peak=$value
            sleep 0.05
        done
        status=0
        wait "$run_pid" || status=$?
        end=$(date +%s.%N)
        summary="-"
        if [ -n "$flood_pid" ]; then
            kill "$flood_pid" 2>/dev/null || true
            wait "$flood_pid" 2>/dev/null || true
            summary=$(tr '\n' ' ' <flood.txt)
        fi
        if [ "$status" -ne 0 ]; then summary="run FAILED ($status): $(tail -3 run.txt | tr '\n' ' ') $summary"; fi
        awk -v t="$transport" -v c="$connections" -v p="$peak" -v s="$start" -v e="$end" -v f="$summary" \
            'BEGIN { printf "| %s | %d | %.1f | %.2f | %s |\n", t, c, p / 1024, e - s - 3, f }'
    done
done
