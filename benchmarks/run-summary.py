#!/usr/bin/env python3
"""The figures of `fanout run` summaries, for the benchmark scripts: one parser instead of a sed per script.

Usage: python3 benchmarks/run-summary.py FIELD[,FIELD...] FILE...
Prints FIELD of each FILE (a captured `fanout run … --summary-only` output, stdout and stderr together), one line per
file in the order given (several fields: their values on that line, separated by spaces). Exits 1 naming the file and the field when a file has no such figure, so a run that failed
or a summary whose wording changed stops the script instead of feeding it blanks.

Where the figures come from: `fanout run` has no machine-readable summary yet (its `--format jsonl` is one object
per task, without times), and the run-level figures (wall time, tasks/s from when every worker was ready, first
result, coordinator peak RSS, straggler copies, speedup) exist only in the human summary. So this reads a JSON
summary line when the file has one (an object holding "wall_seconds", the shape proposed for
`fanout run --summary-format json`) and otherwise the human summary, each line matched whole by one pattern below.
Values are printed with the decimals the human summary uses, so a script prints the same either way.

Fields (tasks_per_second and ready_tasks_per_second count finished tasks, ok or failed):
  job tasks done ok failed wall_seconds tasks_per_second first_result_seconds
  ready_seconds ready_tasks_per_second startup_seconds coordinator_peak_rss_mib
  speculative_copies speculative_wins moved_tasks retried
  (with --speedup) sequential_seconds workers slots speedup efficiency ready_speedup ready_efficiency identical
"""

import json
import re
import sys

# Each human summary line, matched whole (see Sources/fanout/Output/SummaryPrinter.swift), and the fields it holds.
NUMBER = r"([0-9]+(?:\.[0-9]+)?)"
LINES = [
    (
        rf"(\S+): ([0-9]+) of ([0-9]+) tasks done, ([0-9]+) ok, ([0-9]+) failed, in {NUMBER} s \(([0-9]+) tasks/s\)",
        ["job", "done", "tasks", "ok", "failed", "wall_seconds", "tasks_per_second"],
    ),
    (rf"first result after {NUMBER} s \(includes starting the workers\)", ["first_result_seconds"]),
    (
        rf"after every worker was ready: {NUMBER} s \(([0-9]+) tasks/s\), start-up took {NUMBER} s",
        ["ready_seconds", "ready_tasks_per_second", "startup_seconds"],
    ),
    (rf"coordinator peak memory \(RSS\): {NUMBER} MiB", ["coordinator_peak_rss_mib"]),
    (
        r"stragglers: ([0-9]+) tasks copied to idle workers near the end, ([0-9]+) finished first on the copy "
        r"\(scheduling\.speculation\)",
        ["speculative_copies", "speculative_wins"],
    ),
    (r"end of run: ([0-9]+) queued tasks moved to idle workers \(scheduling\.speculation\)", ["moved_tasks"]),
    (r"tasks reassigned after a worker was lost: ([0-9]+)", ["retried"]),
    (rf"sequential \(1 thread, in this process\): {NUMBER} s", ["sequential_seconds"]),
    (rf"parallel \(([0-9]+) workers, ([0-9]+) slots, including start-up\): {NUMBER} s", ["workers", "slots", None]),
    (rf"speedup: {NUMBER}x   efficiency: {NUMBER} \(speedup / [0-9]+ slots\)", ["speedup", "efficiency"]),
    (
        rf"without start-up \({NUMBER} s to start the workers\): {NUMBER} s, speedup {NUMBER}x, efficiency {NUMBER}",
        [None, None, "ready_speedup", "ready_efficiency"],
    ),
    (r"results identical to the sequential run: (yes|NO \([0-9]+ differ\))", ["identical"]),
]
# Printed only when not zero, so their absence means zero.
ZERO_WHEN_ABSENT = ["speculative_copies", "speculative_wins", "moved_tasks", "retried"]
# Decimals as the human summary prints them; counts print as integers.
DECIMALS = {
    "wall_seconds": 3, "tasks_per_second": 0, "first_result_seconds": 3, "ready_seconds": 3,
    "ready_tasks_per_second": 0, "startup_seconds": 3, "coordinator_peak_rss_mib": 1, "sequential_seconds": 3,
    "speedup": 2, "efficiency": 2, "ready_speedup": 2, "ready_efficiency": 2,
}


def figures(text):
    """The figures of one captured run: from its JSON summary line if it has one, else from its human summary."""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{") and '"wall_seconds"' in line:
            try:
                summary = json.loads(line)
            except ValueError:
                continue
            if isinstance(summary, dict) and "wall_seconds" in summary:
                return summary
    found = {}
    patterns = [(re.compile(pattern), names) for pattern, names in LINES]
    for line in text.splitlines():
        for pattern, names in patterns:
            match = pattern.fullmatch(line.rstrip())
            if match:
                for name, value in zip(names, match.groups()):
                    if name == "identical":
                        found[name] = value == "yes"
                    elif name is not None:
                        found[name] = value if name == "job" else float(value)
                break
    if "wall_seconds" in found:
        for name in ZERO_WHEN_ABSENT:
            found.setdefault(name, 0)
    return found


def formatted(name, value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        decimals = DECIMALS.get(name)
        return f"{value:.{decimals}f}" if decimals is not None else f"{value:.0f}"
    return str(value)


def main(arguments):
    if len(arguments) < 2:
        sys.exit("usage: run-summary.py FIELD[,FIELD...] FILE...")
    names, paths = arguments[0].split(","), arguments[1:]
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as file:
            found = figures(file.read())
        for name in names:
            if name not in found:
                what = "no fanout run summary" if not found else f"no '{name}' in its fanout run summary"
                sys.exit(f"run-summary.py: {path}: {what} (did the run fail, or the summary's wording change?)")
        print(" ".join(formatted(name, found[name]) for name in names))


if __name__ == "__main__":
    main(sys.argv[1:])
