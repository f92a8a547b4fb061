import Yams

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

/// Checks, when a file is loaded, that the files it names for SSH exist and are regular files, so that a wrong path
/// is reported with its line before any worker starts rather than as a failure of every host after the run began.
///
/// Only a configuration with hosts is checked: without hosts, nothing reads these files. Paths are expanded as the
/// SSH layer expands them (a leading `~/` is `$HOME`), relative ones from the working directory.
struct ReferencedFileChecker {
    /// The decoder, for positioned errors.
    let decoder: ConfigurationDecoder
    /// Whether the known-hosts file may be missing.
    let knownHosts: KnownHostsRequirement

    /// What a path must be.
    private enum Kind {
        case readable
        case executable
    }

    /// Throws the first problem with a file the configuration names.
    func check(_ configuration: ClusterConfiguration, root: Node?) throws(ConfigurationError) {
        guard !configuration.hosts.isEmpty, let root else {
            return
        }
        let top = try MappingReader(root, field: nil, keys: ConfigurationDecoder.topLevelKeys, decoder: decoder)
        let hostsNode = top["hosts"]
        var ssh: MappingReader?
        if let node = top["ssh"], !decoder.isNull(node) {
            ssh = try MappingReader(node, field: "ssh", keys: ConfigurationDecoder.sshKeys, decoder: decoder)
        }
        let knownHostsNode = ssh?["known_hosts"]
        try checkFile(
            configuration.ssh.knownHosts,
            at: knownHostsNode ?? hostsNode,
            field: "ssh.known_hosts",
            role: knownHostsNode == nil ? "the default known-hosts file" : "the known-hosts file",
            kind: .readable,
            missingAdvice: knownHosts == .mayBeMissing
                ? nil
                : ", so no host key can be verified; run 'fanout hosts trust HOST…' to record the hosts' keys"
                    + (knownHostsNode == nil ? ", or set ssh.known_hosts" : "")
        )
        if let identity = configuration.ssh.identity, configuration.hosts.contains(where: { $0.identity == nil }) {
            try checkFile(
                identity,
                at: ssh?["identity"],
                field: "ssh.identity",
                role: "the private key",
                kind: .readable,
                missingAdvice: ""
            )
        }
        let hostNodes: [Node]
        if case .sequence(let sequence) = hostsNode {
            hostNodes = Array(sequence)
        } else {
            hostNodes = []
        }
        // Entry by entry rather than host by host: a range stands for many hosts with one key, checked once, and
        // an error names the entry the key is written in.
        for (index, hostNode) in hostNodes.enumerated() {
            let field = "hosts[\(index)]"
            let reader = try MappingReader(
                hostNode,
                field: field,
                keys: ConfigurationDecoder.hostKeys,
                decoder: decoder
            )
            guard let identityNode = reader["identity"],
                let identity = try decoder.optionalPath(identityNode, field: reader.field("identity"))
            else {
                continue
            }
            try checkFile(
                identity,
                at: identityNode,
                field: reader.field("identity"),
                role: "the private key",
                kind: .readable,
                missingAdvice: ""
            )
        }
        if let binary = configuration.ssh.workerBinary {
            try checkFile(
                binary,
                at: ssh?["worker_binary"],
                field: "ssh.worker_binary",
                role: "the worker binary",
                kind: .executable,
                missingAdvice: "; build it with 'bash deploy/build-worker.sh' or set ssh.worker_binary: null"
            )
        }
    }

    /// Throws unless `written` names an existing regular file (after links) of the right kind; a missing file is
    /// accepted when `missingAdvice` is `nil`, and otherwise reported with it appended (punctuation included).
    private func checkFile(
        _ written: String,
        at node: Node?,
        field: String,
        role: String,
        kind: Kind,
        missingAdvice: String?
    ) throws(ConfigurationError) {
        let path = Self.expandingTilde(written)
        // Shown in full: a path cut short would not say which file is meant, and the decoder already refused
        // control characters in it.
        let shown = written
        var status = stat()
        guard stat(path, &status) == 0 else {
            let reason = errno
            if reason == ENOENT || reason == ENOTDIR {
                guard let missingAdvice else {
                    return
                }
                throw decoder.error(
                    .invalidValue,
                    at: node,
                    field: field,
                    "\(role) '\(shown)' does not exist\(missingAdvice)"
                )
            }
            throw decoder.error(
                .invalidValue,
                at: node,
                field: field,
                "cannot use \(role) '\(shown)': \(String(cString: strerror(reason)))"
            )
        }
        let type = status.st_mode & S_IFMT
        if type == S_IFDIR {
            throw decoder.error(.invalidValue, at: node, field: field, "\(role) '\(shown)' is a directory, not a file")
        }
        guard type == S_IFREG else {
            throw decoder.error(.invalidValue, at: node, field: field, "\(role) '\(shown)' is not a regular file")
        }
        switch kind {
        case .readable:
            guard access(path, R_OK) == 0 else {
                throw decoder.error(
                    .invalidValue,
                    at: node,
                    field: field,
                    "cannot read \(role) '\(shown)': permission denied"
                )
            }
        case .executable:
            guard access(path, R_OK | X_OK) == 0 else {
                throw decoder.error(
                    .invalidValue,
                    at: node,
                    field: field,
                    "\(role) '\(shown)' is not an executable file you can read"
                )
            }
        }
    }

    /// A leading `~` or `~/` replaced by the home directory, as the SSH layer does.
    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else {
            return path
        }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        return home + path.dropFirst()
    }
}
