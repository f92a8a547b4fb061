/// Worker processes started on the coordinator's own machine, from the `local:` section.
public struct LocalSettings: Sendable, Equatable {
    /// yaml `workers`: how many local worker processes to start. `auto` (the default) starts one per core;
    /// `0` runs no local workers, which needs at least one entry in `hosts:`. Allowed: `auto` or 0...4096.
    public var workers: WorkerCount
    /// yaml `slots`: how many tasks each local worker runs at once. Default `1` (with one worker per core, one task
    /// per worker fills the machine). Allowed: `auto` (one per core) or 1...4096.
    public var slots: WorkerCount

    /// Creates local settings.
    /// - Parameters:
    ///   - workers: The number of local worker processes.
    ///   - slots: The number of tasks each local worker runs at once.
    public init(workers: WorkerCount = .auto, slots: WorkerCount = .count(1)) {
        self.workers = workers
        self.slots = slots
    }
}
