# deploy/lab.sh: one Unix user per host (fanout-hN) with its home below the state directory.

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

# Lab users: named fanout-h<N> and carrying our comment (a same-named user we did not make is left alone).
lab_users() {
    getent passwd | awk -F: -v prefix="$USER_COMMENT_PREFIX" \
        '$1 ~ /^fanout-h[0-9]+$/ && index($5, prefix) == 1 { print $1 ":" $6 }'
}

# Live (non-zombie) processes of a user: this machine's init may reap orphans late.
user_live_pids() {
    id "$1" >/dev/null 2>&1 || return 0
    { ps -u "$1" -o pid=,stat= 2>/dev/null || true; } | awk '$2 !~ /^Z/ { print $1 }'
}

user_process_count() {
    user_live_pids "$(host_user "$1")" | wc -l
}
