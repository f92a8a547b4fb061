#!/usr/bin/env bash
# Builds the worker binary that `fanout run`/`fanout deploy` copy to remote hosts: release, with the Swift
# standard library linked statically (hosts need no Swift), stripped. Writes .build-static/fanout-worker, where
# `fanout` finds it. Usage: bash deploy/build-worker.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fanout-worker --static-swift-stdlib --scratch-path .build-static >&2
out=.build-static/fanout-worker
cp .build-static/release/fanout-worker "$out.tmp"
strip "$out.tmp"
mv -f "$out.tmp" "$out"
if ldd "$out" 2>/dev/null | grep -q 'libswift\|libFoundation'; then
    echo "build-worker: $out still links Swift runtime libraries dynamically:" >&2
    ldd "$out" >&2
    exit 1
fi
echo "$out: $(du -h "$out" | cut -f1), sha256 $(sha256sum "$out" | cut -d' ' -f1)" >&2
echo "needs: $(uname -m), glibc >= $(getconf GNU_LIBC_VERSION | cut -d' ' -f2); links: $(ldd "$out" | awk '{print $1}' | tr '\n' ' ')" >&2
