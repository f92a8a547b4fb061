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

    /// One command gathers every fact; a second, trivial one measures the round trip.
    private func inspect(_ session: SSHSession, host: RemoteHost, into report: inout HostReport) async throws {
        let script = [
            "uname -m",
            "(getconf GNU_LIBC_VERSION 2>/dev/null || echo unknown)",
            "(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)",
            "mkdir -p \(WorkerBinary.remoteDirectory) && df -Pk \(WorkerBinary.remoteDirectory) | tail -n 1",
            // Present only if the content is right: a file with the right name but other bytes is removed.
            "if [ -x \(self.binary.remotePath) ] && [ \"$(sha256sum \(self.binary.remotePath) | cut -c1-64)\" = "
                + "\(self.binary.digest) ]; then echo present; else rm -f \(self.binary.remotePath); echo missing; fi",
        ].joined(separator: "; ")
        let result = try await session.run("sh -c '\(script)'", timeout: .seconds(30))
        let lines = String(decoding: result.standardOutput, as: UTF8.self).split(separator: "\n").map(String.init)
        guard result.exitStatus == 0, lines.count >= 5 else {
            let detail = String(decoding: result.standardError, as: UTF8.self)
            report.problem = "preflight commands failed (exit \(result.exitStatus.map(String.init) ?? "?")): \(detail)"
            return
        }
        report.architecture = lines[0]
        report.glibc = lines[1].split(separator: " ").last.map(String.init)
        report.cores = Int(lines[2].trimmingCharacters())
        report.freeKilobytes = lines[3].split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first
            .flatMap { Int($0) }
        report.workerCurrent = lines[4] == "present"

        let start = ContinuousClock.now
        _ = try await session.run("true", timeout: .seconds(30))
        report.roundTrip = ContinuousClock.now - start

        if report.architecture != self.binary.architecture {
            report.problem =
                "host is \(report.architecture ?? "?"), the worker binary is built for \(self.binary.architecture)"
        } else if let glibc = report.glibc, !WorkerBinary.version(glibc, isAtLeast: self.binary.minimumGlibc) {
            report.problem = "host has glibc \(glibc), the worker binary needs at least \(self.binary.minimumGlibc)"
        } else if report.glibc == nil || report.glibc == "unknown" {
            report.problem = "host has no GNU libc (getconf GNU_LIBC_VERSION failed); the worker needs glibc"
        } else if report.workerCurrent == false, let free = report.freeKilobytes,
            free < 2 * self.binary.size / 1024 + 1024
        {
            report.problem =
                "only \(free) KiB free in ~/\(WorkerBinary.remoteDirectory), the worker binary needs \(self.binary.size / 1024) KiB"
        }
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
            "sh -c 'sum=$(sha256sum \(temporary) | cut -d\" \" -f1); "
                + "if [ \"$sum\" = \(self.binary.digest) ]; then mv -f \(temporary) \(self.binary.remotePath); "
                + "else rm -f \(temporary); echo \"$sum\"; exit 1; fi'",
            timeout: .seconds(60)
        )
        guard check.exitStatus == 0 else {
            let got = String(decoding: check.standardOutput, as: UTF8.self).trimmingCharacters()
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
