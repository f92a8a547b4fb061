internal import Glibc

/// Connects to a TCP endpoint on this machine, given by numeric address, for a relay's local side.
enum LoopbackConnector {
    /// Connects (blocking: the endpoint is local, so it answers or refuses at once).
    /// - Parameters:
    ///   - host: A numeric IPv4 or IPv6 address, or `localhost`.
    ///   - port: The port.
    /// - Returns: The connected socket, which the caller must close, or `nil` on failure.
    static func connect(host: String, port: Int) -> Int32? {
        let name = host == "localhost" ? "127.0.0.1" : host
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var addresses: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, String(port), &hints, &addresses) == 0, let first = addresses else { return nil }
        defer { freeaddrinfo(first) }
        let socket = Glibc.socket(
            first.pointee.ai_family,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            0
        )
        guard socket >= 0 else { return nil }
        var one: Int32 = 1
        _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.connect(socket, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            close(socket)
            return nil
        }
        return socket
    }
}
