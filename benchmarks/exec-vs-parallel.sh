#!/usr/bin/env bash
# Jobs per second for 1,000 trivial jobs (`echo N`) on the 3-host SSH lab (deploy/lab.sh): `fanout exec` against
# GNU Parallel with --sshlogin over ssh ControlMaster connections (opened before timing), same hosts, same jobs per
# host (the hosts' core count), interleaved in each round. Each run's output is checked: 1,000 lines, 1..1000.
# Times are whole commands (start-up included: fanout's SSH launch of its workers, Parallel's ssh per job).
# Release build; medians over ROUNDS rounds. Needs root (the lab); run under the lab lock:
#   flock /run/fanout-lab-session.lock bash benchmarks/exec-vs-parallel.sh [ROUNDS] [JOBS]   (defaults 5, 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
jobs="${2:-1000}"
if ! command -v parallel >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q parallel >&2
fi
bash deploy/lab.sh up 3 >&2
bash deploy/build-worker.sh >&2
swift build -c release --product fanout >&2
eval "$(bash deploy/lab.sh env)"
fanout="$PWD/.build/release/fanout"
work="$(mktemp -d)"
cleanup() {
    for n in 1 2 3; do
        ssh -o ControlPath="$work/cm-%r@%h:%p" -O exit "fanout-h$n@$(echo "$FANOUT_LAB_HOSTS" | cut -d' ' -f"$n")" \
            2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) { print a[(NR + 1) / 2] } else { print (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'; }
now() { date +%s.%N; }

cores=$(nproc)
ssh_command="ssh -i $FANOUT_LAB_KEY -o UserKnownHostsFile=$FANOUT_LAB_KNOWN_HOSTS -o StrictHostKeyChecking=yes \
-o BatchMode=yes -o ControlMaster=auto -o ControlPersist=60 -o ControlPath=$work/cm-%r@%h:%p"
logins=()
n=1
for host in $FANOUT_LAB_HOSTS; do
    logins+=(--sshlogin "$cores/fanout-h$n@$host")
    # Open the master connection now, so that no timed job pays for a login.
    $ssh_command "fanout-h$n@$host" true
    n=$((n + 1))
done
seq 1 "$jobs" >expected

check() { # FILE: exactly the numbers 1..jobs, one per line
    sort -n "$1" | cmp -s - expected || { echo "exec-vs-parallel: $1 is not the $jobs expected lines" >&2; exit 1; }
}

for round in $(seq 1 "$rounds"); do
    echo "round $round/$rounds" >&2
    start=$(now)
    "$fanout" exec --cluster "$FANOUT_LAB_CLUSTER" -- echo ::: $(seq 1 "$jobs") >fanout.out
    end=$(now)
    check fanout.out
    echo "$start $end" | awk -v n="$jobs" '{ printf "%.1f\n", n / ($2 - $1) }' >>fanout.rates

    start=$(now)
    parallel --will-cite --ssh "$ssh_command" "${logins[@]}" echo ::: $(seq 1 "$jobs") >parallel.out
    end=$(now)
    check parallel.out
    echo "$start $end" | awk -v n="$jobs" '{ printf "%.1f\n", n / ($2 - $1) }' >>parallel.rates
done
fanout_median=$(median <fanout.rates)
parallel_median=$(median <parallel.rates)
echo "== fanout exec vs GNU Parallel $(parallel --version | head -1 | awk '{ print $3 }') (--sshlogin, ssh ControlMaster), $jobs echo jobs on the 3 lab hosts ($cores jobs per host), $rounds rounds, $(date -u +%F)"
echo "fanout exec:  $fanout_median jobs/s median (rounds: $(paste -sd' ' fanout.rates))"
echo "GNU Parallel: $parallel_median jobs/s median (rounds: $(paste -sd' ' parallel.rates))"
echo "load average at the end (2 vCPUs, shared): $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ratio (medians): $(awk -v a="$fanout_median" -v b="$parallel_median" 'BEGIN { printf "%.1fx", a / b }')"
