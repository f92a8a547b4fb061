import ArgumentParser
import FanoutConfiguration
import FanoutCoordinator
import FanoutSessions

/// `fanout hosts check`: one row per host — reachable, host key, auth, arch, glibc, cores, RTT, worker binary current.
struct HostsCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every host in the cluster file: reachable, host key, login, arch, glibc, cores, RTT, worker.",
        discussion: """
            Nothing is uploaded. Exit status 0 only when every host can run workers.

            EXAMPLE:
              fanout hosts check --cluster lab.yaml
            """
    )

    @OptionGroup var file: ClusterOption

    func run() async throws {
        // Without a known-hosts file every host is reported as unknown, which is what this command is for.
        let configuration = try self.file.load(missingFile: .required, knownHosts: .mayBeMissing)
        if let slurm = configuration.slurm {
            let check = await SlurmCheck.run(slurm, environment: SlurmLauncher.processEnvironment())
            for line in check.lines { print(line) }
            for problem in check.problems { print("cannot satisfy the request: \(problem)") }
            guard check.satisfiable else { throw ExitCode(1) }
            print("Slurm can give the \(slurm.nodes) nodes asked for")
            return
        }
        guard !configuration.hosts.isEmpty else {
            print("\(self.file.path) lists no hosts; nothing to check (local workers only)")
            return
        }
        let binary = try ClusterFileLoader.workerBinary(configuration)
        for problem in KnownHostsProblems.lines(of: RemoteHost.all(in: configuration)) {
            FileHandleOutput.standardError.write("fanout: warning: \(problem)\n")
        }
        let reports = await HostPreflightRunner.run(
            configuration: configuration,
            binary: binary,
            deploy: false,
            progress: { _, _, _ in }
        )
        print(HostTable.render(reports))
        print(
            "worker binary: \(binary.path) (sha256 \(binary.digest.prefix(16))…, \(binary.architecture), \(binary.requirement))"
        )
        let unusable = reports.filter { !$0.usable }.count
        if unusable > 0 {
            print("\(unusable) of \(reports.count) hosts cannot run workers")
            throw ExitCode(1)
        }
        print("all \(reports.count) hosts can run workers")
    }
}
