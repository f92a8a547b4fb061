/// One measured line of the "right tool / wrong tool" table: a kernel run one way, and what that shows.
public struct LessonRow: Codable, Sendable, Equatable {
    /// `CPU-bound (primes)` or `I/O-bound (sleep)`.
    public var kernel: String
    /// How it ran: `1 thread`, `async tasks on 1 event loop`, `threads`, `local processes`, …
    public var tool: String
    /// Tasks in flight at once.
    public var inFlight: Int
    /// Threads or cores that could run them.
    public var cores: Int
    /// Wall times.
    public var wall: TimingSummary
    /// Speedup over the kernel's one-thread run.
    public var speedup: Double?
    /// `right tool`, `wrong tool` or `baseline`.
    public var verdict: String
    /// Why, in a few words.
    public var note: String

    /// Creates a row.
    public init(
        kernel: String,
        tool: String,
        inFlight: Int,
        cores: Int,
        wall: TimingSummary,
        speedup: Double?,
        verdict: String,
        note: String
    ) {
        self.kernel = kernel
        self.tool = tool
        self.inFlight = inFlight
        self.cores = cores
        self.wall = wall
        self.speedup = speedup
        self.verdict = verdict
        self.note = note
    }
}
