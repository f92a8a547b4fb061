import CFanoutSpawn

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs one program to its end on the calling thread: no shell, no Foundation, output captured through pipes, under
/// a supervisor process (`fanout_spawn_supervised`) that stops its process group at the time limit and lets no
/// descendant outlive it, even when the worker is SIGKILLed.
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
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        let outputError = fanout_pipe(&outputPipe)
        guard outputError == 0 else { return Self.failedStart("pipe: \(Self.describe(outputError))") }
        let errorError = fanout_pipe(&errorPipe)
        guard errorError == 0 else {
            close(outputPipe[0])
            close(outputPipe[1])
            return Self.failedStart("pipe: \(Self.describe(errorError))")
        }
        let argv = self.arguments.map { Self.duplicate($0) } + [nil]
        let envp = Self.mergedEnvironment(self.environment).map { Self.duplicate($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var processID: pid_t = 0
        let error: Int32 = argv.withUnsafeBufferPointer { argvPointer in
            envp.withUnsafeBufferPointer { envpPointer in
                let file = argvPointer[0]!
                let argvBase = UnsafePointer(argvPointer.baseAddress!)
                let envpBase = UnsafePointer(envpPointer.baseAddress!)
                if let directory = self.directory {
                    return directory.withCString { directoryPointer in
                        fanout_spawn_supervised(
                            file,
                            argvBase,
                            envpBase,
                            directoryPointer,
                            outputPipe[1],
                            errorPipe[1],
                            &processID
                        )
                    }
                }
                return fanout_spawn_supervised(file, argvBase, envpBase, nil, outputPipe[1], errorPipe[1], &processID)
            }
        }
        close(outputPipe[1])
        close(errorPipe[1])
        guard error == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            let name = String(decoding: program, as: UTF8.self)
            return Self.failedStart("cannot run '\(name)': \(Self.describe(error))")
        }
        ExecProcessGroups.insert(processID)
        defer { ExecProcessGroups.remove(processID) }
        return self.collect(processID: processID, output: outputPipe[0], error: errorPipe[0])
    }

    private func collect(processID: pid_t, output: Int32, error: Int32) -> Ending {
        var ending = Ending()
        let start = Self.monotonicMilliseconds()
        // The limit arrives from the network: saturate rather than trap on a huge one.
        let (end, overflow) = start.addingReportingOverflow(Int64(clamping: self.timeoutMilliseconds))
        let deadline: Int64? = self.timeoutMilliseconds > 0 ? (overflow ? .max : end) : nil
        var killDeadline: Int64?
        var open: [Int32] = [output, error]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var status: Int32 = 0
        var reaped = false

        func enforceDeadline() -> Int32 {
            let now = Self.monotonicMilliseconds()
            // The supervisor passes SIGTERM on to the job's group, and on the second word kills every descendant.
            if let deadline, !ending.timedOut, now >= deadline {
                ending.timedOut = true
                fanout_supervisor_stop(processID)
                killDeadline = now + Self.terminationGraceMilliseconds
            }
            if let pending = killDeadline, now >= pending {
                fanout_supervisor_kill(processID)
                killDeadline = nil
            }
            let next = [killDeadline, ending.timedOut ? nil : deadline].compactMap { $0 }.min()
            return next.map { Int32(clamping: max(0, $0 - now)) } ?? -1
        }

        while !open.isEmpty {
            let wait = enforceDeadline()
            var descriptors = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), wait)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for descriptor in descriptors where descriptor.revents != 0 {
                let count = read(descriptor.fd, &buffer, buffer.count)
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 {
                    close(descriptor.fd)
                    open.removeAll { $0 == descriptor.fd }
                    continue
                }
                let captured = ending.standardOutput.count + ending.standardError.count
                let room = max(0, max(0, self.maximumOutputBytes) - captured)
                if count > room { ending.truncated = true }
                let kept = buffer[0..<min(count, room)]
                if descriptor.fd == output {
                    ending.standardOutput += kept
                } else {
                    ending.standardError += kept
                }
            }
        }
        for descriptor in open { close(descriptor) }
        // Output is closed; the program may still run (it closed its streams): wait, still under the time limit.
        while !reaped {
            // Without a time limit nothing else needs doing: block. With one, look every millisecond.
            let result = waitpid(processID, &status, deadline == nil ? 0 : WNOHANG)
            if result == processID {
                reaped = true
                break
            }
            if result < 0 && errno != EINTR { break }
            if result == 0 {
                _ = enforceDeadline()
                usleep(1_000)
            }
        }
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

    static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
