internal import CLibSSH2

/// libssh2's process-wide initialisation, done once before the first session.
enum LibSSH2Library {
    /// Swift initialises a static `let` lazily and exactly once, even under concurrent first use, which is what
    /// `libssh2_init` needs: it is not itself thread-safe.
    private static let initializationResult: Int32 = libssh2_init(0)

    /// Initialises libssh2 if that has not happened yet.
    ///
    /// - Returns: `true` when libssh2 is usable.
    static func ensureInitialized() -> Bool {
        self.initializationResult == 0
    }
}
