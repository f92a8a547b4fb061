import FanoutJobs
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `exec` job run in-process: argv byte for byte, exit statuses, time limits, staging and returned files.
@Suite struct ExecJobTests {
    private static func words(_ arguments: [String]) -> [ExecWord] { arguments.map { ExecWord(Array($0.utf8)) } }

    /// A program that prints each of its arguments as hex on its own line (an empty argument: an empty line).
    static let hexArguments = [
        "/bin/sh", "-c", "for a in \"$@\"; do printf %s \"$a\" | od -An -tx1 -v | tr -d ' \\n'; echo; done", "hex",
    ]

    static func hex(_ text: String) -> String {
        text.utf8.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    @Test func argumentsArriveByteForByte() throws {
        let torture = [
            "a b", "it's", "\"double\"", "$(touch /tmp/fanout-exec-pwned)", "`id`", "line\nbreak", "tab\there",
            "Grüße ✓ 日本", "", "*", "~", "-n", "\\", "; exit 3",
        ]
        let output = try Exec.run(ExecInput(arguments: Self.words(Self.hexArguments + torture), sequence: 1))
        #expect(output.exitStatus == 0, "\(String(decoding: output.standardError, as: UTF8.self))")
        let lines = String(decoding: output.standardOutput, as: UTF8.self).split(
            separator: "\n",
            omittingEmptySubsequences: false
        ).dropLast()
        #expect(lines.map(String.init) == torture.map(Self.hex))
        #expect(access("/tmp/fanout-exec-pwned", F_OK) != 0)
    }

    @Test func exitStatusOutputAndMissingProgram() throws {
        let failing = try Exec.run(
            ExecInput(arguments: Self.words(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"]), sequence: 5)
        )
        #expect(failing.exitStatus == 3)
        #expect(failing.standardOutput == Array("out\n".utf8))
        #expect(failing.standardError == Array("err\n".utf8))
        #expect(!failing.succeeded)

        let missing = try Exec.run(ExecInput(arguments: Self.words(["no-such-program-anywhere"]), sequence: 1))
        #expect(missing.exitStatus == 127)
        #expect(String(decoding: missing.standardError, as: UTF8.self).contains("No such file or directory"))

        let environment = try Exec.run(
            ExecInput(
                arguments: Self.words(["sh", "-c", "echo \"$PARALLEL_SEQ $FANOUT_TEST_VALUE\""]),
                environment: [Array("FANOUT_TEST_VALUE=x y".utf8)],
                sequence: 9
            )
        )
        #expect(environment.standardOutput == Array("9 x y\n".utf8))
    }

    @Test func timeoutKillsTheWholeProcessGroup() throws {
        let marker = "/tmp/fanout-exec-timeout-\(getpid())"
        let started = ContinuousClock.now
        // The background child would outlive a kill of the shell alone; the group kill takes it too.
        let output = try Exec.run(
            ExecInput(
                arguments: Self.words(["/bin/sh", "-c", "(sleep 30; touch \(marker)) & sleep 30"]),
                sequence: 1,
                timeoutMilliseconds: 300
            )
        )
        #expect(output.timedOut)
        #expect(output.signal == SIGTERM)
        #expect(!output.succeeded)
        #expect(ContinuousClock.now - started < .seconds(20))
        let processes = try Exec.run(
            ExecInput(
                arguments: Self.words(["/bin/sh", "-c", "sleep 0.3; pgrep -f 'sleep 30[;] touch \(marker)' || true"]),
                sequence: 1
            )
        )
        #expect(processes.standardOutput.isEmpty, "the background child survived the timeout")
    }

    @Test func stagedFilesAndReturnedFilesAreByteIdentical() throws {
        let contents: [UInt8] = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let digest = try #require(
            try Exec.run(
                ExecInput(
                    arguments: Self.words(["/bin/sh", "-c", "cat data/in.bin | sha256sum | cut -c1-64 | tr -d '\\n'"]),
                    sequence: 1,
                    files: [
                        StagedFile(
                            path: Array("data/in.bin".utf8),
                            digest: Self.sha256(contents),
                            contents: contents,
                            isBasefile: false
                        )
                    ],
                    returns: [],
                    cleanup: true
                )
            ).standardOutput as [UInt8]?
        )
        #expect(String(decoding: digest, as: UTF8.self) == Self.sha256(contents))

        let output = try Exec.run(
            ExecInput(
                arguments: Self.words(["/bin/sh", "-c", "cp data/in.bin out.bin && pwd"]),
                sequence: 2,
                runID: "test",
                files: [
                    StagedFile(
                        path: Array("data/in.bin".utf8),
                        digest: Self.sha256(contents),
                        contents: contents,
                        isBasefile: false
                    )
                ],
                returns: [Array("out.bin".utf8), Array("missing.bin".utf8)],
                cleanup: true
            )
        )
        #expect(output.returned.count == 2)
        #expect(output.returned[0].contents == contents)
        #expect(output.returned[1].contents == nil)
        #expect(!output.succeeded)
        let directory = String(decoding: output.standardOutput.dropLast(), as: UTF8.self)
        #expect(directory.contains("/fanout-exec-\(getuid())/jobs/test-2-"))
        #expect(access(directory, F_OK) != 0, "--cleanup left \(directory)")

        let bad = try Exec.run(
            ExecInput(
                arguments: Self.words(["true"]),
                sequence: 3,
                files: [StagedFile(path: Array("x".utf8), digest: "00", contents: contents, isBasefile: false)]
            )
        )
        #expect(bad.stagingError?.contains("SHA-256") == true)
    }

    @Test func noDescendantOutlivesItsJob() throws {
        let pidFile = "/tmp/fanout-exec-orphan-\(getpid())-\(Int.random(in: 0...999_999))"
        defer { unlink(pidFile) }
        // A grandchild in a session of its own, orphaned when its parent exits: only the supervisor, its
        // subreaper, can still find it.
        let output = try Exec.run(
            ExecInput(
                arguments: Self.words([
                    "/bin/sh", "-c", "setsid /bin/sh -c 'sleep 300 & echo $! > \"$1\"' x \"$1\" & wait", "job", pidFile,
                ]),
                sequence: 1
            )
        )
        #expect(output.exitStatus == 0, "\(String(decoding: output.standardError, as: UTF8.self))")
        let file = try #require(fopen(pidFile, "r"), "the job did not start its grandchild")
        var buffer = [CChar](repeating: 0, count: 32)
        fgets(&buffer, 32, file)
        fclose(file)
        let orphan = try #require(
            Int32(String(decoding: buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        )
        let alive = kill(orphan, 0) == 0
        if alive { kill(orphan, SIGKILL) }
        #expect(!alive, "the double-forked, setsid grandchild \(orphan) outlived its job")
    }

    @Test func hostileLimitsFromTheWireDoNotTrap() throws {
        let output = try Exec.run(
            ExecInput(
                arguments: Self.words(["/bin/sh", "-c", "echo hi"]),
                sequence: 1,
                timeoutMilliseconds: UInt64.max,
                maximumOutputBytes: Int.min
            )
        )
        #expect(output.exitStatus == 0)
        #expect(!output.timedOut)
        #expect(output.standardOutput.isEmpty)
        #expect(output.stagingError == "output too large")
    }

    @Test func aCacheEntryWithOtherBytesIsNotUsed() throws {
        let contents = Array("echo genuine \(getpid()) \(Int.random(in: 0...999_999_999))\n".utf8)
        let digest = Self.sha256(contents)
        let cache = "/tmp/fanout-exec-\(getuid())/cache"
        // The first job creates the staging tree; then the cache entry is replaced by other bytes (a torn write, or
        // bytes someone managed to plant) under the same name.
        let file = StagedFile(path: Array("job.sh".utf8), digest: digest, contents: contents, isBasefile: true)
        let first = try Exec.run(ExecInput(arguments: Self.words(["/bin/sh", "job.sh"]), sequence: 1, files: [file]))
        #expect(first.standardOutput == Array(contents.dropFirst(5)))
        let entry = cache + "/" + digest
        unlink(entry)
        let planted = fopen(entry, "w")!
        fputs("echo planted\n", planted)
        fclose(planted)
        chmod(entry, 0o444)
        defer { unlink(entry) }
        let second = try Exec.run(
            ExecInput(arguments: Self.words(["/bin/sh", "job.sh"]), sequence: 2, files: [file], cleanup: true)
        )
        #expect(second.standardOutput == Array(contents.dropFirst(5)), "the job ran a cache entry with other bytes")
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        // Computed by the system's sha256sum, independent of the code under test.
        let path = "/tmp/fanout-exec-sha-\(getpid())-\(bytes.count)"
        let file = fopen(path, "wb")!
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, file) }
        fclose(file)
        defer { unlink(path) }
        let pipe = popen("sha256sum \(path)", "r")!
        var buffer = [CChar](repeating: 0, count: 128)
        fgets(&buffer, 128, pipe)
        pclose(pipe)
        return String(decoding: buffer.prefix { $0 != 0 }.prefix(64).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
