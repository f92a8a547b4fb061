import FanoutProtocol

/// One way a compromised host misbehaves. The harness connects with the real secret through the real worker's
/// connect path (`Worker.connect`), so everything an attack sends arrives authenticated, exactly as it would from
/// a host an attacker controls.
protocol Attack: Sendable {
    /// The name given after `--attack`.
    static var name: String { get }
    /// Creates the attack with the `--attack-arg` values, in order.
    init(arguments: [String]) throws
    /// The hello to send instead of the honest one (default: the honest one).
    func hello(honest: Hello) -> Hello
    /// Runs the session after the welcome; returning closes the connection.
    func serve(_ session: AttackSession) async throws
}

extension Attack {
    func hello(honest: Hello) -> Hello { honest }
}

/// A bad `--attack-arg`.
struct AttackArgumentError: Error, CustomStringConvertible {
    var description: String
}

/// Every attack the harness knows. Add a new file under `Attacks/` and its type here.
enum Attacks {
    static let all: [any Attack.Type] = [
        Honest.self,
        ClaimSlots.self,
        SilentHeartbeat.self,
        LyingResults.self,
        ForgedIdentity.self,
        LogFlood.self,
        ExecLies.self,
        ImpossibleOutputs.self,
        HostileText.self,
    ]

    static func named(_ name: String) -> (any Attack.Type)? {
        Self.all.first { $0.name == name }
    }
}
