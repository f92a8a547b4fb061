import NIOConcurrencyHelpers

/// Names one `map` call for the scheduler, unique for the process's lifetime, so that a late message about an
/// earlier run (inputs, a consumer's wakeup) is never taken for the current one's.
struct RunID: Hashable, Sendable, CustomStringConvertible {
    let rawValue: UInt64

    init(_ rawValue: UInt64) { self.rawValue = rawValue }

    private static let counter = NIOLockedValueBox<UInt64>(0)

    /// A fresh id.
    static func next() -> RunID {
        RunID(
            Self.counter.withLockedValue { value in
                value &+= 1
                return value
            }
        )
    }

    var description: String { "run \(self.rawValue)" }
}
