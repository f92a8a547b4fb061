import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import FanoutProtocol
import FanoutWorker
import Foundation
import NIOCore
import NIOPosix
import Testing

/// `transport: tls` (the default) and `transport: plain`, with real worker processes and real TCP on 127.0.0.1.
extension IntegrationSuite {
    /// What a raw TCP client saw of the coordinator.
    private struct RawExchange {
        /// Whether the coordinator closed the connection before the client gave up.
        var closed: Bool
        /// Everything the coordinator sent.
        var received: [UInt8]
        /// From connect to close (or to giving up).
        var elapsed: Duration
    }

    /// Connects, sends `bytes` (maybe none), and waits for the coordinator to close the connection.
    private static func rawExchange(
        _ bytes: [UInt8],
        port: Int,
        waitAtMost limit: Duration
    ) async throws
        -> RawExchange
    {
        let start = ContinuousClock.now
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            if !bytes.isEmpty {
                try await outbound.write(ByteBuffer(bytes: bytes))
            }
            return try await withThrowingTaskGroup(of: RawExchange?.self) { group in
                group.addTask {
                    var received: [UInt8] = []
                    do {
                        for try await buffer in inbound {
                            received += buffer.readableBytesView
                        }
                    } catch {}
                    return RawExchange(closed: true, received: received, elapsed: ContinuousClock.now - start)
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first ?? RawExchange(closed: false, received: [], elapsed: ContinuousClock.now - start)
            }
        }
    }

