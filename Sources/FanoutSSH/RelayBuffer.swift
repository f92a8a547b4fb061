/// Bytes waiting to be written in one direction of a relay, consumed from the front.
struct RelayBuffer {
    private var bytes: [UInt8]
    private var start = 0

    /// Creates a buffer holding `bytes`.
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Bytes not yet written.
    var pending: Int { self.bytes.count - self.start }

    /// Adds bytes at the end.
    mutating func append(_ chunk: ArraySlice<CChar>) {
        if self.start > 0 && self.start == self.bytes.count {
            self.bytes.removeAll(keepingCapacity: true)
            self.start = 0
        }
        chunk.withUnsafeBytes { self.bytes.append(contentsOf: $0) }
    }

    /// Drops `count` written bytes from the front.
    mutating func consume(_ count: Int) {
        self.start += count
        if self.start == self.bytes.count {
            self.bytes.removeAll(keepingCapacity: true)
            self.start = 0
        } else if self.start > 64 * 1024 {
            self.bytes.removeFirst(self.start)
            self.start = 0
        }
    }

    /// Drops everything (the destination is gone).
    mutating func removeAll() {
        self.bytes.removeAll()
        self.start = 0
    }

    /// Calls `body` with the bytes not yet written.
    func withPending<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        self.bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[self.start...])) }
    }
}
