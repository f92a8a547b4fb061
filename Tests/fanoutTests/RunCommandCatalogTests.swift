import ArgumentParser
import FanoutCoordinator
import FanoutSessions
import Testing

@testable import fanout

@Suite("fanout run and the workload catalog")
struct RunCommandCatalogTests {
    @Test("every catalog workload has its run subcommand, in catalog order, and no other")
    func subcommandsMatchTheCatalog() {
        let names = RunCommand.configuration.subcommands.map { $0._commandName }
        #expect(names == WorkloadCatalog.names)
    }

    @Test("a workload command parses its options into the workload value and the shared run options")
    func parsesIntoTheWorkload() throws {
        let command = try PrimesCommand.parse(["--limit", "1000", "--tasks", "7", "--cluster", "lab.yaml", "--ordered"])
        #expect(command.workload.parameters == "--limit 1000 --tasks 7")
        #expect(command.options.clusterFile.path == "lab.yaml")
        let settings = command.options.settings(interruption: NoInterruption())
        #expect(settings.ordered && settings.cluster.namedPath == "lab.yaml" && settings.journalMode == .create)
        let defaults = try SumSquaresCommand.parse([])
        #expect(defaults.workload.parameters == SumSquaresWorkload().parameters)
        #expect(defaults.options.clusterFile.cluster == nil)
    }

    @Test("an out-of-range workload option is a usage error with the workload's message")
    func validationIsAUsageError() {
        #expect(throws: (any Error).self) { try PrimesCommand.parse(["--limit", "10", "--tasks", "11"]) }
        #expect(
            PrimesCommand.message(for: PrimesCommand.parseError(["--limit", "10", "--tasks", "11"]))
                == "--tasks must be between 1 and --limit (10), got 11"
        )
    }
}

extension PrimesCommand {
    fileprivate static func parseError(_ arguments: [String]) -> any Error {
        do {
            _ = try Self.parse(arguments)
            return CancellationError()
        } catch {
            return error
        }
    }
}
