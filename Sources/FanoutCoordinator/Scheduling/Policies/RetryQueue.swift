import NIOCore

/// Tasks waiting to run again, in the order they came back, with a preference for hosts they did not die on.
struct RetryQueue {
    private var tasks = CircularBuffer<PendingTask>()
    /// How far into the queue a worker looks for a task that did not die on its host: a long queue (a host with
    /// thousands of tasks out was lost) then costs O(1) per task, not O(n).
    static let lookahead = 64

    var isEmpty: Bool { self.tasks.isEmpty }
    var count: Int { self.tasks.count }

    mutating func append(_ task: PendingTask) { self.tasks.append(task) }

    mutating func removeAll() { self.tasks.removeAll() }

    /// The next retry for a worker on `host`: the first (within ``lookahead``) that did not die on it; else the
    /// first one, but only when no other worker could take it instead (`elsewhere` says whether some worker's host
    /// is not among those it died on).
    mutating func next(forHost host: String, elsewhere: (Set<String>) -> Bool) -> PendingTask? {
        guard let first = self.tasks.first else { return nil }
        let window = self.tasks.indices.prefix(Self.lookahead)
        if let index = window.first(where: { !self.tasks[$0].diedOn.contains(host) }) {
            return self.tasks.remove(at: index)
        }
        return elsewhere(first.diedOn) ? nil : self.tasks.removeFirst()
    }
}
