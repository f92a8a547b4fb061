/// The connections in their handshake, bounded by `limits.max_pending_connections`, and which one gives way when a
/// new one arrives and the table is full.
///
/// Anyone can connect to the coordinator's port. Refusing newcomers once the table is full (as before) let a flood
/// of idle connections lock the run's own workers out. Instead a newcomer is always let in, and the connection that
/// has made the least progress leaves: one that has not sent its hello yet before one that has, the oldest first.
/// A real worker sends its hello as soon as it is connected and finishes the handshake within a round trip, so a
/// flood must open `limit` connections in that time to push it out, and the worker then retries.
///
/// A plain value: the listener keeps it under a lock and closes the connections it names.
struct PendingConnections<Connection> {
    /// How far a connection has got in its handshake.
    enum Progress: Int, Comparable {
        /// Connected (and through TLS, if any); no complete frame yet.
        case connected = 0
        /// Its hello arrived; it has not proven the secret yet.
        case greeted = 1

        static func < (left: Progress, right: Progress) -> Bool { left.rawValue < right.rawValue }
    }

    struct Entry {
        var connection: Connection
        var progress: Progress
        var arrival: UInt64
    }

    /// The most connections in their handshake at once.
    let limit: Int
    private var entries: [UInt64: Entry] = [:]
    private var arrivals: UInt64 = 0

    /// Creates an empty table.
    /// - Parameter limit: `limits.max_pending_connections` (at least 1).
    init(limit: Int) { self.limit = max(1, limit) }

    /// How many connections are in their handshake.
    var count: Int { self.entries.count }

    /// Lets a new connection in.
    /// - Parameter connection: The connection.
    /// - Returns: Its key in the table, and the connection that must be closed to make room (if the table was full).
    mutating func arrive(_ connection: Connection) -> (key: UInt64, evicted: Connection?) {
        var evicted: Connection?
        if self.entries.count >= self.limit, let victim = self.leastProgressed() {
            evicted = self.entries.removeValue(forKey: victim)?.connection
        }
        self.arrivals += 1
        let key = self.arrivals
        self.entries[key] = Entry(connection: connection, progress: .connected, arrival: key)
        return (key, evicted)
    }

    /// Records that a connection got further.
    /// - Parameters:
    ///   - key: Its key from ``arrive(_:)``.
    ///   - progress: How far it got.
    mutating func record(_ key: UInt64, progress: Progress) {
        guard let entry = self.entries[key], entry.progress < progress else { return }
        self.entries[key]?.progress = progress
    }

    /// Takes a connection out: its handshake ended (accepted, refused, failed or evicted).
    /// - Parameter key: Its key from ``arrive(_:)``.
    /// - Returns: Whether it was still in the table (`false` once evicted).
    @discardableResult
    mutating func leave(_ key: UInt64) -> Bool {
        self.entries.removeValue(forKey: key) != nil
    }

    /// Whether the connection is still in the table.
    func contains(_ key: UInt64) -> Bool { self.entries[key] != nil }

    /// The entry that gives way: least progress first, then the oldest.
    private func leastProgressed() -> UInt64? {
        var best: (key: UInt64, progress: Progress, arrival: UInt64)?
        for (key, entry) in self.entries {
            if let current = best,
                (current.progress, current.arrival) <= (entry.progress, entry.arrival)
            {
                continue
            }
            best = (key, entry.progress, entry.arrival)
        }
        return best?.key
    }
}

extension PendingConnections: Sendable where Connection: Sendable {}
extension PendingConnections.Entry: Sendable where Connection: Sendable {}
