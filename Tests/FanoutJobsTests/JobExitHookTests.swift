import FanoutJobs
import Synchronization
import Testing

/// Counts the calls of its exit hook, for the registry's hook tests.
private enum CountsExits: Job {
    static let name = "counts-exits"
    static let exits = Atomic<Int>(0)
    static func run(_ input: Int) throws -> Int { input }
    static func workerWillExit() { Self.exits.add(1, ordering: .relaxed) }
}

/// The registry-level hook the worker runtime calls on its way out, so that it names no job itself.
@Suite("Job exit hook")
struct JobExitHookTests {
    @Test func everyRegisteredJobAndHandlerIsToldOncePerExit() {
        let handled = Atomic<Int>(0)
        // Not `.builtin`: exec's hook kills every exec job of this process, and other tests run exec jobs meanwhile.
        var registry = JobRegistry([Noop.self, Primes.self, CountsExits.self])
        registry.onWorkerExit { handled.add(1, ordering: .relaxed) }
        registry.onWorkerExit { handled.add(10, ordering: .relaxed) }
        let before = CountsExits.exits.load(ordering: .relaxed)
        registry.workerWillExit()
        #expect(CountsExits.exits.load(ordering: .relaxed) == before + 1)
        #expect(handled.load(ordering: .relaxed) == 11)
        registry.workerWillExit()
        #expect(handled.load(ordering: .relaxed) == 22)
    }

    @Test func aJobWithoutAHookIsFine() {
        // The built-ins but exec use the default (nothing). Exec's own hook is left out: it would kill the exec
        // jobs other tests of this process are running (a worker process runs it only on its way out).
        JobRegistry([Noop.self, Primes.self, SumSquares.self, Sleep.self]).workerWillExit()
        JobRegistry().workerWillExit()
    }
}
