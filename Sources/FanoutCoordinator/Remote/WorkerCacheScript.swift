/// The shell script preflight runs on a host: facts about the host, and the checks that make the worker cache
/// (`~/.cache/fanout`) safe to run from.
///
/// Why the cache can be trusted: the script refuses (prints `unsafe=REASON`) unless every directory on the
/// physical path of the home directory and of `~/.cache/fanout` is owned by the login user or root and writable by
/// nobody else (a sticky directory such as `/tmp` excepted for ancestors), and `~/.cache/fanout` itself is a real
/// directory (not a symbolic link) owned by the login user. It then sets mode 0700 on it. An entry
/// `fanout-worker-<sha256>` is reported `present` only when it is a regular file (not a link) owned by the user,
/// writable by nobody else, executable, and its SHA-256 is the expected one; anything else under that name is
/// removed (`rm -f` removes a link, never its target) and uploaded again. Since nobody but the user and root can
/// write anywhere on that path, what was hashed here is what the launch runs a moment later.
///
/// The script is a constant; the only value it reads is the digest, as `$1`.
enum WorkerCacheScript {
    /// The preflight script. Prints `key=value` lines: `arch`, `kernel`, `glibc`, `cores`, then either `unsafe` or `free`
    /// (KiB available in the cache) and `worker` (`present` or `missing`).
    static let preflight = #"""
        uid=$(id -u)
        echo "arch=$(uname -m)"
        echo "kernel=$(uname -r)"
        echo "glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null || echo unknown)"
        echo "cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
        unsafe() { echo "unsafe=$*"; exit 0; }
        private_tree() {
            d=$1
            while :; do
                info=$(stat -c '%u %a' -- "$d") || unsafe "cannot stat $d"
                owner=${info% *}
                mode=${info#* }
                if [ "$owner" != 0 ] && [ "$owner" != "$uid" ]; then
                    unsafe "$d is owned by uid $owner, neither you (uid $uid) nor root"
                fi
                if [ $((0$mode & 022)) -ne 0 ] && [ $((0$mode & 01000)) -eq 0 ]; then
                    unsafe "$d is writable by other users (mode $mode)"
                fi
                [ "$d" = / ] && return 0
                d=$(dirname -- "$d")
            done
        }
        home=$(cd && pwd -P) || unsafe "cannot enter the home directory"
        private_tree "$home"
        if [ ! -e "$home/.cache" ] && [ ! -L "$home/.cache" ]; then
            mkdir -m 700 -- "$home/.cache" || unsafe "cannot create ~/.cache"
        fi
        base=$(cd -- "$home/.cache" && pwd -P) || unsafe "cannot enter ~/.cache"
        private_tree "$base"
        dir=$base/fanout
        if [ -L "$dir" ]; then
            unsafe "~/.cache/fanout is a symbolic link; remove it (rm ~/.cache/fanout)"
        fi
        if [ ! -e "$dir" ]; then
            mkdir -m 700 -- "$dir" || unsafe "cannot create ~/.cache/fanout"
        fi
        [ -d "$dir" ] || unsafe "~/.cache/fanout is not a directory"
        info=$(stat -c '%u %a' -- "$dir") || unsafe "cannot stat ~/.cache/fanout"
        owner=${info% *}
        mode=${info#* }
        if [ "$owner" != "$uid" ]; then
            unsafe "~/.cache/fanout is owned by uid $owner, not by you (uid $uid); remove it (rm -rf ~/.cache/fanout)"
        fi
        if [ $((0$mode & 022)) -ne 0 ]; then
            unsafe "~/.cache/fanout is writable by other users (mode $mode), so its files may have been planted; remove it (rm -rf ~/.cache/fanout)"
        fi
        if [ "$mode" != 700 ]; then
            chmod 700 -- "$dir" || unsafe "cannot set mode 0700 on ~/.cache/fanout"
        fi
        echo "free=$(df -Pk -- "$dir" | tail -n 1 | awk '{print $4}')"
        bin=$dir/fanout-worker-$1
        state=missing
        if [ -f "$bin" ] && [ ! -L "$bin" ] && [ -x "$bin" ]; then
            info=$(stat -c '%u %a' -- "$bin")
            if [ "${info% *}" = "$uid" ] && [ $((0${info#* } & 022)) -eq 0 ] \
                && [ "$(sha256sum < "$bin" | cut -c1-64)" = "$1" ]; then
                state=present
            fi
        fi
        if [ "$state" = missing ] && { [ -e "$bin" ] || [ -L "$bin" ]; }; then
            rm -f -- "$bin"
        fi
        echo "worker=$state"
        """#

    /// Checks an upload (`$1`, the temporary name) against the digest (`$3`), then gives it its final name (`$2`).
    /// On a mismatch it removes the upload and prints the digest it found.
    static let verifyUpload = #"""
        sum=$(sha256sum < "$1" | cut -c1-64)
        if [ "$sum" = "$3" ]; then
            chmod 700 -- "$1" && mv -f -- "$1" "$2"
        else
            rm -f -- "$1"
            echo "$sum"
            exit 1
        fi
        """#
}
