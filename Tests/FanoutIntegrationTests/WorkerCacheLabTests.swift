import FanoutProtocol
import Foundation
import Testing

/// Issue 12, finding 2 (worker cache): another user of a host must not get the login user to run their bytes
/// through `~/.cache/fanout`.
extension IntegrationSuite {
    private static func fanoutCommand(_ arguments: [String]) throws -> ProcessHarness.Output {
        try ProcessHarness.run(try Self.product("fanout"), arguments, directory: NSTemporaryDirectory())
    }

    private static func shell(_ script: String) throws -> ProcessHarness.Output {
        try ProcessHarness.run("/bin/sh", ["-c", script])
    }

    /// Host 2's cache, the worker's name there, and another lab user (host 3's) playing the attacker.
    private static func cacheScenario(_ lab: LabEnvironment) throws -> (cache: String, binary: String, attacker: String)
    {
        let digest = try BinaryDigest.ofFile(atPath: LabEnvironment.repositoryRoot + "/.build-static/fanout-worker")
        // The first deploy creates the cache the way a user's earlier runs left it.
        _ = try Self.fanoutCommand(["deploy", "--cluster", lab.cluster])
        return ("\(lab.directory)/h2/home/.cache/fanout", "fanout-worker-\(digest)", "fanout-h3")
    }

    private static func restore(_ cache: String) {
        _ = try? Self.shell("chown -h fanout-h2: '\(cache)' && chmod 700 '\(cache)'")
    }

    @Test(
        "lab: a worker cache writable by others, or owned by another user, is refused with a message and nothing in it runs",
        .enabled(if: LabEnvironment.enabled)
    )
    func labRefusesSharedWorkerCache() throws {
        let lab = try LabEnvironment.up()
        let (cache, binary, attacker) = try Self.cacheScenario(lab)
        defer { Self.restore(cache) }
        let marker = NSTemporaryDirectory() + "planted-ran-\(UUID().uuidString)"
        // The attacker's bytes under the expected name; they would leave a marker if they ever ran.
        let plant =
            "rm -f '\(cache)/\(binary)' && printf '#!/bin/sh\\ntouch \(marker)\\n' > '\(cache)/\(binary)' "
            + "&& chmod 755 '\(cache)/\(binary)'"

        for (setup, reason) in [
            ("chmod 777 '\(cache)'", "writable by other users (mode 777)"),
            ("chown \(attacker): '\(cache)' && chmod 700 '\(cache)'", "is owned by uid"),
        ] {
            let prepared = try Self.shell("\(plant) && chown \(attacker): '\(cache)/\(binary)' && \(setup)")
            try #require(prepared.status == 0, "\(prepared.standardError)")
            let deploy = try Self.fanoutCommand(["deploy", "--cluster", lab.cluster])
            #expect(deploy.status == 1, "\(deploy.standardOutput)\(deploy.standardError)")
            let problem = deploy.standardOutput.split(separator: "\n").first { $0.contains("\(lab.hosts[1]):") }
            #expect(problem?.contains("worker cache is not private") == true, "\(deploy.standardOutput)")
            #expect(problem?.contains(reason) == true, "\(deploy.standardOutput)")

            let run = try Self.fanoutCommand([
                "run", "noop", "--tasks", "200", "--cluster", lab.cluster, "--format", "jsonl",
            ])
            #expect(run.status == 0, "the other hosts still run the tasks: \(run.standardError)")
            #expect(run.standardError.contains("worker cache is not private"), "\(run.standardError)")
            #expect(!run.standardOutput.contains("\"host\":\"\(lab.hosts[1])\""), "host 2 must not have run tasks")
            #expect(!FileManager.default.fileExists(atPath: marker), "the planted bytes ran")
            Self.restore(cache)
        }
    }

