import Testing

@testable import FanoutCoordinator

@Suite("What a host needs to run the worker: ELF linkage, kernel and glibc checks")
struct ExecutableLinkageTests {
    /// A minimal 64-bit little-endian ELF image: the header, then program headers of the given types, each
    /// pointing at its own payload (a dynamic section or a note).
    private static func image(machine: UInt16 = 62, segments: [(type: UInt32, payload: [UInt8])]) -> [UInt8] {
        func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
        var header: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1] + [UInt8](repeating: 0, count: 9)
        header += bytes(UInt16(3)) + bytes(machine) + bytes(UInt32(1)) + bytes(UInt64(0))
        header += bytes(UInt64(64)) + bytes(UInt64(0)) + bytes(UInt32(0)) + bytes(UInt16(64)) + bytes(UInt16(56))
        header += bytes(UInt16(segments.count)) + bytes(UInt16(0)) + bytes(UInt16(0)) + bytes(UInt16(0))
        var payloadOffset = 64 + 56 * segments.count
        var programHeaders: [UInt8] = []
        var payloads: [UInt8] = []
        for segment in segments {
            programHeaders += bytes(segment.type) + bytes(UInt32(4)) + bytes(UInt64(payloadOffset))
            programHeaders += bytes(UInt64(0)) + bytes(UInt64(0)) + bytes(UInt64(segment.payload.count))
            programHeaders += bytes(UInt64(segment.payload.count)) + bytes(UInt64(8))
            payloads += segment.payload
            payloadOffset += segment.payload.count
        }
        return header + programHeaders + payloads
    }

    private static func dynamic(_ tags: [UInt64]) -> [UInt8] {
        tags.flatMap { tag in withUnsafeBytes(of: tag.littleEndian, Array.init) + [UInt8](repeating: 0, count: 8) }
    }

    private static func abiNote(_ major: UInt32, _ minor: UInt32, _ patch: UInt32) -> [UInt8] {
        func bytes(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
        return bytes(4) + bytes(16) + bytes(1) + Array("GNU\0".utf8) + bytes(0) + bytes(major) + bytes(minor)
            + bytes(patch)
    }

    private static func parse(_ image: [UInt8]) -> ExecutableLinkage? {
        ExecutableLinkage.parse { offset, count in
            offset >= 0 && offset + count <= image.count ? Array(image[offset..<offset + count]) : nil
        }
    }

    @Test func noInterpreterAndNoNeededLibraryIsStaticWithItsKernelFloor() throws {
        // A static PIE still has a dynamic section (for its own relocations), but needs no library.
        let image = Self.image(segments: [(4, Self.abiNote(3, 2, 0)), (2, Self.dynamic([0x1e, 0]))])
        let linkage = try #require(Self.parse(image))
        #expect(linkage == ExecutableLinkage(architecture: "x86_64", isStatic: true, minimumKernel: "3.2.0"))
    }

    @Test func anInterpreterOrANeededLibraryIsDynamic() throws {
        let interpreter = try #require(Self.parse(Self.image(segments: [(3, Array("/lib64/ld.so\0".utf8))])))
        #expect(!interpreter.isStatic)
        let needed = try #require(Self.parse(Self.image(segments: [(2, Self.dynamic([1, 0]))])))
        #expect(!needed.isStatic)
        #expect(needed.minimumKernel == nil)
    }

    @Test func theMachineFieldNamesTheArchitecture() throws {
        #expect(try #require(Self.parse(Self.image(machine: 183, segments: []))).architecture == "aarch64")
        #expect(try #require(Self.parse(Self.image(machine: 9999, segments: []))).architecture == nil)
    }

    @Test func notElfOrTruncatedIsNotRead() {
        #expect(Self.parse(Array("#!/bin/sh\necho hello\n".utf8)) == nil)
        let image = Self.image(segments: [(3, [0])])
        #expect(Self.parse(Array(image.prefix(80))) == nil)
        #expect(ExecutableLinkage.read(path: "/nonexistent/fanout-worker") == nil)
    }

    @Test func thisTestProcessIsADynamicExecutableOfThisMachine() throws {
        let linkage = try #require(ExecutableLinkage.read(path: "/proc/self/exe"))
        #expect(!linkage.isStatic)
        #expect(linkage.architecture == WorkerBinary.localArchitecture())
    }

    private static func binary(isStatic: Bool, minimumKernel: String? = "3.2.0") -> WorkerBinary {
        WorkerBinary(
            path: "/w",
            digest: String(repeating: "0", count: 64),
            size: 1,
            architecture: "x86_64",
            minimumGlibc: "2.36",
            isStatic: isStatic,
            minimumKernel: minimumKernel
        )
    }

    private static func host(glibc: String?, kernel: String?) -> HostReport {
        var report = HostReport(host: "h", user: "u")
        report.glibc = glibc
        report.kernel = kernel
        return report
    }

    @Test func aStaticWorkerRunsOnAnOldGlibcOrNoGlibcButNotOnAnOlderKernel() {
        let worker = Self.binary(isStatic: true)
        #expect(
            HostPreparation.libraryProblem(Self.host(glibc: "2.31", kernel: "5.10.0-30-amd64"), binary: worker) == nil
        )
        #expect(HostPreparation.libraryProblem(Self.host(glibc: "unknown", kernel: "6.1.0"), binary: worker) == nil)
        #expect(HostPreparation.libraryProblem(Self.host(glibc: "2.17", kernel: "3.2"), binary: worker) == nil)
        let old = HostPreparation.libraryProblem(
            Self.host(glibc: "2.12", kernel: "2.6.32-754.el6.x86_64"),
            binary: worker
        )
        #expect(old == "host runs Linux 2.6.32-754.el6.x86_64, the worker binary needs at least Linux 3.2.0")
        #expect(worker.requirement == "static, Linux ≥ 3.2.0")
        #expect(Self.binary(isStatic: true, minimumKernel: nil).requirement == "static")
    }

    @Test func aDynamicWorkerStillNeedsItsGlibc() {
        let worker = Self.binary(isStatic: false)
        #expect(HostPreparation.libraryProblem(Self.host(glibc: "2.36", kernel: "6.1.0"), binary: worker) == nil)
        #expect(
            HostPreparation.libraryProblem(Self.host(glibc: "2.31", kernel: "5.10.0"), binary: worker)
                == "host has glibc 2.31, the worker binary needs at least 2.36"
        )
        #expect(
            HostPreparation.libraryProblem(Self.host(glibc: "unknown", kernel: "6.1.0"), binary: worker)?
                .contains("no GNU libc") == true
        )
        #expect(worker.requirement == "glibc ≥ 2.36")
    }

    @Test func namesAreResolvedForTheWorkerAndAddressesPassThrough() {
        #expect(DialAddress.numeric("10.213.0.1") == "10.213.0.1")
        #expect(DialAddress.numeric("::1") == "::1")
        #expect(DialAddress.isNumeric("fe80::1"))
        #expect(!DialAddress.isNumeric("localhost"))
        let localhost = DialAddress.numeric("localhost")
        #expect(localhost == "127.0.0.1" || localhost == "::1", "\(localhost)")
        #expect(DialAddress.numeric("no-such-host.invalid") == "no-such-host.invalid")
    }
}
