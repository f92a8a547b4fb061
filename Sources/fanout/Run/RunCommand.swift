import ArgumentParser

/// `fanout run JOB`: one subcommand per built-in job, each with its own options plus the shared ``RunOptions``.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a built-in job over the cluster's workers.",
        discussion: """
            Each job splits its work into tasks; workers take tasks as they have room, so fast and slow workers \
            all stay busy. Results are printed as tasks finish (--ordered for input order), then a summary with \
            tasks per worker and host.

            EXAMPLES:
              fanout run primes --limit 20000000 --speedup
              fanout run sum-squares --tasks 64 --n 5000000 --workers 2
              fanout run sleep --tasks 40 --milliseconds 100 --format csv
            """,
        subcommands: [
            SumSquaresCommand.self, PrimesCommand.self, MandelbrotCommand.self, PiCommand.self, SleepCommand.self,
            NoopCommand.self,
        ]
    )
}
