import CFanoutSpawn

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs one program to its end on the calling thread: no shell, no Foundation, under a supervisor process
/// (`fanout_run_job`, sharing the worker's memory) that captures its output, stops its process group at the time
/// limit, and lets no descendant outlive it, even when the worker is SIGKILLed.
struct ExecProcess {
    /// What the program did.
    struct Ending {
        var standardOutput: [UInt8] = []
        var standardError: [UInt8] = []
        var exitStatus: Int32 = 0
        var signal: Int32 = 0
        var timedOut = false
        /// Output past the byte limit was dropped.
        var truncated = false
    }

    /// How long a job stopped by its timeout gets between SIGTERM and SIGKILL.
    static let terminationGraceMilliseconds: Int64 = 1_000

    var arguments: [[UInt8]]
    var environment: [[UInt8]]
    var directory: String?
    var timeoutMilliseconds: UInt64
    var maximumOutputBytes: Int

    /// Starts the program and waits for it.
    /// - Returns: Its output and status; a program that cannot start ends with status 127 and a line on stderr.
    func run() -> Ending {
        guard let program = self.arguments.first, !program.isEmpty else {
            return Self.failedStart("no program given")
        }
        if self.arguments.contains(where: { $0.contains(0) }) {
            return Self.failedStart("an argument contains a NUL byte, which no program can receive")
        }
        let argv = self.arguments.map { Self.duplicate($0) } + [nil]
        let envp = Self.mergedEnvironment(self.environment).map { Self.duplicate($0) } + [nil]
        let directory = self.directory.flatMap { Self.duplicate(Array($0.utf8)) }
        let job = UnsafeMutablePointer<fanout_job>.allocate(capacity: 1)
        job.initialize(to: fanout_job())
        defer {
            fanout_job_release(job)
            job.deallocate()
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
            if let directory { free(directory) }
        }
        let error: Int32 = argv.withUnsafeBufferPointer { argvPointer in
            envp.withUnsafeBufferPointer { envpPointer in
                job.pointee.file = UnsafePointer(argvPointer[0]!)
                job.pointee.argv = UnsafePointer(argvPointer.baseAddress!)
                job.pointee.envp = UnsafePointer(envpPointer.baseAddress!)
                job.pointee.directory = directory.map { UnsafePointer($0) }
                // The limit arrives from the network: clamped, it cannot overflow the supervisor's deadline.
                job.pointee.timeout_ms = Int64(clamping: min(self.timeoutMilliseconds, 1 << 50))
                job.pointee.grace_ms = Self.terminationGraceMilliseconds
                job.pointee.maximum_output = max(0, self.maximumOutputBytes)
                ExecProcessGroups.insert(job)
                defer { ExecProcessGroups.remove(job) }
                return fanout_run_job(job)
            }
        }
        guard error == 0 else { return Self.failedStart("cannot start the job's supervisor: \(Self.describe(error))") }
        guard job.pointee.spawn_error == 0 else {
            let name = String(decoding: program, as: UTF8.self)
            return Self.failedStart("cannot run '\(name)': \(Self.describe(job.pointee.spawn_error))")
        }
        var ending = Ending()
        if let bytes = job.pointee.stdout_bytes {
            ending.standardOutput = Array(UnsafeBufferPointer(start: bytes, count: job.pointee.stdout_length))
        }
        if let bytes = job.pointee.stderr_bytes {
            ending.standardError = Array(UnsafeBufferPointer(start: bytes, count: job.pointee.stderr_length))
        }
        ending.timedOut = job.pointee.timed_out != 0
        ending.truncated = job.pointee.truncated != 0
        let status = job.pointee.status
        if (status & 0x7f) == 0 {
            ending.exitStatus = (status >> 8) & 0xff
        } else {
            ending.signal = status & 0x7f
            ending.exitStatus = -1
        }
        if ending.truncated {
            ending.standardError += Array(
                "fanout-worker: output past \(self.maximumOutputBytes) bytes was dropped (limits.max_frame_bytes)\n"
                    .utf8
            )
        }
        if ending.timedOut {
            ending.standardError += Array(
                "fanout-worker: stopped after the --timeout of \(Double(self.timeoutMilliseconds) / 1000) s\n".utf8
            )
        }
        return ending
    }

    private static func failedStart(_ reason: String) -> Ending {
        Ending(standardError: Array("fanout-worker: \(reason)\n".utf8), exitStatus: 127)
    }

    /// The worker's environment with `extra` entries added or replacing those of the same name.
    static func mergedEnvironment(_ extra: [[UInt8]]) -> [[UInt8]] {
        func name(_ entry: [UInt8]) -> ArraySlice<UInt8> {
            entry.prefix { $0 != UInt8(ascii: "=") }
        }
        let replaced = Set(extra.map { Array(name($0)) })
        var entries: [[UInt8]] = []
        var pointer = environ
        while let entry = pointer.pointee {
            let bytes = Array(UnsafeRawBufferPointer(start: entry, count: strlen(entry)))
            if !replaced.contains(Array(name(bytes))) { entries.append(bytes) }
            pointer += 1
        }
        return entries + extra
    }

    private static func duplicate(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar>? {
        let pointer = malloc(bytes.count + 1)!.assumingMemoryBound(to: CChar.self)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { memcpy(pointer, base, bytes.count) }
        }
        pointer[bytes.count] = 0
        return pointer
    }

    static func describe(_ error: Int32) -> String {
        guard let text = strerror(error) else { return "errno \(error)" }
        return String(cString: text)
    }
}
