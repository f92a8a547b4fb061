import Synchronization

/// Collects a bench's progress lines, from whichever thread they come.
final class ProgressLines: Sendable {
    private let lines = Mutex<[String]>([])

    /// Adds a line.
    func append(_ line: String) { self.lines.withLock { $0.append(line) } }

    /// Every line so far, in order.
    var all: [String] { self.lines.withLock { $0 } }
}
