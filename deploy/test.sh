#!/usr/bin/env bash
# Builds Fanout with its tests and runs every test. Usage: bash deploy/test.sh [extra `swift test` arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/require-packages.sh
fanout_require_packages

swift build --build-tests
# The worker binary copied to the lab's SSH hosts: release, static Swift stdlib.
bash deploy/build-worker.sh
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# The two heavy tests, the frame fuzzer (10^6 inputs under CI) and the 64-worker load test, run on their own
# afterwards, one at a time, so they do not starve the timing-sensitive tests (an SSH connect timeout took 8.7 s
# instead of 1 s while 64 workers ran beside it).
heavy='FrameFuzzTests|sixtyFourWorkersAMillionTasks'
swift test --skip-build --skip "$heavy" "$@" 2>&1 | tee "$log" || status=$?
swift test --skip-build --filter "$heavy" --no-parallel "$@" 2>&1 | tee -a "$log" || status=$?
# Swift Testing prints one line per finished test: "✔ Test NAME passed after…" or "✘ Test NAME failed after…".
passed=$(grep -aE '^✔ Test .* passed after' "$log" | grep -vc '^✔ Test run with' || true)
failed=$(grep -aE '^✘ Test .* failed after' "$log" | grep -vc '^✘ Test run with' || true)
skipped=$(grep -aE '^➜ Test .* skipped' "$log" | grep -vc '^➜ Test run with' || true)
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$failed" -ne 0 ]; then status=1; fi
if [ "${CI:-}" = "true" ] && [ "$skipped" -ne 0 ]; then
    echo "fanout: $skipped tests were skipped; under CI every test (SSH lab ones included) must run" >&2
    status=1
fi
if [ "$passed" -eq 0 ]; then
    echo "fanout: no test ran" >&2
    status=1
fi
exit "$status"
