import FanoutSSH

/// The unreadable lines of the hosts' `known_hosts` files, reported before connecting: such a line is skipped, so
/// the user learns why a host it meant to trust may be refused.
public enum KnownHostsProblems {
    /// Each unreadable line (`PATH:LINE: reason; the line is skipped`) of every distinct file, in host order.
    ///
    /// - Parameter hosts: The hosts.
    /// - Returns: One message per problem; a file that cannot be read at all gives one message.
    public static func lines(of hosts: [RemoteHost]) -> [String] {
        var seen: Set<String> = []
        var problems: [String] = []
        for host in hosts where seen.insert(host.target.knownHostsPath).inserted {
            do {
                problems += try KnownHostsDocument.load(path: host.target.knownHostsPath).problems
            } catch {
                problems.append("\(error)")
            }
        }
        return problems
    }
}
