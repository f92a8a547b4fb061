import FanoutProtocol

/// The journal's on-disk format: a header naming the run, then one record per finished task.
///
/// ```
/// file    = magic "FANOUTJ1", frame(header), frame(record)*
/// frame   = u32 body length, u32 CRC-32 of body, body          (little-endian)
/// header  = str16 job, str32 parameters, u16 n, n × str16 binary digest
/// record  = u64 index, u64 input digest, u64 busy ns, u32 attempts, u8 kind (0 output, 1 error),
///           str16 worker, str16 host, bytes32 output or error text
/// ```
///
/// A frame whose length runs past the end of the file or whose checksum does not match is torn (the coordinator
/// died while writing it): it and anything after it are ignored and cut off when the journal is resumed.
enum JournalRecord {
    static let magic: [UInt8] = Array("FANOUTJ1".utf8)
    /// No record of ours comes near this; a larger length is corruption, not a record to allocate for.
    static let maximumBodyBytes = 1 << 30
    /// The most bytes after the last whole record that can be a torn last write; more is damage.
    static let maximumTornTailBytes = 64 << 20

    // MARK: Writing

    static func appendFrame(_ body: [UInt8], to out: inout [UInt8]) {
        Self.put(UInt32(body.count), &out)
        Self.put(CRC32.checksum(body), &out)
        out.append(contentsOf: body)
    }

    static func encodeHeader(_ identity: RunJournal.Identity) -> [UInt8] {
        var body: [UInt8] = []
        Self.putString16(identity.job, &body)
        Self.putBytes32(Array(identity.parameters.utf8), &body)
        Self.put(UInt16(clamping: identity.binaryDigests.count), &body)
        for digest in identity.binaryDigests.prefix(Int(UInt16.max)) { Self.putString16(digest, &body) }
        return body
    }

    static func encode(_ result: RawResult, into out: inout [UInt8]) {
        var body: [UInt8] = []
        body.reserveCapacity(64)
        Self.put(result.index, &body)
        Self.put(result.inputDigest, &body)
        Self.put(result.busyNanoseconds, &body)
        Self.put(UInt32(clamping: result.attempts), &body)
        switch result.outcome {
        case .success(let bytes):
            body.append(0)
            Self.putString16(result.workerID, &body)
            Self.putString16(result.host, &body)
            Self.putBytes32(bytes, &body)
        case .failure(let message):
            body.append(1)
            Self.putString16(result.workerID, &body)
            Self.putString16(result.host, &body)
            Self.putBytes32(Array(message.utf8), &body)
        }
        Self.appendFrame(body, to: &out)
    }

