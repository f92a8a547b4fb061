import NIOConcurrencyHelpers

/// One line on stderr with every host's upload percentage, redrawn at most ten times a second, only on a terminal.
final class UploadProgress: Sendable {
    private struct State {
        var percent: [String: Int] = [:]
        var lastDrawn = ContinuousClock.now - .seconds(1)
        var drawn = false
    }

    private let enabled: Bool
    private let state = NIOLockedValueBox(State())

    init(enabled: Bool) { self.enabled = enabled }

    func update(host: String, sent: Int64, total: Int64) {
        guard self.enabled else { return }
        let line: String? = self.state.withLockedValue { state in
            state.percent[host] = total > 0 ? Int(sent * 100 / total) : 100
            let now = ContinuousClock.now
            guard now - state.lastDrawn >= .milliseconds(100) || sent == total else { return nil }
            state.lastDrawn = now
            state.drawn = true
            return state.percent.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)%" }.joined(separator: "  ")
        }
        if let line { FileHandleOutput.standardError.write("\r\u{1B}[2Kuploading worker: \(line)") }
    }

    func finish() {
        if self.state.withLockedValue({ $0.drawn }) { FileHandleOutput.standardError.write("\r\u{1B}[2K") }
    }
}
