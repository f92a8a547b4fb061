import FanoutTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `fanout exec` under attack (issue 12): a lying worker choosing where returned files go and sending impossible
/// numbers, another user of a shared host planting the staging root, hostile option values, and job descendants
/// that try to outlive a SIGKILLed worker. Every test performs the attack with real processes and real files.
extension IntegrationSuite {
    /// A scratch tree: `work/` where `fanout exec` runs, `outside/` beside it, `tmp/` (mode 1777) for `$TMPDIR`.
    struct ExecScratch {
        let root: String
        var work: String { self.root + "/work" }
        var outside: String { self.root + "/outside" }
        var temporary: String { self.root + "/tmp" }

        init(_ name: String) throws {
            self.root = try IntegrationSuite.scratchDirectory("security-\(name)")
            for directory in [self.work, self.outside, self.temporary] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            chmod(self.root, 0o755)
            chmod(self.temporary, 0o1777)
        }

        func remove() { _ = try? ProcessHarness.run("/bin/rm", ["-rf", self.root]) }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Runs `fanout exec` with `$TMPDIR` set, so the local worker stages below `temporary`.
    static func execute(
        _ arguments: [String],
        in directory: String,
        temporary: String
    ) throws
        -> ProcessHarness.Output
    {
        try ProcessHarness.run(
            "/usr/bin/env",
            ["TMPDIR=\(temporary)", try Self.product("fanout"), "exec"] + arguments,
            directory: directory,
            timeout: .seconds(120)
        )
    }

    /// A `fanout` whose local workers are `fanout-malicious-worker`: the real coordinator and the malicious
    /// worker, hard-linked side by side as `fanout` and `fanout-worker` (so the coordinator hashes the binary it
    /// launches, as it does for the real one). Run it through ``runWithLyingWorkers(_:_:in:attack:)``.
    static func fanoutWithLyingWorkers(in directory: String) throws -> String {
        let bin = directory + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for (product, name) in [(try Self.product("fanout"), "fanout"), (try MaliciousWorker.path(), "fanout-worker")] {
            let real = URL(fileURLWithPath: product).resolvingSymlinksInPath().path
            if link(real, bin + "/" + name) != 0 {
                try FileManager.default.copyItem(atPath: real, toPath: bin + "/" + name)
            }
        }
        return bin + "/fanout"
    }

    /// Runs `fanout exec` with lying local workers running the `exec-lies` attack with `attack` arguments.
    static func runWithLyingWorkers(
        _ fanout: String,
        _ arguments: [String],
        in directory: String,
        attack: [String]
    ) throws -> ProcessHarness.Output {
        try ProcessHarness.run(
            "/usr/bin/env",
            ["FANOUT_ATTACK=exec-lies", "FANOUT_ATTACK_ARGS=\(attack.joined(separator: ","))", fanout, "exec"]
                + arguments,
            directory: directory,
            timeout: .seconds(120)
        )
    }

    @Test("exec: a worker returning ../escape, /tmp/absolute and an unrequested name writes nothing at all")
    func execLyingWorkerCannotChooseWhereFilesGo() throws {
        let scratch = try ExecScratch("returns")
        defer { scratch.remove() }
        let prefix = "fanout-lies-\(getpid())-\(Int.random(in: 0...999_999))"
        defer { unlink("/tmp/\(prefix)-absolute") }
        let fanout = try Self.fanoutWithLyingWorkers(in: scratch.root)
        for options in [["--return", "asked.txt"], []] {
            let run = try Self.runWithLyingWorkers(
                fanout,
                ["-j", "1"] + options + ["--", "true", ":::", "1"],
                in: scratch.work,
                attack: ["returns", prefix]
            )
            #expect(run.status == 1, "\(options): \(run.standardError)")
            #expect(run.standardOutput.contains("lied 1"), "the lying worker did not answer: \(run.standardError)")
            #expect(run.standardError.contains("nothing written"), "\(run.standardError)")
            #expect(run.standardError.contains("worker local-1"), "the message does not name the worker")
            #expect(!Self.exists(scratch.root + "/\(prefix)-escape"), "a returned file escaped with ../")
            #expect(!Self.exists("/tmp/\(prefix)-absolute"), "a returned file was written at an absolute path")
            #expect(!Self.exists(scratch.work + "/\(prefix)-unrequested"), "an unrequested file was written")
            #expect(!Self.exists(scratch.work + "/asked.txt"), "a refused answer still wrote a file")
        }
    }

