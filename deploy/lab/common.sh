# deploy/lab.sh's shared pieces: messages, names of each host's parts, the state file, argument checks, the lock.
# Reads the constants lab.sh sets (SUBNET_PREFIX, LAB_DIR, SSHD, LOCK_FILE, ...).

say() { echo "fanout-lab: $*"; }
warn() { echo "fanout-lab: $*" >&2; }
die() {
    echo "fanout-lab: error: $*" >&2
    exit 1
}

usage() {
    sed -n '/^# Usage:/,/^[^#]/p' "$LAB_SCRIPT" | grep '^#' | sed 's/^# \{0,1\}//'
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

# A key of the state file (`hosts=N`, `bullseye=K`), or $2 when absent or not a number.
lab_state_number() {
    local file value
    file=$(state_file)
    if [ -f "$file" ]; then
        value=$(sed -n "s/^$1=//p" "$file")
        [[ $value =~ ^[0-9]+$ ]] && echo "$value" && return 0
    fi
    echo "$2"
}

# Number of hosts of the running lab, 0 if none.
lab_host_count() { lab_state_number hosts 0; }

# Number of Debian 11 hosts (the last ones) of the running lab.
lab_bullseye_count() { lab_state_number bullseye 0; }

# True if host $1 of the running lab is a Debian 11 root.
host_is_bullseye() {
    local count bullseye
    count=$(lab_host_count)
    bullseye=$(lab_bullseye_count)
    [ "$1" -gt $((count - bullseye)) ]
}

ns_exists() { netns_exists "$(host_ns "$1")"; }

is_cut() { netns_link_is_down "$(host_veth "$1")"; }
