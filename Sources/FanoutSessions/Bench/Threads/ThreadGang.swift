import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a body on `threads` fresh POSIX threads at once and waits for all of them: the in-process `threads` mode,
/// with exactly the threads asked for (Dispatch's pool would cap them at the core count).
enum ThreadGang {
    /// Runs `body(index)` on each of `threads` new threads, from a thread of NIO's blocking pool so the cooperative
    /// pool is never blocked while they run.
    /// - Parameters:
    ///   - threads: Threads to start, at least 1.
    ///   - body: The work; gets the thread's index.
    static func run(threads: Int, _ body: @escaping @Sendable (Int) -> Void) async throws {
        try await NIOThreadPool.singleton.runIfActive {
            Self.runBlocking(threads: threads, body)
        }
    }

    /// Runs `body` on the calling thread, off the cooperative pool: the sequential baseline's one thread.
    static func runOnOneThread<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result
    {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    private final class Start: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    private static func runBlocking(threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        var handles: [pthread_t] = []
        for index in 0..<max(1, threads) {
            let start = Unmanaged.passRetained(Start { body(index) }).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(
                &thread,
                nil,
                { raw in
                    guard let raw else { return nil }
                    Unmanaged<Start>.fromOpaque(raw).takeRetainedValue().body()
                    return nil
                },
                start
            )
            if status == 0 {
                handles.append(thread)
            } else {
                // No thread: run its share here rather than lose it.
                Unmanaged<Start>.fromOpaque(start).takeRetainedValue().body()
            }
        }
        for handle in handles { pthread_join(handle, nil) }
    }
}
