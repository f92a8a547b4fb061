import FanoutBench

/// A report with every section filled, for the format tests.
enum ReportFixtures {
    static func summary(_ samples: [Double]) -> TimingSummary { TimingSummary(samples: samples)! }

    /// A report of two modes: `sequential` (its median taken as 8 s) and `local` on 2 cores, with the samples
    /// given; one warm-up.
    /// - Parameters:
    ///   - provenance: The provenance.
    ///   - workload: The workload.
    ///   - repeats: The measured runs the report claims.
    ///   - sequential: The sequential mode's samples.
    ///   - local: The local mode's samples.
    static func sequentialAndLocal(
        provenance: Provenance,
        workload: WorkloadDescription,
        repeats: Int,
        sequential: [Double],
        local: [Double]
    ) -> BenchReport {
        var report = BenchReport(provenance: provenance, workload: workload, warmups: 1, repeats: repeats)
        report.modes = [
            ModeResult(mode: "sequential", coresUsed: 1, workers: 1, wall: summary(sequential), sequentialSeconds: 8),
            ModeResult(
                mode: "local",
                coresUsed: 2,
                workers: 2,
                wall: summary(local),
                sequentialSeconds: 8,
                sequentialSamples: sequential
            ),
        ]
        return report
    }

    static var report: BenchReport {
        let sequential = 8.0
        let sequentialSamples: [Double] = [8, 8.2, 7.9]
        var report = BenchReport(
            provenance: Provenance(
                date: "2026-11-27T20:00:00Z",
                commandLine: ["fanout", "bench", "primes", "--sweep", "--note", "a \"quoted\", comma"],
                hosts: [
                    HostInfo(name: "local", cpuModel: "Example CPU @ 2.0GHz", cores: 2),
                    HostInfo(name: "10.213.0.11", cpuModel: nil, cores: nil),
                ],
                loadBefore: [0.5, 1.0, 1.5],
                loadAfter: [2.0, 1.2, 1.4],
                workerBinarySHA256: String(repeating: "ab", count: 32),
                configPath: "lab.yaml",
                configSHA256: String(repeating: "cd", count: 32),
                optimized: true
            ),
            workload: WorkloadDescription(job: "primes", tasks: 64, parameters: "--limit 8000000 --tasks 64"),
            warmups: 1,
            repeats: 3,
            sequentialSeconds: sequential
        )
        report.modes = [
            ModeResult(
                mode: "sequential",
                coresUsed: 1,
                workers: 1,
                wall: summary(sequentialSamples),
                sequentialSeconds: sequential
            ),
            ModeResult(
                mode: "threads",
                coresUsed: 2,
                workers: 2,
                wall: summary([4.1, 4.2, 4.0]),
                sequentialSeconds: sequential,
                sequentialSamples: sequentialSamples
            ),
            ModeResult(
                mode: "local",
                coresUsed: 2,
                workers: 2,
                wall: summary([4.4, 4.3, 4.6]),
                sequentialSeconds: sequential,
                sequentialSamples: sequentialSamples,
                phases: PhaseBreakdown(launch: 0.1, compute: 4.0, schedulingAndTransfer: 0.2, shutdown: 0.05),
                hosts: [HostShare(host: "local", slots: 2, tasks: 64, share: 1, busySeconds: 8.0, perCoreSpeed: 1.01)]
            ),
        ]
        report.skipped = [SkippedMode(mode: "remote", reason: "no hosts, the default cluster is local only")]
        report.lessons = [
            LessonRow(
                kernel: "CPU-bound (primes)",
                tool: "async tasks on 1 event loop",
                inFlight: 64,
                cores: 1,
                wall: summary([8.1, 8.0, 8.3]),
                speedup: 0.99,
                verdict: "wrong tool",
                note: "one thread"
            ),
            LessonRow(
                kernel: "I/O-bound (sleep 25 ms × 40)",
                tool: "async timers on 1 event loop",
                inFlight: 40,
                cores: 1,
                wall: summary([0.026, 0.027, 0.026]),
                speedup: 38,
                verdict: "right tool",
                note: "concurrency alone"
            ),
        ]
        report.sweep = [
            SweepPoint(series: "threads", cores: 1, label: "1 threads", wall: summary([8]), speedup: 1),
            SweepPoint(series: "threads", cores: 2, label: "2 threads", wall: summary([4.1]), speedup: 1.95),
            SweepPoint(
                series: "local workers",
                cores: 1,
                label: "1 local workers",
                wall: summary([8.3]),
                speedup: 0.96
            ),
            SweepPoint(
                series: "local workers",
                cores: 2,
                label: "2 local workers",
                wall: summary([4.4]),
                speedup: 1.82
            ),
            SweepPoint(
                series: "local + hosts",
                cores: 4,
                label: "2 local workers + 1 host",
                wall: summary([4.5]),
                speedup: 1.78
            ),
        ]
        report.overhead = [
            OverheadResult(
                setting: "local (2 workers)",
                cores: 2,
                noopTasks: 20000,
                noopTasksPerSecond: summary([150_000, 160_000]),
                latency: LatencyPercentiles(
                    count: 200,
                    p50: 0.0001,
                    p90: 0.0002,
                    p99: 0.0004,
                    p999: 0.0005,
                    maximum: 0.001
                ),
                efficiencyOneMillisecond: 0.93,
                firstResultCold: 0.05,
                firstResultWarm: 0.0001
            )
        ]
        report.warnings = [
            BenchWarning(code: .fewRuns, message: "only 3 measured run(s) per mode, a CI needs 6"),
            BenchWarning(code: .frequencyGovernor, message: "governor `powersave`, not `performance`"),
        ]
        return report
    }
}
