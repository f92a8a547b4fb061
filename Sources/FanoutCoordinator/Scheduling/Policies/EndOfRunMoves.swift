/// End-of-run balance: once every input is out, a worker with an idle slot gets a copy of a task still queued
/// behind another worker's running ones (the one sent last, which would start last), so that one worker does not
/// idle while another works through its prefetched queue. The copy usually finishes first and the queued original
/// is cancelled before it starts; if it started meanwhile, the first result wins, as for stragglers. Only tasks
/// long enough to be worth a round trip move.
enum EndOfRunMoves {
    /// Tasks shorter than this never move, whatever the round trip.
    static let minimumWorthNanoseconds: Double = 500_000

    /// The task to copy to `idle` next, and the worker that holds it; `nil` when none is worth moving.
    /// - Parameters:
    ///   - idle: The worker with an idle slot (not in `others`).
    ///   - others: The other workers, by id.
    ///   - copies: Tasks that already have a copy out.
    static func nextMove(
        to idle: WorkerState,
        from others: [String: WorkerState],
        copies: [UInt64: Set<String>]
    ) -> (ownerID: String, task: PendingTask)? {
        let roundTrip = idle.roundTripNanoseconds.isFinite ? idle.roundTripNanoseconds : 0
        let worthMoving = max(Self.minimumWorthNanoseconds, 2 * roundTrip)
        // The other worker with the most queued work of long enough tasks: its tasks past the oldest `slots`
        // (tasks run in the order sent) that have no copy out yet.
        var best: (id: String, last: PendingTask, work: Double)?
        for (ownerID, owner) in others where !owner.leaving {
            // A worker with no result yet in this run is judged by the idle one's tasks.
            let perTask =
                owner.timedTasks > 0
                ? owner.averageTaskNanoseconds
                : (idle.timedTasks > 0 ? idle.averageTaskNanoseconds : worthMoving)
            guard owner.inFlight.count > owner.slots, perTask >= worthMoving else { continue }
            let queued = owner.inFlight.values.sorted { $0.isOlder(than: $1) }
                .dropFirst(owner.slots).filter { copies[$0.id] == nil }
            let work = Double(queued.count) * perTask / Double(owner.slots)
            // The one sent last would start last.
            if let last = queued.last, work > best?.work ?? 0 { best = (ownerID, last, work) }
        }
        return best.map { ($0.id, $0.last) }
    }
}
