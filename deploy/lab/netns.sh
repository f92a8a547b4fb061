# Network namespaces on one bridge: the plumbing of a lab of test hosts on this machine. Sourced by deploy/lab.sh;
# self-contained, so another lab script can source it on its own (`source deploy/lab/netns.sh`): every function
# takes its names as arguments and reads no global. Needs root and iproute2 (`ip`, and `tc` for netns_set_delay).
#
#   netns_exists NS                                    true if namespace NS exists
#   netns_list REGEX                                   names of the namespaces matching REGEX (ERE, anchored by you)
#   netns_create_bridge BRIDGE MAC CIDR                a bridge with a fixed MAC and this address, up
#   netns_add_host BRIDGE NS VETH ROOT_MAC NS_MAC CIDR namespace NS, veth pair VETH (root side, on BRIDGE) / eth0
#                                                      (inside, holding CIDR), lo up
#   netns_pin_neighbours BRIDGE GATEWAY GATEWAY_MAC NS,ADDRESS,MAC...
#                                                      permanent neighbour entries everywhere (no ARP ever)
#   netns_link_is_down VETH                            true if VETH exists and is administratively down
#   netns_link_down VETH / netns_link_up VETH          cut / heal: a down veth silently drops every packet
#   netns_set_delay NS VETH MS                         MS ms of netem delay each way (0 removes it); 1 on failure
#   netns_kill_all NS                                  SIGKILL every process inside NS
#   netns_has_processes NS                             true if a process still lives inside NS
#   netns_delete NS                                    delete NS (its end of each veth pair goes with it)
#   netns_delete_links REGEX                           delete the links whose names match REGEX
#   netns_delete_bridge BRIDGE                         delete the bridge if it exists

netns_exists() { [ -e "/run/netns/$1" ]; }

netns_list() {
    ip netns list 2>/dev/null | awk -v pattern="$1" '$1 ~ pattern { print $1 }'
}

netns_create_bridge() {
    local bridge=$1 mac=$2 cidr=$3
    ip link add "$bridge" type bridge stp_state 0 forward_delay 0
    # A fixed MAC: the bridge would otherwise take a port's MAC and change it as ports come and go.
    ip link set dev "$bridge" address "$mac"
    ip addr add "$cidr" dev "$bridge"
    ip link set dev "$bridge" up
}

netns_add_host() {
    local bridge=$1 ns=$2 veth=$3 root_mac=$4 ns_mac=$5 cidr=$6
    ip netns add "$ns"
    ip link add "$veth" address "$root_mac" type veth peer name eth0 address "$ns_mac" netns "$ns"
    ip link set dev "$veth" master "$bridge"
    ip link set dev "$veth" up
    ip -n "$ns" link set dev lo up
    ip -n "$ns" addr add "$cidr" dev eth0
    ip -n "$ns" link set dev eth0 up
}

# Permanent neighbour entries everywhere: no ARP is ever needed, so a cut host is truly silent (an ARP failure
# would otherwise surface as EHOSTUNREACH after about 3 s instead of a hang).
netns_pin_neighbours() {
    local bridge=$1 gateway=$2 gateway_mac=$3
    shift 3
    local entry other ns address mac batch
    for entry in "$@"; do
        IFS=, read -r ns address mac <<<"$entry"
        ip neigh replace "$address" lladdr "$mac" dev "$bridge" nud permanent
        batch="neigh replace $gateway lladdr $gateway_mac dev eth0 nud permanent"$'\n'
        for other in "$@"; do
            [ "$other" = "$entry" ] && continue
            batch+="neigh replace $(echo "$other" | cut -d, -f2) lladdr $(echo "$other" | cut -d, -f3) dev eth0 nud permanent"$'\n'
        done
        printf '%s' "$batch" | ip -n "$ns" -batch -
    done
}

netns_link_is_down() {
    local line flags
    line=$(ip -o link show dev "$1" 2>/dev/null) || return 1
    flags=${line#*<}
    flags=${flags%%>*}
    [[ ",$flags," != *,UP,* ]]
}

netns_link_down() { ip link set dev "$1" down; }
netns_link_up() { ip link set dev "$1" up; }

netns_set_delay() {
    local ns=$1 veth=$2 milliseconds=$3
    tc qdisc del dev "$veth" root 2>/dev/null || true
    ip netns exec "$ns" tc qdisc del dev eth0 root 2>/dev/null || true
    [ "$milliseconds" -eq 0 ] && return 0
    if ! tc qdisc add dev "$veth" root netem delay "${milliseconds}ms" ||
        ! ip netns exec "$ns" tc qdisc add dev eth0 root netem delay "${milliseconds}ms"; then
        tc qdisc del dev "$veth" root 2>/dev/null || true
        return 1
    fi
}

netns_kill_all() {
    local pid
    for pid in $(ip netns pids "$1" 2>/dev/null); do
        kill -KILL "$pid" 2>/dev/null || true
    done
}

netns_has_processes() { [ -n "$(ip netns pids "$1" 2>/dev/null)" ]; }

netns_delete() { ip netns del "$1" 2>/dev/null; }

netns_delete_links() {
    local link
    for link in $(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -E "$1" || true); do
        ip link del dev "$link" 2>/dev/null || true
    done
}

netns_delete_bridge() {
    if ip link show dev "$1" >/dev/null 2>&1; then
        ip link del dev "$1"
    fi
}
