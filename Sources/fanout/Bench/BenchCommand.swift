import ArgumentParser
import FanoutBench
import FanoutConfiguration
import FanoutSessions

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
            and per-core speed, and where the time went; 95 % bootstrap confidence intervals of the medians, \
            speedups and efficiencies, outlying runs, and warnings (noisy runs, outliers, load from other \
            processes, CPU steal, frequency governor, too few runs), also on standard error.

            --compare OLD reads an earlier report.json (or the directory holding one) before anything runs and \
            refuses, with exit status 2, one of another kernel, kernel options, task count or cluster file; after \
            the run it prints, per mode, faster, slower or no change (beyond a ±5 % noise threshold and with a \
            confidence interval that excludes 0).

            Options after `--` go to the job, as for `fanout run JOB` (its defaults apply otherwise).

            EXAMPLES:
              fanout bench primes --repeat 5 -- --limit 8000000 --tasks 64
              fanout bench primes --lessons --sweep --out bench-report
              fanout bench sum-squares --modes local,remote --cluster lab.yaml
              fanout bench --overhead --modes sequential --cluster lab.yaml
              fanout bench primes --out new -- --limit 8000000 --compare old/report.json
            """
    )

    /// The built-in jobs a bench can run, in the order its help lists them; each is parsed by its `fanout run`
    /// subcommand of the same name.
    enum JobName: String, ExpressibleByArgument, CaseIterable {
        case primes
        case sumSquares = "sum-squares"
        case mandelbrot, pi, sleep, noop

        /// The `fanout run` subcommand that parses this job's options.
        var command: (any WorkloadCommand.Type)? {
            RunCommand.configuration.subcommands.lazy.compactMap { $0 as? any WorkloadCommand.Type }.first {
                $0.configuration.commandName == self.rawValue
            }
        }
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

    @OptionGroup var cluster: ClusterOption

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

    @Option(
        name: .long,
        help: "Compare with an earlier report.json (or a directory holding one): faster, slower or no change per mode."
    )
    var compare: String?

    @Flag(name: .long, help: "No progress lines on standard error.")
    var quiet = false

    @Argument(parsing: .postTerminator, help: "Options for the job, after `--`.")
    var jobArguments: [String] = []

    /// The request the options describe.
    /// - Parameter configuration: The cluster, loaded from ``cluster``.
    /// - Returns: The request.
    /// - Throws: `ValidationError` for an unknown mode.
    func request(configuration: ClusterConfiguration) throws -> BenchRequest {
        let modes: [BenchMode]
        do { modes = try BenchMode.parse(self.modes) } catch { throw ValidationError(error.message) }
        return BenchRequest(
            modes: modes,
            repeats: self.repeats,
            warmups: self.warmup,
            localWorkers: self.workers,
            configuration: configuration,
            clusterPath: self.cluster.cluster,
            lessons: self.lessons,
            sweep: self.sweep,
            overhead: self.overhead,
            noopTasks: self.noopTasks,
            latencySamples: self.latencySamples,
            overheadLabel: self.overheadLabel,
            sleepTasks: self.sleepTasks,
            sleepMilliseconds: self.sleepMilliseconds
        )
    }

    func validate() throws {
        do {
            try self.request(configuration: ClusterConfiguration()).validate()
        } catch let error as BenchError {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        // Without --cluster, the built-in defaults: a ./cluster.yaml is not read, so a bench is of this machine
        // unless a file is named.
        let configuration = try self.cluster.load(missingFile: .defaultsUnlessNamedIgnoringDefaultFile)
        let request = try self.request(configuration: configuration)
        guard let command = self.job.command else { throw ValidationError("no run subcommand for \(self.job)") }
        let workload = try command.parse(self.jobArguments).workload
        let baseline = try self.compare.map { path throws(BenchError) in try BenchBaseline(contentsOf: path) }
        try baseline?.check(workload, request: request)
        let quiet = self.quiet
        let session = BenchSession(request: request) { line in
            if !quiet { FileHandleOutput.standardError.write("bench: \(line)\n") }
        }
        let report = try await session.run(workload)
        for warning in report.warnings {
            FileHandleOutput.standardError.write("fanout bench: warning: \(warning.message)\n")
        }
        let plotName = ReportWriter.plotFileName(for: report, written: self.out != nil)
        print(MarkdownReport(report: report, plotFileName: plotName).render(), terminator: "")
        if let directory = self.out {
            for path in try ReportWriter.write(report, to: directory) {
                FileHandleOutput.standardError.write("bench: wrote \(path)\n")
            }
        }
        if let baseline {
            // After the files are written: a refusal found only now (the cluster file edited during the run) keeps
            // the run's report.
            let comparison = try baseline.comparison(with: report)
            print("")
            print(comparison.markdown(baselineName: baseline.path), terminator: "")
        }
    }
}
