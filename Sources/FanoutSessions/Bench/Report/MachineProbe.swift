import FanoutBench

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One reading of the machine and of the bench's own CPU use, taken before the first measured run and after the
/// last; two of them make the ``FanoutBench/MachineReadings`` the warnings are computed from.
struct MachineProbe: Sendable {
    /// Load averages, /proc/stat and the frequency governors.
    var snapshot: MachineSnapshot
    /// When the reading was taken.
    var instant: ContinuousClock.Instant
    /// CPU seconds (user + system) used so far by this process and its waited-for children (the local worker
    /// processes of finished cluster runs); `nil` where `getrusage` failed.
    var cpuSeconds: Double?

    /// Reads the machine now.
    /// - Returns: The reading.
    static func now() -> MachineProbe {
        MachineProbe(
            snapshot: MachineSnapshot.read(),
            instant: ContinuousClock.now,
            cpuSeconds: Self.cpuSeconds(of: RUSAGE_SELF).flatMap { own in
                Self.cpuSeconds(of: RUSAGE_CHILDREN).map { own + $0 }
            }
        )
    }

    /// The readings between this probe and a later one.
    /// - Parameter end: The reading after the last measured run.
    /// - Returns: The readings, with the seconds between the probes and the CPU seconds the bench used in them.
    func readings(until end: MachineProbe) -> MachineReadings {
        let elapsed = self.instant.duration(to: end.instant)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return MachineReadings(
            before: self.snapshot,
            after: end.snapshot,
            secondsBetweenReadings: seconds,
            benchCPUSeconds: self.cpuSeconds.flatMap { start in end.cpuSeconds.map { max(0, $0 - start) } }
        )
    }

    #if canImport(Glibc)
    private static func cpuSeconds(of who: __rusage_who) -> Double? {
        var usage = rusage()
        guard getrusage(who.rawValue, &usage) == 0 else { return nil }
        return Self.seconds(usage.ru_utime) + Self.seconds(usage.ru_stime)
    }
    #else
    private static func cpuSeconds(of who: Int32) -> Double? {
        var usage = rusage()
        guard getrusage(who, &usage) == 0 else { return nil }
        return Self.seconds(usage.ru_utime) + Self.seconds(usage.ru_stime)
    }
    #endif

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000
    }
}