    @Test("exec: a worker's start time of Int64.max and other impossible numbers fail the job, not the coordinator")
    func execLyingWorkerNumbersAreRangeChecked() throws {
        let scratch = try ExecScratch("numbers")
        defer { scratch.remove() }
        let fanout = try Self.fanoutWithLyingWorkers(in: scratch.root)
        let run = try Self.runWithLyingWorkers(
            fanout,
            ["-j", "1", "--joblog", "jobs.tsv", "--results", "results", "--", "true", ":::", "1", "2"],
            in: scratch.work,
            attack: ["numbers"]
        )
        #expect(run.status == 1, "the coordinator did not finish normally: \(run.status) \(run.standardError)")
        #expect(run.standardError.contains("out of range"), "\(run.standardError)")
        #expect(run.standardError.contains("2 of 2 jobs failed"), "\(run.standardError)")
        let log = try String(contentsOfFile: scratch.work + "/jobs.tsv", encoding: .utf8)
        #expect(log.split(separator: "\n").count == 3, "\(log)")
    }

    @Test("exec: --timeout, --jobs and --retries outside their ranges exit 2 naming the option and the range")
    func execOptionRanges() throws {
        let scratch = try ExecScratch("options")
        defer { scratch.remove() }
        let cases: [([String], String)] = [
            (["--timeout", "1e300"], "--timeout"), (["--timeout", "inf"], "--timeout"),
            (["--timeout", "nan"], "--timeout"), (["--timeout", "1e16"], "--timeout"),
            (["--timeout=-1"], "--timeout"), (["--timeout", "0"], "--timeout"),
            (["-j", "1e16"], "--jobs"), (["-j", "0"], "--jobs"), (["-j", "99999999999999999999"], "--jobs"),
            (["--retries", "1e3"], "--retries"), (["--retries", "101"], "--retries"),
        ]
        for (options, name) in cases {
            let run = try Self.execute(options + ["--", "true", ":::", "1"], in: scratch.work, temporary: "/tmp")
            #expect(run.status == 2, "\(options): status \(run.status), \(run.standardError)")
            #expect(
                run.standardError.contains(name) && run.standardError.contains(" to "),
                "\(options): \(run.standardError)"
            )
        }
        let fine = try Self.execute(
            ["--timeout", "30", "-j", "2", "--retries", "1", "--", "true", ":::", "1"],
            in: scratch.work,
            temporary: "/tmp"
        )
        #expect(fine.status == 0, "\(fine.standardError)")
    }

    @Test("exec: --return paths that are absolute or climb out with .. are refused before anything runs")
    func execReturnPathsCheckedAtPlanTime() throws {
        let scratch = try ExecScratch("return-plan")
        defer { scratch.remove() }
        for (options, inputs) in [
            (["--return", "/tmp/fanout-abs"], ["1"]), (["--return", "../escape"], ["1"]),
            (["--return", "out/../../escape"], ["1"]), (["--return", "{}.out"], ["ok", "../../escape"]),
        ] {
            let run = try Self.execute(
                options + ["--", "touch", "ran"] + [":::"] + inputs,
                in: scratch.work,
                temporary: scratch.temporary
            )
            #expect(run.status == 2, "\(options) \(inputs): \(run.standardError)")
            #expect(run.standardError.contains("--return"), "\(run.standardError)")
            #expect(!Self.exists(scratch.work + "/ran"), "a job ran although the plan was refused")
        }
    }

    @Test("exec: a returned file is never written through a link planted in this directory")
    func execReturnDoesNotFollowPlantedLink() throws {
        let scratch = try ExecScratch("return-link")
        defer { scratch.remove() }
        try #require(symlink(scratch.outside, scratch.work + "/out") == 0)
        let run = try Self.execute(
            ["--return", "out/result.txt", "--", "/bin/sh", "-c", "mkdir out && echo hi > out/result.txt", ":::", "1"],
            in: scratch.work,
            temporary: scratch.temporary
        )
        #expect(run.status == 1, "\(run.standardError)")
        #expect(run.standardError.contains("symbolic link"), "\(run.standardError)")
        #expect(!Self.exists(scratch.outside + "/result.txt"), "the returned file went through the planted link")
    }

