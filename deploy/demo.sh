#!/usr/bin/env bash
# The main job: a speedup run on this machine's cores. Builds Fanout (release) and counts the primes below
# LIMIT first sequentially in one thread, then with one worker process per core, and prints both times,
# the speedup and the efficiency. Usage: bash deploy/demo.sh [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/require-packages.sh
fanout_require_packages

limit="${1:-30000000}"
echo "building Fanout (release; the first build takes a few minutes)..." >&2
swift build -c release --product fanout-worker >&2
swift build -c release --product fanout >&2
exec .build/release/fanout run primes --limit "$limit" --tasks 200 --speedup --summary-only --cluster cluster.yaml
