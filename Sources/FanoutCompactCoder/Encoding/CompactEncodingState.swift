/// The shared side of one `CompactEncoder.encode` call: the output buffer and the stack of containers still open.
///
/// Everything is written straight into one buffer in the order the value's `encode(to:)` asks for it. A container's
/// byte length is only known once the value is done with it, which the `Encoder` API never says outright: it is
/// when the next write goes to a container further out, or when the `encode(to:)` that opened it returns. So every
/// open container sits on `frames`, and is closed (its length patched in) at that moment. Writing to a container
/// that was already closed cannot be represented in one pass and is reported as ``CompactCodingError/Code/unsupported``.
final class CompactEncodingState {
    typealias PathComponent = CompactPathComponent

    /// One open container, or one value slot whose `encode(to:)` is still running.
    struct Frame {
        enum Kind {
            /// A value being encoded by a ``CompactValueEncoder``; it holds whatever container its encoder opens.
            case slot
            case keyed
            case unkeyed
        }

        var id: Int
        var kind: Kind
        var depth: Int
        /// Whether the frame has an entry in `components` (values and containers without a key of their own have
        /// none, which keeps the common case free of existential copies).
        var hasComponent: Bool
        /// For containers: where the length placeholder is.
        var headerOffset: Int = 0
        /// For unkeyed containers: elements written so far.
        var elementCount: Int = 0
        /// For slots: the container the slot's encoder opened (0 when none yet).
        var childID: Int = 0
        /// For slots: the kind of that container.
        var childKind: Kind = .slot
        /// For slots: whether a single value container wrote the value.
        var holdsSingleValue: Bool = false
    }

    // Exclusivity is unchecked on the hot properties: dynamic checks cost more than the writes themselves, and no
    // method here touches a property while another access to it is open.

    /// The output so far.
    @exclusivity(unchecked) var bytes: [UInt8]
    @exclusivity(unchecked) private var frames: [Frame] = []
    /// The path components of the frames that have one, innermost last.
    @exclusivity(unchecked) private var components: [(frameID: Int, component: PathComponent)] = []
    @exclusivity(unchecked) private var nextFrameID = 1
    /// The first misuse found inside a non-throwing `Encoder` method, reported when encoding ends.
    private(set) var pendingError: CompactCodingError?
    private let maximumDepth: Int

