import NIOConcurrencyHelpers

/// The task each slot thread is running and since when, so a watchdog can find a task past its time limit.
final class RunningTasks: Sendable {
    private struct Slot {
        var taskID: UInt64
        var startNanoseconds: UInt64
    }

    private let slots: NIOLockedValueBox<[Slot?]>

    init(slots: Int) {
        self.slots = NIOLockedValueBox(Array(repeating: nil, count: slots))
    }

    func started(slot: Int, taskID: UInt64, at startNanoseconds: UInt64) {
        self.slots.withLockedValue { $0[slot] = Slot(taskID: taskID, startNanoseconds: startNanoseconds) }
    }

    func ended(slot: Int) {
        self.slots.withLockedValue { $0[slot] = nil }
    }

    /// The running task that started longest ago, if it has run for more than `limitNanoseconds` at `now`.
    func overdue(limitNanoseconds: UInt64, now: UInt64) -> UInt64? {
        self.slots.withLockedValue { slots in
            let oldest = slots.compactMap { $0 }.min { $0.startNanoseconds < $1.startNanoseconds }
            guard let oldest, now &- oldest.startNanoseconds > limitNanoseconds else { return nil }
            return oldest.taskID
        }
    }
}
