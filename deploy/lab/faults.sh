# deploy/lab.sh: failure injection and access to one host: stop-sshd, start-sshd, kill-host, cut, heal, delay, exec.

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
    netns_link_down "$(host_veth "$h")"
    say "h$h: cut ($(host_address "$h") silently drops everything until: lab.sh heal $h)"
}

cmd_heal() {
    local h
    h=$(parse_host "${1:-}")
    take_lock
    netns_link_up "$(host_veth "$h")"
    say "h$h: healed"
}

cmd_delay() {
    local h milliseconds
    h=$(parse_host "${1:-}")
    milliseconds=${2:-}
    [[ $milliseconds =~ ^[0-9]+$ ]] || usage_error "delay needs milliseconds (0 removes the delay), got '${milliseconds}'"
    take_lock
    netns_set_delay "$(host_ns "$h")" "$(host_veth "$h")" "$milliseconds" ||
        die "host $h: cannot add a netem delay (does this kernel have sch_netem? 'tc qdisc add ... netem' failed)"
    if [ "$milliseconds" -eq 0 ]; then
        say "h$h: no added delay"
        return
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
