#!/usr/bin/env bash
# A lab of real SSH test hosts on this one Linux machine: one network namespace per host, each with
# its own sshd, its own Unix user and its own host keys, all on a private bridge (10.213.0.0/24).
#
# Usage: bash deploy/lab.sh COMMAND [ARGS]   (as root)
#   up [N]          build a lab of N hosts (1..20, default 3); no-op if already up with N hosts
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
LAB_DIR="${FANOUT_LAB_DIR:-/var/lib/fanout-lab}"

# ---------------------------------------------------------------------------------------------------
# small helpers

say() { echo "fanout-lab: $*"; }
warn() { echo "fanout-lab: $*" >&2; }
die() {
    echo "fanout-lab: error: $*" >&2
    exit 1
}

usage() {
    sed -n '/^# Usage:/,/^[^#]/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}

usage_error() {
    echo "fanout-lab: $*" >&2
    usage >&2
    exit 2
}

# Single-quotes a value for the shell.
shell_quote() {
    local value=$1
    printf "'%s'" "${value//\'/\'\\\'\'}"
}

host_ns() { echo "fanout-lab-h$1"; }
host_veth() { echo "fl-h$1"; }
host_user() { echo "fanout-h$1"; }
host_address() { echo "$SUBNET_PREFIX.$((10 + $1))"; }
host_dir() { echo "$LAB_DIR/h$1"; }
host_home() { echo "$LAB_DIR/h$1/home"; }
host_root_mac() { printf '02:fa:00:00:01:%02x' "$1"; }
host_ns_mac() { printf '02:fa:00:00:02:%02x' "$1"; }

client_dir() { echo "$LAB_DIR/client"; }
client_key() { echo "$LAB_DIR/client/id_ed25519"; }
client_ecdsa_key() { echo "$LAB_DIR/client/id_ecdsa"; }
client_unauthorized_key() { echo "$LAB_DIR/client/unauthorized_ed25519"; }
known_hosts_file() { echo "$LAB_DIR/known_hosts"; }
cluster_file() { echo "$LAB_DIR/cluster.yaml"; }
state_file() { echo "$LAB_DIR/lab.state"; }

require_root() {
    [ "$(id -u)" -eq 0 ] || die "the lab needs root: network namespaces and sshd"
}

require_tools() {
    local missing=() packages=() tool package
    # tool:Debian package
    for tool in ip:iproute2 bridge:iproute2 "$SSHD":openssh-server ssh-keygen:openssh-server \
        ssh:openssh-client useradd:passwd userdel:passwd groupdel:passwd pkill:procps ps:procps \
        flock:util-linux timeout:coreutils realpath:coreutils; do
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

# Serialises every command that changes the lab. fd 9 must never leak into a daemon (sshd), or the
# lock would stay held after this script exits.
take_lock() {
    exec 9>"$LOCK_FILE"
    flock -w 300 9 || die "another lab.sh holds $LOCK_FILE for more than 300 s"
}

parse_host() {
    local value=${1:-}
    [[ $value =~ ^[0-9]+$ ]] || usage_error "a host number is required (1..N), got '${value}'"
    local count
    count=$(lab_host_count)
    [ "$count" -gt 0 ] || die "the lab is not up (run: bash deploy/lab.sh up)"
    if [ "$value" -lt 1 ] || [ "$value" -gt "$count" ]; then
        die "host $value does not exist: the lab has hosts 1..$count"
    fi
    echo "$((10#$value))"
}

# Number of hosts of the running lab, 0 if none.
lab_host_count() {
    local file
    file=$(state_file)
    if [ -f "$file" ]; then
        local count
        count=$(sed -n 's/^hosts=//p' "$file")
        [[ $count =~ ^[0-9]+$ ]] && echo "$count" && return 0
    fi
    echo 0
}

ns_exists() { [ -e "/run/netns/$(host_ns "$1")" ]; }

sshd_pid() {
    local pidfile pid
    pidfile="$(host_dir "$1")/sshd.pid"
    [ -f "$pidfile" ] || return 1
    pid=$(cat "$pidfile" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # The pid must really be an sshd, not a recycled pid.
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$SSHD" ] || return 1
    echo "$pid"
}

is_cut() {
    local line flags
    line=$(ip -o link show dev "$(host_veth "$1")" 2>/dev/null) || return 1
    flags=${line#*<}
    flags=${flags%%>*}
    [[ ",$flags," != *,UP,* ]]
}

# Prints open / refused / timeout for TCP port 22 of host $1, probed from the root namespace.
tcp_probe() {
    local rc=0
    timeout 1 bash -c "exec 3<>/dev/tcp/$(host_address "$1")/22" 2>/dev/null || rc=$?
    case $rc in
    0) echo open ;;
    124) echo timeout ;;
    *) echo refused ;;
    esac
}

wait_for_port() {
    local h=$1 deadline=$((SECONDS + ${2:-15}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        [ "$(tcp_probe "$h")" = open ] && return 0
        sleep 0.1
    done
    return 1
}

# Live (non-zombie) processes of a user: this machine's init may reap orphans late.
user_live_pids() {
    id "$1" >/dev/null 2>&1 || return 0
    { ps -u "$1" -o pid=,stat= 2>/dev/null || true; } | awk '$2 !~ /^Z/ { print $1 }'
}

user_process_count() {
    user_live_pids "$(host_user "$1")" | wc -l
}

ssh_login() { # host, key, command...
    local h=$1 key=$2
    shift 2
    ssh -F /dev/null -i "$key" -o IdentitiesOnly=yes -o IdentityAgent=none \
        -o UserKnownHostsFile="$(known_hosts_file)" -o GlobalKnownHostsFile=/dev/null \
        -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR \
        "$(host_user "$h")@$(host_address "$h")" "$@" </dev/null
}

# ---------------------------------------------------------------------------------------------------
# sshd

start_sshd() {
    local h=$1 dir
    dir=$(host_dir "$h")
    if sshd_pid "$h" >/dev/null; then
        return 0
    fi
    rm -f "$dir/sshd.pid"
    # Privilege-separation directory; shared by every namespace (it is a plain directory).
    mkdir -p /run/sshd
    chmod 0755 /run/sshd
    "$SSHD" -t -f "$dir/sshd_config" || die "host $h: sshd -t rejected $dir/sshd_config"
    ip netns exec "$(host_ns "$h")" "$SSHD" -f "$dir/sshd_config" -E "$dir/sshd.log" \
        </dev/null >/dev/null 2>>"$dir/sshd.stderr" 9>&- ||
        die "host $h: sshd did not start; see $dir/sshd.log"
    local deadline=$((SECONDS + 10))
    until sshd_pid "$h" >/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || die "host $h: sshd wrote no pid file; see $dir/sshd.log"
        sleep 0.05
    done
}

stop_sshd() {
    local h=$1 pid
    pid=$(sshd_pid "$h") || return 0
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 5))
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
        sleep 0.05
    done
    rm -f "$(host_dir "$h")/sshd.pid"
}

write_sshd_config() {
    local h=$1 dir
    dir=$(host_dir "$h")
    cat >"$dir/sshd_config" <<EOF
# Generated by deploy/lab.sh for lab host h$h. Do not edit: \`lab.sh up\` rewrites it.
ListenAddress $(host_address "$h")
Port 22
HostKey $dir/ssh_host_ed25519_key
HostKey $dir/ssh_host_ecdsa_key
HostKey $dir/ssh_host_rsa_key
PidFile $dir/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
AllowUsers $(host_user "$h")
PermitRootLogin no
StrictModes yes
MaxStartups 10:30:100
LogLevel VERBOSE
UseDNS no
PrintMotd no
PrintLastLog no
Subsystem sftp internal-sftp
EOF
    chmod 0644 "$dir/sshd_config"
}

# ---------------------------------------------------------------------------------------------------
# up

check_state_dir_path() {
    # Every host user must be able to reach its home below the state directory.
    local path=$LAB_DIR mode
    while [ "$path" != / ]; do
        path=$(dirname "$path")
        if [ -d "$path" ]; then
            mode=$(stat -c %a "$path")
            (((8#$mode & 8#001) != 0)) ||
                die "$path (mode $mode) is not searchable by other users; lab users could not reach their homes below $LAB_DIR"
        fi
    done
}

check_subnet_free() {
    local routes
    routes=$(ip -4 route show to match "$COORDINATOR_ADDRESS" | grep -v "dev $BRIDGE " | grep -v '^default' || true)
    [ -z "$routes" ] || die "$SUBNET_PREFIX.0/24 is already routed here (${routes}); refusing to build the lab over it"
}

create_network() {
    local count=$1 h ns veth
    ip link add "$BRIDGE" type bridge stp_state 0 forward_delay 0
    # A fixed MAC: the bridge would otherwise take a port's MAC and change it as ports come and go.
    ip link set dev "$BRIDGE" address "$BRIDGE_MAC"
    ip addr add "$COORDINATOR_ADDRESS/24" dev "$BRIDGE"
    ip link set dev "$BRIDGE" up
    for ((h = 1; h <= count; h++)); do
        ns=$(host_ns "$h")
        veth=$(host_veth "$h")
        ip netns add "$ns"
        ip link add "$veth" address "$(host_root_mac "$h")" type veth \
            peer name eth0 address "$(host_ns_mac "$h")" netns "$ns"
        ip link set dev "$veth" master "$BRIDGE"
        ip link set dev "$veth" up
        ip -n "$ns" link set dev lo up
        ip -n "$ns" addr add "$(host_address "$h")/24" dev eth0
        ip -n "$ns" link set dev eth0 up
    done
    # Permanent neighbour entries everywhere: no ARP is ever needed, so a cut host is truly silent
    # (an ARP failure would otherwise surface as EHOSTUNREACH after about 3 s instead of a hang).
    local g batch
    for ((h = 1; h <= count; h++)); do
        ip neigh replace "$(host_address "$h")" lladdr "$(host_ns_mac "$h")" dev "$BRIDGE" nud permanent
        batch="neigh replace $COORDINATOR_ADDRESS lladdr $BRIDGE_MAC dev eth0 nud permanent"$'\n'
        for ((g = 1; g <= count; g++)); do
            [ "$g" -eq "$h" ] && continue
            batch+="neigh replace $(host_address "$g") lladdr $(host_ns_mac "$g") dev eth0 nud permanent"$'\n'
        done
        printf '%s' "$batch" | ip -n "$(host_ns "$h")" -batch -
    done
}

create_user() {
    local h=$1 user home
    user=$(host_user "$h")
    home=$(host_home "$h")
    # '*' (not useradd's default '!'): with UsePAM no, sshd treats a '!' password as a locked account
    # and refuses even public-key logins.
    useradd --system --no-create-home --home-dir "$home" --shell /bin/sh --user-group \
        --comment "$USER_COMMENT_PREFIX h$h" --password '*' "$user"
    usermod -p '*' "$user"
    mkdir -p "$home/.ssh"
    cat "$(client_key).pub" "$(client_ecdsa_key).pub" >"$home/.ssh/authorized_keys"
    chown -R "$user:$user" "$home"
    chmod 0755 "$home"
    chmod 0700 "$home/.ssh"
    chmod 0600 "$home/.ssh/authorized_keys"
}

generate_host_keys() {
    local h=$1 dir type
    dir=$(host_dir "$h")
    ssh-keygen -q -t ed25519 -N '' -C "fanout-lab-h$h" -f "$dir/ssh_host_ed25519_key" </dev/null
    ssh-keygen -q -t ecdsa -b 256 -N '' -C "fanout-lab-h$h" -f "$dir/ssh_host_ecdsa_key" </dev/null
    # 2048 bits: a test key, and 3072-bit generation makes `up 20` slow on small machines.
    ssh-keygen -q -t rsa -b 2048 -N '' -C "fanout-lab-h$h" -f "$dir/ssh_host_rsa_key" </dev/null
}

write_known_hosts() {
    local count=$1 h type address file
    file=$(known_hosts_file)
    : >"$file"
    for ((h = 1; h <= count; h++)); do
        address=$(host_address "$h")
        for type in ed25519 ecdsa rsa; do
            # "<type> <base64> <comment>" -> "<address> <type> <base64>"
            awk -v address="$address" '{ print address, $1, $2 }' "$(host_dir "$h")/ssh_host_${type}_key.pub" >>"$file"
        done
    done
    chmod 0644 "$file"
}

write_cluster_yaml() {
    local count=$1 h file
    file=$(cluster_file)
    {
        echo "# Generated by deploy/lab.sh: a lab of $count SSH hosts in network namespaces."
        echo "coordinator:"
        echo "  listen: $COORDINATOR_ADDRESS:0"
        echo "local:"
        echo "  workers: 0"
        echo "ssh:"
        echo "  identity: $(client_key)"
        echo "  known_hosts: $(known_hosts_file)"
        echo "  connect_timeout: 5"
        echo "hosts:"
        for ((h = 1; h <= count; h++)); do
            echo "  - address: $(host_address "$h")"
            echo "    user: $(host_user "$h")"
        done
    } >"$file"
    chmod 0644 "$file"
}

# Waits for every sshd and logs in to every host for real.
verify_lab() {
    local count=$1 h dir
    for ((h = 1; h <= count; h++)); do
        dir=$(host_dir "$h")
        wait_for_port "$h" 15 || die "host $h: sshd does not accept TCP on $(host_address "$h"):22; see $dir/sshd.log"
    done
    # Logins in parallel (each costs a few hundred ms of key exchange).
    local pids=() failed=()
    for ((h = 1; h <= count; h++)); do
        ssh_login "$h" "$(client_key)" true 9>&- &
        pids+=("$!")
    done
    for ((h = 1; h <= count; h++)); do
        wait "${pids[h - 1]}" || failed+=("$h")
    done
    for h in "${failed[@]}"; do
        warn "host $h: ssh login as $(host_user "$h") with $(client_key) failed; see $(host_dir "$h")/sshd.log"
    done
    [ ${#failed[@]} -eq 0 ] || die "ssh login failed on ${#failed[@]} host(s)"
    # The other two client keys, once: ECDSA is authorised, the spare ed25519 key is not.
    ssh_login 1 "$(client_ecdsa_key)" true ||
        die "host 1: ssh login with the ECDSA key $(client_ecdsa_key) failed"
    if ssh_login 1 "$(client_unauthorized_key)" true 2>/dev/null; then
        die "host 1: the unauthorised key $(client_unauthorized_key) was accepted"
    fi
}

# True if every piece of an N-host lab exists (sshd and cut state aside: those are repaired).
lab_complete() {
    local count=$1 h dir file
    [ "$(lab_host_count)" -eq "$count" ] || return 1
    ip link show dev "$BRIDGE" >/dev/null 2>&1 || return 1
    for file in "$(client_key)" "$(client_ecdsa_key)" "$(client_unauthorized_key)" \
        "$(known_hosts_file)" "$(cluster_file)"; do
        [ -f "$file" ] || return 1
    done
    for ((h = 1; h <= count; h++)); do
        dir=$(host_dir "$h")
        ns_exists "$h" || return 1
        ip link show dev "$(host_veth "$h")" >/dev/null 2>&1 || return 1
        id "$(host_user "$h")" >/dev/null 2>&1 || return 1
        [ -f "$dir/sshd_config" ] && [ -f "$(host_home "$h")/.ssh/authorized_keys" ] || return 1
    done
    # Hosts beyond N must not exist.
    ! ns_exists "$((count + 1))"
}

cmd_up() {
    local count=${1:-3}
    if ! [[ $count =~ ^[0-9]+$ ]] || [ "$((10#$count))" -lt 1 ] || [ "$((10#$count))" -gt "$MAX_HOSTS" ]; then
        usage_error "up takes a host count 1..$MAX_HOSTS, got '$count'"
    fi
    count=$((10#$count))
    take_lock

    if lab_complete "$count"; then
        local h repaired=0
        for ((h = 1; h <= count; h++)); do
            if is_cut "$h"; then
                ip link set dev "$(host_veth "$h")" up
                repaired=1
            fi
            if ! sshd_pid "$h" >/dev/null; then
                start_sshd "$h"
                repaired=1
            fi
        done
        verify_lab "$count"
        if [ "$repaired" -eq 1 ]; then
            say "lab was up with $count hosts; healed cut hosts / restarted stopped sshds"
        else
            say "lab already up with $count hosts (nothing to do)"
        fi
        return 0
    fi

    local previous
    previous=$(lab_host_count)
    if [ "$previous" -gt 0 ] || [ -e "/run/netns/$(host_ns 1)" ] || ip link show dev "$BRIDGE" >/dev/null 2>&1; then
        say "re-creating the lab (was: ${previous} hosts, want: $count)"
    fi
    teardown
    check_state_dir_path
    check_subnet_free

    local h started=$SECONDS
    mkdir -p "$LAB_DIR"
    chown root:root "$LAB_DIR"
    chmod 0755 "$LAB_DIR"
    echo "This directory is managed by deploy/lab.sh; \`lab.sh down\` deletes it." >"$LAB_DIR/.fanout-lab"

    # Client keys.
    mkdir -p "$(client_dir)"
    chmod 0755 "$(client_dir)"
    ssh-keygen -q -t ed25519 -N '' -C fanout-lab-client -f "$(client_key)" </dev/null
    ssh-keygen -q -t ecdsa -N '' -C fanout-lab-client-ecdsa -f "$(client_ecdsa_key)" </dev/null
    ssh-keygen -q -t ed25519 -N '' -C fanout-lab-unauthorized -f "$(client_unauthorized_key)" </dev/null
    chmod 0600 "$(client_key)" "$(client_ecdsa_key)" "$(client_unauthorized_key)"

    # Host keys, in parallel (RSA generation is the slow part).
    local pids=()
    for ((h = 1; h <= count; h++)); do
        mkdir -p "$(host_dir "$h")"
        chmod 0755 "$(host_dir "$h")"
        generate_host_keys "$h" 9>&- &
        pids+=("$!")
    done
    local pid
    for pid in "${pids[@]}"; do
        wait "$pid" || die "ssh-keygen failed for a host key"
    done

    create_network "$count"
    for ((h = 1; h <= count; h++)); do
        create_user "$h"
        write_sshd_config "$h"
    done
    write_known_hosts "$count"
    write_cluster_yaml "$count"
    echo "hosts=$count" >"$(state_file)"
    for ((h = 1; h <= count; h++)); do
        start_sshd "$h"
    done
    verify_lab "$count"

    say "up: $count hosts in $((SECONDS - started)) s, each verified with a real ssh login"
    say "  coordinator  $COORDINATOR_ADDRESS on bridge $BRIDGE"
    for ((h = 1; h <= count; h++)); do
        say "  h$h  $(host_address "$h")  user $(host_user "$h")  netns $(host_ns "$h")  sshd pid $(sshd_pid "$h")"
    done
    say "  cluster      $(cluster_file)"
    say "  env          eval \"\$(bash deploy/lab.sh env)\""
}

# ---------------------------------------------------------------------------------------------------
# down

# Lab users: named fanout-h<N> and carrying our comment (a same-named user we did not make is left alone).
lab_users() {
    getent passwd | awk -F: -v prefix="$USER_COMMENT_PREFIX" \
        '$1 ~ /^fanout-h[0-9]+$/ && index($5, prefix) == 1 { print $1 ":" $6 }'
}

# Removes every trace of a lab, whatever its size or state directory. Silent when nothing exists.
teardown() {
    local ns pid user home entry dirs=() link

    # 1. Every process inside a lab namespace (the listening sshds and their children).
    for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^fanout-lab-h[0-9]+$/ { print $1 }'); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null || true
        done
    done
    # 2. Every process of every lab user (sessions spawned by the sshds run as the user).
    while IFS= read -r entry; do
        [ -n "$entry" ] || continue
        user=${entry%%:*}
        home=${entry#*:}
        pkill -KILL -u "$user" 2>/dev/null || true
        # home is <state dir>/h<N>/home: remember the state dir, even one from another FANOUT_LAB_DIR.
        [[ $home == */h[0-9]*/home ]] && dirs+=("${home%/h[0-9]*/home}")
    done < <(lab_users)
    # Wait until they are gone (userdel and netns deletion need that).
    local deadline=$((SECONDS + 10))
    while [ "$SECONDS" -lt "$deadline" ]; do
        local alive=0
        for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^fanout-lab-h[0-9]+$/ { print $1 }'); do
            [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] || alive=1
        done
        while IFS= read -r entry; do
            [ -n "$entry" ] || continue
            [ -z "$(user_live_pids "${entry%%:*}")" ] || alive=1
        done < <(lab_users)
        [ "$alive" -eq 0 ] && break
        sleep 0.05
    done

    # 3. Namespaces (this also destroys each namespace's end of the veth pair), then links.
    for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^fanout-lab-h[0-9]+$/ { print $1 }'); do
        ip netns del "$ns" 2>/dev/null || warn "could not delete namespace $ns"
    done
    for link in $(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
        grep -E '^fl-h[0-9]+$' || true); do
        ip link del dev "$link" 2>/dev/null || true
    done
    if ip link show dev "$BRIDGE" >/dev/null 2>&1; then
        ip link del dev "$BRIDGE" || warn "could not delete bridge $BRIDGE"
    fi

    # 4. Users and their groups.
    while IFS= read -r entry; do
        [ -n "$entry" ] || continue
        user=${entry%%:*}
        userdel -f "$user" 2>/dev/null || warn "could not delete user $user"
        if getent group "$user" >/dev/null 2>&1; then
            groupdel "$user" 2>/dev/null || true
        fi
    done < <(lab_users)

    # 5. State directories (only ones carrying our marker file).
    dirs+=("$LAB_DIR")
    local dir
    for dir in "${dirs[@]}"; do
        if [ -z "$dir" ] || [ "$dir" = / ] || [ ! -f "$dir/.fanout-lab" ]; then
            continue
        fi
        rm -rf --one-file-system "$dir"
    done
}

cmd_down() {
    take_lock
    local had=0
    if [ "$(lab_host_count)" -gt 0 ] || ip link show dev "$BRIDGE" >/dev/null 2>&1 ||
        [ -n "$(lab_users)" ] || ip netns list 2>/dev/null | grep -q '^fanout-lab-h'; then
        had=1
    fi
    teardown
    [ "$had" -eq 0 ] || say "down: lab removed"
}

# ---------------------------------------------------------------------------------------------------
# per-host commands

cmd_status() {
    local count h healthy=0 ns sshd tcp link procs pid
    count=$(lab_host_count)
    if [ "$count" -eq 0 ]; then
        say "down (no lab in $LAB_DIR)"
        return 1
    fi
    say "up: $count hosts, coordinator $COORDINATOR_ADDRESS on $BRIDGE, state in $LAB_DIR"
    for ((h = 1; h <= count; h++)); do
        ns=no sshd=dead tcp=- link=missing
        ns_exists "$h" && ns=yes
        if pid=$(sshd_pid "$h"); then sshd="pid $pid"; fi
        if ip link show dev "$(host_veth "$h")" >/dev/null 2>&1; then
            if is_cut "$h"; then link=CUT; else link=up; fi
        fi
        [ "$ns" = yes ] && tcp=$(tcp_probe "$h")
        procs=$(user_process_count "$h")
        printf 'h%-2s %-12s %-10s netns=%-3s sshd=%-10s tcp22=%-7s link=%-4s user-procs=%s\n' \
            "$h" "$(host_address "$h")" "$(host_user "$h")" "$ns" "${sshd// /:}" "$tcp" "$link" "$procs"
        [ "$ns" = yes ] && [ "$sshd" != dead ] && [ "$tcp" = open ] && [ "$link" = up ] || healthy=1
    done
    return "$healthy"
}

cmd_stop_sshd() {
    local h
    h=$(parse_host "${1:-}")
    take_lock
    stop_sshd "$h"
    say "h$h: sshd stopped (new connections to $(host_address "$h"):22 are refused; open sessions live on)"
}

cmd_start_sshd() {
    local h
    h=$(parse_host "${1:-}")
    take_lock
    start_sshd "$h"
    if ! is_cut "$h"; then
        wait_for_port "$h" 10 || die "host $h: sshd does not accept TCP; see $(host_dir "$h")/sshd.log"
    fi
    say "h$h: sshd running (pid $(sshd_pid "$h"))"
}

cmd_kill_host() {
    local h user count
    h=$(parse_host "${1:-}")
    user=$(host_user "$h")
    take_lock
    count=$(user_process_count "$h")
    pkill -KILL -u "$user" 2>/dev/null || true
    local deadline=$((SECONDS + 5))
    while [ -n "$(user_live_pids "$user")" ] && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.05
    done
    say "h$h: killed $count processes of $user (the listening sshd runs as root and was left running)"
}

cmd_cut() {
    local h
    h=$(parse_host "${1:-}")
    take_lock
    ip link set dev "$(host_veth "$h")" down
    say "h$h: cut ($(host_address "$h") silently drops everything until: lab.sh heal $h)"
}

cmd_heal() {
    local h
    h=$(parse_host "${1:-}")
    take_lock
    ip link set dev "$(host_veth "$h")" up
    say "h$h: healed"
}

cmd_delay() {
    local h milliseconds ns veth
    h=$(parse_host "${1:-}")
    milliseconds=${2:-}
    [[ $milliseconds =~ ^[0-9]+$ ]] || usage_error "delay needs milliseconds (0 removes the delay), got '${milliseconds}'"
    ns=$(host_ns "$h")
    veth=$(host_veth "$h")
    take_lock
    tc qdisc del dev "$veth" root 2>/dev/null || true
    ip netns exec "$ns" tc qdisc del dev eth0 root 2>/dev/null || true
    if [ "$milliseconds" -eq 0 ]; then
        say "h$h: no added delay"
        return
    fi
    if ! tc qdisc add dev "$veth" root netem delay "${milliseconds}ms" ||
        ! ip netns exec "$ns" tc qdisc add dev eth0 root netem delay "${milliseconds}ms"; then
        tc qdisc del dev "$veth" root 2>/dev/null || true
        die "host $h: cannot add a netem delay (does this kernel have sch_netem? 'tc qdisc add ... netem' failed)"
    fi
    say "h$h: +${milliseconds} ms each way on $(host_address "$h") (undo: lab.sh delay $h 0)"
}

cmd_exec() {
    local h
    h=$(parse_host "${1:-}")
    shift
    [ $# -gt 0 ] || usage_error "exec needs a command: lab.sh exec H CMD..."
    exec ip netns exec "$(host_ns "$h")" "$@"
}

cmd_env() {
    local count h hosts=""
    count=$(lab_host_count)
    [ "$count" -gt 0 ] || die "the lab is not up (run: bash deploy/lab.sh up)"
    for ((h = 1; h <= count; h++)); do
        hosts+="${hosts:+ }$(host_address "$h")"
    done
    echo "export FANOUT_LAB_DIR=$(shell_quote "$LAB_DIR")"
    echo "export FANOUT_LAB_CLUSTER=$(shell_quote "$(cluster_file)")"
    echo "export FANOUT_LAB_KEY=$(shell_quote "$(client_key)")"
    echo "export FANOUT_LAB_ECDSA_KEY=$(shell_quote "$(client_ecdsa_key)")"
    echo "export FANOUT_LAB_UNAUTHORIZED_KEY=$(shell_quote "$(client_unauthorized_key)")"
    echo "export FANOUT_LAB_KNOWN_HOSTS=$(shell_quote "$(known_hosts_file)")"
    echo "export FANOUT_LAB_HOSTS=$(shell_quote "$hosts")"
    echo "export FANOUT_LAB_COORDINATOR_ADDRESS=$(shell_quote "$COORDINATOR_ADDRESS")"
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
        [ $# -le 1 ] || usage_error "up takes one argument: the host count"
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
