import Crypto
import FanoutBench
import FanoutConfiguration
import FanoutCoordinator
import FanoutSSH
import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads what a report's provenance needs: CPU model and cores (here from /proc, on hosts over SSH), load
/// averages, file digests, the date.
enum ProvenanceCollector {
    /// The whole of a small file such as /proc/cpuinfo (whose size reads as 0, so it is read until end of file).
    static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    /// Everything but the load after the run: the date, the command line, this machine and (when the bench uses
    /// them) the hosts, the load before, the worker binaries' and cluster file's digests, the build.
    /// - Parameter request: The bench.
    /// - Returns: The provenance, with ``FanoutBench/Provenance/loadAfter`` still empty.
    static func provenance(of request: BenchRequest) async -> Provenance {
        let local = Self.localHost()
        let loadBefore = Self.loadAverage()
        let remoteHosts = request.usesHosts ? await Self.remoteHosts(request.configuration) : []
        return Provenance(
            date: Self.now(),
            commandLine: request.commandLine,
            hosts: [local] + remoteHosts,
            loadBefore: loadBefore,
            workerBinarySHA256: Self.sha256(ofFile: WorkerExecutable.besideCurrentExecutable().path),
            remoteWorkerBinarySHA256: request.hosts.isEmpty
                ? nil : try? WorkerBinary.locate(configured: request.configuration.ssh.workerBinary).digest,
            configPath: request.clusterPath,
            configSHA256: request.clusterPath.flatMap(Self.sha256(ofFile:)),
            optimized: Self.optimized
        )
    }

    /// Whether this code was built for release (timings of a debug build are not representative).
    static var optimized: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }

    /// This machine's CPU model and online cores.
    static func localHost() -> HostInfo {
        let text = Self.readFile("/proc/cpuinfo").map { String(decoding: $0, as: UTF8.self) } ?? ""
        return HostInfo(name: "local", cpuModel: Self.cpuModel(in: text), cores: System.coreCount)
    }

    /// The `model name` line of /proc/cpuinfo text.
    static func cpuModel(in cpuinfo: String) -> String? {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return Self.trimmed(line[line.index(after: colon)...])
            }
        }
        return nil
    }

    /// Text without spaces, tabs and line breaks at either end.
    static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// The 1, 5 and 15 minute load averages from /proc/loadavg.
    static func loadAverage() -> [Double] {
        guard let bytes = Self.readFile("/proc/loadavg") else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    /// SHA-256 of a file, in lowercase hex.
    static func sha256(ofFile path: String) -> String? {
        guard let bytes = Self.readFile(path) else { return nil }
        return SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Now, in ISO 8601 (UTC).
    static func now() -> String { Date.now.ISO8601Format() }

    /// CPU model and cores of each remote host, over SSH; a host that cannot be asked is listed without them.
    static func remoteHosts(_ configuration: ClusterConfiguration) async -> [HostInfo] {
        var hosts: [HostInfo] = []
        for host in RemoteHost.all(in: configuration) {
            do {
                let result = try await SSHSession.withSession(host.target) { session in
                    try await session.run("grep -m1 '^model name' /proc/cpuinfo; nproc", timeout: .seconds(10))
                }
                let text = String(decoding: result.standardOutput, as: UTF8.self)
                let lines = text.split(separator: "\n")
                hosts.append(
                    HostInfo(
                        name: host.label,
                        cpuModel: Self.cpuModel(in: text),
                        cores: lines.last.flatMap { Int(Self.trimmed($0)) }
                    )
                )
            } catch {
                hosts.append(HostInfo(name: host.label, cpuModel: "not read: \(error)", cores: nil))
            }
        }
        return hosts
    }
}