    /// A Fanout hello, framed exactly as a plain-TCP worker would send it.
    private static func helloFrame() throws -> [UInt8] {
        let hello = Hello(
            binaryDigest: String(repeating: "0", count: 64),
            hostName: "plaintext-client",
            processID: 1,
            slots: 1,
            workerID: "plaintext",
            nonce: RunSecret.nonce()
        )
        var buffer = ByteBuffer()
        try WireMessageEncoder().encode(data: .hello(hello), out: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Runs `fanout-worker` with `input` on its standard input, which stays open until the worker exits unless
    /// `closeInput` (then it closes right after `input`).
    private static func runWorkerProcess(
        arguments: [String],
        input: String,
        closeInput: Bool = false,
        timeout: Duration = .seconds(30)
    ) async throws -> ProcessHarness.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.product("fanout-worker"))
        process.arguments = arguments
        let standardInput = Pipe()
        let standardError = Pipe()
        process.standardInput = standardInput
        process.standardOutput = FileHandle.nullDevice
        process.standardError = standardError
        try process.run()
        standardInput.fileHandleForWriting.write(Data(input.utf8))
        if closeInput {
            try standardInput.fileHandleForWriting.close()
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            Issue.record("fanout-worker still running after \(timeout); killing it")
            process.terminate()
        }
        process.waitUntilExit()
        if !closeInput {
            try? standardInput.fileHandleForWriting.close()
        }
        let errorText = String(decoding: standardError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return ProcessHarness.Output(status: process.terminationStatus, standardOutput: "", standardError: errorText)
    }

    /// Runs primes on the cluster and checks every result against this process's own computation.
    private static func expectCorrectPrimes(on cluster: Cluster, workers: Int) async throws {
        try await cluster.waitForWorkers(workers)
        let inputs = (0..<20).map { Primes.Input(lower: UInt64($0) * 20_000, upper: UInt64($0 + 1) * 20_000) }
        var outputs: [Int: UInt64] = [:]
        for try await result in cluster.map(Primes.self, inputs) {
            #expect(outputs[result.index] == nil, "task \(result.index) reported twice")
            outputs[result.index] = try result.outcome.get()
        }
        #expect(outputs.count == inputs.count)
        for (index, input) in inputs.enumerated() {
            #expect(outputs[index] == (try Primes.run(input)), "task \(index)")
        }
        #expect(outputs.values.reduce(0, +) == 33_860)  // primes below 400,000
        let statistics = cluster.statistics.workers
        #expect(statistics.count == workers)
        #expect(statistics.allSatisfy { $0.completed > 0 && $0.lostReason == nil })
    }

    @Test("default transport: TLS between the coordinator and 2 worker processes gives correct results")
    func defaultTransportIsTLSAndCorrect() async throws {
        let options = try Self.options(workers: 2)
        #expect(options.configuration.transport == .tls)
        try await Cluster.withCluster(options) { cluster in
            guard case .tls(let fingerprint) = cluster.channelSecurity else {
                Issue.record("expected TLS by default, got \(cluster.channelSecurity)")
                return
            }
            #expect(fingerprint.bytes.count == 32)
            try await Self.expectCorrectPrimes(on: cluster, workers: 2)
        }
    }

    @Test("transport: plain runs 2 worker processes over plain TCP with correct results")
    func plainTransportIsCorrect() async throws {
        try await Cluster.withCluster(try Self.options(workers: 2) { $0.transport = .plain }) { cluster in
            #expect(cluster.channelSecurity == .plain)
            try await Self.expectCorrectPrimes(on: cluster, workers: 2)
        }
    }

    @Test("under TLS, a worker killed with SIGKILL is reported as 'connection closed', not as a TLS error")
    func killedWorkerUnderTLSReadsAsClosed() async throws {
        let inputs = Array(repeating: UInt32(10), count: 200)
        let (count, victimID, workers) = try await Cluster.withCluster(try Self.options(workers: 2)) { cluster in
            try await cluster.waitForWorkers(2)
            var count = 0
            var victimID: String?
            for try await _ in cluster.map(Sleep.self, inputs) {
                count += 1
                if count == 20 {
                    let victim = try #require(cluster.statistics.workers.first)
                    #expect(kill(victim.processID, SIGKILL) == 0)
                    victimID = victim.id
                }
            }
            return (count, victimID, cluster.statistics.workers)
        }
        #expect(count == 200)
        let victim = try #require(workers.first { $0.id == victimID })
        #expect(victim.lostReason == "connection closed")
    }

    @Test("with TLS on, a plaintext client sending a Fanout hello is dropped and the run completes")
    func plaintextClientIsDroppedUnderTLS() async throws {
        let frame = try Self.helloFrame()
        let inputs = Array(repeating: UInt32(20), count: 100)
        let (indices, exchange, workers) = try await Cluster.withCluster(try Self.options(workers: 2)) { cluster in
            var indices: [Int] = []
            var exchange: RawExchange?
            for try await result in cluster.map(Sleep.self, inputs) {
                #expect(result.output == 20)
                indices.append(result.index)
                if indices.count == 10 {
                    // Mid-run, while real workers hold tasks.
                    exchange = try await Self.rawExchange(frame, port: cluster.port, waitAtMost: .seconds(5))
                }
            }
            return (indices, exchange, cluster.statistics.workers)
        }
        #expect(indices.count == 100)
        #expect(Set(indices) == Set(0..<100))
        let seen = try #require(exchange)
        #expect(seen.closed, "the coordinator kept a plaintext connection open")
        // At most a TLS alert record (content type 21), never a Fanout frame such as a challenge.
        #expect(seen.received.isEmpty || seen.received.first == 21, "got \(seen.received.prefix(16))")
        #expect(workers.map(\.id).sorted() == ["local-1", "local-2"])
        #expect(workers.allSatisfy { $0.lostReason == nil })
    }

    @Test("with TLS on, a client that connects and sends nothing is dropped after handshake_timeout; the run goes on")
    func silentClientIsDroppedAfterHandshakeTimeout() async throws {
        let inputs = Array(repeating: UInt32(20), count: 150)
        let options = try Self.options(workers: 2) { $0.limits.handshakeTimeout = 1 }
        let (indices, exchange, workers) = try await Cluster.withCluster(options) { cluster in
            var indices: [Int] = []
            var exchange: RawExchange?
            for try await result in cluster.map(Sleep.self, inputs) {
                indices.append(result.index)
                if indices.count == 10 {
                    exchange = try await Self.rawExchange([], port: cluster.port, waitAtMost: .seconds(8))
                }
            }
            return (indices, exchange, cluster.statistics.workers)
        }
        #expect(indices.count == 150)
        #expect(Set(indices) == Set(0..<150))
        let seen = try #require(exchange)
        #expect(seen.closed, "a silent client was still connected after 8 s (handshake_timeout is 1 s)")
        #expect(seen.elapsed >= .milliseconds(900), "dropped after \(seen.elapsed), before handshake_timeout")
        #expect(seen.elapsed < .seconds(4), "dropped only after \(seen.elapsed)")
        #expect(workers.count == 2)
        #expect(workers.allSatisfy { $0.lostReason == nil })
    }

    @Test("a worker given the wrong certificate fingerprint refuses the coordinator, naming the mismatch")
    func wrongFingerprintIsRefused() async throws {
        try await Cluster.withCluster(try Self.options(workers: 1)) { cluster in
            guard case .tls(let real) = cluster.channelSecurity else {
                Issue.record("expected TLS by default, got \(cluster.channelSecurity)")
                return
            }
            // The real fingerprint with its last bit flipped: as close to right as a wrong one can be.
            var bytes = real.bytes
            bytes[31] ^= 1
            let wrong = try #require(CertificateFingerprint(hexEncoded: Hex.encode(bytes)))

            // The worker executable, started as a launcher would. Its secret is random: the certificate check
            // comes first, so the worker must give up before the secret matters.
            let output = try await Self.runWorkerProcess(
                arguments: [
                    "--connect", "127.0.0.1:\(cluster.port)", "--id", "pinned-wrong", "--connect-timeout", "10",
                ],
                input: RunSecret.random().hexEncoded + "\n" + ChannelSecurity.tls(pinnedFingerprint: wrong).launchLine
                    + "\n"
            )
            #expect(output.status == 4, "exit status \(output.status): \(output.standardError)")
            #expect(output.standardError.contains("TLS certificate fingerprint mismatch"), "\(output.standardError)")
            #expect(output.standardError.contains(real.hexEncoded), "names the certificate presented")
            #expect(output.standardError.contains(wrong.hexEncoded), "names the pinned fingerprint")

            // In process too: the error says what happened.
            let worker = Worker(
                configuration: WorkerConfiguration(
                    coordinatorHost: "127.0.0.1",
                    coordinatorPort: cluster.port,
                    secret: RunSecret.random(),
                    channelSecurity: .tls(pinnedFingerprint: wrong),
                    slots: 1,
                    binaryDigest: try BinaryDigest.ofFile(atPath: try Self.product("fanout-worker")),
                    connectTimeoutSeconds: 5
                )
            )
            let error = await #expect(throws: ProtocolError.self) { _ = try await worker.run() }
            #expect(error?.code == .certificateMismatch)

            // The refused connections cost the cluster nothing.
            try await Self.expectCorrectPrimes(on: cluster, workers: 1)
        }
    }

    @Test("the worker exits 2 with a clear message on a missing or malformed channel security line")
    func malformedSecurityLineIsAUsageError() async throws {
        let secret = RunSecret.random().hexEncoded
        // Port 9 (discard) is never dialled: the worker must fail before connecting.
        let arguments = ["--connect", "127.0.0.1:9", "--connect-timeout", "2"]
        let cases: [(input: String, closeInput: Bool, expected: String)] = [
            (secret + "\nbogus\n", false, "malformed second line of stdin (channel security): expected"),
            (secret + "\ntls 1234\n", false, "the TLS fingerprint must be 64 hex digits (SHA-256), got '1234'"),
            (secret + "\nssh-tunnel\n", false, "got 'ssh-tunnel'"),
            (secret + "\n", true, "expected the channel security ('tls <sha256 hex>' or 'plain') on the second line"),
            (secret + "\n", false, "got nothing (end of input, or nothing within 2.0 s)"),
        ]
        for (input, closeInput, expected) in cases {
            let output = try await Self.runWorkerProcess(arguments: arguments, input: input, closeInput: closeInput)
            #expect(output.status == 2, "\(input.debugDescription): status \(output.status)")
            #expect(output.standardError.contains(expected), "\(input.debugDescription): \(output.standardError)")
        }
    }
}

extension IntegrationSuite {
    @Test("the worker refuses --stdio together with --connect, and --help explains --stdio")
    func standardIOModeArguments() throws {
        let worker = try Self.product("fanout-worker")
        let output = try ProcessHarness.run(worker, ["--stdio", "--connect", "127.0.0.1:9"])
        #expect(output.status == 2)
        #expect(output.standardError.contains("--stdio and --connect exclude each other"), "\(output.standardError)")
        let missing = try ProcessHarness.run(worker, ["--slots", "1"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("--connect HOST:PORT (or --stdio) is required"))
        let help = try ProcessHarness.run(worker, ["--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--stdio"))
        #expect(help.standardOutput.contains("--digest-hint"))
        let badHint = try ProcessHarness.run(worker, ["--connect", "127.0.0.1:9", "--digest-hint", "abc"])
        #expect(badHint.status == 2)
        #expect(badHint.standardError.contains("--digest-hint wants SHA256HEX@DEVICE:INODE:SIZE:MTIME, got 'abc'"))
    }
}
