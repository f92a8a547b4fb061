#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a host needs to run an ELF executable, read from its headers: the architecture, whether it is static (no
/// program interpreter and no needed shared library, so no glibc floor), and the oldest Linux kernel it accepts
/// (the `NT_GNU_ABI_TAG` note, when the file has one).
public struct ExecutableLinkage: Sendable, Equatable {
    /// The `uname -m` name of the executable's machine (`x86_64`, `aarch64`, ...), or `nil` for one this type does
    /// not name.
    public var architecture: String?
    /// No `PT_INTERP` segment and no `DT_NEEDED` entry: the kernel runs it as it is, whatever libc the host has.
    public var isStatic: Bool
    /// The minimum kernel from the ABI note, e.g. `3.2.0`, or `nil` when the file has none.
    public var minimumKernel: String?

    /// The most program headers read: real executables have about a dozen.
    static let maximumProgramHeaders = 256
    /// The most bytes of one dynamic segment or note segment read.
    static let maximumSegmentBytes = 1 << 20

    /// Creates a description from known facts.
    /// - Parameters:
    ///   - architecture: The `uname -m` name, if known.
    ///   - isStatic: Whether the executable needs no dynamic loader.
    ///   - minimumKernel: The minimum kernel, if the file names one.
    public init(architecture: String?, isStatic: Bool, minimumKernel: String?) {
        self.architecture = architecture
        self.isStatic = isStatic
        self.minimumKernel = minimumKernel
    }

    /// Reads the headers of a 64-bit little-endian ELF file.
    /// - Parameter path: The executable.
    /// - Returns: Its linkage, or `nil` when the file cannot be read or is not a 64-bit little-endian ELF file.
    public static func read(path: String) -> ExecutableLinkage? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return Self.parse { offset, count in
            var bytes = [UInt8](repeating: 0, count: count)
            let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
            return read == count ? bytes : nil
        }
    }

    /// Parses ELF headers through a reader of byte ranges (offset, count), which returns `nil` past the end.
    /// - Parameter read: Returns exactly `count` bytes at `offset`, or `nil`.
    /// - Returns: The linkage, or `nil` when the bytes are not a 64-bit little-endian ELF file.
    static func parse(_ read: (Int, Int) -> [UInt8]?) -> ExecutableLinkage? {
        guard let header = read(0, 64), header[0..<4] == [0x7f, 0x45, 0x4c, 0x46], header[4] == 2, header[5] == 1
        else { return nil }
        let machine = Self.integer(header, 18, 2)
        let programHeaderOffset = Self.integer(header, 32, 8)
        let programHeaderSize = Self.integer(header, 54, 2)
        let programHeaderCount = Self.integer(header, 56, 2)
        guard programHeaderSize >= 56, programHeaderCount <= Self.maximumProgramHeaders,
            programHeaderOffset <= Int(Int32.max)
        else { return nil }
        var interpreter = false
        var needed = false
        var minimumKernel: String?
        for index in 0..<programHeaderCount {
            guard let entry = read(programHeaderOffset + index * programHeaderSize, 56) else { return nil }
            let type = Self.integer(entry, 0, 4)
            let offset = Self.integer(entry, 8, 8)
            let size = min(Self.integer(entry, 32, 8), Self.maximumSegmentBytes)
            switch type {
            case 3:  // PT_INTERP
                interpreter = true
            case 2:  // PT_DYNAMIC: 16-byte (tag, value) entries up to DT_NULL
                guard offset <= Int(Int32.max), let dynamic = read(offset, size - size % 16) else { continue }
                var position = 0
                while position + 16 <= dynamic.count {
                    let tag = Self.integer(dynamic, position, 8)
                    if tag == 0 { break }
                    if tag == 1 { needed = true }  // DT_NEEDED
                    position += 16
                }
            case 4:  // PT_NOTE
                guard minimumKernel == nil, offset <= Int(Int32.max), let notes = read(offset, size) else { continue }
                minimumKernel = Self.abiTag(in: notes)
            default:
                break
            }
        }
        return ExecutableLinkage(
            architecture: Self.architectureNames[machine],
            isStatic: !interpreter && !needed,
            minimumKernel: minimumKernel
        )
    }

    /// `e_machine` values and the names `uname -m` gives them.
    static let architectureNames: [Int: String] = [
        62: "x86_64", 183: "aarch64", 243: "riscv64", 21: "ppc64le", 22: "s390x",
    ]

    /// The `GNU` note of type `NT_GNU_ABI_TAG` (1) for Linux (OS 0): `major.minor.patch`.
    private static func abiTag(in notes: [UInt8]) -> String? {
        var position = 0
        while position + 12 <= notes.count {
            let nameSize = Self.integer(notes, position, 4)
            let descriptionSize = Self.integer(notes, position + 4, 4)
            let type = Self.integer(notes, position + 8, 4)
            let name = position + 12
            let description = name + ((nameSize + 3) & ~3)
            let next = description + ((descriptionSize + 3) & ~3)
            guard nameSize <= notes.count, descriptionSize <= notes.count, next <= notes.count else { return nil }
            if type == 1, nameSize == 4, notes[name..<name + 4] == [0x47, 0x4e, 0x55, 0], descriptionSize >= 16,
                Self.integer(notes, description, 4) == 0
            {
                let parts = (1...3).map { String(Self.integer(notes, description + 4 * $0, 4)) }
                return parts.joined(separator: ".")
            }
            position = next
        }
        return nil
    }

    /// A little-endian unsigned integer of `count` bytes at `offset`, clamped to `Int.max`.
    private static func integer(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        var value: UInt64 = 0
        for index in (0..<count).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value > UInt64(Int.max) ? Int.max : Int(value)
    }
}
