/// The jobs a coordinator may ask for and a worker can run, by name.
///
/// Coordinator and workers must hold the same registry: a worker refuses a task whose job it does not know.
public struct JobRegistry: Sendable {
    private var runners: [String: JobRunner]
    /// Run by ``workerWillExit()`` after the jobs' own hooks, in the order they were added.
    private var exitHandlers: [@Sendable () -> Void] = []

    /// Creates a registry holding the given job types.
    /// - Parameter jobs: Job types; a later type with the same name replaces an earlier one.
    public init(_ jobs: [any Job.Type] = []) {
        self.runners = [:]
        for job in jobs {
            self.register(job)
        }
    }

    /// The built-in kernels: `sum-squares`, `primes`, `mandelbrot`, `pi`, `sleep`, `noop` and `spin` (a fixed
    /// time of busy CPU, for overhead measurements), and `exec` (runs an existing program for `fanout exec`).
    public static let builtin = JobRegistry([
        SumSquares.self, Primes.self, Mandelbrot.self, MonteCarloPi.self, Sleep.self, Noop.self, Exec.self, Spin.self,
    ])

    /// Adds a job type.
    /// - Parameter job: The type to add.
    public mutating func register(_ job: any Job.Type) {
        let runner = JobRunner(job)
        self.runners[runner.name] = runner
    }

    /// A copy of this registry with more job types.
    /// - Parameter jobs: The types to add.
    /// - Returns: The extended registry.
    public func adding(_ jobs: [any Job.Type]) -> JobRegistry {
        var copy = self
        for job in jobs {
            copy.register(job)
        }
        return copy
    }

    /// The runner for a job name.
    /// - Parameter name: A job's ``Job/name``.
    /// - Returns: The runner, or `nil` if no such job is registered.
    public func runner(named name: String) -> JobRunner? { self.runners[name] }

    /// Every registered name, sorted.
    public var names: [String] { self.runners.keys.sorted() }

    /// Adds work to run when a worker holding this registry exits, besides the jobs' own
    /// ``Job/workerWillExit()`` hooks: for state shared by several jobs of a program that embeds a worker.
    /// - Parameter handler: Runs once per exit, on the exiting thread; keep it short and thread-safe.
    public mutating func onWorkerExit(_ handler: @escaping @Sendable () -> Void) {
        self.exitHandlers.append(handler)
    }

    /// Tells every registered job, then every ``onWorkerExit(_:)`` handler, that the worker is exiting. The worker
    /// runtime calls it on each way out (shutdown, connection lost, standard input closed, task timeout), so that
    /// it needs to know nothing about what jobs leave behind.
    public func workerWillExit() {
        // Sorted: a fixed order whatever the dictionary's.
        for name in self.runners.keys.sorted() {
            self.runners[name]?.workerWillExit()
        }
        for handler in self.exitHandlers { handler() }
    }
}

/// A job with its types erased: bytes in, bytes out. What a worker calls for each task.
public struct JobRunner: Sendable {
    /// The job's name.
    public let name: String
    private let body: @Sendable ([UInt8]) throws -> [UInt8]
    private let exitHook: @Sendable () -> Void

    /// Wraps a job type.
    /// - Parameter job: The job type.
    public init<J: Job>(_ job: J.Type) {
        self.name = J.name
        self.body = { bytes in
            let input: J.Input
            do {
                input = try PayloadCoder.decode(J.Input.self, from: bytes)
            } catch {
                throw JobFailure("cannot decode the input of job '\(J.name)': \(error)")
            }
            return try PayloadCoder.encode(try J.run(input))
        }
        self.exitHook = { J.workerWillExit() }
    }

    /// Decodes the input, runs the job and encodes its output.
    /// - Parameter input: The encoded input.
    /// - Returns: The encoded output.
    /// - Throws: The job's error, or a ``JobFailure`` when the input does not decode.
    public func run(_ input: [UInt8]) throws -> [UInt8] { try self.body(input) }

    /// Calls the job's ``Job/workerWillExit()`` hook.
    public func workerWillExit() { self.exitHook() }
}
