import NIOConcurrencyHelpers

/// Keeps what the kernels returned. A call whose result is dropped can be removed by the optimizer in a release
/// build (a pure loop folds to nothing), which would time nothing; results kept here are stored, so they must be
/// computed.
final class OutputSink: Sendable {
    private let kept = NIOLockedValueBox<(outputs: [any Sendable], count: Int)>(([], 0))

    /// Keeps `outputs`.
    func keep<Output: Sendable>(_ outputs: [Output]) {
        self.kept.withLockedValue { kept in
            kept.outputs.append(outputs)
            kept.count += outputs.count
        }
    }

    /// How many outputs were kept.
    var count: Int { self.kept.withLockedValue { $0.count } }
}
