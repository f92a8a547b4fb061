import Yams

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ClusterConfiguration {
    /// Reads, parses and validates a configuration file.
    ///
    /// Nothing in the file is expanded: `~` in paths stays as written for the consumer to expand.
    /// - Parameter path: The file to read; also used as the file name in error messages.
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigurationError`` with ``ConfigurationError/Code/fileNotFound``,
    ///   ``ConfigurationError/Code/unreadable`` (a directory, a device, no permission, not UTF-8),
    ///   ``ConfigurationError/Code/fileTooLarge``, or any error ``parse(_:path:)`` throws.
    public static func load(path: String) throws(ConfigurationError) -> ClusterConfiguration {
        let text = try readText(path: path)
        return try parse(text, path: path)
    }

    /// Parses and validates configuration text.
    ///
    /// An empty document, or one with only comments, gives the defaults. Integers must be written unquoted in
    /// decimal (`port: 22`; `port: "22"` is rejected rather than silently converted); strings are taken as written,
    /// and `null` (or an empty value) unsets an optional string. Anchors, aliases and `<<` merge keys are allowed.
    /// - Parameters:
    ///   - yaml: The YAML text.
    ///   - path: The file name used in error messages only.
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigurationError`` describing the first problem found, with its line and column.
    public static func parse(_ yaml: String, path: String) throws(ConfigurationError) -> ClusterConfiguration {
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
        return try ConfigurationDecoder(path: path).decode(root: root)
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
            throw failure(.unreadable, "'\(path)' is not valid UTF-8 text")
        }
        return text
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
