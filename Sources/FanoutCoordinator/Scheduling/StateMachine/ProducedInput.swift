/// One input of a run as the input producer hands it to the state machine, in input order: encoded and
/// fingerprinted off the scheduler's loop, with the journal's verdict already taken.
enum ProducedInput: Sendable {
    /// A task to run.
    case encoded([UInt8], digest: UInt64)
    /// The input could not be encoded: the task fails with this reason.
    case unencodable(String, digest: UInt64)
    /// The journal holds this input's result from an earlier run: it is replayed instead of run.
    case replayed(RawResult)
    /// The journal recorded a result for this index under another input: the run cannot go on.
    case journalMismatch(ClusterError)

    /// Bytes this input holds while it waits in the state machine's buffer.
    var bufferedBytes: Int {
        switch self {
        case .encoded(let bytes, _): bytes.count
        case .unencodable(let reason, _): reason.utf8.count
        case .replayed(let result): result.approximateBytes
        case .journalMismatch: 0
        }
    }
}
