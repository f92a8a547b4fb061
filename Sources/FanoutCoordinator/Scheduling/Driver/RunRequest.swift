import FanoutProtocol
import NIOConcurrencyHelpers

/// One `map` call as the scheduler's driver sees it: a job name, a lazy source of encoded inputs, and where results
/// go.
final class RunRequest: Sendable {
    /// An input pulled from the caller's sequence: its bytes, or why it could not be encoded.
    enum Input: Sendable {
        case encoded([UInt8])
        case unencodable(String)
    }

    let id: RunID
    let job: String
    let results: ResultChannel
    /// Where finished tasks are recorded, and recorded results come from, when the run keeps a journal.
    let journal: RunJournal?
    /// Decides whether a task that returned an output must run again (on another host when there is one); `nil`
    /// when only failures are retried.
    let retryOutput: OutputRetry?
    /// Pulls the next input. Only the input producer's task calls it, one call at a time, so it needs no lock.
    /// (Keeping a closure in a lock box is also a trap: every `inout` access re-wraps it in a thunk.)
    private let pull: @Sendable () -> Input?
    /// Inputs pulled so far: the index of the next one. Only the task producing inputs touches it (see
    /// ``InputProducer``); the lock only makes the hand-over from the caller's task to the producer's safe.
    let producedInputs = NIOLockedValueBox<UInt64>(0)

    init(
        id: RunID = .next(),
        job: String,
        results: ResultChannel,
        journal: RunJournal? = nil,
        retryOutput: OutputRetry? = nil,
        pull: @escaping @Sendable () -> Input?
    ) {
        self.id = id
        self.job = job
        self.results = results
        self.journal = journal
        self.retryOutput = retryOutput
        self.pull = pull
    }

    /// The run as the state machine knows it.
    var description: RunDescription { RunDescription(id: self.id, job: self.job, retryOutput: self.retryOutput) }

    func nextInput() -> Input? { self.pull() }

    /// Hands finished tasks to the caller, recording them in the journal first (replayed ones are not recorded
    /// again).
    /// - Returns: What the result channel holds once they are in; `nil` when the run already ended.
    @discardableResult
    func deliver(_ results: [RawResult]) -> (held: Int, heldBytes: Int)? {
        guard !results.isEmpty else { return nil }
        self.journal?.append(results)
        return self.results.send(results)
    }
}
