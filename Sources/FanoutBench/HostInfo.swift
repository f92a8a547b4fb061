/// One machine's CPU, as the report lists it.
public struct HostInfo: Codable, Sendable, Equatable {
    /// `local`, or the host's label from the cluster file.
    public var name: String
    /// The CPU model (`model name` in /proc/cpuinfo), if it could be read.
    public var cpuModel: String?
    /// Online cores.
    public var cores: Int?

    /// Creates a host entry.
    public init(name: String, cpuModel: String?, cores: Int?) {
        self.name = name
        self.cpuModel = cpuModel
        self.cores = cores
    }
}
