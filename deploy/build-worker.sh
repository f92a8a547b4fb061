#!/usr/bin/env bash
# Builds the worker binary that `fanout run`/`fanout deploy` copy to remote hosts: release, fully static (the Swift
# standard library, Foundation's essentials and glibc all linked in: no program interpreter, no shared library, so
# any x86_64 Linux host runs it, whatever its glibc, Linux >= 3.2), stripped. Writes .build-static/fanout-worker,
# where `fanout` finds it. The worker dials the address the coordinator resolved for it: a static glibc cannot
# resolve names. Usage: bash deploy/build-worker.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# The two --wrap flags drop crtbeginT.o's frame registration, which made every start sort the whole .eh_frame
# (about 20 ms of CPU); see Sources/fanout-worker/StaticFrameRegistration.swift.
swift build -c release --product fanout-worker -Xswiftc -static-executable \
    -Xlinker --wrap=__register_frame_info -Xlinker --wrap=__deregister_frame_info --scratch-path .build-static >&2
out=.build-static/fanout-worker
cp .build-static/release/fanout-worker "$out.tmp"
strip "$out.tmp"
# Static means: no PT_INTERP (the kernel loads it itself) and no DT_NEEDED (no shared library to find).
if readelf -lW "$out.tmp" | grep -q 'INTERP' || readelf -dW "$out.tmp" 2>/dev/null | grep -q '(NEEDED)'; then
    echo "build-worker: $out is not fully static:" >&2
    readelf -dW "$out.tmp" | grep '(NEEDED)' >&2 || readelf -lW "$out.tmp" | grep -A1 INTERP >&2
    rm -f "$out.tmp"
    exit 1
fi
mv -f "$out.tmp" "$out"
kernel=$(readelf -nW "$out" | sed -n "s/.*OS: Linux, ABI: //p" | head -n 1)
echo "$out: $(du -h "$out" | cut -f1), sha256 $(sha256sum "$out" | cut -d' ' -f1)" >&2
echo "needs: $(uname -m), Linux >= ${kernel:-?}; static (no glibc floor, no shared libraries)" >&2
