import NIOConcurrencyHelpers

/// Pulls a run's inputs from the caller's sequence and encodes them off the scheduler's loop, a chunk at a time
/// when the state machine asks (``SchedulerDirective/requestInputs(run:count:)``): encoding, and what a caller's
/// input builder does (reading files for `exec --transfer`), never holds up dispatch.
///
/// The journal's verdicts are taken here, in input order, exactly as the inputs are numbered: a recorded result
/// whose input fingerprint matches is replayed, one that does not ends the run.
struct InputProducer {
    /// One chunk asked for.
    struct Request: Sendable {
        var run: RunRequest
        var count: Int
    }

    /// Bytes of encoded inputs in one chunk at most (a chunk always holds at least one input).
    let chunkByteLimit: Int
    /// Inputs pulled on the caller's task when a run is submitted, so that its first tasks go out without a hop
    /// through the producer task (what a one-task run's latency is made of).
    static let firstChunkSize = 64

    init(chunkByteLimit: Int) {
        self.chunkByteLimit = max(1, chunkByteLimit)
    }

    /// Pulls up to `request.count` inputs of the run.
    /// - Returns: The inputs, and whether the sequence ended (or the run can go no further).
    /// Only one task produces a run's inputs at a time: the caller's task for the first chunk, before it submits
    /// the run, then the producer task.
    func produce(_ request: Request) -> (inputs: [ProducedInput], finished: Bool) {
        let run = request.run
        // A run that ended (finished, abandoned) pulls nothing more from the caller's sequence.
        guard !run.results.isFinished else { return ([], true) }
        var nextIndex = run.producedInputs.withLockedValue { $0 }
        defer { run.producedInputs.withLockedValue { $0 = nextIndex } }
        var chunk: [ProducedInput] = []
        chunk.reserveCapacity(min(request.count, 4_096))
        var bytes = 0
        while chunk.count < request.count, bytes < self.chunkByteLimit {
            guard let input = run.nextInput() else { return (chunk, true) }
            let index = nextIndex
            nextIndex += 1
            var digest: UInt64 = 0
            if let journal = run.journal {
                if case .encoded(let bytes) = input { digest = InputDigest.of(bytes) }
                if let recorded = journal.recordedResult(at: index) {
                    guard recorded.inputDigest == digest else {
                        chunk.append(
                            .journalMismatch(
                                ClusterError(
                                    .journal,
                                    "\(journal.path) does not match this run's inputs: the input of task "
                                        + "\(index) differs from the one whose result it recorded; "
                                        + "use another --journal file"
                                )
                            )
                        )
                        return (chunk, true)
                    }
                    chunk.append(.replayed(recorded))
                    bytes &+= recorded.approximateBytes
                    continue
                }
            }
            switch input {
            case .encoded(let encoded):
                chunk.append(.encoded(encoded, digest: digest))
                bytes &+= encoded.count
            case .unencodable(let reason):
                chunk.append(.unencodable(reason, digest: digest))
            }
        }
        return (chunk, false)
    }
}
