/// One argument of an `exec` job as it travels to the worker: its bytes, with the job slot number (GNU Parallel's
/// `{%}`) to be inserted between consecutive parts. Everything else was substituted on the coordinator.
public struct ExecWord: Codable, Sendable, Equatable {
    /// The argument's bytes, split where the slot number goes. An argument without `{%}` has one part.
    public var parts: [[UInt8]]

    /// Creates a word.
    /// - Parameter parts: The bytes around each slot-number position.
    public init(parts: [[UInt8]]) { self.parts = parts }

    /// A word of literal bytes.
    /// - Parameter bytes: The argument.
    public init(_ bytes: [UInt8]) { self.parts = [bytes] }

    /// The argument with the slot number filled in.
    /// - Parameter slot: The 1-based slot the job runs in.
    /// - Returns: The argument's bytes.
    public func resolved(slot: Int) -> [UInt8] {
        guard self.parts.count > 1 else { return self.parts.first ?? [] }
        let number = Array(String(slot).utf8)
        var bytes: [UInt8] = []
        for (index, part) in self.parts.enumerated() {
            if index > 0 { bytes += number }
            bytes += part
        }
        return bytes
    }
}
