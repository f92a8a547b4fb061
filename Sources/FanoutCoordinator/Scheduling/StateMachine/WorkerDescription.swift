/// A joined worker as the scheduler's state machine knows it: plain values, no connection.
struct WorkerDescription: Sendable, Equatable {
    /// The id shown in results.
    var id: String
    /// The host the worker runs on, as the coordinator launched it.
    var host: String
    /// Tasks the worker runs at once.
    var slots: Int
    /// The worker's process id on its host.
    var processID: Int32

    init(id: String, host: String, slots: Int, processID: Int32 = 0) {
        self.id = id
        self.host = host
        self.slots = slots
        self.processID = processID
    }

    init(_ handle: WorkerHandle) {
        self.init(id: handle.id, host: handle.host, slots: handle.slots, processID: handle.processID)
    }
}
