import FanoutCoordinator
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an operation so that Ctrl-C (SIGINT) or SIGTERM stops it in order (see ``SignalShutdown``): workers are
/// told to stop and waited for, the partial summary is printed. A second signal exits at once (workers still exit
/// on their own, as their connection and standard input close with this process).
enum InterruptibleRun {
    static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await SignalShutdown.run(
            onSignal: { signal, count in
                if count > 1 {
                    FileHandleOutput.standardError.write("\nfanout: second interrupt, exiting now\n")
                    exit(130)
                }
                FileHandleOutput.standardError.write(
                    "\nfanout: \(signal == .sigint ? "interrupted" : "terminated"), stopping workers "
                        + "(press Ctrl-C again to exit at once)\n"
                )
            },
            operation: operation
        )
    }
}
