import FanoutProtocol

/// Heartbeats faithfully but never answers a task: without a coordinator-side task timeout it would hold its tasks
/// for ever.
struct SilentHeartbeat: Attack {
    static let name = "silent-heartbeat"

    init(arguments: [String]) {}

    func serve(_ session: AttackSession) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await session.heartbeatForever() }
            while try await session.nextBatch() != nil {}
            group.cancelAll()
        }
    }
}
