internal import Glibc

/// A self-pipe that lets any thread wake a `poll` running on a session's thread.
///
/// The session thread includes `readDescriptor` in every `poll`; a cancellation handler writes one byte.
final class WakeupPipe: Sendable {
    /// The end polled by the session thread.
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    /// Creates a non-blocking, close-on-exec pipe.
    ///
    /// - Returns: `nil` when the process is out of file descriptors.
    init?() {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return nil }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        self.readDescriptor = descriptors[0]
        self.writeDescriptor = descriptors[1]
    }

    /// Wakes the session thread. Safe from any thread; never blocks (a full pipe already means "wake up").
    func wake() {
        var byte: UInt8 = 1
        _ = write(self.writeDescriptor, &byte, 1)
    }

    /// Empties the pipe so the next `poll` blocks again.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(self.readDescriptor, &buffer, buffer.count) > 0 {}
    }

    deinit {
        close(self.readDescriptor)
        close(self.writeDescriptor)
    }
}
