import Foundation
import Testing

extension IntegrationSuite {
    @Test("64 worker processes of 1 slot and 10^6 no-op tasks: all complete, coordinator peak RSS under 150 MB")
    func sixtyFourWorkersAMillionTasks() throws {
        let output = try ProcessHarness.run(
            try Self.product("fanout"),
            ["run", "noop", "--tasks", "1000000", "--workers", "64", "--wait-for-workers", "--summary-only"],
            directory: NSTemporaryDirectory()
        )
        #expect(output.status == 0, "\(output.standardError.suffix(2_000))")
        #expect(output.standardOutput.contains("noop: 1000000 of 1000000 tasks done, 1000000 ok, 0 failed"))
        // Every worker took part and none was lost or replaced.
        let rows = output.standardOutput.split(separator: "\n").filter { $0.hasPrefix("local-") }
        #expect(rows.count == 64, "\(rows.count) worker rows")
        #expect(rows.allSatisfy { $0.hasSuffix("ok") }, "\(rows.filter { !$0.hasSuffix("ok") })")
        let line = try #require(
            output.standardOutput.split(separator: "\n").first { $0.hasPrefix("coordinator peak memory (RSS): ") }
        )
        let mebibytes = try #require(Double(line.split(separator: " ")[4]))
        #expect(mebibytes * 1_048_576 < 150_000_000, "\(line)")
    }
}
