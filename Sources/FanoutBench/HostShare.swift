/// One host's part in a mode's runs (medians over the measured runs).
public struct HostShare: Codable, Sendable, Equatable {
    /// `local` or the host's label.
    public var host: String
    /// Task slots on that host.
    public var slots: Int
    /// Tasks the host completed in a run.
    public var tasks: Int
    /// Its share of all tasks, 0 to 1.
    public var share: Double
    /// Seconds its jobs ran, summed over its slots.
    public var busySeconds: Double
    /// Speed of one of its cores relative to one core of this machine running the sequential mode, from the
    /// calibration run (the same task on every host): above 1 is faster.
    public var perCoreSpeed: Double?

    /// Creates a host share.
    public init(host: String, slots: Int, tasks: Int, share: Double, busySeconds: Double, perCoreSpeed: Double?) {
        self.host = host
        self.slots = slots
        self.tasks = tasks
        self.share = share
        self.busySeconds = busySeconds
        self.perCoreSpeed = perCoreSpeed
    }
}
