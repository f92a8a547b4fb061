import ArgumentParser

/// `fanout hosts`: inspect and trust the remote hosts of a cluster file.
struct HostsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts",
        abstract: "Check the remote hosts of a cluster file, or trust their host keys.",
        subcommands: [HostsCheckCommand.self, HostsTrustCommand.self]
    )
}
