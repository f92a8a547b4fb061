import ArgumentParser
import FanoutConfiguration
import FanoutSessions
import Testing

@testable import fanout

@Suite("BenchCommand parsing")
struct BenchCommandParsingTests {
    @Test("every bench kernel is parsed by the run subcommand of the same name, with its defaults")
    func everyJobHasItsRunCommand() throws {
        for job in BenchCommand.JobName.allCases {
            let command = try #require(job.command, "\(job.rawValue)")
            let workload = try command.parse([]).workload
            #expect(type(of: workload).name == job.rawValue)
        }
        #expect(Set(BenchCommand.JobName.allCases.map(\.rawValue)) == Set(WorkloadCatalog.names))
    }

    @Test("the options become the request: modes parsed, workers, counts, the cluster path")
    func request() throws {
        let command = try BenchCommand.parse([
            "sum-squares", "--modes", "local,threads,local", "--repeat", "3", "--warmup", "0", "--workers", "2",
            "--noop-tasks", "10", "--latency-samples", "5", "--sleep-tasks", "6", "--sleep-milliseconds", "7",
            "--overhead-label", "+1 ms", "--lessons", "--sweep", "--overhead", "--cluster", "lab.yaml", "--",
            "--tasks", "8",
        ])
        #expect(command.job == .sumSquares && command.jobArguments == ["--tasks", "8"])
        let request = try command.request(configuration: .init())
        #expect(request.modes == [.local, .threads])
        #expect(request.repeats == 3 && request.warmups == 0 && request.localWorkers == 2)
        #expect(request.noopTasks == 10 && request.latencySamples == 5)
        #expect(request.sleepTasks == 6 && request.sleepMilliseconds == 7)
        #expect(request.overheadLabel == "+1 ms" && request.clusterPath == "lab.yaml")
        #expect(request.lessons && request.sweep && request.overhead)
    }

    @Test("an unknown mode and a count out of range are usage errors")
    func refused() {
        #expect(throws: (any Error).self) { try BenchCommand.parse(["--modes", "gpu"]) }
        #expect(throws: (any Error).self) { try BenchCommand.parse(["--repeat", "0"]) }
    }
}