    @Test(
        "lab: a planted symlink or a file with the right name but other bytes is replaced by a verified upload, never run",
        .enabled(if: LabEnvironment.enabled)
    )
    func labReplacesPlantedCacheEntries() throws {
        let lab = try LabEnvironment.up()
        let (cache, binary, attacker) = try Self.cacheScenario(lab)
        defer { Self.restore(cache) }
        // A copy of the real worker in a directory the attacker owns: its digest is right today, and the attacker
        // can swap it for anything tomorrow. A link to it must not count as the cached worker.
        let attackerDirectory = NSTemporaryDirectory() + "attacker-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: attackerDirectory) }
        let marker = NSTemporaryDirectory() + "planted-ran-\(UUID().uuidString)"
        let link = try Self.shell(
            "mkdir -p '\(attackerDirectory)' && cp '\(cache)/\(binary)' '\(attackerDirectory)/worker' "
                + "&& chown -R \(attacker): '\(attackerDirectory)' && rm -f '\(cache)/\(binary)' "
                + "&& ln -s '\(attackerDirectory)/worker' '\(cache)/\(binary)' && chown -h fanout-h2: '\(cache)/\(binary)'"
        )
        try #require(link.status == 0, "\(link.standardError)")
        let linked = try Self.fanoutCommand(["deploy", "--cluster", lab.cluster])
        #expect(linked.status == 0, "\(linked.standardOutput)\(linked.standardError)")
        #expect(linked.standardOutput.contains("uploaded to 1 hosts"), "\(linked.standardOutput)")
        let attributes = try FileManager.default.attributesOfItem(atPath: cache + "/" + binary)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular, "the cache entry is still a link")

        // The right name, the owner's own file, other bytes: removed and uploaded again before anything runs.
        let fake = try Self.shell(
            "rm -f '\(cache)/\(binary)' && printf '#!/bin/sh\\ntouch \(marker)\\n' > '\(cache)/\(binary)' "
                + "&& chmod 700 '\(cache)/\(binary)' && chown fanout-h2: '\(cache)/\(binary)'"
        )
        try #require(fake.status == 0, "\(fake.standardError)")
        let run = try Self.fanoutCommand([
            "run", "noop", "--tasks", "200", "--cluster", lab.cluster, "--format", "jsonl", "--wait-for-workers",
        ])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the planted bytes ran")
        let mode = try FileManager.default.attributesOfItem(atPath: cache)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test(
        "lab: ~/.cache as a link into a directory another user owns is refused, though the entry there checks out",
        .enabled(if: LabEnvironment.enabled)
    )
    func labRefusesCacheBehindAnotherUsersDirectory() throws {
        let lab = try LabEnvironment.up()
        let (cache, binary, attacker) = try Self.cacheScenario(lab)
        let dotCache = URL(fileURLWithPath: cache).deletingLastPathComponent().path
        let saved = dotCache + ".saved-\(UUID().uuidString)"
        let attackerDirectory = NSTemporaryDirectory() + "attacker-cache-\(UUID().uuidString)"
        defer {
            _ = try? Self.shell(
                "rm -f '\(dotCache)' && mv '\(saved)' '\(dotCache)' && rm -rf '\(attackerDirectory)'"
            )
        }
        // The attacker's directory holds a genuine copy of the cache (right owner, mode and digest), so only the
        // check of every directory on the way tells that the attacker can swap it at will.
        let setup = try Self.shell(
            "mv '\(dotCache)' '\(saved)' && mkdir '\(attackerDirectory)' && chown \(attacker): '\(attackerDirectory)' "
                + "&& cp -a '\(saved)/fanout' '\(attackerDirectory)/fanout' && ln -s '\(attackerDirectory)' '\(dotCache)' "
                + "&& chown -h fanout-h2: '\(dotCache)'"
        )
        try #require(setup.status == 0, "\(setup.standardError)")
        try #require(FileManager.default.fileExists(atPath: cache + "/" + binary))
        let deploy = try Self.fanoutCommand(["deploy", "--cluster", lab.cluster])
        #expect(deploy.status == 1, "\(deploy.standardOutput)\(deploy.standardError)")
        let problem = deploy.standardOutput.split(separator: "\n").first { $0.contains("\(lab.hosts[1]):") }
        #expect(problem?.contains("worker cache is not private") == true, "\(deploy.standardOutput)")
        #expect(problem?.contains("\(attackerDirectory) is owned by uid") == true, "\(deploy.standardOutput)")
    }
}
