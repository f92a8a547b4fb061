import Foundation
import Testing

/// `fanout run JOB` sums what workers return into its summary. A compromised worker returning `UInt64.max` as a
/// task's output used to overflow `pi`'s and `primes`' totals and trap the coordinator on the second result; now
/// an output no honest run can give is counted apart, named in the summary, and never added.
extension IntegrationSuite {
    @Test(
        "a worker returning UInt64.max as outputs cannot trap the coordinator's summary; the outputs are reported",
        arguments: [
            (["pi", "--tasks", "4", "--samples", "1000"], "results with more points inside than thrown (ignored): 4"),
            (["primes", "--tasks", "4", "--limit", "1000"], "counts larger than their range (ignored): 4"),
            (["sleep", "--tasks", "4", "--milliseconds", "1"], "results other than the requested 1 ms: 4"),
        ] as [([String], String)]
    )
    func impossibleOutputsAreNotSummed(job: [String], reported: String) throws {
        let directory = try BoundedCommand.temporaryDirectory()
        let fanout = try Self.fanoutWithLyingWorkers(in: directory)
        let output = try BoundedCommand.run(
            "/usr/bin/env",
            ["FANOUT_ATTACK=impossible-outputs", fanout, "run"] + job + ["--workers", "1", "--summary-only"],
            directory: directory,
            timeout: .seconds(60)
        )
        #expect(!output.standardError.contains("Backtracing"), "the coordinator trapped: \(output.standardError)")
        #expect(output.status == 0, "\(job): status \(output.status): \(output.standardError)")
        let everything = output.standardOutput + output.standardError
        #expect(everything.contains(reported), "\(job): \(everything)")
        #expect(everything.contains("4 of 4 tasks done"), "the lying worker did not answer: \(everything)")
    }
}
