import NIOConcurrencyHelpers
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends encoded records to the journal file from one background thread, with group commit: whatever arrived
/// while the previous write and `fdatasync` ran goes out in the next single write and sync. The scheduler never
/// waits for the disk, and a busy run syncs a few hundred times a second at most, not once per record.
final class JournalWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let path: String
    /// Value 1: bytes are pending or the writer is closing; 0: nothing to do.
    private let work = ConditionLock(value: 0)
    // Guarded by `work`.
    private var pending: [UInt8] = []
    private var closing = false
    private var failure: String?
    private var bytesWritten = 0
    /// Value 1 once the thread has written everything and stopped.
    private let stopped = ConditionLock(value: 0)
    private let thread = NIOThreadPool(numberOfThreads: 1)

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
        self.thread.start()
        self.thread.submit { _ in self.loop() }
    }

    func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        self.work.lock()
        self.pending.append(contentsOf: bytes)
        self.work.unlock(withValue: 1)
    }

    /// Writes and syncs everything appended so far, stops the thread and closes the file.
    /// - Returns: Why a write failed, if one did.
    func close() -> String? {
        self.work.lock()
        self.closing = true
        self.work.unlock(withValue: 1)
        self.stopped.lock(whenValue: 1)
        self.stopped.unlock()
        try? self.thread.syncShutdownGracefully()
        _ = fsync(self.descriptor)
        closeDescriptor(self.descriptor)
        self.work.lock()
        defer { self.work.unlock() }
        return self.failure
    }

    private func loop() {
        while true {
            self.work.lock(whenValue: 1)
            let chunk = self.pending
            self.pending = []
            let closing = self.closing
            let failed = self.failure != nil
            self.work.unlock(withValue: closing ? 1 : 0)
            if !chunk.isEmpty && !failed {
                if let error = self.write(chunk) {
                    self.work.lock()
                    self.failure = error
                    self.work.unlock(withValue: 1)
                }
            }
            if closing && chunk.isEmpty { break }
        }
        self.stopped.lock()
        self.stopped.unlock(withValue: 1)
    }

    private func write(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                writeBytes(self.descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return "writing \(self.path) failed: \(String(cString: strerror(errno)))"
            }
            offset += count
        }
        if fdatasync(self.descriptor) != 0 {
            return "syncing \(self.path) failed: \(String(cString: strerror(errno)))"
        }
        return nil
    }
}

// Free functions, so the names do not collide with the writer's own `close()`.
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }
private func writeBytes(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}
