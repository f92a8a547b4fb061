#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What /proc and /sys say at one moment: load averages, the CPU time counters and the frequency governors. Read
/// twice (before the first measured run and after the last) to make ``MachineReadings``.
public struct MachineSnapshot: Sendable, Equatable {
    /// The 1, 5 and 15 minute load averages; empty where /proc/loadavg could not be read.
    public var loadAverages: [Double]
    /// The text of /proc/stat, if it could be read.
    public var procStat: String?
    /// The text of every CPU's `cpufreq/scaling_governor`, in CPU order; empty where there are none.
    public var scalingGovernors: [String]

    /// Creates a snapshot.
    public init(loadAverages: [Double], procStat: String?, scalingGovernors: [String]) {
        self.loadAverages = loadAverages
        self.procStat = procStat
        self.scalingGovernors = scalingGovernors
    }

    /// Reads a snapshot under `root`: `proc/loadavg`, `proc/stat` and
    /// `sys/devices/system/cpu/cpu<N>/cpufreq/scaling_governor`. Files that do not exist are left out.
    /// - Parameter root: `/` on a live machine; a fixture directory in tests.
    /// - Returns: The snapshot.
    public static func read(root: String = "/") -> MachineSnapshot {
        let base = root.hasSuffix("/") ? root : root + "/"
        let loadavg = Self.text(atPath: base + "proc/loadavg")
        let cpuDirectory = base + "sys/devices/system/cpu"
        let cpus = ((try? FileManager.default.contentsOfDirectory(atPath: cpuDirectory)) ?? [])
            .compactMap { name -> Int? in
                guard name.hasPrefix("cpu") else { return nil }
                return Int(name.dropFirst(3))
            }
            .sorted()
        let governors = cpus.compactMap { Self.text(atPath: "\(cpuDirectory)/cpu\($0)/cpufreq/scaling_governor") }
        return MachineSnapshot(
            loadAverages: loadavg.map(Self.loadAverages(fromLoadavg:)) ?? [],
            procStat: Self.text(atPath: base + "proc/stat"),
            scalingGovernors: governors
        )
    }

    /// The three load averages at the start of /proc/loadavg (`0.52 0.58 0.59 1/467 12345`).
    /// - Parameter text: The file's text.
    /// - Returns: The averages that parsed, at most three.
    public static func loadAverages(fromLoadavg text: String) -> [Double] {
        text.split(whereSeparator: \.isWhitespace).prefix(3).compactMap { Double($0) }
    }

    private static func text(atPath path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
