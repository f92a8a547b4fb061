# Shared by the benchmark scripts: `source benchmarks/common.sh` from the repository root.
# Builds the release binaries, sets $fanout, and moves into a scratch directory removed on exit.
# Run figures are read with run_summary (benchmarks/run-summary.py), never with sed on the human summary.

swift build -c release --product fanout-worker >&2
swift build -c release --product fanout >&2
fanout="$PWD/.build/release/fanout"
run_summary_parser="$PWD/benchmarks/run-summary.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# The median of the numbers on stdin, one per line ("n/a" for none).
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "n/a" } else if (NR % 2) { print a[(NR + 1) / 2] } else { print (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'; }
# "min-max" of the numbers on stdin.
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s", lo, hi }'; }
# FIELD of each captured `fanout run` output FILE, one a line; fails naming the file when it has no such figure.
run_summary() { python3 "$run_summary_parser" "$@"; }