    @Test("exec: no descendant of a job survives kill -9 of its worker, even one that double-forked and setsid")
    func execDescendantsDieWithKilledWorker() throws {
        let scratch = try ExecScratch("descendants")
        defer { scratch.remove() }
        let pidFile = scratch.work + "/grandchild.pid"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.product("fanout"))
        // The job starts a new session whose shell puts `sleep 300` in the background and exits: the sleep is an
        // orphan in another session and process group than the job's.
        process.arguments = [
            "exec", "-j", "1", "--", "/bin/sh", "-c",
            "setsid /bin/sh -c 'sleep 300 & echo $! > \"$1\"' x \"$1\" & wait; sleep 300", "job", pidFile, ":::", "1",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: scratch.work)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var grandchild: Int32?
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            if let grandchild, ProcessHarness.isRunning(grandchild) { kill(grandchild, SIGKILL) }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while grandchild == nil, ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? ""
            grandchild = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            if grandchild == nil { usleep(20_000) }
        }
        let orphan = try #require(grandchild, "the job did not start its grandchild")
        try #require(ProcessHarness.isRunning(orphan))
        let workers = ProcessHarness.children(of: process.processIdentifier)
        try #require(!workers.isEmpty, "no local worker process found")
        for worker in workers { kill(worker, SIGKILL) }
        #expect(
            ProcessHarness.waitForExit(of: [orphan], timeout: .seconds(5)) != nil,
            "the double-forked, setsid grandchild \(orphan) outlived its SIGKILLed worker"
        )
    }

    @Test("exec: a job that swaps its directory for a link before --cleanup does not get the link's target deleted")
    func execCleanupNeverFollowsSwappedLink() throws {
        let scratch = try ExecScratch("cleanup-link")
        defer { scratch.remove() }
        let precious = scratch.outside + "/precious.txt"
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: precious))
        try Data("base\n".utf8).write(to: URL(fileURLWithPath: scratch.work + "/base.txt"))
        let run = try Self.execute(
            [
                "--basefile", "base.txt", "--cleanup", "--", "/bin/sh", "-c",
                "d=$(pwd); cd /; mv \"$d\" \"$d.moved\" && ln -s \"$1\" \"$d\"", "job", scratch.outside, ":::", "1",
            ],
            in: scratch.work,
            temporary: scratch.temporary
        )
        #expect(run.status == 0, "\(run.standardError)")
        #expect(Self.exists(precious), "--cleanup followed the swapped-in link and deleted its target's files")
    }

    /// A second Unix user for the shared-host tests, removed afterwards.
    struct OtherUser {
        static let name = "fanout-mallory-x"
        let uid: String
        let gid: String

        init() throws {
            if (try? ProcessHarness.run("/usr/bin/id", ["-u", Self.name]))?.status != 0 {
                let added = try ProcessHarness.run(
                    "/usr/sbin/useradd",
                    ["-M", "-N", "-r", "-s", "/usr/sbin/nologin", Self.name]
                )
                try #require(added.status == 0, "useradd: \(added.standardError)")
            }
            self.uid = try ProcessHarness.run("/usr/bin/id", ["-u", Self.name]).standardOutput
                .trimmingCharacters(in: .whitespacesAndNewlines)
            self.gid = try ProcessHarness.run("/usr/bin/id", ["-g", Self.name]).standardOutput
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Runs a shell script as this user.
        func run(_ script: String) throws -> ProcessHarness.Output {
            try ProcessHarness.run(
                "/usr/bin/setpriv",
                ["--reuid=\(self.uid)", "--regid=\(self.gid)", "--clear-groups", "--", "/bin/sh", "-c", script]
            )
        }

        /// Starts a shell script as this user in the background.
        func start(_ script: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = [
                "--reuid=\(self.uid)", "--regid=\(self.gid)", "--clear-groups", "--", "/bin/sh", "-c", script,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }

        func remove() { _ = try? ProcessHarness.run("/usr/sbin/userdel", [Self.name]) }
    }

    @Test(
        "exec: a staging root another user created, with a planted cache entry, is refused: the planted bytes never run",
        .enabled(if: getuid() == 0, "needs root to create a second Unix user (CI runs as root)")
    )
    func execStagingRootPlantedByAnotherUser() throws {
        let scratch = try ExecScratch("planted-root")
        defer { scratch.remove() }
        let mallory = try OtherUser()
        defer { mallory.remove() }
        let script = "echo good\n"
        try Data(script.utf8).write(to: URL(fileURLWithPath: scratch.work + "/job.sh"))
        let digest = String(
            try ProcessHarness.run("/usr/bin/sha256sum", [scratch.work + "/job.sh"]).standardOutput.prefix(64)
        )
        let root = scratch.temporary + "/fanout-exec-\(getuid())"
        let pwned = scratch.outside + "/pwned"
        let planted = try mallory.run(
            "mkdir -m 777 '\(root)' '\(root)/jobs' '\(root)/cache' && printf 'touch \(pwned)\\n' > '\(root)/cache/\(digest)'"
                + " && chmod 444 '\(root)/cache/\(digest)'"
        )
        try #require(planted.status == 0, "\(planted.standardError)")
        let run = try Self.execute(
            ["--basefile", "job.sh", "--", "/bin/sh", "job.sh", ":::", "1"],
            in: scratch.work,
            temporary: scratch.temporary
        )
        #expect(run.status == 1, "\(run.standardError)")
        #expect(
            run.standardError.contains("staging root \(root) is owned by uid \(mallory.uid), not you: refusing"),
            "\(run.standardError)"
        )
        #expect(!Self.exists(pwned), "the job ran the bytes another user planted in the cache")
        #expect(!run.standardOutput.contains("good"))

        // The same root made ours but left open to others is refused too.
        _ = try ProcessHarness.run("/bin/rm", ["-rf", root])
        try #require(mkdir(root, 0o755) == 0 && chmod(root, 0o755) == 0)
        let open = try Self.execute(
            ["--basefile", "job.sh", "--", "/bin/sh", "job.sh", ":::", "1"],
            in: scratch.work,
            temporary: scratch.temporary
        )
        #expect(open.status == 1)
        #expect(open.standardError.contains("has mode 0755"), "\(open.standardError)")
    }

    @Test(
        "exec: another user's staging root with jobs swapped for links never gets the victim's files deleted",
        .enabled(if: getuid() == 0, "needs root to create a second Unix user (CI runs as root)")
    )
    func execStagingSwappedLinksCannotDeleteVictimFiles() throws {
        let scratch = try ExecScratch("swapped-root")
        defer { scratch.remove() }
        let mallory = try OtherUser()
        defer { mallory.remove() }
        let precious = scratch.outside + "/precious.txt"
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: precious))
        try Data("base\n".utf8).write(to: URL(fileURLWithPath: scratch.work + "/base.txt"))
        let root = scratch.temporary + "/fanout-exec-\(getuid())"
        try #require(try mallory.run("mkdir -m 777 '\(root)' '\(root)/jobs' '\(root)/cache'").status == 0)
        // Mallory swaps every job directory that appears for a link to the victim's files.
        let swapper = try mallory.start(
            "cd '\(root)/jobs' && while :; do for d in *; do [ -d \"$d\" ] && [ ! -L \"$d\" ] && "
                + "mv \"$d\" \"$d.x\" && ln -s '\(scratch.outside)' \"$d\"; done; sleep 0.01; done"
        )
        defer {
            kill(swapper.processIdentifier, SIGKILL)
            swapper.waitUntilExit()
        }
        let run = try Self.execute(
            ["--basefile", "base.txt", "--cleanup", "--", "sleep", "0.5", ":::", "1"],
            in: scratch.work,
            temporary: scratch.temporary
        )
        #expect(run.status == 1, "\(run.standardError)")
        #expect(run.standardError.contains("not you: refusing"), "\(run.standardError)")
        #expect(Self.exists(precious), "the victim's file was deleted through a swapped-in link")

        // A root that is a link to the victim's directory is refused, not followed.
        _ = try ProcessHarness.run("/bin/rm", ["-rf", root])
        try #require(try mallory.run("ln -s '\(scratch.outside)' '\(root)'").status == 0)
        let linked = try Self.execute(
            ["--basefile", "base.txt", "--cleanup", "--", "true", ":::", "1"],
            in: scratch.work,
            temporary: scratch.temporary
        )
        #expect(linked.status == 1)
        #expect(
            linked.standardError.contains("is a symbolic link or not a directory: refusing"),
            "\(linked.standardError)"
        )
        #expect(!Self.exists(scratch.outside + "/jobs"), "the staging root's link was followed")
    }
}
