import FanoutJobs
import FanoutSessions
import Foundation
import Testing

/// The exec planner on plain values: the jobs its sources make, the replacement strings, the files it stages and
/// returns, and every problem it must find before a job runs.
@Suite("ExecJobPlan: sources, replacement strings, staging and --return checks")
struct ExecJobPlanTests {
    static let frame = 16 << 20

    static func plan(_ request: ExecPlanRequest, frame: Int = Self.frame) throws -> ExecJobPlan {
        try ExecJobPlan(request, maximumFrameBytes: frame)
    }

    static func problem(_ request: ExecPlanRequest, frame: Int = Self.frame) -> ExecSessionError? {
        do {
            _ = try ExecJobPlan(request, maximumFrameBytes: frame)
            return nil
        } catch {
            return error
        }
    }

    static func arguments(_ plan: ExecJobPlan, _ sequence: Int, slot: Int = 1) -> [String] {
        plan.makeInput(sequence: sequence).input.arguments.map {
            String(decoding: $0.resolved(slot: slot), as: UTF8.self)
        }
    }

    @Test("several sources make their cartesian product, the first varying slowest")
    func cartesianProduct() throws {
        let plan = try Self.plan(
            ExecPlanRequest(command: ["echo", "{1}", "{2}"], sources: sources(["a", "b"], ["x", "y", "z"]))
        )
        #expect(plan.jobCount == 6)
        let jobs = (1...6).map { plan.inputs(of: $0).map { String(decoding: $0, as: UTF8.self) } }
        #expect(jobs == [["a", "x"], ["a", "y"], ["a", "z"], ["b", "x"], ["b", "y"], ["b", "z"]])
        #expect(Self.arguments(plan, 5) == ["echo", "b", "y"])
    }

    @Test("an empty source makes no jobs; no source at all makes one")
    func emptySources() throws {
        #expect(try Self.plan(ExecPlanRequest(command: ["true"], sources: sources(["a"], []))).jobCount == 0)
        #expect(try Self.plan(ExecPlanRequest(command: ["true"], sources: [])).jobCount == 1)
    }

