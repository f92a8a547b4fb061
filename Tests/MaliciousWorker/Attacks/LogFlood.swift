import FanoutProtocol

/// Sends `--attack-arg N` (default 5,000) log lines at error level, each with escape sequences, a forged second
/// line and 4 KiB of padding, then behaves honestly: the coordinator's log must get escaped, bounded lines at a
/// bounded rate.
struct LogFlood: Attack {
    static let name = "log-flood"
    let count: Int

    init(arguments: [String]) throws {
        if let first = arguments.first {
            guard let value = Int(first), value >= 0 else {
                throw AttackArgumentError(description: "log-flood wants a line count, got '\(first)'")
            }
            self.count = value
        } else {
            self.count = 5_000
        }
    }

    func serve(_ session: AttackSession) async throws {
        let padding = String(repeating: "x", count: 4_096)
        for index in 0..<self.count {
            let text = "\u{1B}[2J\u{1B}]0;owned\u{07}line \(index)\ncoordinator: forged line\r\u{9B}31m\(padding)"
            try await session.send(.log(LogLine(level: "critical", message: text)))
        }
        try await Honest(arguments: []).serve(session)
    }
}
