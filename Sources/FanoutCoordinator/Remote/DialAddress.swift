import NIOConcurrencyHelpers

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
        var buffer = in6_addr()
        return inet_pton(AF_INET, host, &buffer) == 1 || inet_pton(AF_INET6, host, &buffer) == 1
    }

    private static func resolve(_ host: String) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard
            getnameinfo(
                first.pointee.ai_addr,
                first.pointee.ai_addrlen,
                &name,
                socklen_t(name.count),
                nil,
                0,
                NI_NUMERICHOST
            )
                == 0
        else { return nil }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
