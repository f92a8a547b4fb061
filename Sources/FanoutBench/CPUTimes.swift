/// The machine-wide CPU time counters of the `cpu` line of /proc/stat, in clock ticks since boot.
///
/// Two readings, one before and one after the measured runs, give the share of CPU time the hypervisor gave to
/// other virtual machines (steal) while the bench ran.
public struct CPUTimes: Sendable, Equatable {
    /// Normal processes in user mode.
    public var user: UInt64
    /// Niced processes in user mode.
    public var nice: UInt64
    /// Kernel mode.
    public var system: UInt64
    /// Idle.
    public var idle: UInt64
    /// Idle waiting for I/O.
    public var iowait: UInt64
    /// Servicing interrupts.
    public var irq: UInt64
    /// Servicing softirqs.
    public var softirq: UInt64
    /// Taken by the hypervisor for other guests (Linux 2.6.11 and later; 0 when the line has no such field).
    public var steal: UInt64

    /// Creates counters.
    public init(
        user: UInt64,
        nice: UInt64,
        system: UInt64,
        idle: UInt64,
        iowait: UInt64 = 0,
        irq: UInt64 = 0,
        softirq: UInt64 = 0,
        steal: UInt64 = 0
    ) {
        self.user = user
        self.nice = nice
        self.system = system
        self.idle = idle
        self.iowait = iowait
        self.irq = irq
        self.softirq = softirq
        self.steal = steal
    }

    /// Parses the aggregate `cpu` line of /proc/stat (the per-CPU `cpu0`, `cpu1`… lines are ignored).
    /// - Parameter procStat: The text of /proc/stat, or just its `cpu` line.
    /// - Returns: The counters, or `nil` when there is no `cpu` line with at least user, nice, system and idle.
    public init?(procStat: String) {
        for line in procStat.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.first == "cpu" else { continue }
            // Guest time is already counted in user and nice, so the fields after steal are not read.
            let counters = fields.dropFirst().prefix(8).map { UInt64($0) }
            guard counters.count >= 4, !counters.contains(nil) else { return nil }
            let values = counters.map { $0 ?? 0 } + Array(repeating: 0, count: 8 - counters.count)
            self.init(
                user: values[0],
                nice: values[1],
                system: values[2],
                idle: values[3],
                iowait: values[4],
                irq: values[5],
                softirq: values[6],
                steal: values[7]
            )
            return
        }
        return nil
    }

    /// Every tick counted, steal included.
    public var total: UInt64 {
        self.user &+ self.nice &+ self.system &+ self.idle &+ self.iowait &+ self.irq &+ self.softirq &+ self.steal
    }

    /// The share of all CPU time between two readings that was stolen.
    /// - Parameters:
    ///   - before: The earlier reading.
    ///   - after: The later reading.
    /// - Returns: Between 0 and 1, or `nil` when no time passed or the counters went backwards (a reboot).
    public static func stealFraction(from before: CPUTimes, to after: CPUTimes) -> Double? {
        guard after.total > before.total, after.steal >= before.steal else { return nil }
        return Double(after.steal - before.steal) / Double(after.total - before.total)
    }
}
