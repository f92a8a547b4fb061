import FanoutJobs
import FanoutProtocol
import FanoutWorker

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Test support: a worker whose registry holds a job with an exit hook, so tests can see the worker runtime call
// the hook on each way out. Usage: fanout-exit-hook-worker --marker PATH [fanout-worker arguments…]. Each call of
// the hook appends one line to PATH.

/// The path the hook writes to, set once from the command line before the worker starts.
nonisolated(unsafe) var markerPath = ""

/// A job that does nothing but tell, on the worker's way out, that the runtime called its hook.
enum ExitMarker: Job {
    static let name = "exit-marker"
    static func run(_ input: Int) throws -> Int { input }

    static func workerWillExit() {
        let descriptor = open(markerPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { return }
        let line = Array("worker-will-exit \(getpid())\n".utf8)
        _ = line.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2, arguments[0] == "--marker" else {
    let usage = Array("usage: fanout-exit-hook-worker --marker PATH [fanout-worker arguments…]\n".utf8)
    _ = usage.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
    exit(2)
}
markerPath = arguments[1]
arguments.removeFirst(2)
let status = await WorkerCommandLine.main(arguments: arguments, registry: JobRegistry.builtin.adding([ExitMarker.self]))
exit(status.rawValue)
