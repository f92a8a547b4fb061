#!/usr/bin/env python3
"""Runs the same workloads with Fanout and with Python's threading, multiprocessing.Pool, ProcessPoolExecutor,
Dask LocalCluster, Dask SSHCluster and GNU Parallel --sshlogin (the last two on the SSH lab's hosts), in one run,
and prints Fanout ÷ peer ratios as Markdown.

Workloads:
  noop: N no-op tasks; tasks per second counted from the first submission to the last result, with the pool or
        cluster already started (Fanout: `fanout run noop --wait-for-workers`, its figure after every worker was
        ready).
  cpu:  T tasks of sum-squares with n terms each (the same arithmetic in every tool); wall time with the pool
        already started, its speedup over the same tool on one thread, and efficiency (speedup ÷ workers).

Usage (after `bash benchmarks/peers/setup.sh`, as root, with the lab up, under the lab lock):
  benchmarks/peers/.venv/bin/python benchmarks/peers/peers.py --fanout .build/release/fanout [--repeats 3]
"""

import argparse
import concurrent.futures
import multiprocessing
import os
import re
import shlex
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernels  # noqa: E402


def median_of(runs):
    return statistics.median(runs), min(runs), max(runs)


def timed(function, repeats):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


class Peer:
    def __init__(self, name, workers):
        self.name = name
        self.workers = workers
        self.noop_rates = []
        self.cpu_walls = []
        self.cpu_one = []
        self.note = ""


# ------------------------------------------------------------------------------------------------------------
# Fanout, through its CLI


def fanout_noop(fanout, tasks, cluster=None, workers=None):
    command = [fanout, "run", "noop", "--tasks", str(tasks), "--summary-only", "--wait-for-workers"]
    if cluster:
        command += ["--cluster", cluster]
    if workers is not None:
        command += ["--workers", str(workers)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"after every worker was ready: ([0-9.]+) s \(([0-9]+) tasks/s\)", output)
    if not match:
        raise RuntimeError("unexpected fanout output:\n" + output)
    return float(match.group(2))


def fanout_cpu(fanout, tasks, n, cluster=None, workers=None):
    """Wall time after every worker was ready, for the same sum-squares tasks."""
    command = [fanout, "run", "sum-squares", "--tasks", str(tasks), "--n", str(n), "--summary-only",
               "--wait-for-workers"]
    if cluster:
        command += ["--cluster", cluster]
    if workers is not None:
        command += ["--workers", str(workers)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"after every worker was ready: ([0-9.]+) s", output)
    if not match:
        raise RuntimeError("unexpected fanout output:\n" + output)
    return float(match.group(1))


# ------------------------------------------------------------------------------------------------------------
# Python's own pools


def cpu_tasks(tasks, n):
    return [(n, index) for index in range(tasks)]


def run_sum_squares(arguments):
    n, mask = arguments
    return kernels.sum_squares(n, mask)


def measure_executor(peer, make_executor, noop_tasks, tasks, n, repeats, chunksize=1):
    with make_executor() as executor:
        list(executor.map(kernels.noop, range(peer.workers * 4)))  # warm up every worker
        for _ in range(repeats):
            start = time.perf_counter()
            list(executor.map(kernels.noop, range(noop_tasks), chunksize=chunksize))
            peer.noop_rates.append(noop_tasks / (time.perf_counter() - start))
        peer.cpu_walls = timed(lambda: list(executor.map(run_sum_squares, cpu_tasks(tasks, n))), repeats)


