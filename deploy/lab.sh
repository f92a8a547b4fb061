#!/usr/bin/env bash
# A lab of real SSH test hosts on this one Linux machine: one network namespace per host, each with
# its own sshd, its own Unix user and its own host keys, all on a private bridge (10.213.0.0/24).
#
# Usage: bash deploy/lab.sh COMMAND [ARGS]   (as root)
#   up [N] [--bullseye K]
#                   build a lab of N hosts (1..20, default 3); no-op if already up with N hosts (and K).
#                   --bullseye K makes the last K hosts Debian 11 (glibc 2.31) roots: debootstrapped once per
#                   machine from Debian's package registry (cached in /var/cache/fanout-lab), each host's own
#                   sshd chrooted there inside its namespace; e.g. `up 3 --bullseye 1` makes host 3 one
#   down            tear everything down (idempotent, silent when nothing is up)
#   status          one line per host; exit 0 only if the lab is up and every host is healthy
#   stop-sshd H     stop host H's listening sshd (new connections are refused; open ones survive)
#   start-sshd H    start host H's sshd again (no-op if it runs)
#   kill-host H     SIGKILL every process of host H's user (fanout-hH); the listening sshd runs as
#                   root and survives, so the host accepts new logins afterwards
#   cut H           silently drop every packet to and from host H (no RST, no ICMP: connects and
#                   open connections just hang)
#   heal H          undo cut
#   delay H MS      add MS milliseconds of delay each way on host H's link (tc netem on both ends of its veth
#                   pair; the round trip grows by 2*MS); `delay H 0` removes it. Needs the kernel's sch_netem.
#   exec H CMD...   run CMD as root inside host H's network namespace
#   env             print `export NAME='value'` lines; use: eval "$(bash deploy/lab.sh env)"
#
# Networking never leaves the machine: the bridge fanout-br0 holds 10.213.0.1/24 (the coordinator),
# hosts are 10.213.0.<10+H>, no namespace has a default route, and nothing touches NAT or ip_forward.
# The state directory is /var/lib/fanout-lab (override with FANOUT_LAB_DIR).
#
# The pieces, by concern, are in deploy/lab/: netns.sh (namespaces and the bridge; sourceable on its own),
# sshd.sh (sshd, host and client keys), users.sh (users and homes), bullseye.sh (Debian 11 roots), cluster.sh
# (cluster.yaml and env), faults.sh (stop-sshd, kill-host, cut, heal, delay, exec), lifecycle.sh (up, down, status).
set -euo pipefail
# Root's tools (ip, sshd, useradd) live in sbin, which a non-login shell may not have on PATH.
export PATH="/usr/local/sbin:/usr/sbin:/sbin:$PATH"

readonly BRIDGE=fanout-br0
readonly SUBNET_PREFIX=10.213.0
readonly COORDINATOR_ADDRESS=10.213.0.1
readonly BRIDGE_MAC=02:fa:00:00:00:01
readonly MAX_HOSTS=20
readonly LOCK_FILE=/run/fanout-lab.lock
readonly USER_COMMENT_PREFIX="fanout lab host"
readonly SSHD=/usr/sbin/sshd
readonly LAB_SCRIPT="${BASH_SOURCE[0]}"
LAB_DIR="${FANOUT_LAB_DIR:-/var/lib/fanout-lab}"

LAB_PIECES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lab"
# shellcheck source=lab/netns.sh
source "$LAB_PIECES/netns.sh"
# shellcheck source=lab/common.sh
source "$LAB_PIECES/common.sh"
# shellcheck source=lab/users.sh
source "$LAB_PIECES/users.sh"
# shellcheck source=lab/sshd.sh
source "$LAB_PIECES/sshd.sh"
# shellcheck source=lab/bullseye.sh
source "$LAB_PIECES/bullseye.sh"
# shellcheck source=lab/cluster.sh
source "$LAB_PIECES/cluster.sh"
# shellcheck source=lab/faults.sh
source "$LAB_PIECES/faults.sh"
# shellcheck source=lab/lifecycle.sh
source "$LAB_PIECES/lifecycle.sh"

main() {
    local command=${1:-}
    [ $# -gt 0 ] && shift
    case $command in
    -h | --help | help)
        usage
        return 0
        ;;
    "") usage_error "a command is required" ;;
    up | down | status | stop-sshd | start-sshd | kill-host | cut | heal | delay | exec | env) ;;
    *) usage_error "unknown command '$command'" ;;
    esac
    # Resolve symlinks: sshd's StrictModes compares the real path of authorized_keys with the home.
    LAB_DIR=$(realpath -m "$LAB_DIR")
    [ "$LAB_DIR" != / ] || die "FANOUT_LAB_DIR must not be /"
    if [ "$command" = env ]; then
        [ $# -eq 0 ] || usage_error "env takes no arguments"
        cmd_env
        return
    fi
    require_root
    require_tools
    case $command in
    up)
        local count=3 bullseye=0
        if [ $# -gt 0 ] && [ "$1" != --bullseye ]; then
            count=$1
            shift
        fi
        if [ $# -gt 0 ]; then
            [ "$1" = --bullseye ] && [ $# -eq 2 ] || usage_error "up takes: [N] [--bullseye K]"
            bullseye=$2
        fi
        cmd_up "$count" "$bullseye"
        ;;
    down)
        [ $# -eq 0 ] || usage_error "down takes no arguments"
        cmd_down
        ;;
    status)
        [ $# -eq 0 ] || usage_error "status takes no arguments"
        cmd_status
        ;;
    stop-sshd | start-sshd | kill-host | cut | heal)
        [ $# -eq 1 ] || usage_error "$command takes one argument: the host number"
        "cmd_${command//-/_}" "$1"
        ;;
    delay)
        [ $# -eq 2 ] || usage_error "delay takes two arguments: the host number and milliseconds"
        cmd_delay "$1" "$2"
        ;;
    exec) cmd_exec "$@" ;;
    esac
}

main "$@"
