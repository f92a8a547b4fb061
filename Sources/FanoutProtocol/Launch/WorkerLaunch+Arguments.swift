extension WorkerLaunch {
    /// What a worker's command line asks for.
    public enum Request: Sendable, Equatable {
        /// Run a worker.
        case run(WorkerLaunch)
        /// Print the usage (`-h`, `--help`) and exit 0.
        case help
        /// Print the protocol version and binary digest (`--version`) and exit 0.
        case version
    }

    /// The flags that start this worker, in a fixed order (endpoint, slots, id, host label, frame limit, digest
    /// hint, connect timeout); flags left at their defaults (`auto` slots, no id, no label, no hint, the default
    /// timeout) are left out, except the frame limit, which is always explicit.
    public var arguments: [String] {
        var arguments: [String]
        switch self.endpoint {
        case .connect(let host, let port):
            // The port follows the last colon, so an IPv6 literal needs no brackets.
            arguments = ["--connect", "\(host):\(port)"]
        case .standardIO:
            arguments = ["--stdio"]
        }
        if let slots = self.slots { arguments += ["--slots", "\(slots)"] }
        if !self.workerID.isEmpty { arguments += ["--id", self.workerID] }
        if let hostLabel = self.hostLabel { arguments += ["--host-label", hostLabel] }
        arguments += ["--max-frame-bytes", "\(self.maximumFrameBytes)"]
        if let digestHint = self.digestHint { arguments += ["--digest-hint", digestHint.argument] }
        if let timeout = self.connectTimeoutSeconds { arguments += ["--connect-timeout", "\(timeout)"] }
        return arguments
    }

    /// Parses a worker's arguments (without the program name). `--help` and `--version` win when met before any
    /// bad argument, as a command line is read left to right.
    /// - Parameter arguments: The arguments.
    /// - Returns: What the command line asks for.
    /// - Throws: ``WorkerLaunchError`` with code `usage` and the message to print above the usage.
    public static func parse(_ arguments: [String]) throws(WorkerLaunchError) -> Request {
        var host: String?
        var port: Int?
        var overStandardIO = false
        var launch = WorkerLaunch(endpoint: .standardIO)
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "-h", "--help":
                return .help
            case "--version":
                return .version
            case "--stdio":
                overStandardIO = true
            case "--connect", "--slots", "--id", "--host-label", "--max-frame-bytes", "--connect-timeout",
                "--digest-hint":
                guard let value = remaining.popFirst() else { throw .usage("\(argument) needs a value") }
                switch argument {
                case "--connect":
                    guard let colon = value.lastIndex(of: ":"), let parsed = Int(value[value.index(after: colon)...]),
                        (1...65535).contains(parsed)
                    else { throw .usage("--connect wants HOST:PORT, got '\(value)'") }
                    host = Self.trimmingBrackets(value[..<colon])
                    port = parsed
                case "--slots":
                    if value == "auto" {
                        launch.slots = nil
                    } else if let parsed = Int(value), parsed >= 1, parsed <= Self.maximumSlots {
                        launch.slots = parsed
                    } else {
                        throw .usage("--slots wants 'auto' or 1...\(Self.maximumSlots), got '\(value)'")
                    }
                case "--id":
                    launch.workerID = value
                case "--host-label":
                    launch.hostLabel = value
                case "--digest-hint":
                    guard let parsed = DigestHint(argument: value) else {
                        throw .usage("--digest-hint wants SHA256HEX@DEVICE:INODE:SIZE:MTIME, got '\(value)'")
                    }
                    launch.digestHint = parsed
                case "--max-frame-bytes":
                    guard let parsed = Int(value), parsed >= Self.minimumFrameBytes else {
                        throw .usage("--max-frame-bytes wants an integer >= \(Self.minimumFrameBytes), got '\(value)'")
                    }
                    launch.maximumFrameBytes = parsed
                default:
                    guard let parsed = Double(value), parsed > 0 else {
                        throw .usage("--connect-timeout wants seconds > 0, got '\(value)'")
                    }
                    launch.connectTimeoutSeconds = parsed
                }
            default:
                throw .usage("unknown argument '\(argument)'")
            }
        }
        if overStandardIO, host != nil { throw .usage("--stdio and --connect exclude each other") }
        if overStandardIO { return .run(launch) }
        guard let host, let port else { throw .usage("--connect HOST:PORT (or --stdio) is required") }
        launch.endpoint = .connect(host: host, port: port)
        return .run(launch)
    }

    private static func trimmingBrackets(_ text: Substring) -> String {
        var result = text
        while let first = result.first, first == "[" || first == "]" { result.removeFirst() }
        while let last = result.last, last == "[" || last == "]" { result.removeLast() }
        return String(result)
    }
}
