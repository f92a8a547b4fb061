#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Tilde expansion for user-supplied paths, as OpenSSH does it.
enum PathExpansion {
    /// Replaces a leading `~` or `~/` with `$HOME`.
    ///
    /// - Parameter path: A path as written in configuration.
    /// - Returns: The path with the home directory substituted.
    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        return home + path.dropFirst()
    }
}
