import FanoutConfiguration
import FanoutSessions
import Foundation
import Testing

@Suite("ClusterFileLoader")
struct ClusterFileLoaderTests {
    private static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "fanout-sessions-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a named file that does not exist is a configuration error for every kind of command but trust")
    func namedMissingFile() throws {
        let missing = try Self.directory() + "/missing.yaml"
        for rule in [
            ClusterFileLoader.MissingFile.defaultsUnlessNamed, .defaultsUnlessNamedIgnoringDefaultFile, .required,
        ] {
            let error = #expect(throws: SessionError.self) {
                try ClusterFileLoader(namedPath: missing, missingFile: rule).load()
            }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains("missing.yaml") == true)
        }
        let trusted = try ClusterFileLoader(namedPath: missing, missingFile: .defaults).load()
        #expect(trusted.hosts.isEmpty)
    }

    @Test("a bad file names file, line and column in the message")
    func badFile() throws {
        let path = try Self.directory() + "/bad.yaml"
        try "scheduling:\n  prefech: 4\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: SessionError.self) { try ClusterFileLoader(namedPath: path).load() }
        #expect(error?.message.contains("bad.yaml:2:3: field 'scheduling.prefech'") == true)
    }

    @Test("without a name the path is cluster.yaml; bench's rule reads no file at all")
    func unnamed() throws {
        #expect(ClusterFileLoader(namedPath: nil).path == "cluster.yaml")
        let bench = try ClusterFileLoader(namedPath: nil, missingFile: .defaultsUnlessNamedIgnoringDefaultFile).load()
        #expect(bench.hosts.isEmpty)
    }
}