def measure_threads(peer, noop_tasks, tasks, n, repeats):
    """Raw threads taking tasks from a shared counter: the GIL lets one run Python at a time."""
    def run(function, count):
        lock = threading.Lock()
        state = {"next": 0}

        def worker():
            while True:
                with lock:
                    index = state["next"]
                    state["next"] += 1
                if index >= count:
                    return
                function(index)

        threads = [threading.Thread(target=worker) for _ in range(peer.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    for _ in range(repeats):
        start = time.perf_counter()
        run(kernels.noop, noop_tasks)
        peer.noop_rates.append(noop_tasks / (time.perf_counter() - start))
    peer.cpu_walls = timed(lambda: run(lambda index: kernels.sum_squares(n, index), tasks), repeats)


def measure_dask(peer, client, noop_tasks, tasks, n, repeats):
    client.gather(client.map(kernels.noop, range(peer.workers * 4), pure=False))
    for _ in range(repeats):
        start = time.perf_counter()
        client.gather(client.map(kernels.noop, range(noop_tasks), pure=False))
        peer.noop_rates.append(noop_tasks / (time.perf_counter() - start))

    def cpu():
        client.gather(client.map(run_sum_squares, cpu_tasks(tasks, n), pure=False))

    peer.cpu_walls = timed(cpu, repeats)


def measure_parallel(peer, logins, ssh, remote_python, noop_tasks, tasks, n, repeats, kernels_dir):
    base = ["parallel", "--will-cite", "--sshlogin", ",".join(logins), "--ssh", ssh]
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(base + ["true", ":::"] + [str(i) for i in range(noop_tasks)], check=True,
                       capture_output=True)
        peer.noop_rates.append(noop_tasks / (time.perf_counter() - start))
    code = f"import sys; sys.path.insert(0, {kernels_dir!r}); import kernels; print(kernels.sum_squares({n}, int(sys.argv[1])))"
    command = shlex.quote(remote_python) + " -c " + shlex.quote(code)
    peer.cpu_walls = timed(lambda: subprocess.run(base + [command, ":::"] + [str(i) for i in range(tasks)],
                                                  check=True, capture_output=True), repeats)


# ------------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fanout", required=True, help="the fanout executable (a release build)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--noop-tasks", type=int, default=20000)
    parser.add_argument("--dask-noop-tasks", type=int, default=2000)
    parser.add_argument("--parallel-noop-tasks", type=int, default=60)
    parser.add_argument("--tasks", type=int, default=16)
    parser.add_argument("--n", type=int, default=300000, help="sum-squares terms per task")
    parser.add_argument("--no-lab", action="store_true", help="skip Dask SSHCluster, GNU Parallel and Fanout on the lab")
    arguments = parser.parse_args()
    repeats = arguments.repeats
    workers = arguments.workers
    tasks, n = arguments.tasks, arguments.n
    noop_tasks = arguments.noop_tasks
    fanout = os.path.abspath(arguments.fanout)
    here = os.path.dirname(os.path.abspath(__file__))
    log = lambda text: print(f"peers: {text}", file=sys.stderr, flush=True)  # noqa: E731

    load_before = os.getloadavg()
    # The one-thread baseline of the Python kernel, for every Python peer's speedup.
    python_one = timed(lambda: [kernels.sum_squares(n, i) for i in range(tasks)], repeats)
    log(f"python, 1 thread: {statistics.median(python_one):.3f} s")
    fanout_one = [fanout_cpu(fanout, tasks, n, workers=1) for _ in range(repeats)]
    log(f"fanout, 1 worker: {statistics.median(fanout_one):.3f} s")

    peers = []
    fanout_local = Peer(f"Fanout, {workers} local workers", workers)
    fanout_local.noop_rates = [fanout_noop(fanout, noop_tasks, workers=workers) for _ in range(repeats)]
    fanout_local.cpu_walls = [fanout_cpu(fanout, tasks, n, workers=workers) for _ in range(repeats)]
    fanout_local.cpu_one = fanout_one
    log(f"{fanout_local.name}: {statistics.median(fanout_local.noop_rates):.0f} no-op tasks/s")

    threads = Peer(f"Python threading, {workers} threads (GIL)", workers)
    measure_threads(threads, noop_tasks, tasks, n, repeats)
    pool = Peer(f"multiprocessing.Pool({workers})", workers)
    measure_executor(pool, lambda: PoolExecutor(workers), noop_tasks, tasks, n, repeats, chunksize=None)
    pool.note = "Pool.map's default chunking (batches tasks)"
    ppe = Peer(f"ProcessPoolExecutor({workers})", workers)
    measure_executor(ppe, lambda: concurrent.futures.ProcessPoolExecutor(workers), noop_tasks, tasks, n, repeats)
    ppe.note = "chunksize=1 (its default)"
    for peer in (threads, pool, ppe):
        peer.cpu_one = python_one
        log(f"{peer.name}: {statistics.median(peer.noop_rates):.0f} no-op tasks/s")
        peers.append(peer)

    from dask.distributed import Client, LocalCluster

    dask_local = Peer(f"Dask LocalCluster({workers} processes × 1 thread)", workers)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            measure_dask(dask_local, client, arguments.dask_noop_tasks, tasks, n, repeats)
    dask_local.cpu_one = python_one
    dask_local.note = f"{arguments.dask_noop_tasks} no-op tasks per measurement"
    log(f"{dask_local.name}: {statistics.median(dask_local.noop_rates):.0f} no-op tasks/s")
    peers.append(dask_local)

    lab_rows = []
    if not arguments.no_lab:
        lab_cluster = os.environ["FANOUT_LAB_CLUSTER"]
        hosts = os.environ["FANOUT_LAB_HOSTS"].split()
        key = os.environ["FANOUT_LAB_KEY"]
        known_hosts = os.environ["FANOUT_LAB_KNOWN_HOSTS"]
        users = [f"fanout-h{index + 1}" for index in range(len(hosts))]
        fanout_lab = Peer(f"Fanout, {len(hosts)} lab hosts", len(hosts))
        fanout_lab.noop_rates = [fanout_noop(fanout, noop_tasks, cluster=lab_cluster) for _ in range(repeats)]
        fanout_lab.cpu_walls = [fanout_cpu(fanout, tasks, n, cluster=lab_cluster) for _ in range(repeats)]
        fanout_lab.cpu_one = fanout_one
        log(f"{fanout_lab.name}: {statistics.median(fanout_lab.noop_rates):.0f} no-op tasks/s")

        from dask.distributed import SSHCluster

        remote_python = os.path.join(here, ".venv", "bin", "python")
        connect = [{"username": user, "client_keys": [key], "known_hosts": known_hosts} for user in users]
        dask_ssh = Peer(f"Dask SSHCluster({len(hosts)} lab hosts × 1 process × 1 thread)", len(hosts))
        with SSHCluster(
            [hosts[0]] + hosts,
            connect_options=[connect[0]] + connect,
            worker_options={"nthreads": 1},
            scheduler_options={"port": 0, "dashboard_address": None, "host": hosts[0]},
            remote_python=remote_python,
        ) as cluster:
            with Client(cluster) as client:
                client.wait_for_workers(len(hosts), timeout=120)
                measure_dask(dask_ssh, client, arguments.dask_noop_tasks, tasks, n, repeats)
        dask_ssh.cpu_one = python_one
        dask_ssh.note = f"{arguments.dask_noop_tasks} no-op tasks per measurement; scheduler on {hosts[0]}"
        log(f"{dask_ssh.name}: {statistics.median(dask_ssh.noop_rates):.0f} no-op tasks/s")

        ssh = f"ssh -i {key} -o UserKnownHostsFile={known_hosts} -o BatchMode=yes -o StrictHostKeyChecking=yes"
        logins = [f"1/{user}@{host}" for user, host in zip(users, hosts)]
        gnu = Peer(f"GNU Parallel --sshlogin ({len(hosts)} lab hosts × 1 job)", len(hosts))
        measure_parallel(gnu, logins, ssh, remote_python, arguments.parallel_noop_tasks, tasks, n, repeats, here)
        gnu.cpu_one = python_one
        gnu.note = f"{arguments.parallel_noop_tasks} no-op tasks (`true`) per measurement; an SSH session per task"
        log(f"{gnu.name}: {statistics.median(gnu.noop_rates):.0f} no-op tasks/s")
        lab_rows = [(fanout_lab, dask_ssh), (fanout_lab, gnu)]
        peers += [dask_ssh, gnu]

    load_after = os.getloadavg()
    print(f"# Fanout and its peers, measured in one run ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
    print()
    print(f"Workloads: no-op tasks; CPU-bound sum-squares, {tasks} tasks × n = {n} (the same arithmetic in Swift and "
          f"Python). Medians of {repeats} runs [min–max], pools and clusters started before timing.")
    print()
    print("| tool | workers | no-op tasks/s | CPU wall | speedup over own 1 thread | efficiency | note |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for peer in [fanout_local] + peers[:4] + ([fanout_lab] if lab_rows else []) + peers[4:]:
        rate, low, high = median_of(peer.noop_rates)
        wall, wall_low, wall_high = median_of(peer.cpu_walls)
        speedup = statistics.median(peer.cpu_one) / wall
        print(f"| {peer.name} | {peer.workers} | {rate:,.0f} [{low:,.0f}–{high:,.0f}] | {wall:.3f} s "
              f"[{wall_low:.3f}–{wall_high:.3f}] | {speedup:.2f}× | {speedup / peer.workers:.2f} | {peer.note} |")
    print()
    print("Ratios, Fanout ÷ peer, from the medians above (no-op: tasks/s ratio; CPU: peer wall ÷ Fanout wall, i.e. "
          "how many times faster Fanout finished the same work):")
    print()
    print("| Fanout | peer | no-op tasks/s ratio | same CPU work, times faster |")
    print("| --- | --- | ---: | ---: |")
    pairs = [(fanout_local, peer) for peer in peers[:4]] + lab_rows
    for ours, theirs in pairs:
        ratio = statistics.median(ours.noop_rates) / statistics.median(theirs.noop_rates)
        faster = statistics.median(theirs.cpu_walls) / statistics.median(ours.cpu_walls)
        print(f"| {ours.name} | {theirs.name} | {ratio:,.1f}× | {faster:,.1f}× |")
    print()
    print(f"Load average before: {', '.join(f'{v:.2f}' for v in load_before)}; after: "
          f"{', '.join(f'{v:.2f}' for v in load_after)}. CPU: {os.cpu_count()} cores. Python {sys.version.split()[0]}.")


class PoolExecutor:
    """multiprocessing.Pool behind the executor interface used above."""

    def __init__(self, workers):
        self.pool = multiprocessing.Pool(workers)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.pool.close()
        self.pool.join()

    def map(self, function, iterable, chunksize=None):
        return self.pool.map(function, iterable, chunksize=chunksize)


if __name__ == "__main__":
    main()
