#!/usr/bin/env bash
# Fanout side by side with Python threading, multiprocessing.Pool, ProcessPoolExecutor, Dask (LocalCluster and
# SSHCluster on the lab) and GNU Parallel --sshlogin: installs them (setup.sh), builds Fanout for release, brings
# the 3-host lab up and runs peers.py, all under the lab lock. Not run by CI.
# Usage: bash benchmarks/peers/run.sh [peers.py options]   (as root)  Output: Markdown on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash benchmarks/peers/setup.sh >&2
swift build -c release --product fanout-worker >&2
swift build -c release --product fanout >&2
bash deploy/build-worker.sh >&2
exec flock /run/fanout-lab-session.lock bash -c '
    bash deploy/lab.sh up 3 >&2
    eval "$(bash deploy/lab.sh env)"
    benchmarks/peers/.venv/bin/python benchmarks/peers/peers.py --fanout .build/release/fanout "$@"
' peers "$@"
