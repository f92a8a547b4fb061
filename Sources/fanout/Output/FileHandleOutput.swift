import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered-enough writes to stdout and stderr without Foundation's FileHandle, with a buffer for stdout so
/// a million result lines do not cost a million system calls.
///
/// Written from the main task, SSH upload threads and the signal handler at once: every write and flush holds the
/// stream's lock, so each text reaches the descriptor whole and in one piece, never interleaved with another.
final class FileHandleOutput: Sendable {
    static let standardOutput = FileHandleOutput(descriptor: 1, bufferLimit: 64 * 1024)
    static let standardError = FileHandleOutput(descriptor: 2, bufferLimit: 0)

    private let descriptor: Int32
    private let bufferLimit: Int
    private let buffer = Mutex<[UInt8]>([])

    /// A stream on `descriptor` (tests write to a pipe or file of their own).
    /// - Parameters:
    ///   - descriptor: An open file descriptor; not closed by this object.
    ///   - bufferLimit: Bytes held before a write flushes; 0 flushes every write.
    init(descriptor: Int32, bufferLimit: Int) {
        self.descriptor = descriptor
        self.bufferLimit = bufferLimit
    }

    /// Whether this stream is a terminal (decides the progress bar).
    var isTerminal: Bool { isatty(self.descriptor) == 1 }

    /// Queues text, flushing when the buffer is full (at once on stderr).
    /// - Parameter text: The text, written whole.
    func write(_ text: String) {
        self.buffer.withLock { buffer in
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= self.bufferLimit { self.drain(&buffer) }
        }
    }

    /// Queues raw bytes (a program's output, whatever its encoding).
    /// - Parameter bytes: The bytes, written whole.
    func write(bytes: [UInt8]) {
        self.buffer.withLock { buffer in
            buffer.append(contentsOf: bytes)
            if buffer.count >= self.bufferLimit { self.drain(&buffer) }
        }
    }

    /// Writes out everything queued.
    func flush() {
        self.buffer.withLock { self.drain(&$0) }
    }

    /// Writes `buffer` to the descriptor, retrying short writes and EINTR, and empties it; called with the lock held.
    private func drain(_ buffer: inout [UInt8]) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes {
                Glibc.write(self.descriptor, $0.baseAddress, $0.count)
            }
            if written < 0 {
                if errno == EINTR { continue }
                break
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
