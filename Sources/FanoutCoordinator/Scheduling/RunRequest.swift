import FanoutProtocol

/// One `map` call as the scheduler sees it: a job name, a lazy source of encoded inputs, and where results go.
final class RunRequest: Sendable {
    /// An input pulled from the caller's sequence: its bytes, or why it could not be encoded.
    enum Input: Sendable {
        case encoded([UInt8])
        case unencodable(String)
    }

    let job: String
    let results: ResultChannel
    /// Pulls the next input. Only the scheduler's task calls it, one call at a time, so it needs no lock.
    /// (Keeping a closure in a lock box is also a trap: every `inout` access re-wraps it in a thunk.)
    private let pull: @Sendable () -> Input?

    init(job: String, results: ResultChannel, pull: @escaping @Sendable () -> Input?) {
        self.job = job
        self.results = results
        self.pull = pull
    }

    func nextInput() -> Input? { self.pull() }
}
