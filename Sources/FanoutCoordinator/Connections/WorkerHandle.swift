import FanoutProtocol
import NIOCore

/// The scheduler's view of one authenticated worker connection: who it is, and how to send it a message without
/// waiting (messages queue on the connection's own writer task).
final class WorkerHandle: Sendable {
    /// The id shown in results: the launcher's id when it has one.
    let id: String
    /// The host the worker runs on, as the coordinator launched it (never the worker's own claim).
    let host: String
    /// Tasks the worker runs at once: what its launch granted, or fewer if its hello said so.
    let slots: Int
    /// The worker's process id on its host.
    let processID: Int32
    private let outbox: AsyncStream<WireMessage>.Continuation
    let channel: any Channel

    init(
        id: String,
        host: String,
        slots: Int,
        processID: Int32,
        outbox: AsyncStream<WireMessage>.Continuation,
        channel: any Channel
    ) {
        self.id = id
        self.host = host
        self.slots = slots
        self.processID = processID
        self.outbox = outbox
        self.channel = channel
    }

    /// Queues a message for the worker.
    func send(_ message: WireMessage) { self.outbox.yield(message) }

    /// Closes the connection; the connection task then reports the worker lost.
    func close() { self.channel.close(promise: nil) }
}
