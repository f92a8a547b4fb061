import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `fanout` command: spread CPU-heavy work over this machine's cores and your lab machines.
struct Fanout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Spread CPU-heavy work over local cores and remote hosts.",
        discussion: """
            Threads and async I/O give concurrency, which helps I/O-bound work. CPU-bound work needs parallelism: \
            processes, cores, machines. Fanout starts worker processes (locally, and over SSH on the hosts listed \
            in cluster.yaml), feeds them tasks dynamically over TCP and tells you how much each one helped.

            EXAMPLES:
              fanout run primes --limit 20000000 --speedup   (sequential vs parallel)
              fanout run mandelbrot --output set.pgm         (an image, row by row)
              fanout run pi --tasks 200 --format jsonl       (a JSON object per task)
              fanout run noop --tasks 100000 --summary-only  (per-task overhead)
              fanout exec -- gzip -k {} ::: *.log            (any program, GNU Parallel style)
              fanout hosts check --cluster lab.yaml          (is every host usable?)
              fanout deploy --cluster lab.yaml               (copy the worker to hosts)
              fanout bench primes --lessons --sweep --out r  (speedup, honestly measured)

            EXIT STATUS: 0 every task succeeded, 1 some tasks failed, 2 usage or configuration error.
            """,
        subcommands: [RunCommand.self, ExecCommand.self, BenchCommand.self, HostsCommand.self, DeployCommand.self]
    )
}

/// Entry point: like `AsyncParsableCommand.main()`, but usage errors exit with status 2 as documented.
@main
enum FanoutMain {
    static func main() async {
        do {
            var command = try Fanout.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if let (status, message) = ExitStatus.of(error) {
                FileHandleOutput.standardError.write(message + "\n")
                exit(status)
            }
            let code = Fanout.exitCode(for: error)
            let message = Fanout.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                exit(0)
            }
            if !message.isEmpty {
                FileHandleOutput.standardError.write(message + "\n")
            }
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
