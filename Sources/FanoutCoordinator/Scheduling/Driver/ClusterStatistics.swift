import NIOConcurrencyHelpers

/// Per-worker counters the scheduler keeps up to date and the report reads: tasks done, busy time, host, whether
/// the worker was lost. Thread-safe snapshot access.
public final class ClusterStatistics: Sendable {
    /// One worker's figures.
    public struct Worker: Sendable, Equatable {
        /// The worker's id.
        public var id: String
        /// Its host.
        public var host: String
        /// Tasks it runs at once.
        public var slots: Int
        /// Its process id on its host.
        public var processID: Int32
        /// Tasks it completed.
        public var completed: Int
        /// Time its jobs ran, in nanoseconds.
        public var busyNanoseconds: UInt64
        /// Why it left, if it did.
        public var lostReason: String?
    }

    private struct State {
        var workers: [String: Worker] = [:]
        var retried = 0
        var speculated = 0
        var speculativeWins = 0
        var moved = 0
        var hosts: [String: HostReport] = [:]
        var hostOrder: [String] = []
        var pendingLaunches = 0
        var connectedWorkers = 0
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    func update(worker id: String, host: String, slots: Int, processID: Int32, completed: Int, busy: UInt64) {
        self.state.withLockedValue {
            let lost = $0.workers[id]?.lostReason
            $0.workers[id] = Worker(
                id: id,
                host: host,
                slots: slots,
                processID: processID,
                completed: completed,
                busyNanoseconds: busy,
                lostReason: lost
            )
        }
    }

    func markLost(worker id: String, reason: String) {
        self.state.withLockedValue { $0.workers[id]?.lostReason = reason }
    }

    func addRetried(_ count: Int) { self.state.withLockedValue { $0.retried += count } }
    func addSpeculated(_ count: Int) { self.state.withLockedValue { $0.speculated += count } }
    func addSpeculativeWin() { self.state.withLockedValue { $0.speculativeWins += 1 } }
    func addMoved(_ count: Int) { self.state.withLockedValue { $0.moved += count } }

    /// Every worker seen so far, sorted by id.
    public var workers: [Worker] {
        self.state.withLockedValue { Array($0.workers.values) }.sorted { $0.id.localizedStandardLess($1.id) }
    }

    func record(_ report: HostReport) {
        self.state.withLockedValue { state in
            if state.hosts[report.host] == nil { state.hostOrder.append(report.host) }
            state.hosts[report.host] = report
        }
    }

    /// One report per remote host, in `cluster.yaml` order of completion.
    public var hostReports: [HostReport] {
        self.state.withLockedValue { state in state.hostOrder.compactMap { state.hosts[$0] } }
    }

    func setPendingLaunches(_ count: Int) { self.state.withLockedValue { $0.pendingLaunches = count } }

    func setConnectedWorkers(_ count: Int) { self.state.withLockedValue { $0.connectedWorkers = count } }

    /// Workers connected right now (joined and not yet gone).
    public var connectedWorkers: Int { self.state.withLockedValue { $0.connectedWorkers } }

    /// Workers being started that have neither joined nor failed yet.
    public var pendingLaunches: Int { self.state.withLockedValue { $0.pendingLaunches } }

    /// Tasks handed to another worker because theirs died.
    public var retriedTasks: Int { self.state.withLockedValue { $0.retried } }
    /// Speculative copies of straggling tasks handed to idle workers (`scheduling.speculation`).
    public var speculativeCopies: Int { self.state.withLockedValue { $0.speculated } }
    /// Straggling tasks whose speculative copy finished first.
    public var speculativeWins: Int { self.state.withLockedValue { $0.speculativeWins } }
    /// Queued tasks handed to an idle worker at the end of a run, instead of waiting behind their worker's other
    /// tasks (`scheduling.speculation`).
    public var movedTasks: Int { self.state.withLockedValue { $0.moved } }
}

extension String {
    /// Orders `local-2` before `local-10`.
    func localizedStandardLess(_ other: String) -> Bool {
        let left = self.split(separator: "-").last.flatMap { Int($0) }
        let right = other.split(separator: "-").last.flatMap { Int($0) }
        let leftStem = self.split(separator: "-").dropLast().joined(separator: "-")
        let rightStem = other.split(separator: "-").dropLast().joined(separator: "-")
        if let left, let right, leftStem == rightStem { return left < right }
        return self < other
    }
}
