/// A task that left the input sequence and has not finished yet.
struct PendingTask: Equatable {
    var id: UInt64
    var input: [UInt8]
    var attempts: Int
    /// The input's fingerprint for the journal (0 when no journal is kept).
    var inputDigest: UInt64 = 0
    /// When the task was last sent to a worker (monotonic nanoseconds), to find stragglers.
    var sentAt: UInt64 = 0
    /// Hosts whose worker died while holding this task; a retry goes elsewhere when another host can take it.
    var diedOn: Set<String> = []

    /// Tasks run in the order they were sent: whether this one would start before `other`.
    func isOlder(than other: PendingTask) -> Bool {
        (self.sentAt, self.id) < (other.sentAt, other.id)
    }

    /// The `count` oldest tasks (in the order sent, which is the order a worker runs them), oldest first: one
    /// pass keeping the `count` oldest seen so far, so a worker holding thousands of tasks costs O(n log count).
    static func oldest(_ count: Int, of tasks: some Collection<PendingTask>) -> [PendingTask] {
        var kept: [PendingTask] = []
        kept.reserveCapacity(min(count, tasks.count) + 1)
        for task in tasks {
            if kept.count == count, let last = kept.last, !task.isOlder(than: last) { continue }
            var low = 0
            var high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if kept[middle].isOlder(than: task) { low = middle + 1 } else { high = middle }
            }
            kept.insert(task, at: low)
            if kept.count > count { kept.removeLast() }
        }
        return kept
    }
}
