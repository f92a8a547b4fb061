import FanoutJobs

/// I/O-bound tasks that wait without using the CPU: they speed up from concurrency, not from cores.
public struct SleepWorkload: Workload {
    public typealias J = Sleep

    public static let name = "sleep"

    /// Number of tasks.
    public var tasks: Int
    /// Milliseconds each task waits.
    public var milliseconds: UInt32

    /// Describes a run.
    /// - Parameters:
    ///   - tasks: Number of tasks.
    ///   - milliseconds: Milliseconds each task waits.
    public init(tasks: Int = 20, milliseconds: UInt32 = 100) {
        self.tasks = tasks
        self.milliseconds = milliseconds
    }

    public func validate() throws(SessionError) {
        try WorkloadLimits.check(self.tasks, "--tasks", in: WorkloadLimits.tasks)
        try WorkloadLimits.check(self.milliseconds, "--milliseconds", in: WorkloadLimits.sleepMilliseconds)
    }

    public var taskCount: Int { self.tasks }

    public var parameters: String { "--tasks \(self.tasks) --milliseconds \(self.milliseconds)" }
    public func input(at index: Int) -> UInt32 { self.milliseconds }
    public func describe(_ output: UInt32) -> String { "slept \(output) ms" }

    public func makeAccumulator() -> any WorkloadAccumulator<UInt32> { Total(requested: self.milliseconds) }

    /// Sums what the tasks report; a result other than the requested wait (only a lying worker sends one) is
    /// counted apart rather than added, so no worker can overflow the total.
    private struct Total: WorkloadAccumulator {
        let requested: UInt32
        var milliseconds: UInt64 = 0
        var unexpected = 0
        mutating func add(index: Int, output: UInt32) {
            if output == self.requested {
                self.milliseconds &+= UInt64(output)
            } else {
                self.unexpected += 1
            }
        }
        func summary() -> [String] {
            ["total time slept: \(self.milliseconds) ms"]
                + (self.unexpected > 0
                    ? ["results other than the requested \(self.requested) ms: \(self.unexpected)"] : [])
        }
    }
}
