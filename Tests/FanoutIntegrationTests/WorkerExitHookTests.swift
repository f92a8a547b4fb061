import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import FanoutProtocol
import Foundation
import Testing

extension IntegrationSuite {
    /// A worker process whose registry holds a job with an exit hook (`fanout-exit-hook-worker`), and the file the
    /// hook appends a line to on each call.
    private struct HookWorker {
        let path: String
        let marker: String

        init() throws {
            self.path = try IntegrationSuite.product("fanout-exit-hook-worker")
            self.marker = NSTemporaryDirectory() + "exit-hook-\(UUID().uuidString)"
        }

        var calls: Int {
            let text = (try? String(contentsOfFile: self.marker, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { $0.hasPrefix("worker-will-exit ") }.count
        }

        /// Starts the worker by hand with the launch lines a coordinator writes, standard input left open.
        func start(_ launch: WorkerLaunch) throws -> (Process, Pipe) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: self.path)
            process.arguments = ["--marker", self.marker] + launch.arguments
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let lines = WorkerLaunch.StandardInput(secret: .random(), channelSecurity: .plain).bytes
            input.fileHandleForWriting.write(Data(lines))
            return (process, input)
        }

        func options(
            workers: Int,
            configure: (inout ClusterConfiguration) -> Void = { _ in }
        ) throws
            -> ClusterOptions
        {
            var options = try IntegrationSuite.options(workers: workers, configure: configure)
            options.workerExecutable = WorkerExecutable(path: self.path, leadingArguments: ["--marker", self.marker])
            return options
        }
    }

    /// A TCP port on loopback that accepts connections (the kernel completes them) and never says a word.
    private static func silentListener() throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        try #require(bound)
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test("the worker runtime calls the jobs' exit hook when the handshake fails (nobody listening)")
    func exitHookOnRefusedConnection() throws {
        let worker = try HookWorker()
        defer { try? FileManager.default.removeItem(atPath: worker.marker) }
        let (listener, port) = try Self.silentListener()
        close(listener)
        let (process, input) = try worker.start(
            WorkerLaunch(endpoint: .connect(host: "127.0.0.1", port: port), connectTimeoutSeconds: 1)
        )
        #expect(ProcessHarness.waitUntilExit(process, timeout: .seconds(20)))
        try? input.fileHandleForWriting.close()
        #expect(process.terminationStatus == WorkerLaunch.ExitStatus.handshakeFailed.rawValue)
        #expect(worker.calls == 1)
    }

    @Test("the worker runtime calls the jobs' exit hook when its standard input closes")
    func exitHookOnStandardInputClosed() throws {
        let worker = try HookWorker()
        defer { try? FileManager.default.removeItem(atPath: worker.marker) }
        let (listener, port) = try Self.silentListener()
        defer { close(listener) }
        // Waits in the handshake with a silent peer until its standard input closes.
        let (process, input) = try worker.start(
            WorkerLaunch(endpoint: .connect(host: "127.0.0.1", port: port), connectTimeoutSeconds: 60)
        )
        usleep(300_000)
        #expect(process.isRunning)
        try input.fileHandleForWriting.close()
        #expect(ProcessHarness.waitUntilExit(process, timeout: .seconds(20)))
        #expect(process.terminationStatus == WorkerLaunch.ExitStatus.connectionLost.rawValue)
        #expect(worker.calls == 1)
    }

    @Test("the worker runtime calls the jobs' exit hook when the coordinator shuts it down", .timeLimit(.minutes(1)))
    func exitHookOnShutdown() async throws {
        let worker = try HookWorker()
        defer { try? FileManager.default.removeItem(atPath: worker.marker) }
        let options = try worker.options(workers: 2)
        try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(2)
            #expect(worker.calls == 0)
        }
        // withCluster returns once the launchers saw both processes end.
        #expect(worker.calls == 2)
    }

    @Test("the worker runtime calls the jobs' exit hook when a task runs past its timeout", .timeLimit(.minutes(1)))
    func exitHookOnTaskTimeout() async throws {
        let worker = try HookWorker()
        defer { try? FileManager.default.removeItem(atPath: worker.marker) }
        let options = try worker.options(workers: 1) { $0.scheduling.taskTimeout = 0.3 }
        try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(1)
            let results = cluster.map(Sleep.self, [5_000])
            // The first worker exits to stop the task; its hook has run by the time the launcher replaced it.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { for try await _ in results {} }
                let deadline = ContinuousClock.now + .seconds(20)
                while worker.calls < 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                group.cancelAll()
            }
        }
        let text = (try? String(contentsOfFile: worker.marker, encoding: .utf8)) ?? ""
        #expect(worker.calls >= 2, "hook lines: \(text)")
    }
}
