#!/usr/bin/env bash
# A real Slurm cluster on this one Linux machine, for tests: slurmctld and munged in the root namespace,
# one slurmd per node, each node in its own network namespace (own address) and UTS namespace (own
# hostname), all on a private bridge (10.214.0.0/24). Debian's slurm-wlm (22.05) and munge.
#
# Usage: bash deploy/slurm-lab.sh COMMAND [ARGS]   (as root)
#   up [N]           build a cluster of N nodes (1..16, default 3), installing slurm-wlm and munge if missing;
#                    waits until sinfo shows every node idle; no-op if already up and healthy with N nodes,
#                    restarts dead daemons and resumes drained/down nodes if up with N nodes
#   down             stop every daemon, remove the namespaces, the bridge and the state (idempotent)
#   status           daemons and node states; exit 0 only if every daemon runs and every node is idle/allocated
#   kill-node K      SIGKILL everything on node K (slurmd, its slurmstepds and their tasks), like a power loss;
#                    slurmctld shows it idle* after about 5 s and DOWN after about 10-12 s
#   kill-slurmd K    SIGKILL only node K's slurmd (running steps and tasks live on)
#   start-node K     start node K's slurmd again (no-op if it runs); with ReturnToService=2 it returns to service
#   drain-node K     scontrol update state=drain (running jobs finish, no new ones start there)
#   resume-node K    start node K's slurmd if it is dead, then return the node to service (state=resume)
#   cut-node K       silently drop every packet to and from node K (its link goes down); heal-node K undoes it
#   heal-node K      undo cut-node
#   exec K CMD...    run CMD as root on node K (its network and UTS namespaces)
#   env              print `export NAME='value'` lines; use: eval "$(bash deploy/slurm-lab.sh env)"
#
# Networking never leaves the machine: the bridge fanout-sbr0 holds 10.214.0.1/24 (the root namespace: the
# coordinator, slurmctld), node K is fanout-nodeK at 10.214.0.<10+K>, no namespace has a default route, and
# nothing touches NAT or ip_forward. It is separate from deploy/lab.sh's SSH lab (fanout-br0, 10.213.0.0/24):
# both can be up at once.
# State, logs and the generated slurm.conf live in /var/lib/fanout-slurm-lab (override: FANOUT_SLURM_LAB_DIR);
# /etc/slurm/slurm.conf is made a symlink to that slurm.conf when no other slurm.conf is there, so srun, sbatch,
# salloc, sinfo and scontrol work without SLURM_CONF. CPUs per node: FANOUT_SLURM_LAB_CPUS (default 2); timeouts:
# FANOUT_SLURM_LAB_SLURMD_TIMEOUT (default 5 s), FANOUT_SLURM_LAB_MESSAGE_TIMEOUT (default 3 s).
set -euo pipefail
# Root's tools (ip, slurmctld, munged, runuser) live in sbin, which a non-login shell may not have on PATH.
export PATH="/usr/local/sbin:/usr/sbin:/sbin:$PATH"

readonly BRIDGE=fanout-sbr0
readonly SUBNET_PREFIX=10.214.0
readonly CONTROLLER_ADDRESS=10.214.0.1
readonly BRIDGE_MAC=02:fb:00:00:00:01
readonly MAX_NODES=16
readonly LOCK_FILE=/run/fanout-slurm-lab.lock
readonly RUN_DIR=/run/fanout-slurm-lab
readonly SYSTEM_CONF=/etc/slurm/slurm.conf
readonly CLUSTER_NAME=fanoutlab
readonly PARTITION=lab
# Seconds: how long slurmctld waits for a silent slurmd before it marks the node DOWN (it pings every third of it),
# and how long a message may take (slurmctld also retries a refused connection for that long, once a second).
# With 5 and 3, a killed node shows as not responding (idle*) after about 5 s and DOWN after about 10-12 s.
SLURMD_TIMEOUT="${FANOUT_SLURM_LAB_SLURMD_TIMEOUT:-5}"
MESSAGE_TIMEOUT="${FANOUT_SLURM_LAB_MESSAGE_TIMEOUT:-3}"
readonly IDLE_WAIT_SECONDS=60
LAB_DIR="${FANOUT_SLURM_LAB_DIR:-/var/lib/fanout-slurm-lab}"
NODE_CPUS="${FANOUT_SLURM_LAB_CPUS:-2}"

# ---------------------------------------------------------------------------------------------------
# small helpers

say() { echo "fanout-slurm-lab: $*"; }
warn() { echo "fanout-slurm-lab: $*" >&2; }
die() {
    echo "fanout-slurm-lab: error: $*" >&2
    exit 1
}

