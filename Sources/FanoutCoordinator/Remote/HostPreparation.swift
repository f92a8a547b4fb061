import FanoutProtocol
import FanoutSSH

/// Preflight and deployment for one host: reach it, verify its key, log in, check that it can run the worker,
/// and copy the worker binary when it is missing. Nothing is uploaded to a host that fails a check.
public struct HostPreparation: Sendable {
    /// The binary hosts must run.
    public var binary: WorkerBinary
    /// Upload when missing (`fanout run`, `fanout deploy`); `false` only reports (`fanout hosts check`).
    public var deploy: Bool
    /// Called with (bytes sent, total) during an upload.
    public var progress: @Sendable (String, Int64, Int64) -> Void

    /// The most cores a host's preflight answer is believed for (`workers: auto` starts one worker per core).
    public static let maximumCores = 4096

    /// Creates a preparation step.
    public init(binary: WorkerBinary, deploy: Bool, progress: @escaping @Sendable (String, Int64, Int64) -> Void) {
        self.binary = binary
        self.deploy = deploy
        self.progress = progress
    }

    /// Checks (and deploys to) one host. Never throws: every failure becomes the report's `problem`.
    /// - Parameter host: The host.
    /// - Returns: The report.
    public func prepare(_ host: RemoteHost) async -> HostReport {
        var report = HostReport(host: host.label, user: host.target.user)
        do {
            report = try await SSHSession.withSession(host.target) { session in
                var report = report
                report.reachable = true
                report.hostKey = "ok"
                report.authenticated = true
                try await self.inspect(session, host: host, into: &report)
                if report.problem == nil, report.workerCurrent == false, self.deploy {
                    try await self.upload(session, host: host, report: &report)
                }
                return report
            }
        } catch let error as SSHError {
            report.problem = error.message
            switch error.code {
            case .connectFailed, .timedOut, .handshakeFailed:
                report.reachable = false
            case .hostKeyUnknown:
                report.reachable = true
                report.hostKey = "unknown"
            case .hostKeyChanged:
                report.reachable = true
                report.hostKey = "changed"
            case .hostKeyRevoked:
                report.reachable = true
                report.hostKey = "revoked"
            case .authenticationFailed:
                report.reachable = true
                report.hostKey = "ok"
                report.authenticated = false
            default:
                break
            }
        } catch {
            report.problem = "\(error)"
        }
        return report
    }

    /// One command gathers every fact and checks the worker cache (``WorkerCacheScript``); a second, trivial one
    /// measures the round trip.
    private func inspect(_ session: SSHSession, host: RemoteHost, into report: inout HostReport) async throws {
        let result = try await session.run(
            RemoteCommand.script(WorkerCacheScript.preflight, arguments: [self.binary.digest]),
            timeout: .seconds(30)
        )
        var facts: [String: String] = [:]
        for line in String(decoding: result.standardOutput, as: UTF8.self).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            facts[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard result.exitStatus == 0, facts["arch"] != nil else {
            // What a host prints is the host's to choose: shown escaped, never raw on the user's terminal.
            let detail = UntrustedText.forTerminal(String(decoding: result.standardError, as: UTF8.self), limit: 500)
            report.problem = "preflight commands failed (exit \(result.exitStatus.map(String.init) ?? "?")): \(detail)"
            return
        }
        report.architecture = facts["arch"]
        report.kernel = facts["kernel"].map { UntrustedText.forTerminal($0, limit: 64) }
        report.glibc = facts["glibc"]?.split(separator: " ").last.map(String.init)
        // The host's word, bounded: a compromised host claiming a billion cores must not get a billion workers.
        report.cores = facts["cores"].flatMap { Int($0.trimmingCharacters()) }.map {
            min(max($0, 1), Self.maximumCores)
        }
        if let unsafe = facts["unsafe"] {
            report.problem =
                "worker cache is not private, refusing to use it: \(UntrustedText.forTerminal(unsafe, limit: 500))"
            return
        }
        // Nothing is uploaded unless the script got to the end of its checks.
        guard let worker = facts["worker"] else {
            report.problem = "preflight did not finish checking the worker cache ~/\(WorkerBinary.remoteDirectory)"
            return
        }
        report.freeKilobytes = facts["free"].flatMap { Int($0.trimmingCharacters()) }
        report.workerCurrent = worker == "present"

        let start = ContinuousClock.now
        _ = try await session.run(RemoteCommand(["true"]), timeout: .seconds(30))
        report.roundTrip = ContinuousClock.now - start

        if report.architecture != self.binary.architecture {
            report.problem =
                "host is \(report.architecture ?? "?"), the worker binary is built for \(self.binary.architecture)"
        } else if let problem = Self.libraryProblem(report, binary: self.binary) {
            report.problem = problem
        } else if report.workerCurrent == false, let free = report.freeKilobytes,
            free < 2 * self.binary.size / 1024 + 1024
        {
            report.problem =
                "only \(free) KiB free in ~/\(WorkerBinary.remoteDirectory), the worker binary needs \(self.binary.size / 1024) KiB"
        }
    }

    /// Why the host cannot load the binary, if it cannot: a static binary needs only a recent enough kernel (its
    /// ELF ABI note), a dynamic one a glibc at least as new as the one it was linked against.
    /// - Parameters:
    ///   - report: The host's facts so far (`glibc`, `kernel`).
    ///   - binary: The worker binary.
    /// - Returns: The problem, or `nil` when the host can run it.
    static func libraryProblem(_ report: HostReport, binary: WorkerBinary) -> String? {
        if binary.isStatic {
            guard let minimum = binary.minimumKernel, let kernel = report.kernel else { return nil }
            let release = String(kernel.prefix { $0.isNumber || $0 == "." })
            guard !release.isEmpty, !WorkerBinary.version(release, isAtLeast: minimum) else { return nil }
            return "host runs Linux \(kernel), the worker binary needs at least Linux \(minimum)"
        }
        if let glibc = report.glibc, glibc != "unknown", !WorkerBinary.version(glibc, isAtLeast: binary.minimumGlibc) {
            return "host has glibc \(glibc), the worker binary needs at least \(binary.minimumGlibc)"
        }
        if report.glibc == nil || report.glibc == "unknown" {
            return "host has no GNU libc (getconf GNU_LIBC_VERSION failed); the worker needs glibc"
        }
        return nil
    }

    /// Uploads under a temporary name, checks the SHA-256 on the host, then renames: a truncated or corrupted
    /// upload never has the final name, so it is never run.
    private func upload(_ session: SSHSession, host: RemoteHost, report: inout HostReport) async throws {
        let temporary = "\(self.binary.remotePath).partial-\(UInt32.random(in: 0...UInt32.max))"
        let label = host.label
        let progress = self.progress
        try await session.upload(localPath: self.binary.path, remotePath: temporary, mode: 0o700) { sent, total in
            progress(label, sent, total)
        }
        let check = try await session.run(
            RemoteCommand.script(
                WorkerCacheScript.verifyUpload,
                arguments: [temporary, self.binary.remotePath, self.binary.digest]
            ),
            timeout: .seconds(60)
        )
        guard check.exitStatus == 0 else {
            let got = UntrustedText.forTerminal(
                String(decoding: check.standardOutput, as: UTF8.self).trimmingCharacters(),
                limit: 64
            )
            report.problem =
                "uploaded worker binary is corrupt (sha256 \(got), expected \(self.binary.digest)); removed it"
            return
        }
        report.uploaded = true
        report.workerCurrent = true
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
