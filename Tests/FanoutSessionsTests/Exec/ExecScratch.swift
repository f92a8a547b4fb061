import Foundation
import Testing

/// A fresh directory for one test's files, removed at the end.
struct ExecScratch {
    let path: String

    init() throws {
        self.path = NSTemporaryDirectory() + "fanout-exec-session-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: self.path, withIntermediateDirectories: true)
    }

    /// Writes a file below the directory.
    /// - Returns: Its full path.
    @discardableResult
    func write(_ name: String, _ contents: [UInt8]) throws -> String {
        let full = self.path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try #require(FileManager.default.createFile(atPath: full, contents: Data(contents)))
        return full
    }

    /// A file's contents, or `nil` when there is none.
    func read(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: self.path + "/" + name).map { [UInt8]($0) }
    }

    func remove() { try? FileManager.default.removeItem(atPath: self.path) }
}

extension Array where Element == UInt8 {
    /// The UTF-8 bytes of a text, for short expectations.
    init(text: String) { self = Array(text.utf8) }
}

/// Shorthand for sources in tests: one list of UTF-8 values per source.
func sources(_ lists: [String]...) -> [[[UInt8]]] {
    lists.map { $0.map { Array($0.utf8) } }
}
