import ArgumentParser
import FanoutSessions

/// The command line's range check: ``WorkloadLimits/check(_:_:in:)``'s message as a usage error (exit status 2).
enum OptionRange {
    /// The most tasks one run may have (``WorkloadLimits/tasks``).
    static let tasks = WorkloadLimits.tasks
    /// The longest a sleep task may wait, in milliseconds (``WorkloadLimits/sleepMilliseconds``).
    static let sleepMilliseconds = WorkloadLimits.sleepMilliseconds

    /// Throws a validation error naming `option` and `range` unless `range` holds `value`.
    /// - Parameters:
    ///   - value: The parsed value.
    ///   - option: The option as typed, such as `--tasks`.
    ///   - range: The values allowed.
    /// - Throws: `ValidationError` (exit status 2) when `value` is out of range.
    static func check<Value: BinaryInteger>(_ value: Value, _ option: String, in range: ClosedRange<Value>) throws {
        do {
            try WorkloadLimits.check(value, option, in: range)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
