#!/usr/bin/env bash
# Installs what the peer benchmarks need: GNU Parallel (Debian) and a Python venv with Dask, distributed and
# asyncssh (PyPI), in benchmarks/peers/.venv. Idempotent. Needs root for apt-get. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
# Debian's python3 (not a per-user one such as pyenv's under /root): the lab hosts' users run Dask workers
# from this venv, so its interpreter must be readable by every user.
if ! command -v parallel >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import ensurepip' 2>/dev/null; then
    apt-get update -q >&2
    apt-get install -y -q parallel python3-venv >&2
fi
if [ ! -x .venv/bin/python ] || [ "$(readlink -f .venv/bin/python)" != "$(readlink -f /usr/bin/python3)" ]; then
    rm -rf .venv
    /usr/bin/python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >&2
.venv/bin/python -m pip install -q "dask[distributed]" asyncssh >&2
# kernels.py on every venv interpreter's path, so remote Dask workers (and the scheduler) import the tasks' code.
.venv/bin/python -c 'import site; print(site.getsitepackages()[0])' | while read -r packages; do
    echo "$PWD" >"$packages/fanout-peers.pth"
done
# The lab's SSH hosts run Dask workers from this venv: their users must be able to read it.
chmod -R a+rX .venv
.venv/bin/python -c 'import dask, distributed, asyncssh; print("dask", dask.__version__, "distributed", distributed.__version__, "asyncssh", asyncssh.__version__)'
echo "parallel: $(parallel --version | head -1)"
