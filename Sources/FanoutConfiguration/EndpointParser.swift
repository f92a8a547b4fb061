/// Splits `host:port` and `host` strings, with IPv6 hosts in brackets (`[::1]:7000`).
enum EndpointParser {
    /// The host and optional port of `text`, or `nil` when it is not a well-formed endpoint.
    static func parse(_ text: String) -> (host: String, port: Int?)? {
        guard !text.isEmpty, !text.contains(where: \.isWhitespace) else {
            return nil
        }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return nil
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard !host.isEmpty else {
                return nil
            }
            if rest.isEmpty {
                return (host, nil)
            }
            guard rest.hasPrefix(":"), let port = parsePort(rest.dropFirst()) else {
                return nil
            }
            return (host, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            return (text, nil)
        case 2:
            guard !parts[0].isEmpty, let port = parsePort(parts[1]) else {
                return nil
            }
            return (String(parts[0]), port)
        default:
            // More than one colon: an IPv6 address that should have been bracketed.
            return nil
        }
    }

    private static func parsePort(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(text), port <= 65535
        else {
            return nil
        }
        return port
    }
}
