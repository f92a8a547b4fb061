import FanoutProtocol
import NIOConcurrencyHelpers

/// The workers the coordinator launched, and what it granted each: who may join, under which host label, with how
/// many slots.
///
/// A worker that passed the run-secret handshake may still be a compromised host that lies in its hello, so the
/// hello decides nothing the coordinator has not already granted: the worker id must be one a launcher registered
/// with ``expect(workerID:hostLabel:slots:)`` and not yet used, the host shown is the launch's label (never the
/// worker's claim), and the slots are the grant, lowered (never raised) by the worker's claim.
///
/// A launcher that starts workers without an id (`fanout-worker` with no `--id`) registers an anonymous grant
/// (`workerID: nil`); each hello with an empty id takes one and is named `worker-N`. An id nobody registered, an id
/// already connected, or an empty id with no anonymous grant left is refused.
public final class WorkerAdmissions: Sendable {
    /// What a launcher granted one worker.
    struct Grant: Sendable, Equatable {
        var hostLabel: String
        var slots: Int
    }

    /// The listener's verdict on a hello.
    enum Decision: Sendable, Equatable {
        /// Join under this id, host label and slot count.
        case admit(workerID: String, hostLabel: String, slots: Int)
        /// Refuse the worker, with the reason (already escaped: it quotes the claimed id).
        case refuse(String)
    }

    private struct State {
        var expected: [String: Grant] = [:]
        var anonymous: [Grant] = []
        /// Every id admitted so far: an id is used once, so nobody can reconnect as a worker already connected or
        /// gone (a dead worker is replaced under a new id).
        var used: Set<String> = []
        var anonymousCounter = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Creates an empty registry: nobody may join until a launcher registers a grant.
    public init() {}

    /// Registers a worker about to be started.
    /// - Parameters:
    ///   - workerID: The id passed to the worker (`--id`), or `nil` for a worker started without one.
    ///   - hostLabel: The host it runs on, as the coordinator names it (shown in results and logs).
    ///   - slots: The most tasks it may run at once; its hello may claim fewer, never more.
    public func expect(workerID: String?, hostLabel: String, slots: Int) {
        let grant = Grant(hostLabel: hostLabel, slots: max(1, slots))
        self.state.withLockedValue { state in
            if let workerID, !workerID.isEmpty {
                state.expected[workerID] = grant
            } else {
                state.anonymous.append(grant)
            }
        }
    }

    /// Forgets a grant whose worker ended without joining (or after it left), so its id cannot be used later.
    /// - Parameter workerID: The id registered.
    public func withdraw(workerID: String) {
        _ = self.state.withLockedValue { $0.expected.removeValue(forKey: workerID) }
    }

    /// Decides on an authenticated worker's hello, and uses up the grant it matches.
    /// - Parameters:
    ///   - claimedID: The id in the hello (empty when the worker was started without one).
    ///   - claimedSlots: The slots in the hello.
    /// - Returns: The id, host label and slots to use, or why the worker is refused.
    func admit(claimedID: String, claimedSlots: Int) -> Decision {
        self.state.withLockedValue { state in
            let grant: Grant
            var workerID = claimedID
            if claimedID.isEmpty {
                guard !state.anonymous.isEmpty else {
                    return .refuse("a worker without an id was not launched by this coordinator")
                }
                grant = state.anonymous.removeFirst()
                repeat {
                    state.anonymousCounter += 1
                    workerID = "worker-\(state.anonymousCounter)"
                } while state.used.contains(workerID) || state.expected[workerID] != nil
            } else {
                guard let expected = state.expected.removeValue(forKey: claimedID) else {
                    let quoted = "'" + UntrustedText.forTerminal(claimedID, limit: 64) + "'"
                    return state.used.contains(claimedID)
                        ? .refuse("worker \(quoted) is already connected or has been")
                        : .refuse("worker \(quoted) was not launched by this coordinator")
                }
                grant = expected
            }
            state.used.insert(workerID)
            return .admit(workerID: workerID, hostLabel: grant.hostLabel, slots: min(max(1, claimedSlots), grant.slots))
        }
    }
}
