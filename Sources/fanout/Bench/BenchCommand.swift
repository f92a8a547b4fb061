import ArgumentParser
import FanoutBench
import FanoutConfiguration
import NIOCore

/// `fanout bench [JOB] -- [JOB OPTIONS]`: the same kernel and the same total work one thread, in threads, on local
/// worker processes, on remote hosts and on both; repeated, with medians, speedup, efficiency, the Karp–Flatt
/// serial fraction and where the time went; optionally the concurrency lessons, a scaling sweep and overheads.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speedup honestly: one thread, threads, local workers, remote hosts, all together.",
        discussion: """
            Every mode runs the same tasks of the same kernel. Each mode gets --warmup unmeasured runs (cluster \
            modes: one calibration run of the middle task on every slot, which also starts and deploys the \
            workers), then --repeat measured runs, each cluster run starting its workers afresh: the wall time \
            includes launching them. Measured runs go in rounds of one run per mode, so that drift in the \
            machine's speed affects every mode alike. The report gives the median and [min–max] wall time, speedup over the \
            sequential median, efficiency (speedup ÷ cores used), the Karp–Flatt serial fraction, per-host shares \
            and per-core speed, and where the time went.

            Options after `--` go to the job, as for `fanout run JOB` (its defaults apply otherwise).

            EXAMPLES:
              fanout bench primes --repeat 5 -- --limit 8000000 --tasks 64
              fanout bench primes --lessons --sweep --out bench-report
              fanout bench sum-squares --modes local,remote --cluster lab.yaml
              fanout bench --overhead --modes sequential --cluster lab.yaml
            """
    )

    /// The built-in jobs a bench can run.
    enum JobName: String, ExpressibleByArgument, CaseIterable {
        case primes
        case sumSquares = "sum-squares"
        case mandelbrot, pi, sleep, noop
    }

    @Argument(help: "The kernel: \(JobName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var job: JobName = .primes

    @Option(
        name: .long,
        parsing: .upToNextOption,
        help: "Modes, comma separated: sequential, threads, local, remote, all (sequential is always measured)."
    )
    var modes: [String] = ["sequential,threads,local,remote,all"]

    @Option(name: .customLong("repeat"), help: "Measured runs per mode (after the warm-up).")
    var repeats: Int = 5

    @Option(name: .long, help: "Unmeasured warm-up runs per mode.")
    var warmup: Int = 1

    @Option(name: .long, help: "Local worker processes and threads (default: one per core).")
    var workers: Int?

    @Option(name: .long, help: "Cluster file; its hosts are used by the remote and all modes.")
    var cluster: String?

    @Flag(
        name: .long,
        help: "Run the concurrency-versus-parallelism experiments and print the right tool / wrong tool table."
    )
    var lessons = false

    @Flag(name: .long, help: "Sweep 1..N workers (local cores, then adding hosts); with --out, also sweep.svg.")
    var sweep = false

    @Flag(name: .long, help: "Overhead microbenchmarks: no-op tasks/s, latency percentiles, 1 ms task efficiency.")
    var overhead = false

    @Option(name: .long, help: "No-op tasks per throughput measurement (--overhead).")
    var noopTasks: Int = 20_000

    @Option(name: .long, help: "Single-task round trips per latency measurement (--overhead).")
    var latencySamples: Int = 200

    @Option(name: .long, help: "A note added to each overhead setting's name, e.g. '+10 ms delay'.")
    var overheadLabel: String?

    @Option(name: .long, help: "Tasks of the I/O-bound sleep kernel (--lessons).")
    var sleepTasks: Int = 40

    @Option(name: .long, help: "Milliseconds each sleep task waits (--lessons).")
    var sleepMilliseconds: UInt32 = 25

    @Option(name: .long, help: "Write report.md, report.json, report.csv (and sweep.svg) into this directory.")
    var out: String?

    @Flag(name: .long, help: "No progress lines on standard error.")
    var quiet = false

    @Argument(parsing: .postTerminator, help: "Options for the job, after `--`.")
    var jobArguments: [String] = []

    /// The modes, parsed.
    func parsedModes() throws -> [BenchMode] {
        var result: [BenchMode] = []
        for name in self.modes.flatMap({ $0.split(separator: ",") }) {
            guard let mode = BenchMode(rawValue: String(name)) else {
                throw ValidationError(
                    "unknown mode '\(name)'; modes are \(BenchMode.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            if !result.contains(mode) { result.append(mode) }
        }
        return result
    }

    func validate() throws {
        _ = try self.parsedModes()
        try OptionRange.check(self.repeats, "--repeat", in: 1...1000)
        try OptionRange.check(self.warmup, "--warmup", in: 0...100)
        if let workers { try OptionRange.check(workers, "--workers", in: 1...4096) }
        try OptionRange.check(self.noopTasks, "--noop-tasks", in: OptionRange.tasks)
        try OptionRange.check(self.latencySamples, "--latency-samples", in: 1...1_000_000)
        // The lessons hold one future per sleep task and wait tasks × milliseconds one after another.
        try OptionRange.check(self.sleepTasks, "--sleep-tasks", in: 1...100_000)
        try OptionRange.check(self.sleepMilliseconds, "--sleep-milliseconds", in: OptionRange.sleepMilliseconds)
    }

    func run() async throws {
        let configuration: ClusterConfiguration
        if let cluster {
            configuration = try ClusterFileLoader.load(cluster)
        } else {
            configuration = ClusterConfiguration()
        }
        let settings = BenchSettings(
            modes: try self.parsedModes(),
            repeats: self.repeats,
            warmups: self.warmup,
            localWorkers: self.workers ?? System.coreCount,
            configuration: configuration,
            clusterPath: self.cluster,
            lessons: self.lessons,
            sweep: self.sweep,
            overhead: self.overhead,
            noopTasks: self.noopTasks,
            latencySamples: self.latencySamples,
            overheadLabel: self.overheadLabel,
            sleepTasks: self.sleepTasks,
            sleepMilliseconds: self.sleepMilliseconds,
            outputDirectory: self.out,
            quiet: self.quiet
        )
        do {
            switch self.job {
            case .primes: try await self.bench(try PrimesCommand.parse(self.jobArguments), settings)
            case .sumSquares: try await self.bench(try SumSquaresCommand.parse(self.jobArguments), settings)
            case .mandelbrot: try await self.bench(try MandelbrotCommand.parse(self.jobArguments), settings)
            case .pi: try await self.bench(try PiCommand.parse(self.jobArguments), settings)
            case .sleep: try await self.bench(try SleepCommand.parse(self.jobArguments), settings)
            case .noop: try await self.bench(try NoopCommand.parse(self.jobArguments), settings)
            }
        } catch let error as BenchError {
            FileHandleOutput.standardError.write("fanout bench: \(error.message)\n")
            throw ExitCode(2)
        }
    }

    private func bench<W: Workload>(_ workload: W, _ settings: BenchSettings) async throws {
        let report = try await BenchDriver(workload: workload, settings: settings).run()
        let plotName = settings.outputDirectory != nil && !report.sweep.isEmpty ? ReportWriter.plotFileName : nil
        print(MarkdownReport(report: report, plotFileName: plotName).render(), terminator: "")
        if let directory = settings.outputDirectory {
            for path in try ReportWriter.write(report, to: directory) {
                FileHandleOutput.standardError.write("bench: wrote \(path)\n")
            }
        }
    }
}