    @Test("replacement strings are filled from the job's input, {#} with its sequence number, {%} with the slot")
    func replacementStrings() throws {
        let plan = try Self.plan(
            ExecPlanRequest(
                command: ["run", "{}", "{.}", "{/}", "{//}", "{/.}", "{#}", "{%}", "x{1}y", "{1/.}"],
                sources: sources(["dir/sub/file.tar.gz"])
            )
        )
        #expect(
            Self.arguments(plan, 1, slot: 3) == [
                "run", "dir/sub/file.tar.gz", "dir/sub/file.tar", "file.tar.gz", "dir/sub", "file.tar", "1", "3",
                "xdir/sub/file.tar.gzy", "file.tar",
            ]
        )
        #expect(plan.displayLine(of: 1, slot: nil).contains("'{%}'"))
        #expect(plan.displayLine(of: 1, slot: 7).contains(" 1 7 "))
    }

    @Test("with several sources, {} alone is one argument per input and {N} picks source N")
    func severalSources() throws {
        let plan = try Self.plan(
            ExecPlanRequest(command: ["echo", "{}", "{2/}", "<{}>"], sources: sources(["a"], ["/srv/m.bin"]))
        )
        #expect(Self.arguments(plan, 1) == ["echo", "a", "/srv/m.bin", "m.bin", "<a /srv/m.bin>"])
    }

    @Test("a command without replacement strings gets the inputs appended as its last arguments")
    func inputsAppended() throws {
        let plan = try Self.plan(ExecPlanRequest(command: ["wc", "-l"], sources: sources(["a.log", "b.log"], ["c"])))
        #expect(Self.arguments(plan, 2) == ["wc", "-l", "b.log", "c"])
    }

    @Test("--shell joins the words into one sh -c script with every input single-quoted")
    func shell() throws {
        let plan = try Self.plan(
            ExecPlanRequest(command: ["echo {} | tr a b"], sources: sources(["it's"]), shell: true)
        )
        let arguments = Self.arguments(plan, 1)
        #expect(arguments.count == 3)
        #expect(arguments.last == "echo 'it'\\''s' | tr a b")
        #expect(plan.displayLine(of: 1, slot: nil) == "echo 'it'\\''s' | tr a b")
    }

    @Test("{N} beyond the sources, and sources making more than 2^40 jobs, are refused")
    func sourceProblems() {
        let missing = Self.problem(ExecPlanRequest(command: ["echo", "{3}"], sources: sources(["a"], ["b"])))
        #expect(missing?.code == .plan)
        #expect(missing?.message == "the command uses {3} but there are only 2 input sources")

        let values = (0..<16_384).map { String($0) }
        let tooMany = Self.problem(ExecPlanRequest(command: ["true"], sources: sources(values, values, values)))
        #expect(tooMany?.message == "the input sources make too many jobs")
        #expect(ExecJobPlan.maximumJobCount == 1 << 40)
    }

    @Test(
        "--return paths that are absolute, climb with .., or hold a NUL byte are refused as given",
        arguments: ["/etc/passwd", "../up", "a/../../b", "ok/..", "nul\u{0}byte"]
    )
    func unsafeReturnPaths(path: String) {
        let problem = Self.problem(ExecPlanRequest(command: ["true"], sources: sources(["a"]), returns: [path]))
        #expect(problem?.code == .plan)
        #expect(
            problem?.message
                == "--return '\(path)': returned files are written below this directory, so the path must be "
                + "relative and without '..'"
        )
    }

    @Test("an input that puts .. into a --return path is refused naming the job")
    func inputMakesReturnPathUnsafe() {
        let problem = Self.problem(
            ExecPlanRequest(command: ["true"], sources: sources(["fine", "../../escape"]), returns: ["out/{}.txt"])
        )
        #expect(problem?.code == .plan)
        #expect(
            problem?.message
                == "job 2: --return 'out/../../escape.txt' is not a path below this directory (an input put '..' or "
                + "a NUL byte in it)"
        )
    }

    @Test("returned paths are filled per job, relative, each once; staging is on with --return")
    func returnPaths() throws {
        let plan = try Self.plan(
            ExecPlanRequest(
                command: ["sim", "{}"],
                sources: sources(["cases/a.cfg"]),
                returns: ["{/.}.out", "./{/.}.out", "logs//{#}.log"]
            )
        )
        #expect(plan.returnPaths(of: 1) == [Array(text: "a.out"), Array(text: "logs/1.log")])
        #expect(plan.stages)
        let input = plan.makeInput(sequence: 1).input
        #expect(input.ownDirectory)
        #expect(input.returns == plan.returnPaths(of: 1))
    }

    @Test("staged paths drop leading slashes and ./, and a path of only slashes becomes _")
    func stagedPaths() {
        #expect(ExecJobPlan.stagedPath(Array(text: "/abs/./dir//f")) == Array(text: "abs/dir/f"))
        #expect(ExecJobPlan.stagedPath(Array(text: "./x")) == Array(text: "x"))
        #expect(ExecJobPlan.stagedPath(Array(text: "//")) == Array(text: "_"))
    }

    @Test("--transfer sends the first input's file under its staged path; the job sees that path as {1}")
    func transferFirstInput() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let file = try scratch.write("in/data.txt", Array(text: "payload"))
        let plan = try Self.plan(
            ExecPlanRequest(command: ["cat", "{1}"], sources: sources([file]), transferFirstInput: true)
        )
        let (input, sent) = plan.makeInput(sequence: 1)
        let staged = ExecJobPlan.stagedPath(Array(file.utf8))
        #expect(sent == 7)
        #expect(input.files.count == 1)
        #expect(input.files.first?.path == staged)
        #expect(input.files.first?.contents == Array(text: "payload"))
        #expect(input.files.first?.digest.count == 64)
        #expect(input.files.first?.isBasefile == false)
        #expect(Self.arguments(plan, 1) == ["cat", String(decoding: staged, as: UTF8.self)])
        #expect(input.ownDirectory)
    }

    @Test("a transferred file that is missing, or that does not fit in a task message, is refused before any job")
    func transferProblems() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let present = try scratch.write("present", Array(text: "x"))
        let missing = Self.problem(
            ExecPlanRequest(
                command: ["cat"],
                sources: sources([present, scratch.path + "/nope"]),
                transferFiles: ["{}"]
            )
        )
        #expect(missing?.message == "job 2: cannot transfer '\(scratch.path)/nope': not a readable file")
        let directory = Self.problem(
            ExecPlanRequest(command: ["cat"], sources: sources([scratch.path]), transferFirstInput: true)
        )
        #expect(directory?.message == "job 1: cannot transfer '\(scratch.path)': not a readable file")

        let big = try scratch.write("big", [UInt8](repeating: 1, count: 200))
        let frame = ExecJobPlan.reservedFrameBytes + 100
        let tooBig = Self.problem(
            ExecPlanRequest(command: ["cat"], sources: sources([big]), transferFirstInput: true),
            frame: frame
        )
        #expect(tooBig?.code == .plan)
        #expect(tooBig?.message.hasPrefix("job 1's files (\(big), 200 bytes in all) do not fit") == true)
        #expect(tooBig?.message.contains("limits.max_frame_bytes = \(frame) bytes") == true)
    }

    @Test("base files are read once, counted against the frame, and go with every job")
    func basefiles() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let model = try scratch.write("model.bin", [UInt8](repeating: 7, count: 50))
        let plan = try Self.plan(ExecPlanRequest(command: ["score"], sources: sources(["1", "2"]), basefiles: [model]))
        for sequence in 1...2 {
            let (input, sent) = plan.makeInput(sequence: sequence)
            #expect(sent == 50)
            #expect(input.files.map(\.isBasefile) == [true])
        }
        let unreadable = Self.problem(
            ExecPlanRequest(command: ["score"], sources: sources(["1"]), basefiles: [scratch.path + "/missing"])
        )
        #expect(unreadable?.message == "cannot read --basefile \(scratch.path)/missing")
        let tooBig = Self.problem(
            ExecPlanRequest(command: ["score"], sources: sources(["1"]), basefiles: [model]),
            frame: ExecJobPlan.reservedFrameBytes + 10
        )
        #expect(tooBig?.message.hasPrefix("the --basefile files (50 bytes) do not fit in one task message") == true)
    }

    @Test("the time limit rounds up to whole milliseconds and is clamped; the payload limit leaves 64 KiB")
    func limits() throws {
        func timeout(_ seconds: Double?) throws -> UInt64 {
            try Self.plan(ExecPlanRequest(command: ["true"], sources: [], timeoutSeconds: seconds))
                .makeInput(sequence: 1).input.timeoutMilliseconds
        }
        #expect(try timeout(nil) == 0)
        #expect(try timeout(0.0011) == 2)
        #expect(try timeout(2) == 2000)
        #expect(try timeout(0) == 1)
        #expect(try timeout(1e300) == 1_000_000_000_000_000)
        #expect(try timeout(.nan) == 0)
        let plan = try Self.plan(ExecPlanRequest(command: ["true"], sources: []), frame: 1 << 20)
        #expect(plan.maximumPayloadBytes == (1 << 20) - 64 * 1024)
        #expect(plan.makeInput(sequence: 1).input.maximumOutputBytes == plan.maximumPayloadBytes)
        #expect(try Self.plan(ExecPlanRequest(command: ["true"], sources: []), frame: 10).maximumPayloadBytes == 0)
    }

    @Test("without staging options jobs run in the worker's directory; the environment goes with every job")
    func environmentAndNoStaging() throws {
        setenv("FANOUT_EXEC_PLAN_TEST", "a b=c", 1)
        unsetenv("FANOUT_EXEC_PLAN_UNSET")
        let environment = ExecPlanRequest.inheritedEnvironment(names: [
            "FANOUT_EXEC_PLAN_TEST", "FANOUT_EXEC_PLAN_UNSET",
        ])
        #expect(environment == [Array(text: "FANOUT_EXEC_PLAN_TEST=a b=c")])
        let plan = try Self.plan(
            ExecPlanRequest(command: ["env"], sources: sources(["1"]), cleanup: true, environment: environment)
        )
        let input = plan.makeInput(sequence: 1).input
        #expect(!plan.stages)
        #expect(!input.ownDirectory)
        #expect(input.cleanup)
        #expect(input.environment == environment)
        #expect(input.sequence == 1)
        #expect(input.runID.count == 8)
    }
}
