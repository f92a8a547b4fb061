import FanoutConfiguration
import FanoutProtocol
import Logging

extension Cluster {
    /// The launcher for the file's `slurm:` section, with the digest its workers will present; `nil` without one.
    /// - Parameters:
    ///   - options: The cluster options.
    ///   - listenHost: The host the listener binds.
    /// - Throws: ``ClusterError`` when the nodes could not reach the listener, or the worker executable is missing.
    static func slurmLauncher(
        _ options: ClusterOptions,
        listenHost: String
    ) throws -> (launcher: SlurmLauncher, digest: String)? {
        let configuration = options.configuration
        guard let settings = configuration.slurm else { return nil }
        if ["127.0.0.1", "localhost", "::1"].contains(listenHost), configuration.coordinator.advertise == nil {
            throw ClusterError(
                .listenFailed,
                "coordinator.listen is \(configuration.coordinator.listen) but slurm: is configured: workers on "
                    + "the nodes could not connect back; listen on an address they can reach (e.g. 0.0.0.0:0, "
                    + "which they dial at srun's SLURM_LAUNCH_NODE_IPADDR) or set coordinator.advertise"
            )
        }
        let hint = try Self.digestHint(of: options.workerExecutable)
        var launcher = SlurmLauncher(
            settings: settings,
            executable: options.workerExecutable,
            environment: SlurmLauncher.processEnvironment(),
            logger: options.logger
        )
        launcher.digestHint = hint.fileIdentity.isEmpty ? nil : hint
        launcher.dialLaunchNodeAddress =
            ["0.0.0.0", "::"].contains(listenHost) && configuration.coordinator.advertise == nil
        return (launcher, hint.digest)
    }
}
