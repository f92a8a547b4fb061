/// Straggler handling at the end of a run: a worker with an idle slot gets a copy of the task that has been out
/// longest on another worker, when that task has been out well past a typical task's time. Each task is copied at
/// most once; the first result wins.
struct SpeculationPolicy {
    /// One copy to hand out.
    struct Copy: Equatable {
        /// The worker holding the original.
        var ownerID: String
        /// The worker that gets the copy.
        var workerID: String
        /// The task (as the owner holds it).
        var task: PendingTask
    }

    /// How often stragglers are looked for: the scan visits every task out.
    static let checkIntervalNanoseconds: UInt64 = 20_000_000
    /// A task is a straggler once out this many typical task times...
    static let typicalTaskMultiple: Double = 4
    /// ...and at least this long.
    static let minimumStragglerNanoseconds: Double = 100_000_000

    /// When stragglers were last looked for.
    private(set) var lastCheck: UInt64 = 0

    /// The copies to hand out now, in order; empty between checks.
    /// - Parameters:
    ///   - workers: Every worker, by id.
    ///   - order: Worker ids in join order (idle workers are served in this order).
    ///   - copies: Tasks that already have a copy out.
    ///   - now: Monotonic nanoseconds.
    mutating func copies(
        workers: [String: WorkerState],
        order: [String],
        copies: [UInt64: Set<String>],
        now: UInt64
    ) -> [Copy] {
        guard now &- self.lastCheck > Self.checkIntervalNanoseconds else { return [] }
        self.lastCheck = now
        guard workers.values.contains(where: \.hasIdleSlot) else { return [] }
        let typical = workers.values.map(\.averageTaskNanoseconds).filter { $0 > 0 }.min() ?? 0
        guard typical > 0 else { return [] }
        // Busy times come from workers (a lying one claims UInt64.max): no trapping Double-to-integer conversion.
        let threshold = Self.saturatingNanoseconds(
            max(Self.typicalTaskMultiple * typical, Self.minimumStragglerNanoseconds)
        )
        // Candidates: on each other worker, the tasks that can be running (its oldest `slots`, as tasks run in
        // the order sent). A queued task behind them is not a straggler; its worker is merely busy.
        var candidates: [(owner: String, task: PendingTask)] = []
        for (ownerID, owner) in workers where !owner.inFlight.isEmpty {
            for task in PendingTask.oldest(owner.slots, of: owner.inFlight.values)
            where copies[task.id] == nil && now &- task.sentAt > threshold {
                candidates.append((ownerID, task))
            }
        }
        guard !candidates.isEmpty else { return [] }
        candidates.sort { $0.task.sentAt > $1.task.sentAt }
        var result: [Copy] = []
        for workerID in order {
            guard let idle = workers[workerID], idle.hasIdleSlot else { continue }
            var room = idle.slots - idle.inFlight.count
            while room > 0 {
                // The oldest candidate not on this worker.
                guard let index = candidates.lastIndex(where: { $0.owner != workerID }) else { break }
                let (ownerID, task) = candidates.remove(at: index)
                result.append(Copy(ownerID: ownerID, workerID: workerID, task: task))
                room -= 1
            }
        }
        return result
    }

    /// `value` as whole nanoseconds, clamped to `0...UInt64.max` (NaN is 0).
    static func saturatingNanoseconds(_ value: Double) -> UInt64 {
        guard value > 0 else { return 0 }
        return value >= 18_446_744_073_709_549_568 ? UInt64.max : UInt64(value)
    }
}
