/// Why Fanout could not use Slurm: a command missing or failing, an allocation refused, output it cannot read.
public struct SlurmError: Error, CustomStringConvertible, Sendable {
    /// The kind of problem; new codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A Slurm command (`srun`, `salloc`, `scontrol`, `sinfo`, `scancel`) could not be started.
        public static let commandMissing = Code("commandMissing")
        /// A Slurm command exited with a failure status.
        public static let commandFailed = Code("commandFailed")
        /// Slurm refused or could not grant the allocation.
        public static let allocationFailed = Code("allocationFailed")
        /// Slurm's output or variables did not have the expected form.
        public static let unexpectedOutput = Code("unexpectedOutput")

        /// The code's name, such as `commandFailed`.
        public var description: String { self.name }
    }

    /// The kind of problem.
    public var code: Code
    /// What went wrong, for people.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - message: What went wrong.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { self.message }
}
