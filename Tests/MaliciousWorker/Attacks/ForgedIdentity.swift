import FanoutProtocol

/// Claims another worker's id and a host name with control characters (or `--attack-arg ID` and
/// `--attack-arg HOST`), then behaves honestly: the coordinator must name it by what it launched, not by its claim.
struct ForgedIdentity: Attack {
    static let name = "forged-identity"
    let workerID: String?
    let hostName: String

    init(arguments: [String]) {
        self.workerID = arguments.first
        self.hostName = arguments.dropFirst().first ?? "evil\u{1B}[2J\nhost\tname"
    }

    func hello(honest: Hello) -> Hello {
        var hello = honest
        if let workerID = self.workerID { hello.workerID = workerID }
        hello.hostName = self.hostName
        return hello
    }

    func serve(_ session: AttackSession) async throws {
        try await Honest(arguments: []).serve(session)
    }
}
