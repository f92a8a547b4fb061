import ArgumentParser
import Crypto
import FanoutConfiguration
import FanoutCoordinator
import FanoutSSH
import FanoutSessions

#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `fanout hosts trust HOST…`: show a host's key and append it to the known-hosts file when confirmed.
///
/// The file is read first: a key already there is left alone, a revoked key is refused, and a key that differs
/// from the host's recorded ones is a changed key, which only `--replace` records (removing the old lines).
struct HostsTrustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Show each host's SSH key fingerprint and add it to the known-hosts file when you confirm.",
        discussion: """
            Compare the fingerprint with the one the host's administrator sees (`ssh-keygen -lf \
            /etc/ssh/ssh_host_ed25519_key.pub` on the host) before you confirm. HOST is an address from the cluster \
            file (its port and known_hosts file are used) or HOST[:PORT].

            A host already in the known-hosts file with a different key is refused ("HOST KEY HAS CHANGED", with \
            the old and new fingerprints): if the host was really reinstalled, run again with --replace, which \
            removes the old lines for that host and port. A key on an @revoked line is never added. Lines of the \
            file that cannot be read are reported with their numbers.

            EXAMPLES:
              fanout hosts trust 10.213.0.11 --cluster lab.yaml
              fanout hosts trust build1 build2 --yes      (for scripts: no questions)
              fanout hosts trust build1 --replace         (after a reinstall: replaces the old key)
            """
    )

    @Argument(help: "Hosts to trust.") var hosts: [String]
    @Flag(name: .long, help: "Add the keys without asking.") var yes = false
    @Flag(name: .long, help: "Replace a host's changed key (its old lines are removed).") var replace = false
    @OptionGroup var file: ClusterOption

    func validate() throws {
        if self.hosts.isEmpty { throw ValidationError("name at least one host") }
    }

    func run() async throws {
        // The known-hosts file may not exist yet: this command creates it; so may the cluster file's host list.
        let configuration = try self.file.load(missingFile: .defaults, knownHosts: .mayBeMissing)
        let known = RemoteHost.all(in: configuration)
        var failures = 0
        for name in self.hosts {
            var target: SSHTarget
            if let host = known.first(where: { $0.address == name || $0.label == name }) {
                target = host.target
            } else {
                let (address, port) = Self.split(name)
                target = SSHTarget(
                    host: address,
                    port: port,
                    user: RemoteHost.all(in: configuration).first?.target.user ?? "root",
                    knownHostsPath: configuration.ssh.knownHosts,
                    connectTimeout: ConfigurationDuration.duration(seconds: configuration.ssh.connectTimeout)
                )
            }
            do {
                if try await self.trust(target) == false { failures += 1 }
            } catch {
                failures += 1
                FileHandleOutput.standardError.write("fanout: \(name): \(error)\n")
            }
        }
        if failures > 0 { throw ExitCode(ExitStatus.failure) }
    }

    /// Trusts one host; returns `false` when it was refused (revoked, changed without `--replace`).
    private func trust(_ target: SSHTarget) async throws -> Bool {
        let key = try await SSHSession.fetchHostKey(target)
        let path = target.knownHostsPath
        let assessment = try KnownHostsAssessment.assess(host: target.host, port: target.port, key: key, path: path)
        for problem in assessment.document.problems {
            FileHandleOutput.standardError.write("fanout: warning: \(problem)\n")
        }
        let endpoint = "\(target.host):\(target.port)"
        print("\(endpoint) presents \(key.type) \(key.fingerprintSHA256)")
        let entry = KnownHostsFile.entry(host: target.host, port: target.port, key: key)
        switch assessment.verdict {
        case .trusted(let line):
            print("already trusted (\(assessment.document.path):\(line)); nothing to add")
            return true
        case .revoked(let line):
            FileHandleOutput.standardError.write(
                "fanout: \(endpoint): this key is REVOKED (@revoked at \(assessment.document.path):\(line)); not added\n"
            )
            return false
        case .changed:
            print("HOST KEY OF \(endpoint) HAS CHANGED: this may be an attack. Known keys:")
            for line in assessment.hostLines {
                print("  \(assessment.document.path):\(line.number): \(line.keyType) \(Self.fingerprint(line.keyBlob))")
            }
            print("  presented now: \(key.type) \(key.fingerprintSHA256)")
            guard self.replace else {
                FileHandleOutput.standardError.write(
                    "fanout: \(endpoint): the host key has changed; not added. If the host was reinstalled and the "
                        + "new fingerprint is right, run again with --replace to replace the old key\n"
                )
                return false
            }
            guard self.confirm("replace the old key in \(path)?") else { return true }
            let numbers = Set(assessment.hostLines.map(\.number))
            try KnownHostsFile.replace(lines: numbers, with: entry, in: path)
            let removed = numbers.sorted().map(String.init).joined(separator: ", ")
            print("replaced line \(removed) of \(path) with the new key")
            return true
        case .unknown:
            guard self.confirm("add it to \(path)?") else { return true }
            try KnownHostsFile.append(entry, to: path)
            print("added to \(path)")
            return true
        }
    }

    /// Asks unless `--yes`.
    private func confirm(_ question: String) -> Bool {
        if self.yes { return true }
        print("\(question) [y/N] ", terminator: "")
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
            print("not changed")
            return false
        }
        return true
    }

    /// `SHA256:…` as `ssh-keygen -l` prints it.
    static func fingerprint(_ blob: [UInt8]) -> String {
        "SHA256:" + Data(SHA256.hash(data: blob)).base64EncodedString().filter { $0 != "=" }
    }

    static func split(_ name: String) -> (String, Int) {
        if let colon = name.lastIndex(of: ":"), let port = Int(name[name.index(after: colon)...]), !name.hasPrefix("[")
        {
            return (String(name[..<colon]), port)
        }
        if name.hasPrefix("["), let close = name.firstIndex(of: "]") {
            let host = String(name[name.index(after: name.startIndex)..<close])
            let port = Int(name[name.index(after: close)...].dropFirst()) ?? 22
            return (host, port)
        }
        return (name, 22)
    }
}
