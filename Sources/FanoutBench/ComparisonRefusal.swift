/// Why two reports cannot be compared: they measured different things. Names every difference.
public struct ComparisonRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// One field that differs.
    public struct Difference: Sendable, Equatable {
        /// What differs: `kernel`, `kernel options`, `tasks` or `cluster file`.
        public var field: String
        /// The baseline's value.
        public var baseline: String
        /// The current report's value.
        public var current: String

        /// Creates a difference.
        public init(field: String, baseline: String, current: String) {
            self.field = field
            self.baseline = baseline
            self.current = current
        }
    }

    /// Every difference, in the order kernel, kernel options, tasks, cluster file.
    public var differences: [Difference]

    /// Creates a refusal.
    /// - Parameter differences: What differs; at least one.
    public init(differences: [Difference]) { self.differences = differences }

    /// `cannot compare: kernel differs (baseline `primes`, this run `sum-squares`); …`.
    public var description: String {
        let parts = self.differences.map { "\($0.field) differs (baseline `\($0.baseline)`, this run `\($0.current)`)" }
        return "cannot compare: \(parts.joined(separator: "; "))"
    }
}
