import FanoutCoordinator
import FanoutProtocol

/// Renders per-host reports as one table: a row per host, a column per check.
enum HostTable {
    static func render(_ reports: [HostReport]) -> String {
        let header = [
            "host", "user", "reachable", "host key", "auth", "arch", "glibc", "cores", "rtt ms", "worker", "status",
        ]
        var rows = [header]
        // Everything but the flags and numbers was read from the host (or names it): no control characters on the
        // terminal, whatever a compromised host answers.
        func text(_ value: String) -> String { UntrustedText.forTerminal(value, limit: 255) }
        for report in reports {
            rows.append([
                text(report.host),
                text(report.user),
                Self.flag(report.reachable),
                report.hostKey.map(text) ?? "-",
                Self.flag(report.authenticated),
                report.architecture.map(text) ?? "-",
                report.glibc.map(text) ?? "-",
                report.cores.map(String.init) ?? "-",
                report.roundTrip.map { String(decimals: $0.milliseconds, 2) } ?? "-",
                report.uploaded ? "uploaded" : report.workerCurrent.map { $0 ? "current" : "missing" } ?? "-",
                report.usable
                    ? (report.workersStarted > 0 ? "ok, \(report.workersStarted) workers" : "ok") : "UNUSABLE",
            ])
        }
        var widths = [Int](repeating: 0, count: header.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var lines = rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }.joined()
        }
        for report in reports where !report.usable {
            lines.append("  \(text(report.host)): \(UntrustedText.forTerminal(report.problem ?? "unusable"))")
        }
        return lines.joined(separator: "\n")
    }

    private static func flag(_ value: Bool?) -> String {
        switch value {
        case .some(true): "yes"
        case .some(false): "NO"
        case .none: "-"
        }
    }

}
