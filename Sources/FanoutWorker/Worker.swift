import FanoutJobs
import FanoutProtocol
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker runtime: connects to the coordinator, authenticates, runs tasks on its slot threads and streams the
/// results back until the coordinator says stop or goes away.
public struct Worker: Sendable {
    /// How a worker's session with its coordinator ended.
    public enum Ending: Sendable, Equatable {
        /// The coordinator sent `shutdown`.
        case shutdown
        /// The connection closed or failed; the worker must exit.
        case connectionLost(String)
        /// Nothing arrived from the coordinator within the heartbeat timeout.
        case coordinatorSilent
        /// A task ran past the coordinator's task timeout; it was reported as failed, and the worker must exit
        /// because the running job cannot be stopped otherwise.
        case taskTimedOut(taskID: UInt64)
    }

    private let configuration: WorkerConfiguration

    /// Creates a worker.
    /// - Parameter configuration: Where to connect and how to run.
    public init(configuration: WorkerConfiguration) {
        self.configuration = configuration
    }

    /// Connects, authenticates and serves tasks until the session ends.
    /// - Parameter eventLoopGroup: The group for the connection.
    /// - Returns: How the session ended.
    /// - Throws: ``ProtocolError`` when the connection or the handshake fails.
    public func run(eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> Ending {
        // Dropped before its welcome (a flood at the coordinator's port), the worker dials again within its connect
        // timeout.
        try await Self.retryingConnect(configuration: self.configuration) { configuration, welcomed in
            try await Self.connect(configuration: configuration, eventLoopGroup: eventLoopGroup) {
                welcome,
                messages,
                outbound,
                close in
                welcomed()
                return try await Self.serve(
                    welcome: welcome,
                    configuration: configuration,
                    messages: &messages,
                    outbound: outbound,
                    close: close
                )
            }
        }
    }

    private static func serve(
        welcome: Welcome,
        configuration: WorkerConfiguration,
        messages: inout NIOAsyncChannelInboundStream<WireMessage>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<WireMessage>,
        close: @escaping @Sendable () -> Void
    ) async throws -> Ending {
        let queue = TaskQueue()
        let outbox = ResultOutbox()
        let slots = SlotThreads(
            slots: configuration.slots,
            queue: queue,
            outbox: outbox,
            maximumOutputBytes: configuration.maximumFrameBytes - 1024
        )
        defer {
            queue.close()
            outbox.finish()
            _ = slots
        }
        let lastHeard = NIOLockedValueBox(ContinuousClock.now)
        let interval = Duration.milliseconds(max(10, Int(welcome.heartbeatIntervalMilliseconds)))
        let timeout = Duration.milliseconds(max(100, Int(welcome.heartbeatTimeoutMilliseconds)))

        let silent = NIOLockedValueBox(false)
        let timedOut = NIOLockedValueBox<UInt64?>(nil)
        let taskTimeoutNanoseconds = UInt64(welcome.taskTimeoutMilliseconds) * 1_000_000
        let running = slots.running
        return await withThrowingTaskGroup(of: Void.self) { group in
            // Writer: one frame per wakeup with everything that finished since the last one, after a short wait
            // for more while the worker still has queued work (see `ResultOutbox.lingerNanoseconds`).
            group.addTask {
                for await _ in outbox.wakeups {
                    let linger = outbox.lingerNanoseconds(waitingTasks: queue.waiting, slots: configuration.slots)
                    if linger > 0 { try await Task.sleep(for: .nanoseconds(Int64(linger))) }
                    let batch = outbox.drain(maximumBytes: configuration.maximumFrameBytes / 2)
                    if !batch.isEmpty {
                        try await outbound.write(.resultBatch(ResultBatch(results: batch)))
                    }
                }
            }
            // Heartbeats out, and the watchdog on the coordinator's side of the conversation.
            group.addTask {
                while true {
                    try await Task.sleep(for: interval)
                    if ContinuousClock.now - lastHeard.withLockedValue({ $0 }) > timeout {
                        // Closing the channel ends the reader below, which owns the inbound iterator.
                        silent.withLockedValue { $0 = true }
                        close()
                        return
                    }
                    if taskTimeoutNanoseconds > 0,
                        let taskID = running.overdue(
                            limitNanoseconds: taskTimeoutNanoseconds,
                            now: MonotonicClock.nanoseconds()
                        )
                    {
                        let seconds = Double(welcome.taskTimeoutMilliseconds) / 1000
                        let failure = TaskCompletion(
                            taskID: taskID,
                            outcome: .failure("timed out after \(seconds) s (scheduling.task_timeout)"),
                            busyNanoseconds: taskTimeoutNanoseconds
                        )
                        // First: send nothing more. Then the results, the timed-out task's failure among them.
                        try await outbound.write(.drain)
                        let finished = outbox.drain(maximumBytes: configuration.maximumFrameBytes / 2)
                        try await outbound.write(.resultBatch(ResultBatch(results: finished + [failure])))
                        timedOut.withLockedValue { $0 = taskID }
                        close()
                        return
                    }
                    try await outbound.write(.heartbeat(Heartbeat(tasksInFlight: UInt32(clamping: queue.inFlight))))
                }
            }
            defer { group.cancelAll() }
            // The reader runs here, in the parent task, because it owns the inbound iterator.
            let ending: Ending
            do {
                ending = try await Self.readLoop(
                    messages: &messages,
                    registry: configuration.registry,
                    queue: queue,
                    outbox: outbox,
                    lastHeard: lastHeard
                )
            } catch {
                ending = .connectionLost("\(error)")
            }
            if let taskID = timedOut.withLockedValue({ $0 }) { return .taskTimedOut(taskID: taskID) }
            return silent.withLockedValue { $0 } ? .coordinatorSilent : ending
        }
    }

    private static func readLoop(
        messages: inout NIOAsyncChannelInboundStream<WireMessage>.AsyncIterator,
        registry: JobRegistry,
        queue: TaskQueue,
        outbox: ResultOutbox,
        lastHeard: NIOLockedValueBox<ContinuousClock.Instant>
    ) async throws -> Ending {
        while true {
            guard let message = try await messages.next() else {
                return .connectionLost("the coordinator closed the connection")
            }
            lastHeard.withLockedValue { $0 = ContinuousClock.now }
            switch message {
            case .taskBatch(let batch):
                guard let runner = registry.runner(named: batch.job) else {
                    for task in batch.tasks {
                        outbox.append(
                            TaskCompletion(
                                taskID: task.taskID,
                                outcome: .failure(
                                    "this worker does not know job '\(batch.job)' (it knows: "
                                        + registry.names.joined(separator: ", ") + ")"
                                ),
                                busyNanoseconds: 0
                            )
                        )
                    }
                    continue
                }
                queue.enqueue(batch.tasks.map { TaskQueue.Item(taskID: $0.taskID, input: $0.input, runner: runner) })
            case .cancel(let cancel):
                _ = queue.remove(Set(cancel.taskIDs))
            case .heartbeat, .drain:
                continue
            case .shutdown:
                return .shutdown
            case .hello, .challenge, .authenticate, .welcome, .resultBatch, .log:
                throw ProtocolError(.unexpectedMessage, "coordinator sent an unexpected \(message.kind) message")
            case .refused(let refusal):
                throw ProtocolError(.refused, "coordinator refused this worker: \(refusal.message)")
            }
        }
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
