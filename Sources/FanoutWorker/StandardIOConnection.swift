import FanoutProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker's end of `transport: ssh-tunnel`: the protocol runs on the descriptors that were standard input and
/// output, which the worker's SSH channel connects to the coordinator.
///
/// Before the connection takes them over, they are moved to new descriptors (close-on-exec, so programs that jobs
/// start do not inherit them), standard input is pointed at `/dev/null` and standard output at standard error.
/// Whatever a job prints therefore lands in the worker's log and can never corrupt the protocol stream.
enum StandardIOConnection {
    /// Moves standard input and output aside for the connection.
    /// - Returns: The descriptors to read from and write to.
    /// - Throws: ``ProtocolError`` when a descriptor cannot be duplicated.
    static func detach() throws -> (input: CInt, output: CInt) {
        let input = fcntl(0, F_DUPFD_CLOEXEC, 3)
        let output = fcntl(1, F_DUPFD_CLOEXEC, 3)
        guard input >= 0, output >= 0 else {
            throw ProtocolError(.connectionClosed, "cannot take over standard input and output: errno \(errno)")
        }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if null >= 0 {
            _ = dup2(null, 0)
            close(null)
        }
        _ = dup2(2, 1)
        return (input, output)
    }
}
