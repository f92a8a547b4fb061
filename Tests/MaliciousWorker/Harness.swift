import FanoutJobs
import FanoutProtocol
import FanoutWorker
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Joins the coordinator through the real connect path and runs an attack on the authenticated session.
enum Harness {
    /// Runs `attack` to its end.
    /// - Returns: The exit status: 0 when the attack ended, 4 when the coordinator would not let it join.
    static func run(_ attack: any Attack, configuration: WorkerConfiguration, registry: JobRegistry) async -> Int32 {
        do {
            try await Worker.connect(
                configuration: configuration,
                hello: attack.hello(honest: Worker.hello(for: configuration))
            ) { welcome, messages, outbound, close in
                await Self.serve(
                    attack,
                    registry: registry,
                    slots: configuration.slots,
                    welcome: welcome,
                    messages: &messages,
                    outbound: outbound,
                    close: close
                )
            }
            return 0
        } catch {
            let line = "fanout-malicious-worker: cannot join: \(error)\n"
            _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
            return 4
        }
    }

    /// Feeds the coordinator's messages to the attack, which runs in a child task, until either side ends.
    private static func serve(
        _ attack: any Attack,
        registry: JobRegistry,
        slots: Int,
        welcome: Welcome,
        messages: inout NIOAsyncChannelInboundStream<WireMessage>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<WireMessage>,
        close: @escaping @Sendable () -> Void
    ) async {
        let (inbox, feed) = AsyncThrowingStream.makeStream(of: WireMessage.self)
        let session = AttackSession(
            welcome: welcome,
            registry: registry,
            slots: slots,
            outbound: outbound,
            inbox: inbox,
            close: close
        )
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await attack.serve(session)
                close()
            }
            do {
                while let message = try await messages.next() { feed.yield(message) }
                feed.finish()
            } catch {
                feed.finish(throwing: error)
            }
            group.cancelAll()
        }
    }
}
