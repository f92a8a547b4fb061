import ArgumentParser
import FanoutConfiguration
import FanoutCoordinator
import FanoutSessions

/// `fanout deploy`: copy the worker binary to every host that lacks it.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Copy the worker binary to every host of the cluster file that does not have it yet.",
        discussion: """
            Each host gets ~/.cache/fanout/fanout-worker-<sha256>, uploaded under a temporary name, checked with \
            sha256sum on the host and then renamed, so a broken upload is never run. Hosts that already have it \
            (a regular file of yours with the right SHA-256) are left alone. `fanout run` does the same by itself \
            when needed.

            The cache must be private: ~/.cache/fanout a real directory of the login user, mode 0700, and no \
            directory above it (the home directory included) owned by another user or writable by others. A host \
            where that does not hold is refused with the reason, since another user could plant the bytes it runs.

            EXAMPLE:
              fanout deploy --cluster lab.yaml
            """
    )

    @OptionGroup var file: ClusterOption

    func run() async throws {
        let configuration = try self.file.load(missingFile: .required)
        guard !configuration.hosts.isEmpty else {
            print("\(self.file.path) lists no hosts; nothing to deploy")
            return
        }
        let binary = try ClusterFileLoader.workerBinary(configuration)
        let progress = UploadProgress(enabled: FileHandleOutput.standardError.isTerminal)
        let reports = await HostPreflightRunner.run(
            configuration: configuration,
            binary: binary,
            deploy: true,
            progress: { host, sent, total in progress.update(host: host, sent: sent, total: total) }
        )
        progress.finish()
        print(HostTable.render(reports))
        let uploaded = reports.filter(\.uploaded).count
        print("uploaded to \(uploaded) hosts, \(reports.filter { $0.usable && !$0.uploaded }.count) already current")
        if reports.contains(where: { !$0.usable }) { throw ExitCode(ExitStatus.failure) }
    }
}
