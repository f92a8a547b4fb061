import NIOConcurrencyHelpers
import Subprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A process that cancels the run's Slurm job when the coordinator goes, however it goes (SIGKILL included).
///
/// It is `sh` in a session of its own (Ctrl-C in the terminal does not reach it) reading a pipe whose only writer is
/// the coordinator: when the coordinator closes it or dies, the read ends and `scancel --name` cancels the job,
/// pending or running. The job is known by its name, so the watchdog can run before `salloc` has printed an id.
final class SlurmWatchdog: Sendable {
    /// The watchdog's script: the job name is `$1`, never part of the script.
    static let script = "read -r _; exec scancel --quiet --name=\"$1\""

    private let writeEnd: NIOLockedValueBox<Int32>

    /// Starts the watchdog for `jobName`.
    /// - Throws: ``SlurmError`` with code `commandMissing` when it cannot start.
    init(jobName: String) async throws(SlurmError) {
        var ends: [Int32] = [-1, -1]
        // Both ends close on exec: no other child may hold the writer, or the watchdog would outlive us.
        guard pipe(&ends) == 0, fcntl(ends[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(ends[1], F_SETFD, FD_CLOEXEC) == 0
        else {
            throw SlurmError(.commandMissing, "cannot make the watchdog's pipe: errno \(errno)")
        }
        do {
            // `setsid --fork`: the watchdog leaves our process group and session; the setsid process itself exits
            // at once, so this returns as soon as the watchdog runs.
            _ = try await Subprocess.run(
                .name("setsid"),
                arguments: ["--fork", "sh", "-c", Self.script, "sh", jobName],
                input: .fileDescriptor(FileDescriptor(rawValue: ends[0]), closeAfterSpawningProcess: true),
                output: .discarded,
                error: .discarded
            )
        } catch {
            close(ends[1])
            throw SlurmError(.commandMissing, "cannot start the Slurm job watchdog (setsid, sh): \(error)")
        }
        self.writeEnd = NIOLockedValueBox(ends[1])
    }

    /// Lets the watchdog cancel the job now (it also does when the process ends).
    func release() {
        self.writeEnd.withLockedValue { descriptor in
            guard descriptor >= 0 else { return }
            close(descriptor)
            descriptor = -1
        }
    }

    deinit {
        self.release()
    }
}