    private static func put<T: FixedWidthInteger>(_ value: T, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func putString16(_ text: String, _ out: inout [UInt8]) {
        let bytes = Array(text.utf8.prefix(Int(UInt16.max)))
        Self.put(UInt16(bytes.count), &out)
        out.append(contentsOf: bytes)
    }

    private static func putBytes32(_ bytes: [UInt8], _ out: inout [UInt8]) {
        Self.put(UInt32(clamping: bytes.count), &out)
        out.append(contentsOf: bytes)
    }

    // MARK: Reading

    /// What ``Reader/next()`` found.
    enum Frame {
        /// A whole frame whose checksum matches.
        case body(ArraySlice<UInt8>)
        /// The end of the file, exactly at a frame boundary.
        case end
        /// A frame that is cut short or whose checksum does not match (``Reader/offset`` stays before it).
        case bad
    }

    /// Reads frames from a whole file's bytes.
    struct Reader {
        let bytes: [UInt8]
        /// Where the next frame starts; after a bad frame, where the good part of the file ends.
        private(set) var offset: Int

        init(bytes: [UInt8], offset: Int) {
            self.bytes = bytes
            self.offset = offset
        }

        /// The next frame. A length is checked against ``JournalRecord/maximumBodyBytes`` and the bytes left
        /// before anything is taken, and nothing is allocated for it: a body is a slice of the file's bytes.
        mutating func next() -> Frame {
            guard self.offset < self.bytes.count else { return .end }
            guard let body = Self.frame(in: self.bytes, at: self.offset) else { return .bad }
            self.offset = body.endIndex
            return .body(body)
        }

        /// The body of a whole, checksummed frame starting at `offset`, if one does.
        static func frame(in bytes: [UInt8], at offset: Int) -> ArraySlice<UInt8>? {
            guard offset >= 0, offset <= bytes.count else { return nil }
            var cursor = Cursor(bytes: bytes[offset...])
            guard let length = cursor.read(UInt32.self), let checksum = cursor.read(UInt32.self),
                Int(length) <= JournalRecord.maximumBodyBytes, let body = cursor.take(Int(length)),
                CRC32.checksum(body) == checksum
            else { return nil }
            return body
        }

        /// Whether the bytes from `offset` on are what a crash leaves after the last whole record (part of one
        /// last write, or zeros where the file system had extended the file), rather than damage in the middle:
        /// a torn tail holds no whole record after the point where reading stopped. Looking stops after
        /// ``maximumTornTailBytes``: a longer tail is not torn but damaged.
        func isTornTail(from offset: Int) -> Bool {
            let rest = self.bytes[offset...]
            if rest.allSatisfy({ $0 == 0 }) { return true }
            guard rest.count <= JournalRecord.maximumTornTailBytes else { return false }
            for start in (offset + 1)..<self.bytes.count {
                if let body = Self.frame(in: self.bytes, at: start), !body.isEmpty,
                    JournalRecord.decodeRecord(body) != nil
                {
                    return false
                }
            }
            return true
        }
    }

    /// Decodes a header body; `nil` when it is malformed.
    static func decodeHeader(_ body: ArraySlice<UInt8>) -> RunJournal.Identity? {
        var cursor = Cursor(bytes: body)
        guard let job = cursor.string16(), let parameters = cursor.bytes32(), let count = cursor.read(UInt16.self)
        else { return nil }
        var digests: [String] = []
        for _ in 0..<count {
            guard let digest = cursor.string16() else { return nil }
            digests.append(digest)
        }
        guard cursor.isAtEnd else { return nil }
        return RunJournal.Identity(
            job: job,
            parameters: String(decoding: parameters, as: UTF8.self),
            binaryDigests: digests
        )
    }

    /// Decodes a record body; `nil` when it is malformed.
    static func decodeRecord(_ body: ArraySlice<UInt8>) -> RawResult? {
        var cursor = Cursor(bytes: body)
        guard let index = cursor.read(UInt64.self), let inputDigest = cursor.read(UInt64.self),
            let busy = cursor.read(UInt64.self), let attempts = cursor.read(UInt32.self),
            let kind = cursor.read(UInt8.self), kind <= 1, let workerID = cursor.string16(),
            let host = cursor.string16(), let payload = cursor.bytes32(), cursor.isAtEnd
        else { return nil }
        return RawResult(
            index: index,
            workerID: workerID,
            host: host,
            outcome: kind == 0 ? .success(Array(payload)) : .failure(String(decoding: payload, as: UTF8.self)),
            busyNanoseconds: busy,
            attempts: Int(attempts),
            inputDigest: inputDigest,
            replayed: true
        )
    }

    /// Bounds-checked little-endian reads over a slice.
    struct Cursor {
        let bytes: ArraySlice<UInt8>
        var position: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.position = bytes.startIndex
        }

        var isAtEnd: Bool { self.position == self.bytes.endIndex }

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, self.bytes.endIndex - self.position >= count else { return nil }
            defer { self.position += count }
            return self.bytes[self.position..<self.position + count]
        }

        mutating func read<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard let raw = self.take(MemoryLayout<T>.size) else { return nil }
            var value: T = 0
            for (shift, byte) in raw.enumerated() { value |= T(byte) << (shift * 8) }
            return value
        }

        mutating func string16() -> String? {
            guard let count = self.read(UInt16.self), let raw = self.take(Int(count)) else { return nil }
            return String(decoding: raw, as: UTF8.self)
        }

        mutating func bytes32() -> ArraySlice<UInt8>? {
            guard let count = self.read(UInt32.self) else { return nil }
            return self.take(Int(count))
        }
    }
}
