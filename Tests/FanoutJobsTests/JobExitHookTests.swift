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
        var registry = JobRegistry.builtin.adding([CountsExits.self])
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
        // The built-ins but exec use the default (nothing); exec's kills no job when none runs.
        JobRegistry.builtin.workerWillExit()
        JobRegistry().workerWillExit()
    }
}
