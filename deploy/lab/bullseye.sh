# deploy/lab.sh: Debian 11 (bullseye, glibc 2.31) hosts. Such a host is a debootstrapped root at
# $LAB_DIR/roots/hN in which the host's sshd runs chrooted, inside the host's network namespace; /proc and /dev are
# mounted there, and the host's directory ($LAB_DIR/hN: sshd config, keys, home) is bind-mounted at the same path,
# so every path (home, worker cache, pid file) reads the same inside and outside.
#
# The root is built once per machine from Debian's package registry and cached as a tarball under
# $BULLSEYE_CACHE (default /var/cache/fanout-lab); `down` never removes the cache.

BULLSEYE_CACHE="${FANOUT_LAB_CACHE:-/var/cache/fanout-lab}"
# What the root holds beyond minbase: sshd. The worker and `fanout exec`'s commands need nothing else.
BULLSEYE_PACKAGES=openssh-server

host_root() { echo "$LAB_DIR/roots/h$1"; }

bullseye_tarball() { echo "$BULLSEYE_CACHE/bullseye-minbase-${BULLSEYE_PACKAGES//,/-}.tar.gz"; }

# The Debian mirror this machine's apt uses (the same host serves bullseye), unless FANOUT_LAB_DEBIAN_MIRROR is set.
debian_mirror() {
    if [ -n "${FANOUT_LAB_DEBIAN_MIRROR:-}" ]; then
        echo "$FANOUT_LAB_DEBIAN_MIRROR"
        return
    fi
    local uri
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        grep -v '^[[:space:]]*#' | grep -oE 'https?://[^[:space:]]+/debian/?' | grep -v -- '-security' | head -n 1 || true)
    echo "${uri:-http://deb.debian.org/debian}"
}

# Builds the cached root tarball unless it exists.
ensure_bullseye_tarball() {
    local tarball build
    tarball=$(bullseye_tarball)
    [ -s "$tarball" ] && return 0
    if ! command -v debootstrap >/dev/null 2>&1; then
        if command -v apt-get >/dev/null 2>&1; then
            say "installing debootstrap (Debian hosts need it once)"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2 ||
                { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2; } ||
                die "cannot install debootstrap; install it with: apt-get install -y debootstrap"
        else
            die "Debian 11 hosts need debootstrap (Debian package debootstrap)"
        fi
    fi
    mkdir -p "$BULLSEYE_CACHE"
    chmod 0755 "$BULLSEYE_CACHE"
    build=$(mktemp -d "$BULLSEYE_CACHE/build.XXXXXX")
    say "debootstrapping Debian 11 (bullseye, minbase + $BULLSEYE_PACKAGES) from $(debian_mirror), once per machine"
    if ! debootstrap --variant=minbase --include="$BULLSEYE_PACKAGES" bullseye "$build/root" "$(debian_mirror)" \
        >"$build/debootstrap.log" 2>&1 9>&-; then
        tail -n 20 "$build/debootstrap.log" >&2
        rm -rf --one-file-system "$build"
        die "debootstrap of bullseye failed (log above)"
    fi
    # Downloaded packages are not part of a host.
    rm -f "$build/root/var/cache/apt/archives/"*.deb
    tar -C "$build/root" -czf "$build/root.tar.gz" .
    mv -f "$build/root.tar.gz" "$tarball"
    rm -rf --one-file-system "$build"
    say "cached the bullseye root as $tarball ($(du -h "$tarball" | cut -f1))"
}

# Unpacks host $1's root and makes the host's user known inside it.
create_bullseye_root() {
    local h=$1 root user
    root=$(host_root "$h")
    user=$(host_user "$h")
    mkdir -p "$LAB_DIR/roots"
    chmod 0755 "$LAB_DIR/roots"
    mkdir -p "$root"
    tar -C "$root" -xzf "$(bullseye_tarball)"
    # The same uid and gid as outside, so ownership checks read the same on both sides.
    getent passwd "$user" >>"$root/etc/passwd"
    getent group "$user" >>"$root/etc/group"
    echo "$user:*:19000:0:99999:7:::" >>"$root/etc/shadow"
    mkdir -p "$root$(host_dir "$h")" "$root/run/sshd"
    chmod 0755 "$root/run/sshd"
}

mounted() { awk -v path="$1" '$2 == path { found = 1 } END { exit !found }' /proc/self/mounts; }

# Mounts /proc, /dev and the host's directory in host $1's root (idempotent).
mount_host_root() {
    local h=$1 root
    root=$(host_root "$h")
    mounted "$root/proc" || mount -t proc proc "$root/proc"
    mounted "$root/dev" || mount --bind /dev "$root/dev"
    mounted "$root$(host_dir "$h")" || mount --bind "$(host_dir "$h")" "$root$(host_dir "$h")"
}

# Unmounts everything below directory $1, deepest first; true if nothing is left mounted there.
unmount_below() {
    local prefix=$1 path
    for path in $(awk -v prefix="$prefix/" 'index($2, prefix) == 1 { print $2 }' /proc/self/mounts | sort -r); do
        umount "$path" 2>/dev/null || umount -l "$path" 2>/dev/null || warn "could not unmount $path"
    done
    ! awk -v prefix="$prefix/" 'index($2, prefix) == 1 { found = 1 } END { exit !found }' /proc/self/mounts
}

# True if host $1's root is complete (unpacked, user known).
bullseye_root_complete() {
    local root
    root=$(host_root "$1")
    [ -x "$root/usr/sbin/sshd" ] && grep -q "^$(host_user "$1"):" "$root/etc/passwd"
}