    /// The capacity reserved up front for a fresh buffer, so a small payload is written without regrowing.
    private static let initialCapacity = 64

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        if self.bytes.capacity < Self.initialCapacity {
            self.bytes.reserveCapacity(Self.initialCapacity)
        }
        self.frames.reserveCapacity(4)
    }

    // MARK: Values

    /// Encodes the top-level value.
    func encodeRoot<T: Encodable>(_ value: T) throws {
        try self.encodeValue(value, at: .none)
        self.closeFrames(above: -1)
        if let pendingError = self.pendingError {
            throw pendingError
        }
    }

    /// Encodes `value` at the end of the buffer: primitives directly, anything else through its `encode(to:)`.
    @inline(__always)
    func encodeValue<T: Encodable>(_ value: T, at component: @autoclosure () -> PathComponent) throws {
        if self.writeIfPrimitive(value) {
            return
        }
        try self.encodeComposite(value, at: component())
    }

    private func encodeComposite<T: Encodable>(_ value: T, at component: PathComponent) throws {
        let slotID = try self.openSlot(at: component)
        do {
            try value.encode(to: CompactValueEncoder(state: self, slotID: slotID))
        } catch {
            throw CompactCodingError.wrapping(error, at: self.codingPath(through: slotID))
        }
        self.closeSlot(slotID)
    }

    /// Writes `value` if it is one of the types the format stores directly, and says whether it did.
    ///
    /// Compares metatypes instead of casting: the `Encoder` API calls us unspecialized, and a metatype comparison is
    /// a pointer comparison where `as?` is a runtime call.
    @inline(__always)
    func writeIfPrimitive<T: Encodable>(_ value: T) -> Bool {
        if T.self == String.self {
            self.writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            self.writeSigned(Int64(unsafeBitCast(value, to: Int.self)))
        } else if T.self == Double.self {
            self.writeDouble(unsafeBitCast(value, to: Double.self))
        } else if T.self == Bool.self {
            self.writeBool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == UInt64.self {
            self.writeUnsigned(unsafeBitCast(value, to: UInt64.self))
        } else if T.self == Int64.self {
            self.writeSigned(unsafeBitCast(value, to: Int64.self))
        } else if T.self == UInt.self {
            self.writeUnsigned(UInt64(unsafeBitCast(value, to: UInt.self)))
        } else if T.self == Int32.self {
            self.writeSigned(Int64(unsafeBitCast(value, to: Int32.self)))
        } else if T.self == UInt32.self {
            self.writeUnsigned(UInt64(unsafeBitCast(value, to: UInt32.self)))
        } else if T.self == Float.self {
            self.writeFloat(unsafeBitCast(value, to: Float.self))
        } else if T.self == UInt8.self {
            self.writeUnsigned(UInt64(unsafeBitCast(value, to: UInt8.self)))
        } else if T.self == Int8.self {
            self.writeSigned(Int64(unsafeBitCast(value, to: Int8.self)))
        } else if T.self == UInt16.self {
            self.writeUnsigned(UInt64(unsafeBitCast(value, to: UInt16.self)))
        } else if T.self == Int16.self {
            self.writeSigned(Int64(unsafeBitCast(value, to: Int16.self)))
        } else if ObjectIdentifier(T.self) == CompactTag.byteArrayType {
            self.writeBytes(unsafeBitCast(value, to: [UInt8].self))
        } else {
            return false
        }
        return true
    }

    /// Whether `type` is an `Optional`: a present optional written through a single value container is marked, so
    /// that `Int??.some(nil)` does not read back as `nil`.
    func isOptional<T>(_ type: T.Type) -> Bool {
        type is any CompactOptionalMarker.Type
    }

    // MARK: Primitive writers

    @inline(__always)
    func writeNil() {
        self.bytes.append(CompactTag.null)
    }

    @inline(__always)
    func writeBool(_ value: Bool) {
        self.bytes.append(value ? CompactTag.boolTrue : CompactTag.boolFalse)
    }

    @inline(__always)
    func writeUnsigned(_ value: UInt64) {
        if value < 0x80 {
            self.appendPair(CompactTag.unsigned, UInt8(truncatingIfNeeded: value))
        } else {
            self.bytes.append(CompactTag.unsigned)
            CompactVarint.append(value, to: &self.bytes)
        }
    }

    @inline(__always)
    func writeSigned(_ value: Int64) {
        let zigzag = CompactVarint.zigzag(value)
        if zigzag < 0x80 {
            self.appendPair(CompactTag.signed, UInt8(truncatingIfNeeded: zigzag))
        } else {
            self.bytes.append(CompactTag.signed)
            CompactVarint.append(zigzag, to: &self.bytes)
        }
    }

    func writeUnsigned128(_ value: UInt128) {
        self.bytes.append(CompactTag.unsigned)
        CompactVarint.append(value, to: &self.bytes)
    }

    func writeSigned128(_ value: Int128) {
        self.bytes.append(CompactTag.signed)
        CompactVarint.append(CompactVarint.zigzag(value), to: &self.bytes)
    }

    @inline(__always)
    func writeFloat(_ value: Float) {
        let bits = value.bitPattern
        self.bytes.append(CompactTag.float32)
        withUnsafeBytes(of: bits.littleEndian) { self.bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    func writeDouble(_ value: Double) {
        let bits = value.bitPattern
        self.bytes.append(CompactTag.float64)
        withUnsafeBytes(of: bits.littleEndian) { self.bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    func writeString(_ value: String) {
        self.writeLengthPrefixed(tag: CompactTag.string, count: value.utf8.count)
        self.appendUTF8(value)
    }

    func writeBytes(_ value: [UInt8]) {
        self.writeLengthPrefixed(tag: CompactTag.bytes, count: value.count)
        self.bytes.append(contentsOf: value)
    }

    @inline(__always)
    private func writeLengthPrefixed(tag: UInt8, count: Int) {
        if count < 0x80 {
            self.appendPair(tag, UInt8(truncatingIfNeeded: count))
        } else {
            self.bytes.append(tag)
            CompactVarint.append(UInt64(count), to: &self.bytes)
        }
    }

    @inline(__always)
    private func appendPair(_ first: UInt8, _ second: UInt8) {
        self.bytes.append(first)
        self.bytes.append(second)
    }

    @inline(__always)
    private func appendUTF8(_ string: String) {
        var string = string
        string.withUTF8 { self.bytes.append(contentsOf: $0) }
    }

    /// Writes an entry key: as an integer when the key is one (and spells it canonically), else as UTF-8.
    @inline(__always)
    func writeKey<Key: CodingKey>(_ key: Key) {
        let stringValue = key.stringValue
        if let intValue = key.intValue,
            CompactCodingKey.string(stringValue, isCanonicalDecimalOf: intValue)
        {
            self.bytes.append(CompactTag.integerKey)
            CompactVarint.append(CompactVarint.zigzag(Int64(intValue)), to: &self.bytes)
            return
        }
        let count = stringValue.utf8.count
        if count <= CompactTag.maximumShortStringKeyLength {
            self.bytes.append(UInt8(truncatingIfNeeded: count &+ 1))
        } else {
            self.bytes.append(CompactTag.longStringKey)
            CompactVarint.append(UInt64(count), to: &self.bytes)
        }
        self.appendUTF8(stringValue)
    }

    // MARK: Frames

    /// The position to roll back to if writing an entry fails half way, so an error caught by the value's own code
    /// leaves no half-written entry behind.
    struct Mark {
        var byteCount: Int
        var frameCount: Int
        var componentCount: Int
    }

    var mark: Mark {
        Mark(byteCount: self.bytes.count, frameCount: self.frames.count, componentCount: self.components.count)
    }

    func rollBack(to mark: Mark) {
        if self.frames.count > mark.frameCount {
            self.frames.removeSubrange(mark.frameCount...)
        }
        if self.components.count > mark.componentCount {
            self.components.removeSubrange(mark.componentCount...)
        }
        if self.bytes.count > mark.byteCount {
            self.bytes.removeSubrange(mark.byteCount...)
        }
    }

    /// Makes the container `frameID` the innermost open one, closing anything opened after it.
    @inline(__always)
    func prepareWrite(into frameID: Int) throws(CompactCodingError) {
        if let last = self.frames.last, last.id == frameID {
            return
        }
        guard let index = self.index(of: frameID) else {
            throw self.closedContainerError()
        }
        self.closeFrames(above: index)
    }

    /// Records one more element in unkeyed container `frameID` (the innermost open one after a write).
    @inline(__always)
    func countElement(in frameID: Int) {
        let top = self.frames.count &- 1
        if top >= 0, self.frames[top].id == frameID {
            self.frames[top].elementCount &+= 1
        } else if let index = self.index(of: frameID) {
            self.frames[index].elementCount &+= 1
        }
    }

    private func openSlot(at component: PathComponent) throws(CompactCodingError) -> Int {
        let depth = (self.frames.last?.depth ?? 0) &+ 1
        guard depth <= self.maximumDepth else {
            throw CompactCodingError(
                code: .tooDeep,
                message: "values are nested more than \(self.maximumDepth) levels deep"
            )
        }
        let id = self.makeFrameID()
        self.frames.append(Frame(id: id, kind: .slot, depth: depth, hasComponent: self.record(component, for: id)))
        return id
    }

    private func closeSlot(_ slotID: Int) {
        if let index = self.index(of: slotID) {
            self.closeFrames(above: index &- 1)
        }
    }

    /// Opens the keyed or unkeyed container of a slot's encoder, or returns the one it already opened (a subclass and
    /// its superclass may both ask the same encoder for a keyed container). Returns 0, a container that rejects
    /// every write, on misuse.
    func openContainer(forSlot slotID: Int, kind: Frame.Kind) -> Int {
        guard let slotIndex = self.index(of: slotID) else {
            self.recordMisuse("an encoder was asked for a container after its value was finished")
            return 0
        }
        let slot = self.frames[slotIndex]
        if slot.childID != 0 {
            guard slot.childKind == kind, let childIndex = self.index(of: slot.childID) else {
                self.recordMisuse("an encoder was asked for two different kinds of container for one value")
                return 0
            }
            self.closeFrames(above: childIndex)
            return slot.childID
        }
        guard !slot.holdsSingleValue else {
            self.recordMisuse("an encoder was asked for a container after it encoded a single value")
            return 0
        }
        self.closeFrames(above: slotIndex)
        let id = self.pushContainer(kind: kind, depth: slot.depth, component: .none)
        self.frames[slotIndex].childID = id
        self.frames[slotIndex].childKind = kind
        return id
    }

    /// Opens a container nested directly in container `parentID`, writing the entry key first if there is one.
    func openNestedContainer<Key: CodingKey>(
        in parentID: Int,
        key: Key?,
        kind: Frame.Kind
    ) -> Int {
        do {
            try self.prepareWrite(into: parentID)
        } catch {
            self.recordMisuse(error.message)
            return 0
        }
        let parentIndex = self.frames.count &- 1
        let parent = self.frames[parentIndex]
        let depth = parent.depth &+ 1
        guard depth <= self.maximumDepth else {
            self.recordError(
                CompactCodingError(
                    code: .tooDeep,
                    message: "values are nested more than \(self.maximumDepth) levels deep"
                )
            )
            return 0
        }
        let component: PathComponent
        if let key {
            self.writeKey(key)
            component = .key(key)
        } else {
            component = .index(parent.elementCount)
            self.frames[parentIndex].elementCount &+= 1
        }
        return self.pushContainer(kind: kind, depth: depth, component: component)
    }

    /// Opens a slot for `superEncoder()`: an encoder for a value nested in container `parentID`.
    func openNestedSlot<Key: CodingKey>(in parentID: Int, key: Key?) -> Int {
        do {
            try self.prepareWrite(into: parentID)
            let parentIndex = self.frames.count &- 1
            let component: PathComponent
            if let key {
                self.writeKey(key)
                component = .key(key)
            } else {
                component = .index(self.frames[parentIndex].elementCount)
                self.frames[parentIndex].elementCount &+= 1
            }
            return try self.openSlot(at: component)
        } catch {
            self.recordError(error)
            return 0
        }
    }

    /// Claims slot `slotID` for a single value and makes it the innermost frame.
    func beginSingleValue(inSlot slotID: Int) throws(CompactCodingError) {
        guard let index = self.index(of: slotID) else {
            throw self.closedContainerError()
        }
        let slot = self.frames[index]
        guard slot.childID == 0, !slot.holdsSingleValue else {
            throw CompactCodingError(
                code: .unsupported,
                message: "a single value container can hold only one value, and not alongside another container"
            )
        }
        self.closeFrames(above: index)
        self.frames[index].holdsSingleValue = true
    }

    /// Gives slot `slotID` back its single value after writing it failed and was rolled back.
    func releaseSingleValue(inSlot slotID: Int) {
        if let index = self.index(of: slotID) {
            self.frames[index].holdsSingleValue = false
        }
    }

    /// The coding path of frame `frameID` (or of the innermost frame if it is gone).
    func codingPath(through frameID: Int) -> [any CodingKey] {
        // Frame ids grow from the bottom of the stack up, so the frames through `frameID` are those with smaller ids.
        let lastID = self.index(of: frameID) == nil ? Int.max : frameID
        var path: [any CodingKey] = []
        for entry in self.components where entry.frameID <= lastID {
            entry.component.append(to: &path)
        }
        return path
    }

    /// The number of elements written to unkeyed container `frameID`.
    func elementCount(of frameID: Int) -> Int? {
        self.index(of: frameID).map { self.frames[$0].elementCount }
    }

    private func pushContainer(kind: Frame.Kind, depth: Int, component: PathComponent) -> Int {
        let id = self.makeFrameID()
        var frame = Frame(id: id, kind: kind, depth: depth, hasComponent: self.record(component, for: id))
        if kind == .keyed {
            self.appendPair(CompactTag.keyed, 0)
            frame.headerOffset = self.bytes.count &- 1
        } else {
            self.bytes.append(CompactTag.unkeyed)
            frame.headerOffset = self.bytes.count
            self.appendPair(0, 0)
        }
        self.frames.append(frame)
        return id
    }

    /// Stores `component` for frame `id` if there is one; returns whether it did.
    @inline(__always)
    private func record(_ component: PathComponent, for id: Int) -> Bool {
        if case .none = component {
            return false
        }
        self.components.append((id, component))
        return true
    }

    private func makeFrameID() -> Int {
        let id = self.nextFrameID
        self.nextFrameID &+= 1
        return id
    }

    @inline(__always)
    private func index(of frameID: Int) -> Int? {
        var index = self.frames.count &- 1
        while index >= 0 {
            if self.frames[index].id == frameID {
                return index
            }
            index &-= 1
        }
        return nil
    }

    /// Closes every frame above `index`, innermost first.
    private func closeFrames(above index: Int) {
        while self.frames.count > index &+ 1, let frame = self.frames.popLast() {
            if frame.hasComponent {
                _ = self.components.popLast()
            }
            switch frame.kind {
            case .slot:
                if frame.childID == 0 && !frame.holdsSingleValue {
                    // The value encoded nothing at all; an empty keyed container reads back like that
                    // (and is what Foundation's JSON encoder writes, `{}`).
                    self.appendPair(CompactTag.keyed, 0)
                }
            case .keyed:
                self.patchLength(at: frame.headerOffset, count: nil)
            case .unkeyed:
                self.patchLength(at: frame.headerOffset, count: frame.elementCount)
            }
        }
    }

    /// Fills in a container header: the byte length of the content, and for unkeyed containers the element count.
    /// The placeholder is one byte per number; larger numbers shift the content, which happens only for containers
    /// of 128 bytes or more and so costs little next to writing them.
    private func patchLength(at offset: Int, count: Int?) {
        let placeholderLength = count == nil ? 1 : 2
        let contentStart = offset &+ placeholderLength
        let length = self.bytes.count &- contentStart
        let elementCount = count ?? 0
        if length < 0x80 && elementCount < 0x80 {
            self.bytes[offset] = UInt8(truncatingIfNeeded: length)
            if count != nil {
                self.bytes[offset &+ 1] = UInt8(truncatingIfNeeded: elementCount)
            }
            return
        }
        var header: [UInt8] = []
        header.reserveCapacity(2 * CompactVarint.maximumLength)
        CompactVarint.append(UInt64(length), to: &header)
        if let count {
            CompactVarint.append(UInt64(count), to: &header)
        }
        self.bytes.replaceSubrange(offset..<contentStart, with: header)
    }

    private func closedContainerError() -> CompactCodingError {
        self.pendingError
            ?? CompactCodingError(
                code: .unsupported,
                message: "a container was written to after a container opened later was written to, or after "
                    + "its value was finished; this encoder writes in one pass and cannot go back"
            )
    }

    private func recordMisuse(_ message: String) {
        self.recordError(CompactCodingError(code: .unsupported, message: message))
    }

    private func recordError(_ error: any Error) {
        if self.pendingError == nil {
            self.pendingError = CompactCodingError.wrapping(error, at: self.codingPath(through: -1))
        }
    }
}
