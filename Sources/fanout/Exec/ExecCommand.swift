import ArgumentParser
import FanoutSessions

/// `fanout exec`: runs an existing program once per input on the cluster's workers, GNU Parallel style.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run an existing program once per input across cores and hosts, GNU Parallel style.",
        usage: "fanout exec [options] [--] COMMAND [ARGS…] [::: INPUTS… | :::: FILE]…",
        discussion: """
            Each input (or each combination of inputs, with several sources) becomes one job: COMMAND runs with \
            the replacement strings below filled in. The workers are already running (locally, and on the hosts \
            of cluster.yaml), so a job costs a message, not an SSH login, and nothing needs installing on hosts.

            INPUT SOURCES (after the command; several are combined as a cartesian product, the first varying \
            slowest):
              ::: a b c      the words a, b and c
              :::: FILE      one input per line of FILE (- for standard input)
              (none)         one input per line of standard input

            REPLACEMENT STRINGS (GNU Parallel's):
              {}      the input                         {.}    the input without its extension
              {/}     its base name                     {//}   its directory
              {/.}    base name without extension       {#}    the job's sequence number (1, 2, …)
              {%}     the slot the job runs in on its worker (1…slots)
              {N} {N.} {N/} {N//} {N/.}   the same for input source N
            A command without any of them gets the inputs appended as its last arguments.

            NO SHELL: arguments reach the program byte for byte, whatever they contain (spaces, quotes, $(…), \
            backticks, newlines, an empty string): the worker starts the program itself (fork and exec, PATH \
            searched). With --shell, the command's words are joined into a script for `sh -c` and each \
            substituted input is single-quoted. The program gets /dev/null as standard input, the worker's \
            environment (no login-shell start-up files are read) plus --env variables, PARALLEL_SEQ and \
            PARALLEL_JOBSLOT.

            OUTPUT: each job's standard output and standard error are captured and printed whole, never \
            interleaved with another job's, in completion order (--keep-order: input order). Failed jobs are \
            listed on standard error at the end.

            STAGING: with --transfer, --transfer-file, --basefile or --return, each job runs in a fresh working \
            directory on its host ($TMPDIR/fanout-exec-UID/jobs/…). Files travel inside the task messages \
            (limits.max_frame_bytes, 16 MiB by default, bounds a job's files and its output) and are kept on the \
            host under their SHA-256 ($TMPDIR/fanout-exec-UID/cache), each file written once per host. The \
            staging root must be yours and private (mode 0700, not a link): one another user created is refused, \
            and a cache entry is used only when it holds exactly the bytes sent. Relative paths keep their place \
            relative to the working directory; a leading / is dropped. Returned files are written to the same \
            relative path here: --return must be relative and without '..', only the paths asked for are \
            accepted from a worker, and nothing is written through a symbolic link (a linked directory in the \
            way fails the job). Without staging options, jobs run in the worker's directory (this directory for \
            local workers, the login directory on hosts).

            ROBUSTNESS: each job runs in its own process group under a small supervisor process; --timeout stops \
            the group (SIGTERM, then SIGKILL of everything the job started 1 s later). When a job ends, nothing it \
            started survives it: its supervisor is the subreaper of every descendant (even one that forked twice \
            and called setsid) and kills them; a worker that exits, or is SIGKILLed (PR_SET_PDEATHSIG), takes \
            all of its jobs' processes with it. --retries runs a failed job again, on another host when there is \
            one. --joblog writes a GNU Parallel style TSV log (Seq Host Starttime JobRuntime Send Receive \
            Exitval Signal Command) line by line, so --resume after a crash (even kill -9) runs only the jobs it \
            does not hold.

            EXAMPLES:
              fanout exec -- echo ::: a b c
              fanout exec -- convert {} {.}.png ::: *.jpg
              fanout exec --cluster lab.yaml --keep-order -- gzip -9 -c {} ::: data/*.csv > all.gz
              find . -name '*.log' | fanout exec -- wc -l
              fanout exec -- sh -c 'echo "$1 of $2"' _ {1} {2} ::: a b ::: x y
              fanout exec --shell -- 'grep -c ERROR {} | sed "s/^/{#}: /"' ::: logs/*
              fanout exec --cluster lab.yaml --transfer --return {/.}.out --cleanup -- \\
                  ./simulate --input {} --output {/.}.out ::: inputs/*.cfg
              fanout exec --cluster lab.yaml --basefile model.bin -- ./score model.bin {} ::: 1 2 3
              fanout exec --joblog jobs.tsv --timeout 60 --retries 2 -- ./solve {} :::: cases.txt
              fanout exec --joblog jobs.tsv --resume -- ./solve {} :::: cases.txt   (after a crash)
              fanout exec --results out -- ./solve {} ::: 1 2 3    (out/1/stdout, out/1/stderr, out/1/exitval…)

            EXIT STATUS: 0 every job exited 0; 1 some job failed (non-zero exit, signal, timeout, staging); 2 usage \
            or configuration error; 130 interrupted.
            """
    )

    @OptionGroup var cluster: ClusterOption

    @Option(
        name: [.short, .customLong("jobs")],
        help: ArgumentHelp(
            "Jobs run at once per host, this machine included, \(Self.jobsRange.lowerBound)…"
                + "\(Self.jobsRange.upperBound) (default: one per core here; the cluster file's slots on hosts).",
            valueName: "n"
        )
    )
    var jobsText: String?

    @Flag(name: .long, help: "Run the command under `sh -c`, inputs single-quoted (default: no shell at all).")
    var shell = false

    @Flag(name: [.short, .long], help: "Print job outputs in input order instead of completion order.")
    var keepOrder = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also write each job's output to DIR/SEQ/stdout, DIR/SEQ/stderr, DIR/SEQ/exitval and DIR/SEQ/signal.",
            valueName: "dir"
        )
    )
    var results: String?

    @Flag(name: .long, help: "Send each job's first input, a file here, to the job's host first ({1} names it there).")
    var transfer = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Send this file (replacement strings allowed) to the job's host first. Repeatable.",
            valueName: "path"
        )
    )
    var transferFile: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A file every job needs: kept once per host, linked into each job's directory. Repeatable.",
            valueName: "file"
        )
    )
    var basefile: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Bring this file (replacement strings allowed) back from the job's directory to the same path here. "
                + "Repeatable.",
            valueName: "path"
        )
    )
    var `return`: [String] = []

    @Flag(name: .long, help: "Remove each job's working directory and transferred files on its host afterwards.")
    var cleanup = false

    @Option(
        name: .customLong("timeout"),
        help: ArgumentHelp(
            "Stop a job's process group after this many seconds (\(Self.timeoutRange.lowerBound)…"
                + "\(Int(Self.timeoutRange.upperBound)), that is up to 365 days).",
            valueName: "seconds"
        )
    )
    var timeoutText: String?

    @Option(
        name: .customLong("retries"),
        help: ArgumentHelp(
            "Run a failed job up to N more times (\(Self.retriesRange.lowerBound)…\(Self.retriesRange.upperBound)), "
                + "on another host than where it failed when there is one.",
            valueName: "n"
        )
    )
    var retriesText: String = "0"

    @Option(
        name: .long,
        help: ArgumentHelp("Log every finished job to this TSV file (GNU Parallel's format).", valueName: "file")
    )
    var joblog: String?

    @Flag(name: .long, help: "With --joblog: skip the jobs the log already holds (same inputs, same order).")
    var resume = false

    @Flag(name: .long, help: "With --joblog: skip the jobs the log holds as succeeded; run failed ones again.")
    var resumeFailed = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Pass this environment variable of this shell on to every job. Repeatable.",
            valueName: "name"
        )
    )
    var env: [String] = []

    @Flag(
        name: .long,
        help: "Hand out the first job only when every worker has started (or failed to), so all take part."
    )
    var waitForWorkers = false

    @Flag(name: .long, help: "Log worker arrivals and departures.")
    var verbose = false

    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("The command, its arguments, then the input sources.", valueName: "command")
    )
    var words: [String] = []

    /// The accepted `--jobs`.
    static let jobsRange = ExecSessionOptions.jobsRange
    /// The accepted `--retries`.
    static let retriesRange = ExecSessionOptions.retriesRange
    /// The accepted `--timeout`, in seconds (see ``ExecPlanRequest/timeoutRange``).
    static let timeoutRange = ExecPlanRequest.timeoutRange

    /// `--jobs`, once ``validate()`` accepted it.
    var jobs: Int? { self.jobsText.flatMap { Int($0) } }
    /// `--retries`, once ``validate()`` accepted it.
    var retries: Int { Int(self.retriesText) ?? 0 }
    /// `--timeout` in seconds, once ``validate()`` accepted it.
    var timeout: Double? { self.timeoutText.flatMap { Double($0) } }

    func validate() throws {
        // The command's words are captured as they come, so a bare --help lands among them.
        if let first = self.words.first, first == "--help" || first == "-h" {
            throw CleanExit.helpRequest(self)
        }
        if let text = self.jobsText {
            guard let jobs = Int(text), Self.jobsRange.contains(jobs) else {
                throw ValidationError(
                    "--jobs must be a whole number from \(Self.jobsRange.lowerBound) to \(Self.jobsRange.upperBound), "
                        + "got '\(text)'"
                )
            }
        }
        if let text = self.timeoutText {
            guard let timeout = Double(text), timeout.isFinite, Self.timeoutRange.contains(timeout) else {
                throw ValidationError(
                    "--timeout must be a number of seconds from \(Self.timeoutRange.lowerBound) to "
                        + "\(Int(Self.timeoutRange.upperBound)) (365 days), got '\(text)'"
                )
            }
        }
        guard let retries = Int(self.retriesText), Self.retriesRange.contains(retries) else {
            throw ValidationError(
                "--retries must be a whole number from \(Self.retriesRange.lowerBound) to "
                    + "\(Self.retriesRange.upperBound), got '\(self.retriesText)'"
            )
        }
        if (self.resume || self.resumeFailed) && self.joblog == nil {
            throw ValidationError("--resume and --resume-failed need --joblog FILE (the log to continue)")
        }
        for name in self.env where name.isEmpty || name.contains("=") {
            throw ValidationError("--env takes a variable name, got '\(name)'")
        }
        do {
            _ = try ExecCommandLine.parse(self.words)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
