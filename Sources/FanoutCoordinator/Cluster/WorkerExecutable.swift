import FanoutProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The program the coordinator starts as a local worker.
public struct WorkerExecutable: Sendable, Equatable {
    /// Absolute path of the executable.
    public var path: String
    /// Arguments placed before the worker's own (e.g. the embedded-worker flag).
    public var leadingArguments: [String]

    /// Creates a description of a worker executable.
    public init(path: String, leadingArguments: [String] = []) {
        self.path = path
        self.leadingArguments = leadingArguments
    }

    /// `fanout-worker` next to the running executable, the layout `swift build` and installs produce.
    /// - Returns: The executable description.
    public static func besideCurrentExecutable(named name: String = "fanout-worker") -> WorkerExecutable {
        WorkerExecutable(path: Self.currentExecutableDirectory() + "/" + name)
    }

    /// The running program itself, started with the embedded-worker flag: for programs that define their own jobs
    /// and call `WorkerCommandLine.runIfRequested(registry:)` first thing in `main`.
    public static var currentProcessEmbedded: WorkerExecutable {
        WorkerExecutable(path: Self.currentExecutablePath(), leadingArguments: [WorkerLaunch.embeddedWorkerFlag])
    }

    /// The directory holding the running executable (where `swift build` puts its sibling products).
    public static func currentExecutableDirectory() -> String {
        Self.parent(of: Self.currentExecutablePath())
    }

    /// A path without its last component.
    static func parent(of path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    }

    static func currentExecutablePath() -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) { readlink("/proc/self/exe", $0.baseAddress!, $0.count - 1) }
        }
        if count > 0 { return String(decoding: buffer[0..<count], as: UTF8.self) }
        return CommandLine.arguments.first ?? "fanout"
    }
}
