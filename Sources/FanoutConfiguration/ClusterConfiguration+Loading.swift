import Yams

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ClusterConfiguration {
    /// Reads, parses and validates a configuration file, and checks the files it names for SSH.
    ///
    /// Nothing in the file is expanded: `~` in paths stays as written for the consumer to expand. When the file lists
    /// hosts, the known-hosts file, the private keys and `ssh.worker_binary` must exist and be regular files (read
    /// with `~/` as `$HOME`), so that a wrong path is reported with its line before anything starts.
    /// - Parameters:
    ///   - path: The file to read; also used as the file name in error messages.
    ///   - knownHosts: Whether the known-hosts file must already exist; ``KnownHostsRequirement/mayBeMissing``
    ///     for the commands that create it or report on it.
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigurationError`` with ``ConfigurationError/Code/fileNotFound``,
    ///   ``ConfigurationError/Code/unreadable`` (a directory, a device, no permission, not UTF-8, with the line and
    ///   column of the first bad byte), ``ConfigurationError/Code/fileTooLarge``, any error ``parse(_:path:)``
    ///   throws, or ``ConfigurationError/Code/invalidValue`` for a named file that is missing or not a file.
    public static func load(
        path: String,
        knownHosts: KnownHostsRequirement = .mustExist
    ) throws(ConfigurationError) -> ClusterConfiguration {
        let text = try readText(path: path)
        let (configuration, root) = try decode(text, path: path)
        let decoder = ConfigurationDecoder(path: path)
        try ReferencedFileChecker(decoder: decoder, knownHosts: knownHosts).check(configuration, root: root)
        return configuration
    }

    /// Parses and validates configuration text.
    ///
    /// An empty document, or one with only comments, is refused: a cluster file that says nothing is a mistake.
    /// Integers must be written unquoted in decimal (`port: 22`; `port: "22"` is rejected rather than silently
    /// converted); durations are seconds from 0.001 to 86400; strings are taken as written, but host names, user
    /// names and paths may not hold control characters, and `null` (or an empty value) unsets an optional string.
    /// Anchors, aliases and `<<` merge keys are allowed. No file is read.
    /// - Parameters:
    ///   - yaml: The YAML text.
    ///   - path: The file name used in error messages only.
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigurationError`` describing the first problem found, with its line and column.
    public static func parse(_ yaml: String, path: String) throws(ConfigurationError) -> ClusterConfiguration {
        try decode(yaml, path: path).configuration
    }

    /// Parses and validates, returning the composed tree too, for the checks that need positions afterwards.
    private static func decode(
        _ yaml: String,
        path: String
    ) throws(ConfigurationError) -> (configuration: ClusterConfiguration, root: Node?) {
        let size = yaml.utf8.count
        guard size <= maximumFileBytes else {
            throw ConfigurationError(
                code: .fileTooLarge,
                path: path,
                message: "the configuration is \(size) bytes; the limit is \(maximumFileBytes) bytes"
            )
        }
        try AliasKeyGuard(yaml: yaml, path: path).check()
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw YAMLErrorTranslator(yaml: yaml, path: path).translate(error)
        }
        return (try ConfigurationDecoder(path: path).decode(root: root), root)
    }

    private static func readText(path: String) throws(ConfigurationError) -> String {
        func failure(_ code: ConfigurationError.Code, _ message: String) -> ConfigurationError {
            ConfigurationError(code: code, path: path, message: message)
        }
        let manager = FileManager.default
        guard manager.fileExists(atPath: path) else {
            throw failure(.fileNotFound, "no such file '\(path)'")
        }
        // Follow symbolic links so a linked cluster.yaml is read like the file it points at.
        let resolvedPath = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try manager.attributesOfItem(atPath: resolvedPath)
        } catch {
            throw failure(.unreadable, "cannot read '\(path)': \(error)")
        }
        // Devices and pipes could stream forever, so only regular files are read.
        let type = attributes[.type] as? FileAttributeType
        if type == .typeDirectory {
            throw failure(.unreadable, "'\(path)' is a directory, not a configuration file")
        }
        guard type == .typeRegular else {
            throw failure(.unreadable, "'\(path)' is not a regular file")
        }
        if let size = byteCount(attributes[.size]), size > maximumFileBytes {
            throw failure(.fileTooLarge, "the file is \(size) bytes; the limit is \(maximumFileBytes) bytes")
        }
        guard manager.isReadableFile(atPath: resolvedPath) else {
            throw failure(.unreadable, "cannot read '\(path)': permission denied")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: resolvedPath))
        } catch {
            throw failure(.unreadable, "cannot read '\(path)': \(error)")
        }
        guard data.count <= maximumFileBytes else {
            throw failure(.fileTooLarge, "the file is \(data.count) bytes; the limit is \(maximumFileBytes) bytes")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            let (line, column) = Self.firstInvalidUTF8Position(in: data)
            throw ConfigurationError(
                code: .unreadable,
                path: path,
                line: line,
                column: column,
                message: "'\(path)' is not valid UTF-8 text (save it as UTF-8)"
            )
        }
        return text
    }

    /// The 1-based line and column (in Unicode scalars, as editors count) of the first byte that is not UTF-8.
    static func firstInvalidUTF8Position(in data: Data) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var iterator = data.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput, .error:
                return (line, column)
            }
        }
    }

    /// The file size attribute, whose integer type differs between Foundation implementations.
    private static func byteCount(_ value: Any?) -> Int? {
        switch value {
        case let value as Int:
            return value
        case let value as UInt64:
            return Int(clamping: value)
        case let value as Int64:
            return Int(clamping: value)
        default:
            return nil
        }
    }
}
