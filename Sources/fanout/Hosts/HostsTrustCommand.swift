import ArgumentParser
import FanoutConfiguration
import FanoutCoordinator
import FanoutSSH

#if canImport(Glibc)
import Glibc
#endif

/// `fanout hosts trust HOST…`: show a host's key and append it to the known-hosts file when confirmed.
struct HostsTrustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Show each host's SSH key fingerprint and add it to the known-hosts file when you confirm.",
        discussion: """
            Compare the fingerprint with the one the host's administrator sees (`ssh-keygen -lf \
            /etc/ssh/ssh_host_ed25519_key.pub` on the host) before you confirm. HOST is an address from the cluster \
            file (its port and known_hosts file are used) or HOST[:PORT].

            EXAMPLES:
              fanout hosts trust 10.213.0.11 --cluster lab.yaml
              fanout hosts trust build1 build2 --yes      (for scripts: no questions)
            """
    )

    @Argument(help: "Hosts to trust.") var hosts: [String]
    @Flag(name: .long, help: "Add the keys without asking.") var yes = false
    @OptionGroup var file: ClusterFileOption

    func validate() throws {
        if self.hosts.isEmpty { throw ValidationError("name at least one host") }
    }

    func run() async throws {
        let configuration: ClusterConfiguration
        do {
            configuration = try ClusterConfiguration.load(path: self.file.cluster)
        } catch let error where error.code == .fileNotFound {
            configuration = ClusterConfiguration()
        } catch {
            FileHandleOutput.standardError.write("fanout: \(error.description)\n")
            throw ExitCode(2)
        }
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
                    connectTimeout: .milliseconds(Int64(configuration.ssh.connectTimeout * 1000))
                )
            }
            do {
                let key = try await SSHSession.fetchHostKey(target)
                let entry = KnownHostsFile.entry(host: target.host, port: target.port, key: key)
                print("\(target.host):\(target.port) presents \(key.type) \(key.fingerprintSHA256)")
                if !self.yes {
                    print("add it to \(target.knownHostsPath)? [y/N] ", terminator: "")
                    guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                        print("not added")
                        continue
                    }
                }
                try KnownHostsFile.append(entry, to: target.knownHostsPath)
                print("added to \(target.knownHostsPath)")
            } catch {
                failures += 1
                FileHandleOutput.standardError.write("fanout: \(name): \(error)\n")
            }
        }
        if failures > 0 { throw ExitCode(1) }
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
