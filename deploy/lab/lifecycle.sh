# deploy/lab.sh: the whole lab: up, down (teardown), status.

# True if every piece of an N-host lab with K Debian 11 hosts exists (sshd and cut state aside: those are repaired).
lab_complete() {
    local count=$1 bullseye=$2 h dir file
    [ "$(lab_host_count)" -eq "$count" ] || return 1
    [ "$(lab_bullseye_count)" -eq "$bullseye" ] || return 1
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
        if host_is_bullseye "$h"; then bullseye_root_complete "$h" || return 1; fi
    done
    # Hosts beyond N must not exist.
    ! ns_exists "$((count + 1))"
}

cmd_up() {
    local count=${1:-3} bullseye=${2:-0}
    if ! [[ $count =~ ^[0-9]+$ ]] || [ "$((10#$count))" -lt 1 ] || [ "$((10#$count))" -gt "$MAX_HOSTS" ]; then
        usage_error "up takes a host count 1..$MAX_HOSTS, got '$count'"
    fi
    count=$((10#$count))
    if ! [[ $bullseye =~ ^[0-9]+$ ]] || [ "$((10#$bullseye))" -gt "$count" ]; then
        usage_error "--bullseye takes a number of hosts 0..$count, got '$bullseye'"
    fi
    bullseye=$((10#$bullseye))
    take_lock

    if lab_complete "$count" "$bullseye"; then
        local h repaired=0
        for ((h = 1; h <= count; h++)); do
            if is_cut "$h"; then
                netns_link_up "$(host_veth "$h")"
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
    if [ "$previous" -gt 0 ] || netns_exists "$(host_ns 1)" || ip link show dev "$BRIDGE" >/dev/null 2>&1; then
        say "re-creating the lab (was: ${previous} hosts, want: $count)"
    fi
    teardown
    check_state_dir_path
    check_subnet_free
    [ "$bullseye" -eq 0 ] || ensure_bullseye_tarball

    local h started=$SECONDS
    mkdir -p "$LAB_DIR"
    chown root:root "$LAB_DIR"
    chmod 0755 "$LAB_DIR"
    echo "This directory is managed by deploy/lab.sh; \`lab.sh down\` deletes it." >"$LAB_DIR/.fanout-lab"

    make_client_keys
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
    # Written before the hosts are made: which host is a Debian 11 root is read from it.
    printf 'hosts=%s\nbullseye=%s\n' "$count" "$bullseye" >"$(state_file)"
    for ((h = 1; h <= count; h++)); do
        create_user "$h"
        write_sshd_config "$h"
        if host_is_bullseye "$h"; then create_bullseye_root "$h"; fi
    done
    write_known_hosts "$count"
    write_cluster_yaml "$count"
    for ((h = 1; h <= count; h++)); do
        start_sshd "$h"
    done
    verify_lab "$count"

    say "up: $count hosts in $((SECONDS - started)) s, each verified with a real ssh login"
    say "  coordinator  $COORDINATOR_ADDRESS on bridge $BRIDGE"
    local system
    for ((h = 1; h <= count; h++)); do
        system=""
        host_is_bullseye "$h" && system="  Debian 11 root $(host_root "$h")"
        say "  h$h  $(host_address "$h")  user $(host_user "$h")  netns $(host_ns "$h")  sshd pid $(sshd_pid "$h")$system"
    done
    say "  cluster      $(cluster_file)"
    say "  env          eval \"\$(bash deploy/lab.sh env)\""
}

check_subnet_free() {
    local routes
    routes=$(ip -4 route show to match "$COORDINATOR_ADDRESS" | grep -v "dev $BRIDGE " | grep -v '^default' || true)
    [ -z "$routes" ] || die "$SUBNET_PREFIX.0/24 is already routed here (${routes}); refusing to build the lab over it"
}

create_network() {
    local count=$1 h entries=()
    netns_create_bridge "$BRIDGE" "$BRIDGE_MAC" "$COORDINATOR_ADDRESS/24"
    for ((h = 1; h <= count; h++)); do
        netns_add_host "$BRIDGE" "$(host_ns "$h")" "$(host_veth "$h")" "$(host_root_mac "$h")" \
            "$(host_ns_mac "$h")" "$(host_address "$h")/24"
        entries+=("$(host_ns "$h"),$(host_address "$h"),$(host_ns_mac "$h")")
    done
    netns_pin_neighbours "$BRIDGE" "$COORDINATOR_ADDRESS" "$BRIDGE_MAC" "${entries[@]}"
}

# Removes every trace of a lab, whatever its size or state directory. Silent when nothing exists.
teardown() {
    local ns user home entry dirs=()
    local lab_namespaces='^fanout-lab-h[0-9]+$'

    # 1. Every process inside a lab namespace (the listening sshds and their children).
    for ns in $(netns_list "$lab_namespaces"); do
        netns_kill_all "$ns"
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
    # Wait until they are gone (userdel, netns deletion and unmounting need that).
    local deadline=$((SECONDS + 10))
    while [ "$SECONDS" -lt "$deadline" ]; do
        local alive=0
        for ns in $(netns_list "$lab_namespaces"); do
            netns_has_processes "$ns" && alive=1
        done
        while IFS= read -r entry; do
            [ -n "$entry" ] || continue
            [ -z "$(user_live_pids "${entry%%:*}")" ] || alive=1
        done < <(lab_users)
        [ "$alive" -eq 0 ] && break
        sleep 0.05
    done

    # 3. Namespaces (this also destroys each namespace's end of the veth pair), then links.
    for ns in $(netns_list "$lab_namespaces"); do
        netns_delete "$ns" || warn "could not delete namespace $ns"
    done
    netns_delete_links '^fl-h[0-9]+$'
    netns_delete_bridge "$BRIDGE" || warn "could not delete bridge $BRIDGE"

    # 4. Users and their groups.
    while IFS= read -r entry; do
        [ -n "$entry" ] || continue
        user=${entry%%:*}
        userdel -f "$user" 2>/dev/null || warn "could not delete user $user"
        if getent group "$user" >/dev/null 2>&1; then
            groupdel "$user" 2>/dev/null || true
        fi
    done < <(lab_users)

    # 5. State directories (only ones carrying our marker file), after the Debian 11 roots' mounts: a directory
    # with something still mounted below it is left alone rather than emptied through the mount.
    dirs+=("$LAB_DIR")
    local dir
    for dir in "${dirs[@]}"; do
        if [ -z "$dir" ] || [ "$dir" = / ] || [ ! -f "$dir/.fanout-lab" ]; then
            continue
        fi
        if ! unmount_below "$dir"; then
            warn "left $dir in place: something below it is still mounted"
            continue
        fi
        rm -rf --one-file-system "$dir"
    done
}

cmd_down() {
    take_lock
    local had=0
    if [ "$(lab_host_count)" -gt 0 ] || ip link show dev "$BRIDGE" >/dev/null 2>&1 ||
        [ -n "$(lab_users)" ] || [ -n "$(netns_list '^fanout-lab-h[0-9]+$')" ]; then
        had=1
    fi
    teardown
    [ "$had" -eq 0 ] || say "down: lab removed"
}

cmd_status() {
    local count h healthy=0 ns sshd tcp link procs pid system
    count=$(lab_host_count)
    if [ "$count" -eq 0 ]; then
        say "down (no lab in $LAB_DIR)"
        return 1
    fi
    say "up: $count hosts, coordinator $COORDINATOR_ADDRESS on $BRIDGE, state in $LAB_DIR"
    for ((h = 1; h <= count; h++)); do
        ns=no sshd=dead tcp=- link=missing system=""
        ns_exists "$h" && ns=yes
        if pid=$(sshd_pid "$h"); then sshd="pid $pid"; fi
        if ip link show dev "$(host_veth "$h")" >/dev/null 2>&1; then
            if is_cut "$h"; then link=CUT; else link=up; fi
        fi
        [ "$ns" = yes ] && tcp=$(tcp_probe "$h")
        procs=$(user_process_count "$h")
        host_is_bullseye "$h" && system=" system=debian-11"
        printf 'h%-2s %-12s %-10s netns=%-3s sshd=%-10s tcp22=%-7s link=%-4s user-procs=%s%s\n' \
            "$h" "$(host_address "$h")" "$(host_user "$h")" "$ns" "${sshd// /:}" "$tcp" "$link" "$procs" "$system"
        [ "$ns" = yes ] && [ "$sshd" != dead ] && [ "$tcp" = open ] && [ "$link" = up ] || healthy=1
    done
    return "$healthy"
}
