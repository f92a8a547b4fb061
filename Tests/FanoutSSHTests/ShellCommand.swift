import Foundation

/// Runs local helper programs (ssh-keygen, sshd, sha256sum, pgrep) for the fixtures.
///
/// Uses `posix_spawn` and `waitpid` directly: Foundation's `Process` on Linux can block reaping one long-lived
/// child (our sshd) while another (ssh-keygen) has exited, which hangs `waitUntilExit`.
enum ShellCommand {
    /// What a finished program printed and how it exited.
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Starts a program with standard input from /dev/null and its output sent to the given files.
    ///
    /// - Returns: The child's process ID; the caller must `waitpid` it.
    static func spawn(
        _ executable: String,
        _ arguments: [String],
        output: String = "/dev/null",
        errorOutput: String = "/dev/null"
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            throw FixtureError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Waits for a child to exit.
    ///
    /// - Returns: Its exit status (128 + signal when killed).
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Runs a program to completion.
    ///
    /// - Parameters:
    ///   - executable: The absolute path of the program.
    ///   - arguments: Its arguments.
    /// - Returns: Its output and exit status.
    /// - Throws: When the program cannot be started.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let base = NSTemporaryDirectory() + "fanout-shell-\(UUID().uuidString.prefix(8))"
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        let pid = try self.spawn(executable, arguments, output: base + ".out", errorOutput: base + ".err")
        let status = self.wait(pid)
        return Output(
            status: status,
            standardOutput: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        )
    }

    /// Runs a program that must succeed.
    ///
    /// - Returns: Its standard output.
    /// - Throws: `FixtureError` when it fails.
    @discardableResult
    static func check(_ executable: String, _ arguments: [String]) throws -> String {
        let output = try self.run(executable, arguments)
        guard output.status == 0 else {
            throw FixtureError("\(executable) \(arguments.joined(separator: " ")) failed: \(output.standardError)")
        }
        return output.standardOutput
    }
}

/// A fixture could not be set up.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
