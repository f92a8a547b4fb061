import NIOConcurrencyHelpers

extension Scheduler {
    /// Something a caller can wait for; checked by the loop after every event.
    enum Condition: Sendable, Equatable {
        /// At least this many workers joined and are still connected.
        case workersConnected(Int)
        /// Every worker being started joined or failed.
        case launchesSettled
        /// No worker is connected.
        case noWorkersConnected
    }

    /// Waits until `condition` holds, after every event posted before this call was handled.
    /// - Returns: `true` when it holds; `false` when the scheduler stopped first or the task was cancelled.
    func wait(until condition: Condition) async -> Bool {
        let id = self.waitIDs.withLockedValue { value in
            value &+= 1
            return value
        }
        let sink = self.inboxSink
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                if case .terminated = sink.yield(.wait(condition, id: id, continuation)) {
                    continuation.resume(returning: false)
                }
            }
        } onCancel: {
            sink.yield(.cancelWait(id: id))
        }
    }

    /// Waits until `condition` holds, at most `timeout`.
    /// - Returns: `true` when it holds; `false` when the time passed or the scheduler stopped.
    /// - Throws: `CancellationError` when the task is cancelled.
    func wait(until condition: Condition, timeout: Duration) async throws -> Bool {
        let met = await withTaskGroup(of: Bool?.self) { group in
            group.addTask { await self.wait(until: condition) }
            group.addTask { (try? await Task.sleep(for: timeout)) == nil ? nil : false }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        try Task.checkCancellation()
        return met ?? false
    }
}
