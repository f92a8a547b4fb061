/// What a ``RunSession`` produced: the tally of the cluster run and, with ``RunSettings/speedup``, the sequential
/// baseline to compare it with.
public struct RunOutcome<Output: Sendable & Equatable>: @unchecked Sendable {
    /// The cluster run.
    public var cluster: ClusterRunOutcome<Output>
    /// The sequential run, when one was measured.
    public var baseline: SequentialBaseline<Output>?

    /// Pairs a cluster run with its baseline.
    /// - Parameters:
    ///   - cluster: The cluster run.
    ///   - baseline: The sequential run, if any.
    public init(cluster: ClusterRunOutcome<Output>, baseline: SequentialBaseline<Output>?) {
        self.cluster = cluster
        self.baseline = baseline
    }
}
