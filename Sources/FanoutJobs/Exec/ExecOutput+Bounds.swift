/// The ranges a worker's answer must keep to before the coordinator does arithmetic with it (a compromised worker
/// can send any value in any field).
extension ExecOutput {
    /// The latest start time accepted: 9999-12-31T23:59:59.999Z, in milliseconds since 1970.
    public static let latestStartMilliseconds: Int64 = 253_402_300_799_999
    /// The longest run time accepted: 100 years, in nanoseconds.
    public static let longestRuntimeNanoseconds: UInt64 = 100 * 366 * 86_400 * 1_000_000_000
    /// The highest slot number accepted (`{%}`).
    public static let highestSlot = 1 << 20

    /// What in this answer is out of range, if anything.
    /// - Parameter maximumBytes: The most bytes of output and returned files a job may send.
    /// - Returns: One sentence per problem; empty when every field is plausible.
    public func rangeProblems(maximumBytes: Int) -> [String] {
        var problems: [String] = []
        if !(0...Self.latestStartMilliseconds).contains(self.startMilliseconds) {
            problems.append("start time \(self.startMilliseconds) ms is out of range")
        }
        if self.runtimeNanoseconds > Self.longestRuntimeNanoseconds {
            problems.append("run time \(self.runtimeNanoseconds) ns is out of range")
        }
        if !(-1...255).contains(self.exitStatus) {
            problems.append("exit status \(self.exitStatus) is out of range (-1…255)")
        }
        if !(0...127).contains(self.signal) {
            problems.append("signal \(self.signal) is out of range (0…127)")
        }
        if !(1...Self.highestSlot).contains(self.slot) {
            problems.append("slot \(self.slot) is out of range (1…\(Self.highestSlot))")
        }
        if self.standardOutput.count > maximumBytes
            || self.standardError.count > maximumBytes - self.standardOutput.count
        {
            problems.append("its output is larger than the \(maximumBytes) bytes a job may send")
        }
        return problems
    }

    /// This answer with every number clamped into its range, for logs and reports of an answer that was refused.
    public var clamped: ExecOutput {
        var copy = self
        copy.startMilliseconds = min(max(0, self.startMilliseconds), Self.latestStartMilliseconds)
        copy.runtimeNanoseconds = min(self.runtimeNanoseconds, Self.longestRuntimeNanoseconds)
        copy.exitStatus = min(max(-1, self.exitStatus), 255)
        copy.signal = min(max(0, self.signal), 127)
        copy.slot = min(max(1, self.slot), Self.highestSlot)
        return copy
    }
}
