import FanoutJobs
import FanoutProtocol
import NIOConcurrencyHelpers
import NIOCore

/// Tasks received from the coordinator and not yet started, shared by the worker's slot threads.
///
/// Slot threads block in ``take()`` on a condition variable: they are dedicated threads, so blocking them is
/// the point, and neither NIO's event loop nor Swift's cooperative pool is ever blocked.
final class TaskQueue: @unchecked Sendable {
    struct Item {
        var taskID: UInt64
        var input: [UInt8]
        var runner: JobRunner
    }

    private static let empty = 0
    private static let ready = 1

    // Protected by `condition`.
    private let condition = ConditionLock(value: TaskQueue.empty)
    private var items = CircularBuffer<Item>()
    private var running = 0
    private var closed = false

    /// Adds tasks and wakes the slot threads.
    func enqueue(_ newItems: [Item]) {
        self.condition.lock()
        self.items.append(contentsOf: newItems)
        self.condition.unlock(withValue: self.closed || !self.items.isEmpty ? Self.ready : Self.empty)
    }

    /// Drops queued tasks with these ids; returns how many were dropped.
    func remove(_ ids: Set<UInt64>) -> Int {
        self.condition.lock()
        let before = self.items.count
        self.items = CircularBuffer(self.items.filter { !ids.contains($0.taskID) })
        let removed = before - self.items.count
        self.condition.unlock(withValue: self.closed || !self.items.isEmpty ? Self.ready : Self.empty)
        return removed
    }

    /// Blocks until a task is available; `nil` once the queue is closed.
    func take() -> Item? {
        self.condition.lock(whenValue: Self.ready)
        if self.closed {
            self.condition.unlock(withValue: Self.ready)
            return nil
        }
        let item = self.items.removeFirst()
        self.running += 1
        self.condition.unlock(withValue: self.items.isEmpty ? Self.empty : Self.ready)
        return item
    }

    /// Marks one taken task as finished (for the in-flight count in heartbeats).
    func finished() {
        self.condition.lock()
        self.running -= 1
        self.condition.unlock(withValue: self.closed || !self.items.isEmpty ? Self.ready : Self.empty)
    }

    /// Tasks queued and not yet started.
    var waiting: Int {
        self.condition.lock()
        defer { self.condition.unlock() }
        return self.items.count
    }

    /// Tasks queued or running.
    var inFlight: Int {
        self.condition.lock()
        defer { self.condition.unlock() }
        return self.items.count + self.running
    }

    /// Wakes every slot thread and makes ``take()`` return `nil` from now on.
    func close() {
        self.condition.lock()
        self.closed = true
        self.items.removeAll()
        self.condition.unlock(withValue: Self.ready)
    }
}
