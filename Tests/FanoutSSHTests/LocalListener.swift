import Foundation

/// Plain TCP sockets on 127.0.0.1 for the fixtures: free ports, a "black hole" that accepts connections but
/// never speaks, and a readiness probe.
final class LocalListener: Sendable {
    /// The listening socket.
    let descriptor: Int32
    /// Its port.
    let port: Int

    /// Opens a listening socket on 127.0.0.1 and an ephemeral port. Nothing ever accepts from it, but the
    /// kernel completes TCP handshakes into its backlog, so a client connects and then hears nothing.
    init() throws {
        let (descriptor, port) = try Self.bind()
        guard listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw FixtureError("listen: \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.port = port
    }

    deinit {
        close(self.descriptor)
    }

    /// A port on 127.0.0.1 that was free a moment ago (bound, then closed).
    static func freePort() throws -> Int {
        let (descriptor, port) = try self.bind()
        close(descriptor)
        return port
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = self.loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func bind() throws -> (Int32, Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw FixtureError("bind: \(String(cString: strerror(errno)))")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
