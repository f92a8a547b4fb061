import FanoutConfiguration
import FanoutCoordinator

/// Prepares every host of a configuration, at most `ssh.max_parallel` at once, and returns the reports in file order.
enum HostPreflightRunner {
    static func run(
        configuration: ClusterConfiguration,
        binary: WorkerBinary,
        deploy: Bool,
        progress: @escaping @Sendable (String, Int64, Int64) -> Void
    ) async -> [HostReport] {
        let hosts = RemoteHost.all(in: configuration)
        let preparation = HostPreparation(binary: binary, deploy: deploy, progress: progress)
        let limit = max(1, configuration.ssh.maxParallel)
        return await withTaskGroup(of: (Int, HostReport).self) { group in
            var reports = [HostReport?](repeating: nil, count: hosts.count)
            var next = 0
            func addNext() {
                guard next < hosts.count else { return }
                let index = next
                let host = hosts[index]
                group.addTask { (index, await preparation.prepare(host)) }
                next += 1
            }
            for _ in 0..<limit { addNext() }
            while let (index, report) = await group.next() {
                reports[index] = report
                addNext()
            }
            return reports.compactMap { $0 }
        }
    }
}
