#!/usr/bin/env bash
# Measures how long the coordinator takes to declare a lab host dead after its network is cut silently
# (deploy/lab.sh cut: packets dropped, no reset), with the default scheduling.heartbeat_timeout (5 s), and how
# long after its last line the coordinator process exits (the dead host must not hold the exit).
# Needs root and a release build (swift build -c release --product fanout; bash deploy/build-worker.sh).
# Usage: bash benchmarks/cut-detection.sh [ROUNDS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
bash deploy/lab.sh up 3 >/dev/null
eval "$(bash deploy/lab.sh env)"
fanout="$PWD/.build/release/fanout"
log="$(mktemp)"
trap 'rm -f "$log"; bash deploy/lab.sh heal 2 >/dev/null 2>&1 || true' EXIT
for round in $(seq 1 "$rounds"); do
    ( "$fanout" run sleep --tasks 2000 --milliseconds 20 --cluster "$FANOUT_LAB_CLUSTER" --summary-only \
        --wait-for-workers --verbose 2>&1 | while IFS= read -r line; do echo "$(date +%s.%N) $line"; done >"$log"
        echo "$(date +%s.%N) EXITED" >>"$log" ) &
    sleep 2.5
    cut_at=$(date +%s.%N)
    bash deploy/lab.sh cut 2 >/dev/null
    wait
    bash deploy/lab.sh heal 2 >/dev/null
    # "lost (…); reassigning N tasks" when it still held tasks, "left: …" when stragglers copies had taken them.
    lost_at=$(grep -m1 -E ' lost \(no message| left: no message' "$log" | cut -d' ' -f1)
    done_line=$(grep 'tasks done' "$log" | cut -d' ' -f2-)
    reassigned=$(grep -m1 -o 'reassigning [0-9]* tasks' "$log" || echo "reassigning 0 tasks")
    copies=$(grep -m1 -o 'stragglers: [0-9]* tasks copied' "$log" | grep -o '[0-9]*' || echo 0)
    exited_at=$(grep -m1 ' EXITED$' "$log" | cut -d' ' -f1)
    echo "round $round: declared dead $(echo "$lost_at - $cut_at" | bc) s after the cut; $reassigned at that moment; $copies copied earlier as stragglers; $done_line; process exited $(echo "$exited_at - $lost_at" | bc) s after the loss"
done
