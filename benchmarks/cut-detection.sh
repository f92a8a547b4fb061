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
run_summary_parser="$PWD/benchmarks/run-summary.py"
log="$(mktemp)"
summary="$(mktemp)"
trap 'rm -f "$log" "$summary"; bash deploy/lab.sh heal 2 >/dev/null 2>&1 || true' EXIT
for round in $(seq 1 "$rounds"); do
    ( "$fanout" run sleep --tasks 2000 --milliseconds 20 --cluster "$FANOUT_LAB_CLUSTER" --summary-only \
        --wait-for-workers --verbose 2>&1 | while IFS= read -r line; do echo "$(date +%s.%N) $line"; done >"$log"
        echo "$(date +%s.%N) EXITED" >>"$log" ) &
    sleep 2.5
    cut_at=$(date +%s.%N)
    bash deploy/lab.sh cut 2 >/dev/null
    wait
    bash deploy/lab.sh heal 2 >/dev/null
    # The loss is a --verbose log line, which has no machine-readable form: "lost (…); reassigning N tasks" when it
    # still held tasks, "left: …" when stragglers copies had taken them. A log without it stops the script.
    lost_at=$(grep -m1 -E ' lost \(no message| left: no message' "$log" | cut -d' ' -f1 || true)
    if [ -z "$lost_at" ]; then
        echo "cut-detection: round $round: no 'lost (no message' or 'left: no message' line in the log:" >&2
        cat "$log" >&2
        exit 1
    fi
    reassigned=$(grep -m1 -o 'reassigning [0-9]* tasks' "$log" || echo "reassigning 0 tasks")
    # The summary's figures (benchmarks/run-summary.py), read from the log without its time stamps.
    cut -d' ' -f2- "$log" >"$summary"
    figures=$(python3 "$run_summary_parser" job,done,tasks,ok,failed,wall_seconds,tasks_per_second,speculative_copies \
        "$summary")
    read -r job finished total ok failed wall rate copies <<<"$figures"
    done_line="$job: $finished of $total tasks done, $ok ok, $failed failed, in $wall s ($rate tasks/s)"
    exited_at=$(grep -m1 ' EXITED$' "$log" | cut -d' ' -f1)
    echo "round $round: declared dead $(echo "$lost_at - $cut_at" | bc) s after the cut; $reassigned at that moment; $copies copied earlier as stragglers; $done_line; process exited $(echo "$exited_at - $lost_at" | bc) s after the loss"
done
