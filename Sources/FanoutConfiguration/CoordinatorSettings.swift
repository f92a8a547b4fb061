/// Where the coordinator listens for workers, from the `coordinator:` section.
public struct CoordinatorSettings: Sendable, Equatable {
    /// yaml `listen`: the `host:port` the coordinator binds for worker connections; IPv6 hosts go in brackets
    /// (`[::1]:0`). Port `0` lets the system pick a free port. Default `127.0.0.1:0` (local workers only).
    public var listen: String
    /// yaml `advertise`: the `host[:port]` that workers should dial, for when the listen address is not reachable
    /// as written (for example `0.0.0.0`, or behind NAT). Without a port the bound port is used. Default `null`:
    /// derive it from ``listen``.
    public var advertise: String?

    /// Creates coordinator settings.
    /// - Parameters:
    ///   - listen: The `host:port` to bind, port `0` for any.
    ///   - advertise: The `host[:port]` workers dial, or `nil` to derive it from `listen`.
    public init(listen: String = "127.0.0.1:0", advertise: String? = nil) {
        self.listen = listen
        self.advertise = advertise
    }

    /// ``listen`` split into host and port, or `nil` when it is not a valid `host:port`.
    public var listenEndpoint: (host: String, port: Int)? {
        guard let endpoint = EndpointParser.parse(listen), let port = endpoint.port else {
            return nil
        }
        return (endpoint.host, port)
    }

    /// ``advertise`` split into host and optional port, or `nil` when it is unset or not a valid `host[:port]`.
    public var advertiseEndpoint: (host: String, port: Int?)? {
        advertise.flatMap(EndpointParser.parse)
    }
}
