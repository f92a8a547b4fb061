import ArgumentParser
import FanoutJobs

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `fanout run mandelbrot`: render the Mandelbrot set row by row and write a PGM image.
struct MandelbrotCommand: AsyncParsableCommand, Workload {
    typealias J = Mandelbrot

    static let configuration = CommandConfiguration(
        commandName: "mandelbrot",
        abstract: "Render the Mandelbrot set, one task per row, and write a PGM image (rows differ a lot in cost).",
        discussion: "Example: fanout run mandelbrot --width 1600 --height 1200 --output set.pgm --summary-only"
    )

    @Option(help: "Image width in pixels.") var width: Int = 800
    @Option(help: "Image height in pixels (one task per row).") var height: Int = 600
    @Option(help: "Iterations before a point counts as inside.") var maxIterations: Int = 1_000
    @Option(help: "Where to write the image (binary PGM).") var output: String = "mandelbrot.pgm"
    @OptionGroup var options: RunOptions

    /// The widest and tallest image the job renders.
    static let side: ClosedRange<Int> = 1...65_536
    /// The most pixels: the coordinator holds the whole image (256 MiB at most).
    static let maximumPixels = 1 << 28
    /// Iterations per point: enough for deep views, few enough that `iterations × 255` stays far from overflow.
    static let iterations: ClosedRange<Int> = 1...1_000_000_000

    func validate() throws {
        try OptionRange.check(self.width, "--width", in: Self.side)
        try OptionRange.check(self.height, "--height", in: Self.side)
        guard self.width * self.height <= Self.maximumPixels else {
            throw ValidationError(
                "--width × --height must be at most \(Self.maximumPixels) pixels, got \(self.width * self.height)"
            )
        }
        try OptionRange.check(self.maxIterations, "--max-iterations", in: Self.iterations)
    }

    var taskCount: Int { self.height }

    var parameters: String { "--width \(self.width) --height \(self.height) --max-iterations \(self.maxIterations)" }
    func input(at index: Int) -> Mandelbrot.Input {
        Mandelbrot.Input(row: index, width: self.width, height: self.height, maximumIterations: self.maxIterations)
    }
    func describe(_ output: Mandelbrot.Row) -> String {
        "row \(output.row): \(output.pixels.filter { $0 == 0 }.count) pixels inside"
    }
    func makeAccumulator() -> any WorkloadAccumulator<Mandelbrot.Row> {
        Image(width: self.width, height: self.height, path: self.output)
    }
    func run() async throws { try await RunDriver(workload: self, options: self.options).run() }

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

        func summary() throws -> [String] {
            let image = self.pixels.isEmpty ? [UInt8](repeating: 0, count: self.width * self.height) : self.pixels
            let bytes = Array("P5\n\(self.width) \(self.height)\n255\n".utf8) + image
            let descriptor = open(self.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw ValidationError("cannot write \(self.path): \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard written > 0 else {
                    throw ValidationError("cannot write \(self.path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
            return [
                "wrote \(self.path) (\(self.width)x\(self.height), \(self.rows) rows, \(self.inside) pixels inside)"
            ] + (self.rejected > 0 ? ["rows of the wrong size or place (dropped): \(self.rejected)"] : [])
        }
    }
}
