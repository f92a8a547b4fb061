import FanoutJobs
import FanoutProtocol
import NIOConcurrencyHelpers
import NIOCore

/// The authenticated connection an attack drives: what arrived, a way to send anything, and the real jobs for
/// answering honestly when the attack wants to look healthy.
///
/// `@unchecked Sendable`: the inbound iterator is read only by the attack's own task (``next()``); the other
/// members are immutable or locked, and child tasks only send.
final class AttackSession: @unchecked Sendable {
    let welcome: Welcome
    let registry: JobRegistry
    let slots: Int
    private let outbound: NIOAsyncChannelOutboundWriter<WireMessage>
    private var inbox: AsyncThrowingStream<WireMessage, any Error>.AsyncIterator
    private let closeConnection: @Sendable () -> Void
    /// Tasks received so far (counted by the reader), for attacks that report it.
    let tasksReceived = NIOLockedValueBox(0)

    init(
        welcome: Welcome,
        registry: JobRegistry,
        slots: Int,
        outbound: NIOAsyncChannelOutboundWriter<WireMessage>,
        inbox: AsyncThrowingStream<WireMessage, any Error>,
        close: @escaping @Sendable () -> Void
    ) {
        self.welcome = welcome
        self.registry = registry
        self.slots = slots
        self.outbound = outbound
        self.inbox = inbox.makeAsyncIterator()
        self.closeConnection = close
    }

    /// The next message from the coordinator, or `nil` when the connection ended.
    func next() async throws -> WireMessage? {
        try await self.inbox.next()
    }

    /// The next task batch; heartbeats and cancels are skipped. `nil` on shutdown or end of connection.
    func nextBatch() async throws -> TaskBatch? {
        while let message = try await self.next() {
            switch message {
            case .taskBatch(let batch):
                self.tasksReceived.withLockedValue { $0 += batch.tasks.count }
                return batch
            case .shutdown:
                return nil
            default:
                continue
            }
        }
        return nil
    }

    /// Sends one message as it is.
    func send(_ message: WireMessage) async throws {
        try await self.outbound.write(message)
    }

    /// Answers with these completions in one frame.
    func reply(_ completions: [TaskCompletion]) async throws {
        try await self.outbound.write(.resultBatch(ResultBatch(results: completions)))
    }

    /// Runs a task with the real job, as an honest worker would.
    func runHonestly(job: String, _ task: TaskAssignment) -> TaskCompletion {
        guard let runner = self.registry.runner(named: job) else {
            return TaskCompletion(taskID: task.taskID, outcome: .failure("unknown job \(job)"), busyNanoseconds: 0)
        }
        do {
            return TaskCompletion(
                taskID: task.taskID,
                outcome: .success(try runner.run(task.input)),
                busyNanoseconds: 1
            )
        } catch {
            return TaskCompletion(taskID: task.taskID, outcome: .failure("\(error)"), busyNanoseconds: 1)
        }
    }

    /// Sends heartbeats until cancelled, so the coordinator sees a live worker.
    func heartbeatForever() async throws {
        let interval = Duration.milliseconds(max(10, Int(self.welcome.heartbeatIntervalMilliseconds)))
        while true {
            try await Task.sleep(for: interval)
            try await self.outbound.write(.heartbeat(Heartbeat(tasksInFlight: 0)))
        }
    }

    /// Closes the connection.
    func close() { self.closeConnection() }
}
