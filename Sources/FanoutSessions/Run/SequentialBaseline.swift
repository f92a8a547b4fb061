import FanoutJobs
import NIOPosix

/// The same tasks run one after another on one thread of this process: the baseline a speedup is measured against.
public struct SequentialBaseline<Output: Sendable & Equatable>: Sendable {
    /// Each task's output, `nil` where the task failed.
    public var outputs: [Output?]
    /// Tasks that failed.
    public var failures: Int
    /// Time for all tasks.
    public var wallTime: Duration

    /// Runs every task on the calling thread.
    ///
    /// Blocks for as long as the tasks take: call it from a thread of its own, never from the cooperative pool
    /// (``measureOnDedicatedThread(_:)`` does that).
    /// - Parameter workload: The workload.
    /// - Returns: The outputs and the time.
    /// - Throws: Nothing today (a failed task is counted); kept so callers need not change if a job may abort it.
    public static func measure<W: Workload>(_ workload: W) throws -> SequentialBaseline<W.J.Output>
    where W.J.Output == Output {
        var outputs: [Output?] = []
        outputs.reserveCapacity(workload.taskCount)
        var failures = 0
        let start = ContinuousClock.now
        for index in 0..<workload.taskCount {
            do {
                outputs.append(try W.J.run(workload.input(at: index)))
            } catch {
                outputs.append(nil)
                failures += 1
            }
        }
        return SequentialBaseline(outputs: outputs, failures: failures, wallTime: ContinuousClock.now - start)
    }

    /// Runs every task on a thread started for this baseline alone, awaited without blocking the cooperative pool.
    /// - Parameter workload: The workload.
    /// - Returns: The outputs and the time.
    /// - Throws: `CancellationError` if the thread could not be used.
    public static func measureOnDedicatedThread<W: Workload>(
        _ workload: W
    ) async throws -> SequentialBaseline<
        W.J.Output
    >
    where W.J.Output == Output {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        do {
            let baseline = try await pool.runIfActive { try Self.measure(workload) }
            try await pool.shutdownGracefully()
            return baseline
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
    }
}
