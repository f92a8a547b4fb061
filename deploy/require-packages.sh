#!/usr/bin/env bash
# Makes sure the system packages Fanout needs are present. Sourced by demo.sh and test.sh.
# As root on Debian it installs what is missing; otherwise it stops and says exactly what to install.
fanout_require_packages() {
    # debootstrap: the lab's Debian 11 hosts (deploy/lab.sh up N --bullseye K), which the SSH lab tests use.
    local needed=(libssh2-1-dev openssh-server iproute2 pkg-config debootstrap)
    local missing=()
    local package
    for package in "${needed[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "fanout: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >&2
        apt-get install -y -q "${missing[@]}" >&2
    else
        echo "fanout: missing system packages: ${missing[*]}" >&2
        echo "fanout: install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 2
    fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "fanout: the Swift toolchain (6.3) is not on PATH; install it from swift.org and retry" >&2
        exit 2
    fi
}
