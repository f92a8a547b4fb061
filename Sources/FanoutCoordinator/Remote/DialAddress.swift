import NIOConcurrencyHelpers
import NIOCore

// Glibc stays imported here although nothing below needs it: other modules' files that call `stat` resolve its
// members through the modules this one re-exports, and without it they resolve them to CoreFoundation.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The address a remote worker dials, resolved on the coordinator: the worker is a static executable, and a static
/// glibc cannot load the name-service modules that resolve names, so it is only ever given an address.
///
/// `coordinator.advertise` may be a name; it is resolved here once per process, as this machine resolves it.
enum DialAddress {
    private static let resolved = NIOLockedValueBox<[String: String]>([:])

    /// The numeric address for a host: itself when it already is one (IPv4 or IPv6), else the first address
    /// `getaddrinfo` gives for it, else the name unchanged (the worker then reports that it cannot dial it).
    /// - Parameter host: An address or a name.
    /// - Returns: An address, or `host` when it does not resolve.
    static func numeric(_ host: String) -> String {
        if Self.isNumeric(host) { return host }
        if let known = Self.resolved.withLockedValue({ $0[host] }) { return known }
        let address = Self.resolve(host) ?? host
        Self.resolved.withLockedValue { $0[host] = address }
        return address
    }

    /// Whether `host` is an IPv4 or IPv6 address rather than a name.
    static func isNumeric(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    /// The first address `getaddrinfo` gives for `host` (a blocking call: launches are not on an event loop).
    private static func resolve(_ host: String) -> String? {
        (try? SocketAddress.makeAddressResolvingHost(host, port: 0))?.ipAddress
    }
}
