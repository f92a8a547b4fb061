/// Something a reader of a report must know before trusting its figures: noisy runs, a busy or virtual machine, a
/// CPU clock that may change, too few runs. Printed in the terminal and in every report.
public struct BenchWarning: Codable, Sendable, Equatable {
    /// What kind of warning: a stable, machine-readable name. A struct rather than an enum, so new codes are not
    /// breaking changes for code that reads reports.
    public struct Code: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
        /// The name as written in report.json, e.g. `high-variation`.
        public var rawValue: String

        /// Creates a code.
        /// - Parameter rawValue: The name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The name.
        public var description: String { self.rawValue }

        /// A mode's runs spread more than the coefficient-of-variation threshold.
        public static let highVariation = Code(rawValue: "high-variation")
        /// A mode has outlying runs (median/MAD).
        public static let outliers = Code(rawValue: "outliers")
        /// Other processes used the machine's CPUs during the runs.
        public static let backgroundLoad = Code(rawValue: "background-load")
        /// The hypervisor gave this virtual machine's CPU time to others (steal time in /proc/stat).
        public static let cpuSteal = Code(rawValue: "cpu-steal")
        /// A CPU frequency governor other than `performance`: the clock may change between and during runs.
        public static let frequencyGovernor = Code(rawValue: "frequency-governor")
        /// Too few measured runs for the confidence interval asked for.
        public static let fewRuns = Code(rawValue: "few-runs")
    }

    /// What kind of warning.
    public var code: Code
    /// What happened, with the figures, for a person.
    public var message: String

    /// Creates a warning.
    /// - Parameters:
    ///   - code: What kind of warning.
    ///   - message: What happened, with the figures.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}
