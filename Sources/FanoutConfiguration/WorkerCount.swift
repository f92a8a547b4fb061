/// A count that is either a fixed number or chosen automatically from the machine's cores.
///
/// In YAML it is written `auto` or as a decimal integer.
public enum WorkerCount: Sendable, Equatable {
    /// Use the number of CPU cores of the machine concerned.
    case auto
    /// Use exactly this many.
    case count(Int)

    /// The largest count accepted in a configuration file, to catch typos such as `40000` before they fork-bomb a host.
    public static let maximum = 4096

    /// The concrete count, substituting `cores` for ``auto``.
    /// - Parameter cores: The number of cores of the machine concerned.
    /// - Returns: `cores` for ``auto``, otherwise the fixed count.
    public func resolved(cores: Int) -> Int {
        switch self {
        case .auto:
            return cores
        case .count(let count):
            return count
        }
    }
}
