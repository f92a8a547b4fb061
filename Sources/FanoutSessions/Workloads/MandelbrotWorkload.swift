import FanoutJobs

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders the Mandelbrot set, one task per row, and writes a binary PGM image (rows differ a lot in cost).
public struct MandelbrotWorkload: Workload {
    public typealias J = Mandelbrot

    public static let name = "mandelbrot"

    /// The widest and tallest image the job renders.
    public static let side: ClosedRange<Int> = 1...65_536
    /// The most pixels: the coordinator holds the whole image (256 MiB at most).
    public static let maximumPixels = 1 << 28
    /// Iterations per point: enough for deep views, few enough that `iterations × 255` stays far from overflow.
    public static let iterations: ClosedRange<Int> = 1...1_000_000_000

    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels (one task per row).
    public var height: Int
    /// Iterations before a point counts as inside.
    public var maxIterations: Int
    /// Where the summary writes the image (binary PGM).
    public var output: String

    /// Describes a run.
    /// - Parameters:
    ///   - width: Image width in pixels.
    ///   - height: Image height in pixels (one task per row).
    ///   - maxIterations: Iterations before a point counts as inside.
    ///   - output: Where the summary writes the image.
    public init(width: Int = 800, height: Int = 600, maxIterations: Int = 1_000, output: String = "mandelbrot.pgm") {
        self.width = width
        self.height = height
        self.maxIterations = maxIterations
        self.output = output
    }

    public func validate() throws(SessionError) {
        try WorkloadLimits.check(self.width, "--width", in: Self.side)
        try WorkloadLimits.check(self.height, "--height", in: Self.side)
        guard self.width * self.height <= Self.maximumPixels else {
            throw SessionError(
                .invalidParameters,
                "--width × --height must be at most \(Self.maximumPixels) pixels, got \(self.width * self.height)"
            )
        }
        try WorkloadLimits.check(self.maxIterations, "--max-iterations", in: Self.iterations)
    }

    public var taskCount: Int { self.height }

    public var parameters: String {
        "--width \(self.width) --height \(self.height) --max-iterations \(self.maxIterations)"
    }
    public func input(at index: Int) -> Mandelbrot.Input {
        Mandelbrot.Input(row: index, width: self.width, height: self.height, maximumIterations: self.maxIterations)
    }
    public func describe(_ output: Mandelbrot.Row) -> String {
        "row \(output.row): \(output.pixels.filter { $0 == 0 }.count) pixels inside"
    }
    public func makeAccumulator() -> any WorkloadAccumulator<Mandelbrot.Row> {
        Image(width: self.width, height: self.height, path: self.output)
    }

    /// Places rows as they arrive into one image buffer and writes the file at the end.
    ///
    /// Only the image is kept: a row of the wrong width, or for another row than its task's (only a lying worker
    /// sends one), is counted and dropped, so what workers send cannot grow the coordinator's memory.
    private struct Image: WorkloadAccumulator {
        let width: Int
        let height: Int
        let path: String
        var pixels: [UInt8] = []
        var received: [Bool] = []
        var rows = 0
        var inside = 0
        var rejected = 0

        init(width: Int, height: Int, path: String) {
            self.width = width
            self.height = height
            self.path = path
        }

        mutating func add(index: Int, output: Mandelbrot.Row) {
            guard output.row == index, (0..<self.height).contains(index), output.pixels.count == self.width else {
                self.rejected += 1
                return
            }
            if self.pixels.isEmpty {
                self.pixels = [UInt8](repeating: 0, count: self.width * self.height)
                self.received = [Bool](repeating: false, count: self.height)
            }
            guard !self.received[index] else {
                return
            }
            self.received[index] = true
            self.pixels.replaceSubrange(index * self.width..<(index + 1) * self.width, with: output.pixels)
            self.rows += 1
            self.inside += output.pixels.filter { $0 == 0 }.count
        }

        func summary() throws(SessionError) -> [String] {
            let image = self.pixels.isEmpty ? [UInt8](repeating: 0, count: self.width * self.height) : self.pixels
            let bytes = Array("P5\n\(self.width) \(self.height)\n255\n".utf8) + image
            let descriptor = open(self.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw SessionError(.summary, "cannot write \(self.path): \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard written > 0 else {
                    throw SessionError(.summary, "cannot write \(self.path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
            return [
                "wrote \(self.path) (\(self.width)x\(self.height), \(self.rows) rows, \(self.inside) pixels inside)"
            ] + (self.rejected > 0 ? ["rows of the wrong size or place (dropped): \(self.rejected)"] : [])
        }
    }
}
