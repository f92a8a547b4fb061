/// Cuts a byte stream into lines for a callback, holding a partial line until its newline (or `finish()`) comes.
struct LineSplitter {
    private var pending: [UInt8] = []
    private let onLine: (String) -> Void

    /// Creates a splitter that hands each complete line, without its newline, to `onLine`.
    init(onLine: @escaping (String) -> Void) {
        self.onLine = onLine
    }

    /// Adds bytes; calls `onLine` for every line they complete.
    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                self.onLine(String(decoding: self.pending, as: UTF8.self))
                self.pending.removeAll(keepingCapacity: true)
            } else {
                self.pending.append(byte)
            }
        }
    }

    /// Hands over a last line that has no newline.
    mutating func finish() {
        if !self.pending.isEmpty { self.onLine(String(decoding: self.pending, as: UTF8.self)) }
        self.pending.removeAll()
    }
}