usage() {
    sed -n '/^# Usage:/,/^[^#]/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}

usage_error() {
    echo "fanout-slurm-lab: $*" >&2
    usage >&2
    exit 2
}

shell_quote() {
    local value=$1
    printf "'%s'" "${value//\'/\'\\\'\'}"
}

node_name() { echo "fanout-node$1"; }
node_ns() { echo "fanout-slurm-n$1"; }
node_veth() { echo "fsl-n$1"; }
node_address() { echo "$SUBNET_PREFIX.$((10 + $1))"; }
node_dir() { echo "$LAB_DIR/nodes/$(node_name "$1")"; }
node_root_mac() { printf '02:fb:00:00:01:%02x' "$1"; }
node_ns_mac() { printf '02:fb:00:00:02:%02x' "$1"; }

conf_file() { echo "$LAB_DIR/etc/slurm.conf"; }
cluster_file() { echo "$LAB_DIR/cluster.yaml"; }
state_file() { echo "$LAB_DIR/lab.state"; }
ctld_dir() { echo "$LAB_DIR/ctld"; }
munge_dir() { echo "$LAB_DIR/munge"; }
munge_run_dir() { echo "$RUN_DIR/munge"; }
munge_socket() { echo "$RUN_DIR/munge/munge.socket.2"; }

require_root() {
    [ "$(id -u)" -eq 0 ] || die "the Slurm lab needs root: network namespaces, munged as user munge, slurmd"
}

require_tools() {
    local missing=() packages=() tool package
    for tool in ip:iproute2 nsenter:util-linux unshare:util-linux runuser:util-linux flock:util-linux \
        timeout:coreutils realpath:coreutils ps:procps; do
        package=${tool##*:}
        tool=${tool%:*}
        if ! command -v "$tool" >/dev/null 2>&1; then
            missing+=("$tool (Debian package $package)")
            [[ " ${packages[*]} " == *" $package "* ]] || packages+=("$package")
        fi
    done
    if [ ${#missing[@]} -ne 0 ]; then
        die "missing tools: ${missing[*]}; install with: apt-get install -y ${packages[*]}"
    fi
}

slurm_tools_present() {
    local tool
    for tool in slurmctld slurmd munged mungekey munge unmunge sinfo srun sbatch salloc scancel scontrol; do
        command -v "$tool" >/dev/null 2>&1 || return 1
    done
}

# Installs Debian's slurm-wlm and munge when missing. Services are not started by the packages: a temporary
# policy-rc.d denies it (there is no systemd here, and this script starts its own daemons).
ensure_packages() {
    local missing=() package
    for package in slurm-wlm munge; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -eq 0 ] && slurm_tools_present; then
        return 0
    fi
    [ ${#missing[@]} -ne 0 ] || missing=(slurm-wlm munge)
    command -v apt-get >/dev/null 2>&1 || die "slurm-wlm and munge are missing and there is no apt-get"
    say "installing ${missing[*]} (apt-get)"
    local policy=/usr/sbin/policy-rc.d made_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\n# Written by deploy/slurm-lab.sh during apt-get install; removed right after.\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        made_policy=1
    fi
    local rc=0
    {
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q &&
            apt-get install -y -q --no-install-recommends "${missing[@]}"
    } >&2 || rc=$?
    [ "$made_policy" -eq 0 ] || rm -f "$policy"
    [ "$rc" -eq 0 ] || die "apt-get install ${missing[*]} failed (exit $rc)"
    slurm_tools_present || die "slurm-wlm and munge are installed but their commands are not on PATH"
}

# Serialises every command that changes the lab. fd 9 must never leak into a daemon, or the lock would stay
# held after this script exits.
take_lock() {
    exec 9>"$LOCK_FILE"
    flock -w 300 9 || die "another slurm-lab.sh holds $LOCK_FILE for more than 300 s"
}

# A value of the running lab's state file (nodes, cpus, slurmd_timeout, message_timeout), empty if none.
state_value() {
    local file
    file=$(state_file)
    [ -f "$file" ] || return 0
    sed -n "s/^$1=//p" "$file" | head -n 1
}

lab_node_count() {
    local count
    count=$(state_value nodes)
    if [[ $count =~ ^[0-9]+$ ]]; then echo "$count"; else echo 0; fi
}

write_state() {
    printf 'nodes=%s\ncpus=%s\nslurmd_timeout=%s\nmessage_timeout=%s\n' \
        "$1" "$NODE_CPUS" "$SLURMD_TIMEOUT" "$MESSAGE_TIMEOUT" >"$(state_file)"
}

parse_node() {
    local value=${1:-} count
    [[ $value =~ ^[0-9]+$ ]] || usage_error "a node number is required (1..N), got '${value}'"
    count=$(lab_node_count)
    [ "$count" -gt 0 ] || die "the Slurm lab is not up (run: bash deploy/slurm-lab.sh up)"
    if [ "$((10#$value))" -lt 1 ] || [ "$((10#$value))" -gt "$count" ]; then
        die "node $value does not exist: the lab has nodes 1..$count"
    fi
    echo "$((10#$value))"
}

ns_exists() { [ -e "/run/netns/$(node_ns "$1")" ]; }

# Prints the pid in pid file $1 if it is alive and really runs executable $2 (not a recycled pid).
live_pid() {
    local pidfile=$1 exe=$2 pid
    [ -f "$pidfile" ] || return 1
    pid=$(head -n 1 "$pidfile" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(realpath "$exe")" ] || return 1
    # A zombie is dead.
    [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z* ]] || return 1
    echo "$pid"
}

munged_pid() { live_pid "$(munge_run_dir)/munged.pid" /usr/sbin/munged; }
slurmctld_pid() { live_pid "$(ctld_dir)/slurmctld.pid" /usr/sbin/slurmctld; }
slurmd_pid() {
    local pid
    pid=$(live_pid "$(node_dir "$1")/slurmd.pid" /usr/sbin/slurmd) || return 1
    # It must be the slurmd of this node's namespace.
    [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$(ns_inode "$1")" ] || return 1
    echo "$pid"
}

# The net:[inode] name of node $1's namespace, as /proc/PID/ns/net shows it.
ns_inode() {
    local inode
    inode=$(stat -L -c %i "/run/netns/$(node_ns "$1")" 2>/dev/null) || return 1
    echo "net:[$inode]"
}

# Live pids inside node $1's network namespace.
node_pids() {
    local ns
    ns=$(node_ns "$1")
    [ -e "/run/netns/$ns" ] || return 0
    ip netns pids "$ns" 2>/dev/null || true
}

stop_pid() { # pid, seconds before SIGKILL
    local pid=$1 deadline=$((SECONDS + ${2:-5}))
    kill -TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null && [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z* ]]; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
        sleep 0.05
    done
}

log_tail() { # file, lines
    if [ -f "$1" ]; then
        echo "---- last ${2:-20} lines of $1" >&2
        tail -n "${2:-20}" "$1" >&2
    else
        echo "---- $1 does not exist" >&2
    fi
}

is_cut() {
    local line flags
    line=$(ip -o link show dev "$(node_veth "$1")" 2>/dev/null) || return 1
    flags=${line#*<}
    flags=${flags%%>*}
    [[ ",$flags," != *,UP,* ]]
}

# sinfo/scontrol against this lab, whatever /etc/slurm holds.
lab_sinfo() { SLURM_CONF=$(conf_file) timeout 10 sinfo "$@"; }
lab_scontrol() { SLURM_CONF=$(conf_file) timeout 10 scontrol "$@"; }

# Prints "NODE STATE" per node (states in sinfo's short form: idle, alloc, mix, down*, drain, ...).
node_states() {
    lab_sinfo -h -N -p "$PARTITION" -o '%N %t' 2>/dev/null | sort -u
}

# ---------------------------------------------------------------------------------------------------
# munge

start_munged() {
    munged_pid >/dev/null && return 0
    local dir run
    dir=$(munge_dir)
    run=$(munge_run_dir)
    rm -f "$run/munged.pid" "$(munge_socket)" "$(munge_socket).lock"
    runuser -u munge -- /usr/sbin/munged --key-file="$dir/munge.key" --socket="$(munge_socket)" \
        --pid-file="$run/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munged.seed" \
        --num-threads=4 </dev/null >/dev/null 2>>"$dir/munged.stderr" 9>&- ||
        {
            log_tail "$dir/munged.stderr"
            log_tail "$dir/munged.log"
            die "munged did not start"
        }
    local deadline=$((SECONDS + 10))
    until munged_pid >/dev/null && [ -S "$(munge_socket)" ]; do
        [ "$SECONDS" -lt "$deadline" ] || {
            log_tail "$dir/munged.log"
            die "munged wrote no pid file or socket in 10 s"
        }
        sleep 0.05
    done
    # A real round trip, as slurm will do it.
    munge -n -S "$(munge_socket)" | unmunge -S "$(munge_socket)" >/dev/null ||
        {
            log_tail "$dir/munged.log"
            die "munge -n | unmunge failed against $(munge_socket)"
        }
}

prepare_munge() {
    local dir run
    dir=$(munge_dir)
    run=$(munge_run_dir)
    mkdir -p "$dir" "$run"
    chown munge:munge "$dir" "$run"
    chmod 0700 "$dir"
    chmod 0755 "$run"
    if [ ! -s "$dir/munge.key" ]; then
        rm -f "$dir/munge.key"
        runuser -u munge -- mungekey --create --keyfile="$dir/munge.key" 9>&- ||
            die "mungekey could not create $dir/munge.key"
    fi
    chown munge:munge "$dir/munge.key"
    chmod 0600 "$dir/munge.key"
}

# ---------------------------------------------------------------------------------------------------
# network (the same shape as deploy/lab.sh's, on its own bridge and subnet)

check_subnet_free() {
    local routes
    routes=$(ip -4 route show to match "$CONTROLLER_ADDRESS" | grep -v "dev $BRIDGE " | grep -v '^default' || true)
    [ -z "$routes" ] || die "$SUBNET_PREFIX.0/24 is already routed here (${routes}); refusing to build the lab over it"
}

create_network() {
    local count=$1 k ns veth
    ip link add "$BRIDGE" type bridge stp_state 0 forward_delay 0
    ip link set dev "$BRIDGE" address "$BRIDGE_MAC"
    ip addr add "$CONTROLLER_ADDRESS/24" dev "$BRIDGE"
    ip link set dev "$BRIDGE" up
    for ((k = 1; k <= count; k++)); do
        ns=$(node_ns "$k")
        veth=$(node_veth "$k")
        ip netns add "$ns"
        ip link add "$veth" address "$(node_root_mac "$k")" type veth \
            peer name eth0 address "$(node_ns_mac "$k")" netns "$ns"
        ip link set dev "$veth" master "$BRIDGE"
        ip link set dev "$veth" up
        ip -n "$ns" link set dev lo up
        ip -n "$ns" addr add "$(node_address "$k")/24" dev eth0
        ip -n "$ns" link set dev eth0 up
    done
    # Permanent neighbour entries: no ARP is ever needed, so a cut node is truly silent.
    local g batch
    for ((k = 1; k <= count; k++)); do
        ip neigh replace "$(node_address "$k")" lladdr "$(node_ns_mac "$k")" dev "$BRIDGE" nud permanent
        batch="neigh replace $CONTROLLER_ADDRESS lladdr $BRIDGE_MAC dev eth0 nud permanent"$'\n'
        for ((g = 1; g <= count; g++)); do
            [ "$g" -eq "$k" ] && continue
            batch+="neigh replace $(node_address "$g") lladdr $(node_ns_mac "$g") dev eth0 nud permanent"$'\n'
        done
        printf '%s' "$batch" | ip -n "$(node_ns "$k")" -batch -
    done
}

# ---------------------------------------------------------------------------------------------------
# slurm

write_slurm_conf() {
    local count=$1 controller=$2 k file
    file=$(conf_file)
    mkdir -p "$(dirname "$file")"
    {
        cat <<EOF
# Generated by deploy/slurm-lab.sh: $count nodes, each in its own network namespace. \`slurm-lab.sh up\` rewrites it.
ClusterName=$CLUSTER_NAME
# slurmctld refuses to start unless its hostname matches; the address is the bridge, which every node reaches.
SlurmctldHost=$controller($CONTROLLER_ADDRESS)
SlurmctldPort=6817
SlurmdPort=6818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# A private munged (not the system's /run/munge), started by this script with this lab's key.
AuthInfo=socket=$(munge_socket)
StateSaveLocation=$(ctld_dir)/state
SlurmctldPidFile=$(ctld_dir)/slurmctld.pid
SlurmctldLogFile=$(ctld_dir)/slurmctld.log
# %n is the node name: every slurmd of this one machine has its own folder.
SlurmdSpoolDir=$LAB_DIR/nodes/%n/spool
SlurmdPidFile=$LAB_DIR/nodes/%n/slurmd.pid
SlurmdLogFile=$LAB_DIR/nodes/%n/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: the namespaces share one /sys/fs/cgroup, and tasks are tracked by parent pid.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# The node lines below are the truth, whatever this machine's CPUs are (several nodes share its cores).
SlurmdParameters=config_overrides
# Short timeouts, so that failure tests see a lost node in seconds: slurmctld pings every SlurmdTimeout/3 s,
# retries a refused connection once a second for MessageTimeout s, and marks a node DOWN after SlurmdTimeout s
# of silence (a killed node: idle* after about 5 s, DOWN after about 10-12 s).
SlurmdTimeout=$SLURMD_TIMEOUT
SlurmctldTimeout=10
MessageTimeout=$MESSAGE_TIMEOUT
TCPTimeout=2
KillWait=2
UnkillableStepTimeout=10
InactiveLimit=0
MinJobAge=30
# A DOWN node that registers again (its slurmd restarted) returns to service by itself.
ReturnToService=2
EOF
        for ((k = 1; k <= count; k++)); do
            echo "NodeName=$(node_name "$k") NodeAddr=$(node_address "$k") NodeHostname=$(node_name "$k") CPUs=$NODE_CPUS State=UNKNOWN"
        done
        echo "PartitionName=$PARTITION Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO"
    } >"$file"
    chmod 0644 "$file"
}

# /etc/slurm/slurm.conf -> the lab's slurm.conf, unless a slurm.conf that is not ours is there.
link_system_conf() {
    if [ -L "$SYSTEM_CONF" ] && [ "$(readlink "$SYSTEM_CONF")" = "$(conf_file)" ]; then
        return 0
    fi
    if [ -e "$SYSTEM_CONF" ] || [ -L "$SYSTEM_CONF" ]; then
        warn "$SYSTEM_CONF exists and is not this lab's: left alone; use SLURM_CONF=$(conf_file) (see: slurm-lab.sh env)"
        return 0
    fi
    mkdir -p "$(dirname "$SYSTEM_CONF")"
    ln -s "$(conf_file)" "$SYSTEM_CONF"
}

unlink_system_conf() {
    local target
    [ -L "$SYSTEM_CONF" ] || return 0
    target=$(readlink "$SYSTEM_CONF")
    # Any lab's slurm.conf, even one from another FANOUT_SLURM_LAB_DIR.
    if [ "$target" = "$(conf_file)" ] || [ -f "$(dirname "$(dirname "$target")")/.fanout-slurm-lab" ] ||
        [[ $target == */fanout-slurm-lab/etc/slurm.conf ]]; then
        rm -f "$SYSTEM_CONF"
    fi
}

start_slurmctld() {
    slurmctld_pid >/dev/null && return 0
    local dir
    dir=$(ctld_dir)
    mkdir -p "$dir/state"
    rm -f "$dir/slurmctld.pid"
    slurmctld -f "$(conf_file)" </dev/null >/dev/null 2>>"$dir/slurmctld.stderr" 9>&- ||
        {
            log_tail "$dir/slurmctld.stderr"
            log_tail "$dir/slurmctld.log"
            die "slurmctld did not start"
        }
    local deadline=$((SECONDS + 20))
    until slurmctld_pid >/dev/null && lab_scontrol ping 2>/dev/null | grep -q 'is UP'; do
        [ "$SECONDS" -lt "$deadline" ] || {
            log_tail "$dir/slurmctld.stderr"
            log_tail "$dir/slurmctld.log"
            die "slurmctld is not answering (scontrol ping) after 20 s"
        }
        sleep 0.1
    done
}

start_slurmd() {
    local k=$1 dir name
    slurmd_pid "$k" >/dev/null && return 0
    dir=$(node_dir "$k")
    name=$(node_name "$k")
    mkdir -p "$dir/spool"
    rm -f "$dir/slurmd.pid"
    # Only the network namespace is entered: `ip netns exec` would remount /sys, and slurmd 22.05 then stops
    # with "No filesystem mounted on /sys/fs/cgroup". A new UTS namespace gives the node its own hostname.
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's arguments
    nsenter --net="/run/netns/$(node_ns "$k")" unshare --uts \
        sh -c 'hostname "$1" && exec slurmd -f "$2" -N "$1"' sh "$name" "$(conf_file)" \
        </dev/null >/dev/null 2>>"$dir/slurmd.stderr" 9>&- ||
        {
            log_tail "$dir/slurmd.stderr"
            log_tail "$dir/slurmd.log"
            die "node $k: slurmd did not start"
        }
    local deadline=$((SECONDS + 20))
    until slurmd_pid "$k" >/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || {
            log_tail "$dir/slurmd.stderr"
            log_tail "$dir/slurmd.log"
            die "node $k: slurmd wrote no pid file in 20 s"
        }
        sleep 0.05
    done
}

# Waits until sinfo shows every one of the $1 nodes idle.
wait_all_idle() {
    local count=$1 deadline=$((SECONDS + IDLE_WAIT_SECONDS)) states idle
    while :; do
        states=$(node_states || true)
        idle=$(awk '$2 == "idle" { n++ } END { print n + 0 }' <<<"$states")
        [ "$idle" -eq "$count" ] && return 0
        if [ "$SECONDS" -ge "$deadline" ]; then
            warn "after ${IDLE_WAIT_SECONDS} s, $idle of $count nodes are idle; sinfo says:"
            echo "${states:-(nothing: is slurmctld answering?)}" >&2
            log_tail "$(ctld_dir)/slurmctld.log"
            local k
            for ((k = 1; k <= count; k++)); do
                if ! grep -q "^$(node_name "$k") idle$" <<<"$states"; then
                    log_tail "$(node_dir "$k")/slurmd.log" 10
                fi
            done
            die "the Slurm lab did not become ready"
        fi
        sleep 0.1
    done
}

# Returns drained, down or failed nodes to service (after their slurmd runs again).
resume_unavailable_nodes() {
    local node state
    while read -r node state; do
        [ -n "$node" ] || continue
        case $state in
        idle | alloc | mix | comp*) ;;
        *) lab_scontrol update nodename="$node" state=resume >/dev/null 2>&1 || true ;;
        esac
    done < <(node_states || true)
}

# ", and so is this machine's name NAME, which resolves to 127.0.0.1" when it does (as /etc/hosts often says).
loopback_name_note() {
    local name address
    name=$(hostname -s)
    address=$(getent hosts "$name" | awk '{ print $1; exit }')
    case $address in
    127.* | ::1) printf ", and so is this machine's name '%s', which resolves to %s" "$name" "$address" ;;
    esac
}

write_cluster_yaml() {
    local count=$1 file
    file=$(cluster_file)
    cat >"$file" <<EOF
# Generated by deploy/slurm-lab.sh: Slurm cluster '$CLUSTER_NAME', partition '$PARTITION', $count nodes
# (fanout-node1..fanout-node$count, $NODE_CPUS CPUs each, at $SUBNET_PREFIX.11..$SUBNET_PREFIX.$((10 + count))), each in its own
# network namespace. slurm.conf: $(conf_file) (also $SYSTEM_CONF unless another one was there).
#
# The 'slurm:' keys are a proposal for issue 15; the Swift side decides the final names:
#   partition, nodes, time    what to ask Slurm for when run outside an allocation (salloc/sbatch -p -N -t);
#                             inside an allocation (SLURM_JOB_ID set) the allocation's nodes are used instead
#   account                   optional, sbatch/salloc -A (this lab has no accounting: leave it out)
#   srun_options              optional list passed to srun as is, e.g. ["--cpu-bind=none"]
# Workers run inside the node namespaces and dial the coordinator at the bridge address $CONTROLLER_ADDRESS:
# 127.0.0.1 is each node's own loopback$(loopback_name_note).
# srun hands every task SLURM_LAUNCH_NODE_IPADDR, the address of the host that ran srun as the nodes see it:
# $CONTROLLER_ADDRESS from this machine, $SUBNET_PREFIX.11 inside an sbatch job (whose script runs on fanout-node1, where
# $CONTROLLER_ADDRESS is not a local address: listen on 0.0.0.0:0 there).
coordinator:
  listen: $CONTROLLER_ADDRESS:0
local:
  workers: 0
slurm:
  partition: $PARTITION
  nodes: $count
  time: "00:10:00"
EOF
    chmod 0644 "$file"
}

# True if the lab with $1 nodes exists in full (namespaces, links, config); daemons may be dead.
lab_complete() {
    local count=$1 k
    [ "$(lab_node_count)" -eq "$count" ] || return 1
    [ -f "$(conf_file)" ] && [ -s "$(munge_dir)/munge.key" ] || return 1
    grep -q "^SlurmctldHost=$(hostname -s)(" "$(conf_file)" || return 1
    [ "$(state_value cpus)" = "$NODE_CPUS" ] && [ "$(state_value slurmd_timeout)" = "$SLURMD_TIMEOUT" ] &&
        [ "$(state_value message_timeout)" = "$MESSAGE_TIMEOUT" ] || return 1
    ip link show dev "$BRIDGE" >/dev/null 2>&1 || return 1
    for ((k = 1; k <= count; k++)); do
        ns_exists "$k" || return 1
        ip link show dev "$(node_veth "$k")" >/dev/null 2>&1 || return 1
    done
    ! ns_exists "$((count + 1))"
}

print_usage_summary() {
    local count=$1 k
    say "  controller   slurmctld pid $(slurmctld_pid) on $(hostname -s) ($CONTROLLER_ADDRESS, bridge $BRIDGE); munged pid $(munged_pid)"
    for ((k = 1; k <= count; k++)); do
        say "  $(node_name "$k")  $(node_address "$k")  netns $(node_ns "$k")  slurmd pid $(slurmd_pid "$k")"
    done
    say "  slurm.conf   $(conf_file)"
    say "  cluster      $(cluster_file)"
    say "try:  srun -N$count hostname      sbatch --wrap hostname      salloc -N2 --no-shell; scancel JOBID"
    say "      sinfo -N      squeue      bash deploy/slurm-lab.sh status      eval \"\$(bash deploy/slurm-lab.sh env)\""
    say "workers started by srun dial the coordinator at $CONTROLLER_ADDRESS (listen there or on 0.0.0.0)"
}

cmd_up() {
    local count=${1:-3}
    if ! [[ $count =~ ^[0-9]+$ ]] || [ "$((10#$count))" -lt 1 ] || [ "$((10#$count))" -gt "$MAX_NODES" ]; then
        usage_error "up takes a node count 1..$MAX_NODES, got '$count'"
    fi
    count=$((10#$count))
    [[ $NODE_CPUS =~ ^[1-9][0-9]{0,2}$ ]] || die "FANOUT_SLURM_LAB_CPUS must be 1..999, got '$NODE_CPUS'"
    [[ $SLURMD_TIMEOUT =~ ^[1-9][0-9]{0,3}$ ]] || die "FANOUT_SLURM_LAB_SLURMD_TIMEOUT must be 1..9999 s, got '$SLURMD_TIMEOUT'"
    [[ $MESSAGE_TIMEOUT =~ ^[1-9][0-9]{0,2}$ ]] || die "FANOUT_SLURM_LAB_MESSAGE_TIMEOUT must be 1..999 s, got '$MESSAGE_TIMEOUT'"
    ensure_packages
    take_lock
    local started=$SECONDS k

    if lab_complete "$count"; then
        # Repair in place: restart what died (after a crash, or kill-node), keep running jobs.
        local repaired=()
        mkdir -p "$(munge_run_dir)"
        chown munge:munge "$(munge_run_dir)"
        munged_pid >/dev/null || {
            start_munged
            repaired+=(munged)
        }
        slurmctld_pid >/dev/null || {
            start_slurmctld
            repaired+=(slurmctld)
        }
        for ((k = 1; k <= count; k++)); do
            if is_cut "$k"; then
                ip link set dev "$(node_veth "$k")" up
                repaired+=("link of $(node_name "$k")")
            fi
            slurmd_pid "$k" >/dev/null || {
                start_slurmd "$k"
                repaired+=("slurmd of $(node_name "$k")")
            }
        done
        link_system_conf
        resume_unavailable_nodes
        wait_all_idle "$count"
        write_cluster_yaml "$count"
        if [ ${#repaired[@]} -eq 0 ]; then
            say "already up with $count nodes, all idle (nothing to do)"
        else
            say "was up with $count nodes; restarted: ${repaired[*]}; all idle again"
        fi
        return 0
    fi

    local previous
    previous=$(lab_node_count)
    if [ "$previous" -gt 0 ] || ns_exists 1 || ip link show dev "$BRIDGE" >/dev/null 2>&1; then
        say "re-creating the Slurm lab (was: $previous nodes, want: $count)"
    fi
    teardown
    check_subnet_free

    mkdir -p "$LAB_DIR" "$RUN_DIR"
    chown root:root "$LAB_DIR"
    chmod 0755 "$LAB_DIR"
    echo "This directory is managed by deploy/slurm-lab.sh; \`slurm-lab.sh down\` deletes it." >"$LAB_DIR/.fanout-slurm-lab"
    mkdir -p "$(ctld_dir)/state"
    for ((k = 1; k <= count; k++)); do
        mkdir -p "$(node_dir "$k")/spool"
    done

    prepare_munge
    start_munged
    create_network "$count"
    write_slurm_conf "$count" "$(hostname -s)"
    write_state "$count"
    link_system_conf
    start_slurmctld
    for ((k = 1; k <= count; k++)); do
        start_slurmd "$k"
    done
    wait_all_idle "$count"
    write_cluster_yaml "$count"

    say "up: $count nodes idle in $((SECONDS - started)) s"
    print_usage_summary "$count"
}

# ---------------------------------------------------------------------------------------------------
# down

lab_namespaces() {
    ip netns list 2>/dev/null | awk '$1 ~ /^fanout-slurm-n[0-9]+$/ { print $1 }'
}

# Removes every trace of a Slurm lab, whatever its size. Silent when nothing exists.
teardown() {
    local ns pid link killed=()

    # 1. Every process on every node: slurmd, slurmstepd, job tasks.
    for ns in $(lab_namespaces); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null || true
            killed+=("$pid")
        done
    done
    # 2. slurmctld, then munged (by pid file, checked against the executable).
    if pid=$(slurmctld_pid); then
        stop_pid "$pid" 5
        killed+=("$pid")
    fi
    if pid=$(munged_pid); then
        stop_pid "$pid" 5
        killed+=("$pid")
    fi
    # Wait until they are gone, zombies included: this machine's init reaps orphans a few seconds late, and
    # `pgrep slurm` right after `down` should find nothing.
    local deadline=$((SECONDS + 10)) alive
    while [ "$SECONDS" -lt "$deadline" ]; do
        alive=0
        for ns in $(lab_namespaces); do
            [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] || alive=1
        done
        for pid in "${killed[@]}"; do
            [ ! -e "/proc/$pid" ] || alive=1
        done
        [ "$alive" -eq 0 ] && break
        sleep 0.05
    done

    # 3. Namespaces (each takes its end of the veth pair along), links, the bridge.
    for ns in $(lab_namespaces); do
        ip netns del "$ns" 2>/dev/null || warn "could not delete namespace $ns"
    done
    for link in $(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
        grep -E '^fsl-n[0-9]+$' || true); do
        ip link del dev "$link" 2>/dev/null || true
    done
    if ip link show dev "$BRIDGE" >/dev/null 2>&1; then
        ip link del dev "$BRIDGE" || warn "could not delete bridge $BRIDGE"
    fi

    # 4. Configuration and state (only a directory carrying our marker file).
    unlink_system_conf
    rm -rf --one-file-system "$RUN_DIR"
    if [ -n "$LAB_DIR" ] && [ "$LAB_DIR" != / ] && [ -f "$LAB_DIR/.fanout-slurm-lab" ]; then
        rm -rf --one-file-system "$LAB_DIR"
    fi
}

cmd_down() {
    take_lock
    local had=0
    if [ "$(lab_node_count)" -gt 0 ] || ip link show dev "$BRIDGE" >/dev/null 2>&1 || [ -n "$(lab_namespaces)" ] ||
        slurmctld_pid >/dev/null || munged_pid >/dev/null; then
        had=1
    fi
    teardown
    [ "$had" -eq 0 ] || say "down: Slurm lab removed"
}

# ---------------------------------------------------------------------------------------------------
# status and per-node commands

cmd_status() {
    local count k healthy=0 pid states state
    count=$(lab_node_count)
    if [ "$count" -eq 0 ]; then
        say "down (no Slurm lab in $LAB_DIR)"
        return 1
    fi
    say "up: $count nodes, cluster $CLUSTER_NAME, partition $PARTITION, state in $LAB_DIR"
    if pid=$(munged_pid); then say "munged     pid $pid  socket $(munge_socket)"; else
        say "munged     DEAD"
        healthy=1
    fi
    if pid=$(slurmctld_pid); then say "slurmctld  pid $pid  $(hostname -s) $CONTROLLER_ADDRESS:6817"; else
        say "slurmctld  DEAD"
        healthy=1
    fi
    states=$(node_states || true)
    for ((k = 1; k <= count; k++)); do
        local slurmd=dead link=missing procs
        if pid=$(slurmd_pid "$k"); then slurmd="pid:$pid"; fi
        if ip link show dev "$(node_veth "$k")" >/dev/null 2>&1; then
            if is_cut "$k"; then link=CUT; else link=up; fi
        fi
        state=$(awk -v node="$(node_name "$k")" '$1 == node { print $2 }' <<<"$states")
        procs=$(node_pids "$k" | wc -l)
        printf '%-13s %-12s netns=%-16s slurmd=%-10s link=%-4s state=%-7s procs=%s\n' \
            "$(node_name "$k")" "$(node_address "$k")" "$(node_ns "$k")" "$slurmd" "$link" "${state:-?}" "$procs"
        [ "$slurmd" != dead ] && [ "$link" = up ] && [[ ${state:-?} =~ ^(idle|alloc|mix)$ ]] || healthy=1
    done
    return "$healthy"
}

cmd_kill_node() {
    local k pid pids count=0
    k=$(parse_node "${1:-}")
    take_lock
    pids=$(node_pids "$k")
    for pid in $pids; do
        kill -KILL "$pid" 2>/dev/null && count=$((count + 1))
    done
    local deadline=$((SECONDS + 5))
    while [ -n "$(node_pids "$k")" ] && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.05
    done
    say "$(node_name "$k"): killed $count processes (slurmd, slurmstepds, tasks); slurmctld shows it not responding (idle*) after about $SLURMD_TIMEOUT s and DOWN after about $((2 * SLURMD_TIMEOUT + MESSAGE_TIMEOUT - 1)) s; start-node $k or resume-node $k brings it back"
}

cmd_kill_slurmd() {
    local k pid
    k=$(parse_node "${1:-}")
    take_lock
    pid=$(slurmd_pid "$k") || die "$(node_name "$k"): slurmd is not running"
    kill -KILL "$pid"
    say "$(node_name "$k"): slurmd (pid $pid) killed; its running steps and tasks live on"
}

cmd_start_node() {
    local k
    k=$(parse_node "${1:-}")
    take_lock
    start_slurmd "$k"
    say "$(node_name "$k"): slurmd running (pid $(slurmd_pid "$k"))"
}

cmd_drain_node() {
    local k
    k=$(parse_node "${1:-}")
    take_lock
    lab_scontrol update nodename="$(node_name "$k")" state=drain reason="slurm-lab.sh drain-node" ||
        die "scontrol update state=drain failed for $(node_name "$k")"
    say "$(node_name "$k"): draining (running jobs finish; no new ones start there)"
}

cmd_resume_node() {
    local k name state deadline
    k=$(parse_node "${1:-}")
    name=$(node_name "$k")
    take_lock
    start_slurmd "$k"
    deadline=$((SECONDS + 2 * SLURMD_TIMEOUT + 10))
    while :; do
        state=$(node_states | awk -v node="$name" '$1 == node { print $2 }')
        case $state in
        idle | alloc | mix) break ;;
        esac
        lab_scontrol update nodename="$name" state=resume >/dev/null 2>&1 || true
        if [ "$SECONDS" -ge "$deadline" ]; then
            log_tail "$(node_dir "$k")/slurmd.log" 10
            die "$name is '$state', not back in service"
        fi
        sleep 0.2
    done
    say "$name: in service ($state)"
}

cmd_cut_node() {
    local k
    k=$(parse_node "${1:-}")
    take_lock
    ip link set dev "$(node_veth "$k")" down
    say "$(node_name "$k"): cut ($(node_address "$k") silently drops everything until: slurm-lab.sh heal-node $k)"
}

cmd_heal_node() {
    local k
    k=$(parse_node "${1:-}")
    take_lock
    ip link set dev "$(node_veth "$k")" up
    say "$(node_name "$k"): healed"
}

cmd_exec() {
    local k pid
    k=$(parse_node "${1:-}")
    shift
    [ $# -gt 0 ] || usage_error "exec needs a command: slurm-lab.sh exec K CMD..."
    # The node's UTS namespace is slurmd's; without a live slurmd, only its network namespace.
    if pid=$(slurmd_pid "$k"); then
        exec nsenter --net="/run/netns/$(node_ns "$k")" --uts="/proc/$pid/ns/uts" "$@"
    fi
    exec nsenter --net="/run/netns/$(node_ns "$k")" "$@"
}

cmd_env() {
    local count k nodes="" addresses=""
    count=$(lab_node_count)
    [ "$count" -gt 0 ] || die "the Slurm lab is not up (run: bash deploy/slurm-lab.sh up)"
    for ((k = 1; k <= count; k++)); do
        nodes+="${nodes:+ }$(node_name "$k")"
        addresses+="${addresses:+ }$(node_address "$k")"
    done
    echo "export SLURM_CONF=$(shell_quote "$(conf_file)")"
    echo "export FANOUT_SLURM_LAB_DIR=$(shell_quote "$LAB_DIR")"
    echo "export FANOUT_SLURM_LAB_CLUSTER=$(shell_quote "$(cluster_file)")"
    echo "export FANOUT_SLURM_LAB_PARTITION=$(shell_quote "$PARTITION")"
    echo "export FANOUT_SLURM_LAB_NODES=$(shell_quote "$nodes")"
    echo "export FANOUT_SLURM_LAB_ADDRESSES=$(shell_quote "$addresses")"
    echo "export FANOUT_SLURM_LAB_CPUS=$(shell_quote "$NODE_CPUS")"
    echo "export FANOUT_SLURM_LAB_COORDINATOR_ADDRESS=$(shell_quote "$CONTROLLER_ADDRESS")"
    echo "export FANOUT_SLURM_LAB_SLURMD_TIMEOUT=$(shell_quote "$SLURMD_TIMEOUT")"
    echo "export FANOUT_SLURM_LAB_MESSAGE_TIMEOUT=$(shell_quote "$MESSAGE_TIMEOUT")"
}

# ---------------------------------------------------------------------------------------------------

main() {
    local command=${1:-}
    [ $# -gt 0 ] && shift
    case $command in
    -h | --help | help)
        usage
        return 0
        ;;
    "") usage_error "a command is required" ;;
    up | down | status | kill-node | kill-slurmd | start-node | drain-node | resume-node | cut-node | heal-node | exec | env) ;;
    *) usage_error "unknown command '$command'" ;;
    esac
    LAB_DIR=$(realpath -m "$LAB_DIR")
    [ "$LAB_DIR" != / ] || die "FANOUT_SLURM_LAB_DIR must not be /"
    # Every command but `up` works on the running lab: its own settings, not this shell's variables.
    if [ "$command" != up ] && [ "$(lab_node_count)" -gt 0 ]; then
        NODE_CPUS=$(state_value cpus)
        SLURMD_TIMEOUT=$(state_value slurmd_timeout)
        MESSAGE_TIMEOUT=$(state_value message_timeout)
    fi
    if [ "$command" = env ]; then
        [ $# -eq 0 ] || usage_error "env takes no arguments"
        cmd_env
        return
    fi
    require_root
    require_tools
    case $command in
    up)
        [ $# -le 1 ] || usage_error "up takes one argument: the node count"
        cmd_up "${1:-3}"
        ;;
    down)
        [ $# -eq 0 ] || usage_error "down takes no arguments"
        cmd_down
        ;;
    status)
        [ $# -eq 0 ] || usage_error "status takes no arguments"
        cmd_status
        ;;
    kill-node | kill-slurmd | start-node | drain-node | resume-node | cut-node | heal-node)
        [ $# -eq 1 ] || usage_error "$command takes one argument: the node number"
        "cmd_${command//-/_}" "$1"
        ;;
    exec) cmd_exec "$@" ;;
    esac
}

main "$@"
