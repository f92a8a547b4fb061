/// A one-line progress bar with ETA on stderr, drawn only when stderr is a terminal and at most ten times a second.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let enabled: Bool
    private var done = 0
    private let started = ContinuousClock.now
    private var lastDrawn = ContinuousClock.now - .seconds(1)
    private var drawn = false

    init(total: Int, enabled: Bool) {
        self.total = max(total, 1)
        self.enabled = enabled
    }

    func advance() {
        self.done += 1
        guard self.enabled else { return }
        let now = ContinuousClock.now
        guard now - self.lastDrawn >= .milliseconds(100) || self.done == self.total else { return }
        self.lastDrawn = now
        let fraction = Double(self.done) / Double(self.total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = (now - self.started).seconds
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandleOutput.standardError.write(
            "\r[\(bar)] \(Int(fraction * 100))% \(self.done)/\(self.total)  ETA \(String(decimals: eta, 1)) s   "
        )
        self.drawn = true
    }

    func finish() {
        guard self.drawn else { return }
        FileHandleOutput.standardError.write("\r" + String(repeating: " ", count: 78) + "\r")
    }
}
