import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an operation so that Ctrl-C (SIGINT) or SIGTERM cancels it in order: workers are told to stop and waited
/// for, the partial summary is printed. A second signal exits at once (workers still exit on their own, as their
/// connection and standard input close with this process).
enum InterruptibleRun {
    static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let counter = SignalCounter()
            source.setEventHandler {
                if counter.increment() > 1 {
                    FileHandleOutput.standardError.write("\nfanout: second interrupt, exiting now\n")
                    exit(130)
                }
                continuation.yield(number)
            }
            source.resume()
            sources.append(source)
        }
        defer {
            for source in sources { source.cancel() }
            continuation.finish()
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                for await number in signals {
                    FileHandleOutput.standardError.write(
                        "\nfanout: \(number == SIGINT ? "interrupted" : "terminated"), stopping workers "
                            + "(press Ctrl-C again to exit at once)\n"
                    )
                    return nil
                }
                return nil
            }
            while let next = try await group.next() {
                if let value = next {
                    group.cancelAll()
                    return value
                }
                // The signal arrived: cancel the operation and wait for its partial result.
                group.cancelAll()
            }
            throw CancellationError()
        }
    }
}

/// Counts signals across both handlers so the second interrupt exits at once.
private final class SignalCounter: @unchecked Sendable {
    private static let lock = DispatchQueue(label: "fanout.signals")
    nonisolated(unsafe) private static var count = 0
    func increment() -> Int {
        Self.lock.sync {
            Self.count += 1
            return Self.count
        }
    }
}
