#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered-enough writes to stdout and stderr without Foundation's FileHandle, with a buffer for stdout so
/// a million result lines do not cost a million system calls.
final class FileHandleOutput: @unchecked Sendable {
    static let standardOutput = FileHandleOutput(descriptor: 1, bufferLimit: 64 * 1024)
    static let standardError = FileHandleOutput(descriptor: 2, bufferLimit: 0)

    private let descriptor: Int32
    private let bufferLimit: Int
    private var buffer: [UInt8] = []

    private init(descriptor: Int32, bufferLimit: Int) {
        self.descriptor = descriptor
        self.bufferLimit = bufferLimit
    }

    /// Whether this stream is a terminal (decides the progress bar).
    var isTerminal: Bool { isatty(self.descriptor) == 1 }

    func write(_ text: String) {
        self.buffer.append(contentsOf: text.utf8)
        if self.buffer.count >= self.bufferLimit { self.flush() }
    }

    /// Queues raw bytes (a program's output, whatever its encoding).
    func write(bytes: [UInt8]) {
        self.buffer.append(contentsOf: bytes)
        if self.buffer.count >= self.bufferLimit { self.flush() }
    }

    func flush() {
        var offset = 0
        while offset < self.buffer.count {
            let written = self.buffer[offset...].withUnsafeBytes {
                Glibc.write(self.descriptor, $0.baseAddress, $0.count)
            }
            if written < 0 {
                if errno == EINTR { continue }
                break
            }
            offset += written
        }
        self.buffer.removeAll(keepingCapacity: true)
    }
}
