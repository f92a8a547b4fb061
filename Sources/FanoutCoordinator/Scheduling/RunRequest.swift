import FanoutProtocol
import NIOConcurrencyHelpers

/// One `map` call as the scheduler sees it: a job name, a lazy source of encoded inputs, and where results go.
final class RunRequest: Sendable {
    /// An input pulled from the caller's sequence: its bytes, or why it could not be encoded.
    enum Input: Sendable {
        case encoded([UInt8])
        case unencodable(String)
    }

    let job: String
    let results: ResultChannel
    /// Pulls the next input. Only the scheduler's task calls it, one call at a time.
    private let pull: NIOLockedValueBox<@Sendable () -> Input?>

    init(job: String, results: ResultChannel, pull: @escaping @Sendable () -> Input?) {
        self.job = job
        self.results = results
        self.pull = NIOLockedValueBox(pull)
    }

    func nextInput() -> Input? { self.pull.withLockedValue { $0() } }
}
